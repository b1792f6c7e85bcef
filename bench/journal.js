// bench/journal: the typed journal (issue 14) against the build before it, side by side in one run:
// the runner's own cost per step (1,000 features, scripted no-op agents, git stood in for) and the
// time to resume from a 100,000-event journal (load, verify the hash chain, fold, choose). The
// baseline is built from git history (MISSIONC_BASELINE_COMMIT, default the commit before the typed
// journal) in a temporary worktree; the two are measured in turns, seven times each (fsync on this
// disk varies by a tenth from one run to the next: three rounds were not enough to tell 3% apart),
// medians and minima shown. The "typed" side is this tree: every runner change since is in it too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runMission } from "../dist/runner/run.js";
import { loadJournal } from "../dist/runner/journal.js";
import { fold } from "../dist/runner/state.js";
import { nextAction } from "../dist/runner/next.js";
import { bigJournal, timedResume, timedRun } from "./run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BASELINE = process.env["MISSIONC_BASELINE_COMMIT"] ?? "17e3cd4";
const ROUNDS = Number(process.env["ROUNDS"] ?? 7);

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The baseline's runner, built with tsc from its commit; and how to remove it. */
async function baseline() {
  const dir = join(mkdtempSync(join(tmpdir(), "missionc-baseline-")), "tree");
  execFileSync("git", ["worktree", "add", "--detach", "-q", dir, BASELINE], { cwd: ROOT, stdio: "ignore" });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  execFileSync(process.execPath, [join(ROOT, "node_modules/.bin/tsc"), "-p", join(dir, "tsconfig.json")], { cwd: dir, stdio: "ignore" });
  // the same modules as this build's, from another folder: typed as this build's (their interface is)
  const runner = {
    runMission: /** @type {typeof import("../dist/runner/run.js")} */ (await import(join(dir, "dist/runner/run.js"))).runMission,
    loadJournal: /** @type {typeof import("../dist/runner/journal.js")} */ (await import(join(dir, "dist/runner/journal.js"))).loadJournal,
    fold: /** @type {typeof import("../dist/runner/state.js")} */ (await import(join(dir, "dist/runner/state.js"))).fold,
    nextAction: /** @type {typeof import("../dist/runner/next.js")} */ (await import(join(dir, "dist/runner/next.js"))).nextAction,
  };
  const remove = () => execFileSync("git", ["worktree", "remove", "--force", dir], { cwd: ROOT, stdio: "ignore" });
  return { runner, remove };
}

export async function benchJournal() {
  console.log(`bench/journal — the typed journal against ${BASELINE} (before it), ${ROUNDS} rounds in turns, medians`);
  const before = await baseline();
  const typed = { runMission, loadJournal, fold, nextAction };
  const { dir, path, plan } = bigJournal();
  /** @type {Record<"before" | "typed", { step: number[], resume: number[] }>} */
  const times = { before: { step: [], resume: [] }, typed: { step: [], resume: [] } };
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const [name, runner] of /** @type {const} */ ([
        ["before", before.runner],
        ["typed", typed],
      ])) {
        const run = await timedRun(false, runner);
        times[name].step.push(run.ms / run.steps);
        times[name].resume.push(timedResume(path, plan, runner).ms);
      }
  } finally {
    before.remove();
    rmSync(dir, { recursive: true, force: true });
  }
  /** @param {"step" | "resume"} what @param {number} digits */
  const line = (what, digits) => {
    const [b, t] = [median(times.before[what]), median(times.typed[what])];
    const [bMin, tMin] = [Math.min(...times.before[what]), Math.min(...times.typed[what])];
    return `before ${b.toFixed(digits)} ms, typed ${t.toFixed(digits)} ms (${(t / b).toFixed(2)}x); minima ${bMin.toFixed(digits)} and ${tMin.toFixed(digits)} ms (${(tMin / bMin).toFixed(2)}x)`;
  };
  console.log(`runner overhead a step, medians:   ${line("step", 2)}`);
  console.log(`resume, 100,000 events, medians:   ${line("resume", 0)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchJournal();
