// bench/diff: `missionc diff A B` (two missions of 10,000 features that differ in one feature's
// title) and `missionc plan --json A` beside `missionc check A`, whole processes, wall clock,
// interleaved run by run. Goal: diff and plan each within 2x of check. A run that fails or passes
// the time-out is reported as such, and that command is not run again.
// `node bench/diff.js` runs it alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { missionContent, toMission } from "./generate.js";
import { cells, interleaved, ms, printTable, ratio, runNode, verdict } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/missionc.js");
const FEATURES = 10_000;
const WARMUPS = 1;
const RUNS = 5;
const TIMEOUT_MS = 120_000;

export function benchDiffPlan() {
  const dir = mkdtempSync(join(tmpdir(), "missionc-bench-diff-"));
  try {
    const content = missionContent(FEATURES);
    const a = join(dir, "a.mission");
    const b = join(dir, "b.mission");
    writeFileSync(a, toMission(content));
    const changed = content.milestones[Math.floor(content.milestones.length / 2)]?.features[0];
    if (!changed) throw new Error("the generated mission has no feature to change");
    changed.title = `${changed.title} (renamed)`;
    writeFileSync(b, toMission(content));

    /** @param {string[]} args */
    const missionc = (args) => () => runNode([BIN, ...args], { cwd: ROOT, timeoutMs: TIMEOUT_MS });
    const rows = /** @type {const} */ ([
      ["missionc check A.mission", ["check", a]],
      ["missionc diff A.mission B.mission", ["diff", a, b]],
      ["missionc plan --json A.mission", ["plan", "--json", a]],
    ]);
    const [check, ...others] = interleaved(rows.map(([name, args]) => ({ name, warmups: WARMUPS, runs: RUNS, run: missionc([...args]) })));
    if (!check) throw new Error("no timing for check");

    console.log(
      `bench/diff — diff and plan beside check at ${FEATURES.toLocaleString("en")} features, whole process, interleaved, ms (B renames feature ${changed.name}; stdout to /dev/null; time-out ${TIMEOUT_MS / 1000} s)`,
    );
    printTable(
      ["command", "runs", "min", "median", "/ check median", "(min)", "goal"],
      [check, ...others].map((t) => {
        const c = cells(t);
        if (t === check) return [t.name, String(t.times.length), c.min, c.median];
        const r = t.median / check.median;
        return [
          t.name,
          String(t.times.length),
          c.min,
          c.median,
          ratio(t.median, check.median),
          ratio(t.min, check.min),
          `within 2x ${t.failure ? "MISSED" : verdict(r <= 2)}`,
        ];
      }),
    );
    for (const t of [check, ...others])
      if (t.failure) console.log(`  ${t.name}: ${t.failure.status} after ${ms(t.failure.afterMs)} ms — ${t.failure.message}`);
    return { check, diff: others[0], plan: others[1] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchDiffPlan();
