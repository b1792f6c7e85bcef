// bench/run: the runner's own cost. A generated mission of 1,000 features run offline with scripted
// no-op agents (a handoff, a verdict, an accept: no tools), timed with real git and with a stand-in
// that does nothing, so the difference is git's; and the time to resume from a 100,000-event journal
// (load, verify the hash chain, fold the state, choose the next action), and what Mission Control
// pays to read the same journal: `status` (which `watch` redraws every second) and `report`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { runMission } from "../dist/runner/run.js";
import { Journal, loadJournal } from "../dist/runner/journal.js";
import { Redactor } from "../dist/runner/redact.js";
import { fold } from "../dist/runner/state.js";
import { nextAction } from "../dist/runner/next.js";
import { planFromMission } from "../dist/plan/load.js";
import { nodeHost } from "../dist/syntax/host.js";
import { canonicalJson } from "../dist/plan/canonical.js";
import { layoutAt } from "../dist/runner/layout.js";
import { Blobs } from "../dist/runner/blobs.js";
import { readStatus } from "../dist/control/status.js";
import { readReport } from "../dist/control/report.js";

/**
 * The runner's modules this benchmark times: this build's, or (bench/journal.js) another build's,
 * so that two versions are measured side by side in one process.
 * @typedef {{ runMission: typeof runMission, loadJournal: typeof loadJournal, fold: typeof fold, nextAction: typeof nextAction }} Runner
 * @type {Runner}
 */
const THIS_BUILD = { runMission, loadJournal, fold, nextAction };

const FEATURES = 1000;
const PER_MILESTONE = 50;

function mission() {
  const out = [
    'mission bench "Runner benchmark" {',
    '  goal "measure the runner"',
    '  model m = anthropic "claude-sonnet-5-5"',
    '  model o = openai "gpt-5"',
    "  role orchestrator = m",
    "  role worker = m",
    "  role reviewer = o",
    "  contract {",
  ];
  for (let i = 0; i < FEATURES; i++) out.push(`    assert a.f${i} "feature ${i} works" { by reviewer }`);
  out.push("  }");
  for (let m = 0; m < FEATURES / PER_MILESTONE; m++) {
    out.push(`  milestone ms${m} {`);
    for (let i = m * PER_MILESTONE; i < (m + 1) * PER_MILESTONE; i++) out.push(`    feature f${i} { fulfills a.f${i} }`);
    out.push("    validate scrutiny", "  }");
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

function script() {
  /** @type {Record<string, unknown[]>} */
  const runs = {};
  for (let i = 0; i < FEATURES; i++) {
    runs[`implement:f${i}#1`] = [
      {
        tools: [
          {
            name: "submit_handoff",
            input: {
              feature: `f${i}`,
              status: "done",
              implemented: ["nothing"],
              left_undone: [],
              commands: [],
              issues: [],
              procedures_followed: true,
              notes: "",
            },
          },
        ],
      },
    ];
    runs[`review:ms${Math.floor(i / PER_MILESTONE)}#1:f${i}`] = [
      { tools: [{ name: "submit_verdicts", input: { verdicts: [{ assertion: `a.f${i}`, verdict: "pass", evidence: "bench" }] } }] },
    ];
  }
  for (let m = 0; m < FEATURES / PER_MILESTONE; m++)
    runs[`gate:ms${m}#1`] = [{ tools: [{ name: "decide", input: { action: "accept", reason: "bench" } }] }];
  return { format: "missionc.script/1", runs };
}

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "missionc-bench-"));
  writeFileSync(join(dir, "bench.mission"), mission());
  writeFileSync(join(dir, "bench.script.yaml"), stringify(script()));
  /** @param {string[]} a */
  const git = (...a) => execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...a], { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-qm", "bench");
  return dir;
}

/** @param {string} file @param {string} dir */
function loadedPlan(file, dir) {
  const loaded = planFromMission(file, nodeHost(dir));
  if (!loaded.ok) throw new Error(`the bench mission does not load: ${loaded.reason}`);
  return loaded.plan;
}

/** Git that does nothing: what is left of a step is the runner's own work. */
function noGit() {
  let n = 0;
  const id = () => (n++).toString(16).padStart(40, "0");
  return () => ({
    prepare: async () => id(),
    head: async () => id(),
    resetTo: async () => {},
    findStepCommit: async () => undefined,
    commit: async () => ({ commit: id(), tree: id() }),
    diff: async () => "",
  });
}

/** @param {boolean} withGit @param {Runner} runner */
export async function timedRun(withGit, runner = THIS_BUILD) {
  const dir = repo();
  const steps = loadedPlan(join(dir, "bench.mission"), dir).steps.length;
  const started = process.hrtime.bigint();
  const outcome = await runner.runMission({
    missionFile: join(dir, "bench.mission"),
    offline: true,
    progress: () => {},
    ...(withGit ? {} : { workspace: noGit() }),
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (outcome.status !== "done") throw new Error(`bench run did not complete: ${"message" in outcome ? outcome.message : outcome.status}`);
  rmSync(dir, { recursive: true, force: true });
  return { ms, steps };
}

/** A 100,000-event journal of the bench mission, and its plan. */
export function bigJournal() {
  const dir = mkdtempSync(join(tmpdir(), "missionc-journal-"));
  const mdir = join(dir, "m");
  mkdirSync(mdir);
  writeFileSync(join(mdir, "bench.mission"), mission());
  const plan = loadedPlan(join(mdir, "bench.mission"), mdir);
  const path = join(dir, "journal.jsonl");
  const j = new Journal(path, [], new Redactor([]));
  const blob = "0".repeat(64);
  j.append("mission_started", { plan_digest: plan.digest, branch: "b", base: blob.slice(0, 40) });
  let events = 1;
  for (let i = 0; events < 100_000; i++) {
    const f = `f${i % FEATURES}`;
    const run = `implement:${f}#${Math.floor(i / FEATURES) + 1}`;
    j.append("step_started", { step: run, run, feature: f, attempt: Math.floor(i / FEATURES) + 1, base: blob.slice(0, 40) });
    events++;
    for (let t = 1; t <= 24 && events < 100_000; t++) {
      j.append("model_response", {
        run,
        turn: t,
        role: "worker",
        model: "m",
        blob,
        usage: { input: 1000, cache_read: 900, cache_write: 0, output: 50 },
      });
      j.append("tool_result", { run, turn: t, index: 0, name: "read_file", blob, is_error: false });
      events += 2;
    }
  }
  j.close();
  return { dir, path, plan };
}

/** Load, verify, fold, choose: what a resumed runner does before its first step. @param {string} path @param {import("../dist/plan/types.js").Plan} plan @param {Runner} runner */
export function timedResume(path, plan, runner = THIS_BUILD) {
  const started = process.hrtime.bigint();
  const loaded = runner.loadJournal(path);
  const state = runner.fold(plan, loaded.events);
  runner.nextAction(plan, state);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, events: loaded.events.length };
}

async function resume() {
  const { dir, path, plan } = bigJournal();
  const { ms, events } = timedResume(path, plan);
  const loaded = { events: { length: events } };
  writeFileSync(join(dir, "plan.json"), canonicalJson(plan));
  const layout = layoutAt(dir, dir);
  let t = process.hrtime.bigint();
  readStatus(layout);
  const statusMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  await readReport(layout, new Blobs(layout.blobs, new Redactor([])));
  const reportMs = Number(process.hrtime.bigint() - t) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  return { ms, events: loaded.events.length, statusMs, reportMs };
}

export async function benchRun() {
  console.log(`bench/run — ${FEATURES} features, scripted no-op agents, offline`);
  const without = await timedRun(false);
  const withGit = await timedRun(true);
  /** @param {{ ms: number, steps: number }} r */
  const per = (r) => r.ms / r.steps;
  console.log(
    `without git: ${without.steps} steps in ${(without.ms / 1000).toFixed(2)} s → ${per(without).toFixed(2)} ms a step (target: under 5 ms) ${per(without) < 5 ? "MET" : "MISSED"}`,
  );
  console.log(
    `with git:    ${withGit.steps} steps in ${(withGit.ms / 1000).toFixed(2)} s → ${per(withGit).toFixed(2)} ms a step (git's share ${(per(withGit) / per(without)).toFixed(1)}x)`,
  );
  const r = await resume();
  console.log(
    `resume from a ${r.events.toLocaleString("en")}-event journal: ${r.ms.toFixed(0)} ms (target: under 1 s) ${r.ms < 1000 ? "MET" : "MISSED"}`,
  );
  console.log(
    `Mission Control on the same journal: status ${r.statusMs.toFixed(0)} ms (watch redraws every second), report ${r.reportMs.toFixed(0)} ms; ${(r.reportMs / r.ms).toFixed(2)}x the resume`,
  );
}

if (process.argv[2] === "--profile") await timedRun(false);
else if (process.argv[2] === "--resume") console.log(await resume());
else if (import.meta.url === `file://${process.argv[1]}`) await benchRun();
