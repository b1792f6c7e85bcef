import type { Plan } from "../plan/types.js";
import { featuresOf, type FeatureState, type MissionState } from "./state.js";

/** What the runner does next, decided from the folded state alone: the same state, the same answer. */
export type Action =
  | { kind: "implement"; feature: FeatureState }
  | { kind: "handoff_gate"; feature: FeatureState }
  | { kind: "validate"; milestone: string; round: number }
  | { kind: "milestone_gate"; milestone: string; round: number }
  | { kind: "done" };

export function nextAction(plan: Plan, s: MissionState): Action {
  for (const { name } of plan.milestones) {
    const m = s.milestones.get(name)!;
    if (m.accepted) continue;
    for (const f of featuresOf(s, name)) {
      if (!f.done) return { kind: "implement", feature: f };
      if (f.gate === "pending") return { kind: "handoff_gate", feature: f };
    }
    if (!m.reports.has(m.round)) return { kind: "validate", milestone: name, round: m.round };
    if (!m.gates.has(m.round)) return { kind: "milestone_gate", milestone: name, round: m.round };
  }
  return { kind: "done" };
}
