import { readStoredPlan } from "../runner/stored-plan.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "../plan/types.js";
import { handoffSummary } from "../agents/prompts.js";
import { loadJournal, type JournalEvent } from "../runner/journal.js";
import type { Layout } from "../runner/layout.js";
import { budgetLeft, spentOf, type BudgetLeft } from "../runner/budget.js";
import { holderAlive, readLock } from "../runner/lock.js";
import { stepCommitsOn } from "../runner/branch-work.js";
import { nextAction } from "../runner/next.js";
import { featuresOf, fold, type MissionState } from "../runner/state.js";
import { costOf } from "../agents/prices.js";

/** Where a mission stands, from its plan and journal (specs/status.schema.json). Reads only. */

export interface Status {
  format: "missionc.status/1";
  mission: string;
  title?: string;
  state: "not_started" | "running" | "paused" | "done" | "stopped";
  paused_reason?: string;
  /** something about the state that needs a person: a journal lost while the mission has done work */
  warning?: string;
  milestone?: string;
  step?: { kind: string; id: string; role: string; model: string };
  /** while a runner works: the agents in flight now (several when reviewers run in parallel) */
  agents?: { run: string; role: string; model: string }[];
  features: {
    /** implemented and committed */
    done: number;
    /** finished without a change: nothing was committed, whatever its handoff says */
    no_change: number;
    pending: number;
    total: number;
    items: { name: string; milestone: string; status: "done" | "no_change" | "pending"; origin: string; commit?: string }[];
  };
  elapsed_seconds: number;
  tokens: {
    total: number;
    estimated: boolean;
    by_type: Record<"input" | "cache_read" | "cache_write" | "output", number>;
    by_role: Record<string, Record<"input" | "cache_read" | "cache_write" | "output", number>>;
  };
  /** cache reads over all input (input + cache read + cache write), per role and in all */
  cache_read_share: { total: number; by_role: Record<string, number> };
  /** dollars, from the price table or the mission's `price`; models without a price are left out and named */
  cost: { usd: number; by_role: Record<string, number>; unpriced_models: string[] };
  budget: BudgetLeft;
  last_handoff?: string;
  changes_of_course: { gate: string; action: string; reason: string }[];
  last_events: { seq: number; type: string; at: string; summary: string }[];
  last_validation?: { milestone: string; round: number; passed: boolean; failing: string[]; failing_procedures: string[] };
  journal: { events: number; torn_tail_bytes: number };
}

/**
 * Follow-ups, rescopes and accepted problem handoffs in the order they were decided, each message
 * where its answer came; then the messages still waiting: journaled, or still in the inbox.
 */
function changesOfCourse(s: MissionState, layout: Layout): Status["changes_of_course"] {
  const out: Status["changes_of_course"] = [];
  const message = (m: MissionState["messages"][number], answer?: { action: string; reason: string }) => ({
    gate: "message",
    action: answer ? `answered at ${m.answeredAt}: ${answer.action}` : m.delivered ? "delivered" : "waiting for the next gate or step",
    reason: `“${m.text}”${answer ? ` → ${answer.reason}` : ""}`,
  });
  for (const d of s.decisions) {
    const answered = s.messages.filter((m) => m.answeredAt === d.gate);
    for (const m of answered) out.push(message(m, d));
    if (answered.length === 0 && !d.gate.startsWith("message:") && (d.action !== "accept" || d.gate.startsWith("handoff:"))) out.push(d);
  }
  for (const m of s.messages) if (!m.answeredAt || !s.decisions.some((d) => d.gate === m.answeredAt)) out.push(message(m));
  for (const text of inboxMessages(layout))
    out.push({ gate: "message", action: "in the inbox: the runner reads it at its next turn", reason: `“${text}”` });
  return out;
}

/** Messages `missionc msg` left that no runner has read yet. */
function inboxMessages(layout: Layout): string[] {
  if (!existsSync(layout.inbox)) return [];
  return readdirSync(layout.inbox)
    .filter((n) => n.endsWith(".json"))
    .sort()
    .flatMap((n) => {
      try {
        const item = JSON.parse(readFileSync(join(layout.inbox, n), "utf8")) as { kind?: string; text?: string };
        return item.kind === "message" && item.text ? [item.text] : [];
      } catch {
        return [];
      }
    });
}

/** Agents started in the runner's current session and not finished yet. */
function agentsInFlight(events: readonly JournalEvent[]): NonNullable<Status["agents"]> {
  const now = new Map<string, { run: string; role: string; model: string }>();
  for (let i = events.length - 1; i >= 0 && events[i].type !== "run_started"; i--) {
    const e = events[i];
    const d = e.data as { run?: string; role?: string; model?: string };
    if (e.type === "agent_finished" && d.run && !now.has(d.run)) now.set(d.run, { run: "", role: "", model: "" });
    if (e.type === "agent_started" && d.run && !now.has(d.run))
      now.set(d.run, { run: d.run, role: String(d.role), model: String(d.model) });
  }
  return [...now.values()].filter((a) => a.run !== "").reverse();
}

function step(plan: Plan, s: MissionState): Status["step"] {
  const a = nextAction(plan, s);
  switch (a.kind) {
    case "implement":
      return { kind: "implement", id: `implement:${a.feature.name}`, role: "worker", model: a.feature.model };
    case "handoff_gate":
      return { kind: "gate", id: `handoff:${a.feature.name}`, role: "orchestrator", model: plan.roles.orchestrator };
    case "validate":
      return { kind: "validate", id: `validate:${a.milestone}#${a.round}`, role: "reviewer", model: plan.roles.reviewer };
    case "milestone_gate":
      return { kind: "gate", id: `gate:${a.milestone}#${a.round}`, role: "orchestrator", model: plan.roles.orchestrator };
    default:
      return undefined;
  }
}

/** A mission's plan and journal as they are on disk now, read-only. */
export function readMission(layout: Layout): { plan: Plan; events: JournalEvent[]; droppedBytes: number } {
  if (!existsSync(layout.plan)) throw new Error(`no mission state at ${layout.dir}`);
  const { plan } = readStoredPlan(layout.plan);
  const { events, droppedBytes } = loadJournal(layout.journal, { readOnly: true });
  return { plan, events, droppedBytes };
}

export function readStatus(layout: Layout): Status {
  const { plan, events, droppedBytes } = readMission(layout);
  return statusOf(layout, plan, events, droppedBytes, fold(plan, events));
}

/** The status from a journal already read and folded (the report folds it once for both). */
export function statusOf(
  layout: Layout,
  plan: Plan,
  events: readonly JournalEvent[],
  droppedBytes: number,
  s: MissionState,
  /** whether a runner holds it, when something other than the lock file knows (the fleet's lease) */
  held?: boolean,
): Status {
  const lock = held === undefined ? readLock(layout.lock) : undefined;
  const running = held ?? (lock !== undefined && holderAlive(lock));
  const features = [...s.features.values()];
  const zero = () => ({ input: 0, cache_read: 0, cache_write: 0, output: 0 });
  const byType = zero();
  const byRole: Status["tokens"]["by_role"] = {};
  let estimated = false;
  for (const [role, u] of s.usage) {
    byRole[role] = { input: u.input, cache_read: u.cache_read, cache_write: u.cache_write, output: u.output };
    byType.input += u.input;
    byType.cache_read += u.cache_read;
    byType.cache_write += u.cache_write;
    byType.output += u.output;
    if (u.estimated) estimated = true;
  }
  const total = byType.input + byType.cache_read + byType.cache_write + byType.output;
  const share = (u: { input: number; cache_read: number; cache_write: number }): number => {
    const all = u.input + u.cache_read + u.cache_write;
    return all ? Math.round((u.cache_read / all) * 10000) / 10000 : 0;
  };
  const cost: Status["cost"] = { usd: 0, by_role: {}, unpriced_models: [] };
  for (const { role, model, usage } of s.usageByModel.values()) {
    const c = costOf(plan.models[model], usage);
    if (c === undefined) {
      if (!usage.estimated && !cost.unpriced_models.includes(model)) cost.unpriced_models.push(model);
      continue;
    }
    cost.usd += c;
    cost.by_role[role] = (cost.by_role[role] ?? 0) + c;
  }
  cost.usd = Math.round(cost.usd * 1e6) / 1e6;
  const current = plan.milestones.find((m) => !s.milestones.get(m.name)?.accepted)?.name;
  const lastReport = [...s.milestones.values()]
    .flatMap((m) =>
      [...m.reports].map(([round, r]) => ({
        milestone: m.name,
        round,
        passed: r.passed,
        failing: r.failing,
        procedures: r.failingProcedures,
      })),
    )
    .pop();
  const status: Status = {
    format: "missionc.status/1",
    mission: plan.mission.name,
    ...(plan.mission.title ? { title: plan.mission.title } : {}),
    state: !s.started ? "not_started" : s.completed ? "done" : running ? "running" : s.paused ? "paused" : "stopped",
    features: {
      done: features.filter((f) => f.done && f.commit).length,
      no_change: features.filter((f) => f.done && !f.commit).length,
      pending: features.filter((f) => !f.done).length,
      total: features.length,
      items: plan.milestones
        .flatMap((m) => featuresOf(s, m.name))
        .map((f) => ({
          name: f.name,
          milestone: f.milestone,
          status: !f.done ? ("pending" as const) : f.commit ? ("done" as const) : ("no_change" as const),
          origin: f.origin,
          ...(f.commit ? { commit: f.commit } : {}),
        })),
    },
    elapsed_seconds: Math.round(s.activeMs / 1000),
    tokens: { total, estimated, by_type: byType, by_role: byRole },
    cache_read_share: { total: share(byType), by_role: Object.fromEntries(Object.entries(byRole).map(([r, u]) => [r, share(u)])) },
    cost,
    budget: budgetLeft(plan, spentOf(plan, s, s.activeMs)),
    changes_of_course: changesOfCourse(s, layout),
    last_events: s.lastEvents,
    journal: { events: events.length, torn_tail_bytes: droppedBytes },
  };
  if (s.paused && !s.completed) status.paused_reason = s.paused.reason;
  if (!s.started) {
    const handoffs = filesIn(layout.handoffs);
    const commits = stepCommitsOn(layout.repo, plan.mission.branch);
    const shown = [
      handoffs ? `${handoffs} handoff(s) in ${layout.handoffs}` : "",
      commits ? `${commits} commit(s) of missionc on ${plan.mission.branch}` : "",
    ].filter(Boolean);
    if (shown.length)
      status.warning = `the journal is missing or empty, but ${shown.join(" and ")} show this mission has done work: \`missionc run\` refuses until the journal is put back`;
  }
  if (current && !s.completed) status.milestone = current;
  const st = s.completed ? undefined : step(plan, s);
  if (st) status.step = st;
  if (running) status.agents = agentsInFlight(events);
  if (s.lastHandoff) status.last_handoff = handoffSummary(s.lastHandoff);
  if (lastReport)
    status.last_validation = {
      milestone: lastReport.milestone,
      round: lastReport.round,
      passed: lastReport.passed,
      failing: lastReport.failing,
      failing_procedures: lastReport.procedures,
    };
  return status;
}

function budgetLine(b: Status["budget"]): string {
  const parts = [
    b.tokens ? `${b.tokens.left} tokens left of ${b.tokens.limit}` : "",
    b.time_seconds ? `${b.time_seconds.left} s left of ${b.time_seconds.limit} s` : "",
    b.cost_usd ? `$${b.cost_usd.left.toFixed(2)} left of $${b.cost_usd.limit}` : "",
  ].filter(Boolean);
  return parts.length ? `budget: ${parts.join(" · ")}` : "";
}

export function renderStatus(st: Status): string {
  const lines = [
    `mission ${st.mission}${st.title ? ` "${st.title}"` : ""}: ${st.state.replace("_", " ")}${st.paused_reason ? ` (${st.paused_reason})` : ""}`,
    ...(st.warning ? [`warning: ${st.warning}`] : []),
    st.milestone
      ? `milestone ${st.milestone}${st.step ? ` · ${st.state === "running" ? "now" : "next"}: ${st.step.id} (${st.step.role} ${st.step.model})` : ""}`
      : "",
    st.agents?.length ? `agents now: ${st.agents.map((a) => `${a.run} (${a.role} ${a.model})`).join(", ")}` : "",
    `features: ${st.features.done} done, ${st.features.no_change ? `${st.features.no_change} finished without a change, ` : ""}${st.features.pending} pending of ${st.features.total}`,
    ...st.features.items.map(
      (f) =>
        `  ${f.status === "done" ? "✓" : "·"} ${f.name} (${f.milestone}${f.origin === "follow_up" ? ", follow-up" : ""})${f.commit ? ` ${f.commit.slice(0, 10)}` : ""}`,
    ),
    `elapsed ${st.elapsed_seconds}s · tokens ${st.tokens.total}${st.tokens.estimated ? " (estimated)" : ""}: input ${st.tokens.by_type.input}, cache read ${st.tokens.by_type.cache_read}, cache write ${st.tokens.by_type.cache_write}, output ${st.tokens.by_type.output}`,
    ...Object.entries(st.tokens.by_role).map(([role, u]) => {
      const n = u.input + u.cache_read + u.cache_write + u.output;
      return `  ${role}: ${n} (${st.tokens.total ? ((n / st.tokens.total) * 100).toFixed(1) : "0.0"}% of tokens; cache reads ${(st.cache_read_share.by_role[role] * 100).toFixed(1)}% of input)`;
    }),
    `cache reads: ${(st.cache_read_share.total * 100).toFixed(1)}% of input tokens${st.tokens.estimated ? " (simulated)" : ""} · cost $${st.cost.usd.toFixed(4)}${st.cost.unpriced_models.length ? ` (no price for ${st.cost.unpriced_models.join(", ")})` : ""}${st.tokens.estimated ? " (estimated tokens of scripted agents are not priced)" : ""}`,
    budgetLine(st.budget),
    st.last_handoff ? `last handoff: ${st.last_handoff}` : "",
    st.last_validation
      ? `last validation: ${st.last_validation.milestone} round ${st.last_validation.round} ${st.last_validation.passed ? "passed" : `failed (${[...st.last_validation.failing, ...st.last_validation.failing_procedures.map((p) => `procedure ${p}`)].join(", ")})`}`
      : "",
    ...(st.changes_of_course.length
      ? ["changes of course:", ...st.changes_of_course.map((c) => `  ${c.gate}: ${c.action} — ${c.reason}`)]
      : []),
    "last events:",
    ...st.last_events.map((e) => `  #${e.seq} ${e.type}${e.summary ? ` ${e.summary}` : ""}`),
  ];
  return `${lines.filter((l) => l !== "").join("\n")}\n`;
}

function filesIn(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}
