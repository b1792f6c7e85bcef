import type { Plan } from "../plan/types.js";
import type { JournalEvent } from "../runner/journal.js";
import type { Handoff } from "../agents/toolbox.js";
import type { MissionState } from "../runner/state.js";
import type { Report } from "./report.js";
import { timelineOf, type Step } from "./timeline.js";

/**
 * What Mission Control shows of one mission: the report's figures as they are (`report --format
 * json`, the same computation), and beside them what a person opens to see why: the timeline of
 * steps, each validation round (its evidence is one request away), each feature with its handoff
 * and the commit that holds its diff.
 */

export interface Round {
  milestone: string;
  round: number;
  passed: boolean;
  failing: string[];
}

export interface FeatureView {
  name: string;
  title?: string;
  milestone: string;
  origin: "plan" | "follow_up";
  done: boolean;
  attempts: number;
  commit?: string | null;
  handoff?: Handoff;
}

export interface Dashboard {
  format: "missionc.dashboard/1";
  report: Report;
  /** the timeline's last steps (a journal of days has thousands), and how many there are */
  timeline: { total: number; steps: Step[] };
  rounds: Round[];
  features: FeatureView[];
}

export const TIMELINE_SHOWN = 400;

export function buildDashboard(plan: Plan, events: readonly JournalEvent[], s: MissionState, report: Report): Dashboard {
  const steps = timelineOf(events);
  const rounds: Round[] = [];
  for (const m of plan.milestones) {
    const ms = s.milestones.get(m.name);
    if (!ms) continue;
    for (const [round, r] of [...ms.reports].sort(([a], [b]) => a - b))
      rounds.push({
        milestone: m.name,
        round,
        passed: r.passed,
        failing: [...r.failing, ...r.failingProcedures.map((p) => `procedure ${p}`)],
      });
  }
  return {
    format: "missionc.dashboard/1",
    report,
    timeline: { total: steps.length, steps: steps.slice(-TIMELINE_SHOWN) },
    rounds,
    features: [...s.features.values()].map((f) => ({
      name: f.name,
      ...(f.title ? { title: f.title } : {}),
      milestone: f.milestone,
      origin: f.origin,
      done: f.done,
      attempts: f.attempts,
      ...(f.commit !== undefined ? { commit: f.commit } : {}),
      ...(f.handoff ? { handoff: f.handoff } : {}),
    })),
  };
}
