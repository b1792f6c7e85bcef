import type { AnyEvent } from "../runner/events.js";
import type { JournalEvent } from "../runner/journal.js";

/**
 * The mission as a sequence of steps, from the journal alone: what Mission Control's timeline shows.
 * A step with a duration (implementing a feature, a validation round, an orchestrator's gate) runs
 * from the event that opens it to the one that closes it; one a stop cut short goes on when the
 * runner resumes it, and the hours between the two sessions are not counted in it. The rest are moments: a follow-up made, a message and its answer, a pause, a milestone
 * accepted, the completion, a provider's retry, a webhook's notice.
 */

export type StepKind =
  | "session"
  | "implement"
  | "validate"
  | "gate"
  | "follow_up"
  | "message"
  | "answer"
  | "pause"
  | "accepted"
  | "completed"
  | "retry"
  | "notice";

export interface Step {
  /** the event that opened it */
  seq: number;
  at: string;
  kind: StepKind;
  label: string;
  /** how long a step that has one took: absent for a moment, and for a step still under way */
  seconds?: number;
  /** how it ended (passed, committed, the decision…), or `under way`, or `cut short` */
  outcome?: string;
  /** the milestone and round of a validation step: where its evidence is */
  milestone?: string;
  round?: number;
  feature?: string;
}

export function timelineOf(events: readonly JournalEvent[]): Step[] {
  const steps: Step[] = [];
  // the steps under way: the time of their earlier sessions, and when their present stretch began
  const open = new Map<string, { step: Step; ms: number; since: string }>();
  const close = (key: string, at: string, outcome?: string): void => {
    const o = open.get(key);
    if (!o) return;
    o.step.seconds = Math.round((o.ms + Date.parse(at) - Date.parse(o.since)) / 100) / 10;
    if (outcome !== undefined) o.step.outcome = outcome;
    open.delete(key);
  };
  const begin = (key: string, step: Step): void => {
    if (open.has(key)) return; // a step or an agent run resumed after a stop goes on as the same step
    open.set(key, { step, ms: 0, since: step.at });
    steps.push(step);
    if (step.kind === "gate") gates.set(key.slice("gate:".length), step);
  };
  // each orchestrator run's latest step, which its decision (journaled after the run) completes
  const gates = new Map<string, Step>();
  let last: string | undefined;
  for (const event of events) {
    const e = event as AnyEvent;
    const at = e.at;
    const moment = (kind: StepKind, label: string, more: Partial<Step> = {}): void => {
      steps.push({ seq: e.seq, at, kind, label, ...more });
    };
    switch (e.type) {
      case "run_started":
        // what the last session left open goes on from here: its time so far is kept, the gap is not
        for (const o of open.values()) {
          if (last) o.ms += Date.parse(last) - Date.parse(o.since);
          o.since = at;
        }
        moment("session", `the runner started (pid ${e.data.pid}${e.data.offline ? ", offline" : ""})`);
        break;
      case "step_started":
        begin(`step:${e.data.step}`, {
          seq: e.seq,
          at,
          kind: "implement",
          label: `implement ${e.data.feature} (attempt ${e.data.attempt})`,
          feature: e.data.feature,
        });
        break;
      case "committed":
        close(`step:${e.data.step}`, at, e.data.commit ? `committed ${e.data.commit.slice(0, 10)}` : "no change");
        break;
      case "commit_refused":
        close(`step:${e.data.step}`, at, `commit refused: ${e.data.reason}`);
        break;
      case "validation_started":
        begin(`validate:${e.data.milestone}#${e.data.round}`, {
          seq: e.seq,
          at,
          kind: "validate",
          label: `validate ${e.data.milestone}, round ${e.data.round}`,
          milestone: e.data.milestone,
          round: e.data.round,
        });
        break;
      case "validation_finished": {
        const failing = [...e.data.failing, ...(e.data.failing_procedures ?? []).map((p) => `procedure ${p}`)];
        close(`validate:${e.data.milestone}#${e.data.round}`, at, e.data.passed ? "passed" : `failed: ${failing.join(", ")}`);
        break;
      }
      case "agent_started":
        if (e.data.role === "orchestrator")
          begin(`gate:${e.data.run}`, { seq: e.seq, at, kind: "gate", label: `orchestrator: ${e.data.run}` });
        break;
      case "agent_finished":
        if (e.data.role === "orchestrator") {
          const gate = gates.get(e.data.run);
          if (gate) gate.outcome ??= e.data.outcome;
          close(`gate:${e.data.run}`, at);
        }
        break;
      case "decision": {
        const gate = gates.get(e.data.gate);
        if (gate) gate.outcome = `${e.data.decision.action}: ${e.data.decision.reason}`;
        if (e.data.messages?.length) moment("answer", e.data.decision.reason);
        const made = (e.data.decision.features ?? []).map((f) => f.name);
        if (made.length)
          moment(
            "follow_up",
            `follow-up${made.length > 1 ? "s" : ""} ${made.join(", ")}`,
            e.data.milestone ? { milestone: e.data.milestone } : {},
          );
        break;
      }
      case "message_received":
        moment("message", e.data.text, e.data.interrupt ? { outcome: "interrupting the turn under way" } : {});
        break;
      case "pause_requested":
        moment("pause", "pause requested");
        break;
      case "paused":
        moment("pause", `paused: ${e.data.reason}`);
        break;
      case "milestone_accepted":
        moment("accepted", `milestone ${e.data.milestone} accepted (round ${e.data.round})`, {
          milestone: e.data.milestone,
          round: e.data.round,
        });
        break;
      case "mission_completed":
        moment("completed", "mission complete");
        break;
      case "provider_retry":
        moment(
          "retry",
          `${e.data.model}: ${e.data.status ? `HTTP ${e.data.status}` : e.data.reason}; retry ${e.data.attempt} after ${e.data.delay_ms} ms`,
        );
        break;
      case "notified":
        moment("notice", `webhook notice about event ${e.data.about}: ${e.data.outcome}${e.data.status ? ` (HTTP ${e.data.status})` : ""}`);
        break;
      default:
        break;
    }
    if (e.type !== "notified") last = at;
  }
  for (const o of open.values()) o.step.outcome = "under way";
  return steps;
}
