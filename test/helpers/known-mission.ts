import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson } from "../../src/plan/canonical.js";
import type { EventData, EventType } from "../../src/runner/events.js";
import { Journal } from "../../src/runner/journal.js";
import { Redactor } from "../../src/runner/redact.js";
import { git } from "./missions.js";
import { planOf } from "./plans.js";

/**
 * A mission whose journal was written with a clock the test controls (the seed-shaped journal of
 * the report's tests, and of Mission Control's): its figures are worked out by hand in the comments.
 */

const MISSION = `mission known {
  goal "Known numbers."
  budget { tokens 10000 }
  model m = anthropic "claude-sonnet-5-5" { price { input $3  output $15  cache_read $0.3  cache_write $3.75 } }
  model j = openai "gpt-5" { price { input $3  output $15  cache_read $0.3  cache_write $3.75 } }
  role orchestrator = m
  role worker = m
  role reviewer = j
  role user_tester = j
  contract {
    assert k.one "one" { check "true" }
    assert k.two "two" { by reviewer }
  }
  milestone m1 {
    feature a { fulfills k.one, k.two }
    validate scrutiny
  }
}
`;

const T0 = Date.parse("2026-01-01T00:00:00.000Z");

/** A state folder whose journal has the timeline in the comments, and a git history with known line counts. */
export function knownMission(): string {
  const repo = mkdtempSync(join(tmpdir(), "missionc-report-"));
  writeFileSync(join(repo, "README.md"), "one\ntwo\nthree\n");
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "base");
  const base = git(repo, "rev-parse", "HEAD").trim();
  git(repo, "checkout", "-q", "-b", "mission/known");
  mkdirSync(join(repo, "src"));
  mkdirSync(join(repo, "test"));
  writeFileSync(join(repo, "src/a.js"), "a\n".repeat(10)); // +10
  writeFileSync(join(repo, "test/a.js"), "t\n".repeat(4)); // +4, a test file (under test/)
  writeFileSync(join(repo, "src/b.spec.ts"), "s\n"); // +1, a test file (*.spec.*)
  writeFileSync(join(repo, "README.md"), "one\n"); // −2
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "work");
  git(repo, "checkout", "-q", "main");

  const plan = planOf(MISSION, join(repo, "known.mission"), repo);
  const dir = join(repo, ".missions", "known");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "plan.json"), canonicalJson(plan));
  let now = T0;
  const journal = new Journal(join(dir, "journal.jsonl"), [], new Redactor([]), { now: () => new Date(now) });
  const at = <K extends EventType>(s: number, type: K, data: EventData[K]): void => {
    now = T0 + s * 1000;
    journal.append(type, data);
  };
  const usage = (input: number, cache_read: number, cache_write: number, output: number) => ({ input, cache_read, cache_write, output });
  // session 1: 0 s → 30 s
  at(0, "mission_started", { plan_digest: plan.digest, branch: "mission/known", base });
  at(0, "run_started", { pid: 1, offline: true });
  at(1, "step_started", { step: "implement:a#1", run: "implement:a#1", feature: "a", attempt: 1, base });
  at(1, "agent_started", { run: "implement:a#1", role: "worker", model: "m" });
  at(5, "model_response", { run: "implement:a#1", turn: 1, role: "worker", model: "m", blob: "={}", usage: usage(100, 900, 0, 50) });
  at(9, "agent_finished", { run: "implement:a#1", role: "worker", model: "m", outcome: "done", turns: 1 });
  at(10, "committed", { feature: "a", step: "implement:a#1", commit: "c1", problems: false }); // implementation 1 → 10: 9 s
  at(10, "validation_started", { milestone: "m1", round: 1 });
  at(12, "check_result", {
    milestone: "m1",
    round: 1,
    kind: "check",
    name: "k.one",
    check: { kind: "check", name: "k.one", command: "true", exit_code: 0, duration_ms: 2000, blob: "=" },
  });
  at(12, "agent_started", { run: "review:m1#1:a", role: "reviewer", model: "j" });
  at(13, "provider_retry", { run: "review:m1#1:a", turn: 1, model: "j", attempt: 1, status: 529, reason: "overloaded", delay_ms: 1000 });
  at(15, "model_response", { run: "review:m1#1:a", turn: 1, role: "reviewer", model: "j", blob: "={}", usage: usage(50, 150, 50, 10) });
  at(16, "agent_finished", { run: "review:m1#1:a", role: "reviewer", model: "j", outcome: "done", turns: 1 });
  at(16, "verdicts", {
    milestone: "m1",
    round: 1,
    run: "review:m1#1:a",
    verdicts: [{ assertion: "k.two", verdict: "pass", evidence: "seen" }],
  });
  at(24, "validation_finished", {
    milestone: "m1",
    round: 1,
    passed: true,
    failing: [],
    blob: `=${JSON.stringify({
      assertions: [
        { id: "k.one", verdict: "pass" },
        { id: "k.two", verdict: "pass" },
      ],
    })}`,
  }); // validation 10 → 24 less the 1 s back-off: 13 s
  at(25, "agent_started", { run: "gate:m1#1", role: "orchestrator", model: "m" });
  at(27, "agent_finished", { run: "gate:m1#1", role: "orchestrator", model: "m", outcome: "done", turns: 1 }); // orchestration 2 s
  at(27, "decision", {
    gate: "gate:m1#1",
    milestone: "m1",
    round: 1,
    decision: { action: "accept", reason: "all passed" },
    default_model: "m",
  });
  at(30, "milestone_accepted", { milestone: "m1", round: 1 });
  // the runner died at 30 s; session 2 starts an hour later and lasts 4 s, with a worker run cut short by a crash
  at(3630, "run_started", { pid: 2, offline: true });
  at(3631, "step_started", { step: "implement:a#2", run: "implement:a#2", feature: "a", attempt: 2, base });
  at(3632, "agent_started", { run: "implement:a#2", role: "worker", model: "m" });
  at(3634, "model_response", { run: "implement:a#2", turn: 1, role: "worker", model: "m", blob: "={}", usage: usage(0, 1000, 0, 40) });
  // session 3, 8 s: the cut step goes on (no new step_started); a message interrupts its worker, the
  // orchestrator answers it (the step's interval is suspended meanwhile), and the step commits
  at(7200, "run_started", { pid: 3, offline: true });
  at(7201, "agent_started", { run: "implement:a#2", role: "worker", model: "m" });
  at(7202, "message_received", { id: "m1", text: "hi", interrupt: true });
  at(7202, "agent_finished", { run: "implement:a#2", role: "worker", model: "m", outcome: "interrupted", turns: 1 });
  at(7202, "turn_interrupted", { run: "implement:a#2", turn: 2 });
  at(7202, "agent_started", { run: "message:1", role: "orchestrator", model: "m" });
  at(7205, "agent_finished", { run: "message:1", role: "orchestrator", model: "m", outcome: "done", turns: 1 });
  at(7205, "decision", {
    gate: "message:1",
    milestone: "m1",
    messages: ["m1"],
    decision: { action: "accept", reason: "carry on" },
    default_model: "m",
  });
  at(7206, "agent_started", { run: "implement:a#2", role: "worker", model: "m" });
  at(7207, "agent_finished", { run: "implement:a#2", role: "worker", model: "m", outcome: "done", turns: 2 });
  at(7208, "committed", { feature: "a", step: "implement:a#2", commit: "c2", problems: false });
  journal.close();
  return repo;
}
