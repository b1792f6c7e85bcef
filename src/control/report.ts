import type { Plan } from "../plan/types.js";
import type { Blobs } from "../runner/blobs.js";
import type { JournalEvent } from "../runner/journal.js";
import type { Layout } from "../runner/layout.js";
import { fold, type MissionState } from "../runner/state.js";
import { measureCode, type CodeFigures } from "./code-size.js";
import { readMission, statusOf, type Status } from "./status.js";
import { timeSplit, type Phase } from "./time-split.js";

/**
 * `missionc report`: the whole run, computed from the journal (and, for code figures, from git):
 * specs/report.schema.json. Building the figures is pure (`buildReport`); reading the files and
 * asking git is `readReport`'s.
 */

export interface Share {
  seconds: number;
  share: number;
}

export interface Report {
  format: "missionc.report/1";
  mission: string;
  title?: string;
  state: Status["state"];
  journal_events: number;
  wall_seconds: number;
  time: {
    split: Record<Phase, Share>;
    by_role: Record<string, Share & { agent_seconds: number; command_seconds: number; agent_runs: number }>;
  };
  tokens: Status["tokens"];
  /** each role's tokens (all types) over all tokens */
  token_share_by_role: Record<string, number>;
  cache_read_share: Status["cache_read_share"];
  agent_runs: { total: number; by_role: Record<string, number>; by_outcome: Record<string, number> };
  follow_ups: { name: string; milestone: string; fulfills: string[]; done: boolean; created_by: string }[];
  milestones: { name: string; accepted: boolean; rounds: number; assertions: number; passed: number; failing: string[] }[];
  assertions: { total: number; passed: number };
  cost: Status["cost"];
  budget: Status["budget"];
  code?: CodeFigures;
  changes_of_course: Status["changes_of_course"];
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;
const ratio = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : 0);

function milestoneFigures(
  plan: Plan,
  s: MissionState,
  reportOf: (blob: string) => { assertions: { id: string; verdict: string }[] },
): Report["milestones"] {
  return plan.milestones.map((m) => {
    const ms = s.milestones.get(m.name)!;
    const own = plan.contract.filter((a) => a.milestone === m.name);
    const rounds = [...ms.reports.keys()].sort((a, b) => a - b);
    const last = rounds.length ? ms.reports.get(rounds.at(-1)!)! : undefined;
    const verdicts = last ? reportOf(last.blob).assertions : [];
    const passed = own.filter((a) => verdicts.some((v) => v.id === a.id && v.verdict === "pass")).length;
    return {
      name: m.name,
      accepted: ms.accepted,
      rounds: rounds.length,
      assertions: own.length,
      passed,
      failing: last ? [...last.failing, ...last.failingProcedures.map((p) => `procedure ${p}`)] : own.map((a) => a.id),
    };
  });
}

export function buildReport(
  plan: Plan,
  events: readonly JournalEvent[],
  status: Status,
  blobs: Pick<Blobs, "json">,
  code?: CodeFigures,
  folded?: MissionState,
): Report {
  const s = folded ?? fold(plan, [...events]);
  const split = timeSplit(events);
  const active = split.active_ms;
  const roleTotal = Object.values(split.roles).reduce((n, r) => n + r.ms, 0);
  // a run resumed after a crash or an interrupt is one run: its last end counts, or none yet
  const ends = new Map<string, string>();
  for (const e of events) {
    const run = String((e.data as { run?: string }).run);
    if (e.type === "agent_started" && !ends.has(run)) ends.set(run, "unfinished");
    if (e.type === "agent_finished") ends.set(run, String((e.data as { outcome: string }).outcome));
  }
  const outcomes: Record<string, number> = {};
  for (const o of ends.values()) outcomes[o] = (outcomes[o] ?? 0) + 1;
  const creators = new Map<string, string>();
  for (const e of events) {
    if (e.type !== "decision") continue;
    const d = e.data as { gate: string; decision: { features?: { name: string }[] } };
    for (const f of d.decision.features ?? []) creators.set(f.name, d.gate);
  }
  const milestones = milestoneFigures(plan, s, (blob) => blobs.json(blob));
  const report: Report = {
    format: "missionc.report/1",
    mission: plan.mission.name,
    ...(plan.mission.title ? { title: plan.mission.title } : {}),
    state: status.state,
    journal_events: events.length,
    wall_seconds: seconds(active),
    time: {
      split: Object.fromEntries(
        (Object.keys(split.phases) as Phase[]).map((p) => [
          p,
          { seconds: seconds(split.phases[p]), share: ratio(split.phases[p], active) },
        ]),
      ) as Record<Phase, Share>,
      by_role: Object.fromEntries(
        Object.entries(split.roles).map(([r, t]) => [
          r,
          {
            seconds: seconds(t.ms),
            share: ratio(t.ms, roleTotal),
            agent_seconds: seconds(t.agent_ms),
            command_seconds: seconds(t.command_ms),
            agent_runs: t.runs,
          },
        ]),
      ),
    },
    tokens: status.tokens,
    token_share_by_role: Object.fromEntries(
      Object.entries(status.tokens.by_role).map(([r, u]) => [
        r,
        ratio(u.input + u.cache_read + u.cache_write + u.output, status.tokens.total),
      ]),
    ),
    cache_read_share: status.cache_read_share,
    agent_runs: {
      total: Object.values(split.roles).reduce((n, r) => n + r.runs, 0),
      by_role: Object.fromEntries(Object.entries(split.roles).map(([r, t]) => [r, t.runs])),
      by_outcome: outcomes,
    },
    follow_ups: [...s.features.values()]
      .filter((f) => f.origin === "follow_up")
      // finished without a change is not done (status says "finished without a change")
      .map((f) => ({
        name: f.name,
        milestone: f.milestone,
        fulfills: f.fulfills,
        done: f.done && Boolean(f.commit),
        created_by: creators.get(f.name) ?? "",
      })),
    milestones,
    assertions: { total: milestones.reduce((n, m) => n + m.assertions, 0), passed: milestones.reduce((n, m) => n + m.passed, 0) },
    cost: status.cost,
    budget: status.budget,
    changes_of_course: status.changes_of_course,
  };
  if (code) report.code = code;
  return report;
}

export async function readReport(layout: Layout, blobs: Pick<Blobs, "json">): Promise<Report> {
  const { plan, events, droppedBytes } = readMission(layout);
  const s = fold(plan, events);
  const status = statusOf(layout, plan, events, droppedBytes, s);
  const started = events.find((e) => e.type === "mission_started")?.data as { base?: string } | undefined;
  const code = started?.base ? await measureCode(layout.repo, started.base, plan.mission.branch) : undefined;
  return buildReport(plan, events, status, blobs, code, s);
}
