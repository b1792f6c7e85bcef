import { checksOf } from "../plan/checks.js";
import { runCommand } from "../agents/command.js";
import { STOPPED_DURING } from "../agents/loop.js";
import { DEFAULT_NETWORK } from "../sandbox/policy.js";
import { systemPrompt } from "../agents/prompts.js";
import { permissionFor } from "../plan/lower.js";
import { ALL_TOOLS } from "../agents/toolbox.js";
import type { PlanAssertion, ValidateStep } from "../plan/types.js";
import type { FeatureState } from "../runner/state.js";
import { exchangesOf, type Exchange } from "./evidence.js";
import type { ValidationHost } from "./host.js";
import { inParallel } from "./pool.js";
import { userTest } from "./user-test.js";
import { acceptVerdicts, type CheckRecord, type Verdict } from "./verdicts.js";

/**
 * Validation of a milestone, round by round: the declared procedures and every assertion check run
 * for real (exit code, duration, output tail journaled), then one reviewer per feature that needs
 * reviewing and the user tester; the report maps every assertion of the milestone to
 * pass / fail / unverified with evidence and is saved under validation/. Reviewers run in parallel,
 * up to the mission's `policy.concurrency`.
 */

export interface ReportEntry {
  id: string;
  by: string;
  verdict: Verdict["verdict"];
  evidence: string;
  regression?: boolean;
  run?: string;
  exchanges?: Exchange[];
}
export interface ProcedureEntry {
  name: string;
  command: string;
  exit_code: number;
  duration_ms: number;
  output_tail: string;
  passed: boolean;
  /** declared `advisory true`: shown, never blocking */
  advisory?: true;
}

export interface ValidationReport {
  milestone: string;
  round: number;
  /** every assertion and every procedure that is not advisory passed */
  passed: boolean;
  /** assertions (and regressions) that did not pass */
  failing: string[];
  /** procedures that failed and block: a test suite that fails fails the milestone, whatever the verdicts */
  failing_procedures: string[];
  assertions: ReportEntry[];
  regressions: ReportEntry[];
  procedures: ProcedureEntry[];
}

const TAIL = 2000;

async function runOnce(
  host: ValidationHost,
  milestone: string,
  round: number,
  kind: "procedure" | "check",
  name: string,
  command: string,
  regression: boolean,
): Promise<CheckRecord> {
  const key = `${kind}:${name}`;
  const m = host.state.milestones.get(milestone)!;
  const done = m.checks.get(round)?.get(key);
  if (done) return done;
  // the runner died while this ran last time, and it may be why (a test that kills its parent,
  // the memory it took): it is answered as failed, not run again — see STOPPED_DURING. In the fleet
  // a worker's death is most often its machine's, so there it runs again once (settings.rerunCut)
  const starts = m.checksStarted.get(round)?.get(key) ?? 0;
  const cut = starts > host.settings.rerunCut;
  if (!cut) host.record("check_started", { milestone, round, kind, name });
  if (cut) {
    const check: CheckRecord = {
      kind,
      name,
      command,
      exit_code: 137,
      duration_ms: 0,
      blob: host.blobs.put(`missionc: ${STOPPED_DURING}`),
      ...(regression ? { regression } : {}),
    };
    host.record("check_result", { milestone, round, kind, name, check });
    host.progress(`  ${kind} ${name}: the runner stopped while it ran; not run again (counted as failed)`);
    return check;
  }
  const timeout = (kind === "procedure" ? host.plan.procedures[name]?.timeout_seconds : undefined) ?? 600;
  const r = await runCommand(command, {
    cwd: host.layout.worktree,
    sandbox: host.sandbox,
    network: kind === "procedure" ? (host.plan.procedures[name]?.network ?? "loopback") : DEFAULT_NETWORK.check,
    timeoutMs: timeout * 1000,
    cap: TAIL,
    onStart: (pgid) => host.recordCommand(`validate:${milestone}#${round}`, pgid),
  });
  const check: CheckRecord = {
    kind,
    name,
    command,
    exit_code: r.exitCode,
    duration_ms: r.durationMs,
    blob: host.blobs.put(r.output),
    ...(regression ? { regression } : {}),
  };
  host.record("check_result", { milestone, round, kind, name, check });
  const advisory = kind === "procedure" && host.plan.procedures[name]?.advisory ? " (advisory: does not block)" : "";
  host.progress(`  ${kind} ${name}: \`${command}\` → exit ${r.exitCode}${r.exitCode !== 0 ? advisory : ""}`);
  return check;
}

function reviewTargets(features: FeatureState[], round: number): FeatureState[] {
  // the first round reviews every feature; later rounds review the follow-ups that fixed the last one
  return features.filter((f) => f.done && f.commit !== undefined && (round === 1 || f.round === round - 1));
}

async function review(host: ValidationHost, milestone: string, round: number, f: FeatureState, assertions: PlanAssertion[]): Promise<void> {
  const run = `review:${milestone}#${round}:${f.name}`;
  if (host.state.milestones.get(milestone)!.verdicts.get(round)?.has(run)) return;
  const ids = assertions.filter((a) => f.fulfills.includes(a.id)).map((a) => a.id);
  const diff = f.commit && f.base ? await host.git.diff(f.base, f.commit) : "(no changes were committed)";
  host.progress(`  review ${f.name} — reviewer ${host.plan.roles.reviewer}`);
  const prompt = [
    `# Review of feature ${f.name}${f.title ? ` — ${f.title}` : ""}`,
    `## Spec\n\n${f.spec ?? "(none)"}`,
    `## Assertions you judge\n\n${ids.map((id) => `- ${id}: ${host.plan.contract.find((a) => a.id === id)?.text}`).join("\n") || "(none: report an empty list of verdicts, after reading the diff for problems)"}`,
    `## The diff\n\n\`\`\`diff\n${diff.slice(0, 60_000)}\n\`\`\``,
  ].join("\n\n");
  const outcome = await host.agent("reviewer", host.plan.roles.reviewer, {
    run,
    system: host.system("reviewer", () => systemPrompt("reviewer", host.plan)),
    prompt,
    tools: ALL_TOOLS,
    permission: permissionFor(host.plan, "reviewer", host.plan.roles.reviewer),
    terminal: "submit_verdicts",
    accept: acceptVerdicts(ids),
    maxTurns: host.settings.maxTurns,
    maxInvalid: host.settings.maxInvalid,
  });
  const verdicts =
    outcome.kind === "done"
      ? outcome.value
      : ids.map((id) => ({ assertion: id, verdict: "unverified" as const, evidence: `the reviewer gave no verdict: ${outcome.reason}` }));
  host.record("verdicts", { milestone, round, run, verdicts });
}

const RANK: Record<Verdict["verdict"], number> = { fail: 0, unverified: 1, pass: 2 };

/**
 * The verdict on an assertion from the latest round that judged it, and the run that gave it. When
 * several validators judged it (two features fulfil it), the worst verdict stands, ties in run
 * order: parallel reviewers finish in any order, the report must not depend on which came first.
 */
function latestVerdict(host: ValidationHost, milestone: string, round: number, id: string): (Verdict & { run: string }) | undefined {
  const m = host.state.milestones.get(milestone)!;
  for (let r = round; r >= 1; r--) {
    const found = [...(m.verdicts.get(r) ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([run, list]) => list.filter((x) => x.assertion === id).map((v) => ({ ...v, run })));
    if (found.length) return found.sort((a, b) => RANK[a.verdict] - RANK[b.verdict])[0];
  }
  return undefined;
}

export async function validateMilestone(host: ValidationHost, milestone: string, round: number): Promise<void> {
  const steps = host.plan.steps.filter((s): s is ValidateStep => s.kind === "validate" && s.milestone === milestone);
  host.progress(`validate ${milestone} (round ${round}): ${steps.map((s) => s.validator).join(", ")}`);
  if (!host.state.milestones.get(milestone)!.validating.has(round)) host.record("validation_started", { milestone, round });
  const assertions = host.plan.contract.filter((a) => a.milestone === milestone);
  const scrutiny = steps.find((s) => s.validator === "scrutiny");
  for (const p of scrutiny?.procedures ?? []) await runOnce(host, milestone, round, "procedure", p, host.plan.procedures[p].command, false);
  const checks = steps.flatMap((s) => checksOf(host.plan, s));
  for (const c of checks) await runOnce(host, milestone, round, "check", c.assertion, c.command, c.regression);
  if (scrutiny) {
    const judged = assertions.filter((a) => a.by === "reviewer");
    await inParallel(reviewTargets(host.features(milestone), round), host.plan.policy.concurrency, (f) =>
      review(host, milestone, round, f, judged),
    );
  }
  if (steps.some((s) => s.validator === "user_testing")) {
    // every round tests the whole milestone again: a fix can break what passed before
    const judged = assertions.filter((a) => a.by === "user_tester");
    await userTest(
      host,
      milestone,
      round,
      judged.map((a) => a.id),
      (name, command) => runOnce(host, milestone, round, "procedure", name, command, false),
    );
  }
  const report = buildReport(
    host,
    milestone,
    round,
    assertions,
    checks.map((c) => c.assertion),
  );
  const blob = host.blobs.put(report);
  host.keepReport(report);
  host.record("validation_finished", {
    milestone,
    round,
    passed: report.passed,
    failing: report.failing,
    failing_procedures: report.failing_procedures,
    blob,
  });
  host.progress(`  ${report.passed ? "passed" : `did not pass: ${failingText(report)}`}`);
}

function buildReport(
  host: ValidationHost,
  milestone: string,
  round: number,
  assertions: PlanAssertion[],
  checked: string[],
): ValidationReport {
  const records = host.state.milestones.get(milestone)!.checks.get(round) ?? new Map<string, CheckRecord>();
  const fromCheck = (id: string): ReportEntry | undefined => {
    const c = records.get(`check:${id}`);
    if (!c) return undefined;
    return {
      id,
      by: "check",
      verdict: c.exit_code === 0 ? "pass" : "fail",
      evidence: `\`${c.command}\` exited ${c.exit_code}: ${host.blobs.text(c.blob).slice(-400)}`,
    };
  };
  const entries: ReportEntry[] = assertions.map((a) => {
    if (a.by === "check") return fromCheck(a.id) ?? { id: a.id, by: "check", verdict: "unverified", evidence: "its check did not run" };
    const v = latestVerdict(host, milestone, round, a.id);
    if (!v) return { id: a.id, by: a.by, verdict: "unverified", evidence: `no ${a.by} gave a verdict` };
    const exchanges = a.by === "user_tester" ? exchangesOf(host.state.runs.get(v.run), host.blobs) : [];
    return { id: a.id, by: a.by, verdict: v.verdict, evidence: v.evidence, run: v.run, ...(exchanges.length ? { exchanges } : {}) };
  });
  // an assertion with a check is also held to it, whoever judges it
  for (const e of entries) {
    const c = e.by !== "check" && checked.includes(e.id) ? fromCheck(e.id) : undefined;
    if (c && c.verdict === "fail") {
      e.verdict = "fail";
      e.evidence = `${c.evidence}; ${e.evidence}`;
    }
  }
  const own = new Set(assertions.map((a) => a.id));
  const regressions = checked.filter((id) => !own.has(id)).map((id) => ({ ...fromCheck(id)!, regression: true }));
  const procedures: ProcedureEntry[] = [...records.values()]
    .filter((c) => c.kind === "procedure")
    .map((c) => ({
      name: c.name,
      command: c.command,
      exit_code: c.exit_code,
      duration_ms: c.duration_ms,
      output_tail: host.blobs.text(c.blob).slice(-TAIL),
      passed: c.exit_code === 0,
      ...(host.plan.procedures[c.name]?.advisory ? { advisory: true as const } : {}),
    }));
  const failing = [...entries, ...regressions].filter((e) => e.verdict !== "pass").map((e) => e.id);
  const failingProcedures = procedures.filter((p) => !p.passed && !p.advisory).map((p) => p.name);
  return {
    milestone,
    round,
    passed: failing.length === 0 && failingProcedures.length === 0,
    failing,
    failing_procedures: failingProcedures,
    assertions: entries,
    regressions,
    procedures,
  };
}

/** What did not pass, assertions and procedures alike: `auth.login, procedure test (exit 1)`. */
export function failingText(r: Pick<ValidationReport, "failing" | "failing_procedures"> & { procedures?: ProcedureEntry[] }): string {
  const procedure = (name: string): string => {
    const p = r.procedures?.find((x) => x.name === name);
    return `procedure ${name}${p ? ` (exit ${p.exit_code})` : ""}`;
  };
  return [...r.failing, ...(r.failing_procedures ?? []).map(procedure)].join(", ");
}
