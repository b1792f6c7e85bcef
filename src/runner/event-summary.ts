import type { AnyEvent } from "./events.js";
import type { JournalEvent } from "./journal.js";

/** One line about an event, for `status` and `log`. Read from journals of any version: nested fields are looked into with care. */
export function summarize(event: JournalEvent): string {
  const e = event as AnyEvent;
  switch (e.type) {
    case "step_started":
      return `${e.data.step} (attempt ${e.data.attempt})`;
    case "model_response":
      return `${e.data.run} turn ${e.data.turn}`;
    case "tool_started":
      return `${e.data.run} ${e.data.name}`;
    case "tool_result":
      return `${e.data.run} ${e.data.name}${e.data.is_error ? " (error)" : ""}`;
    case "handoff":
      return `${e.data.feature}: ${e.data.handoff?.status}`;
    case "commit_refused":
      return `${e.data.feature}: ${e.data.reason}`;
    case "committed":
      return `${e.data.feature} ${e.data.commit ? e.data.commit.slice(0, 10) : "(no change)"}`;
    case "check_started":
      return `${e.data.milestone}#${e.data.round} ${e.data.kind} ${e.data.name}`;
    case "check_result":
      return `${e.data.milestone}#${e.data.round} ${e.data.kind} ${e.data.name} → exit ${e.data.check?.exit_code}`;
    case "validation_finished": {
      const failing = [...(e.data.failing ?? []), ...(e.data.failing_procedures ?? []).map((p) => `procedure ${p}`)];
      return `${e.data.milestone}#${e.data.round} ${e.data.passed ? "passed" : `failed: ${failing.join(", ")}`}`;
    }
    case "decision": {
      const made = (e.data.decision?.features ?? []).map((f) => f.name);
      return `${e.data.gate}: ${e.data.decision?.action}${made.length ? ` ${made.join(", ")}` : ""} — ${(e.data.decision?.reason ?? "").slice(0, 100)}`;
    }
    case "paused":
      return e.data.reason;
    case "provider_retry":
      return `${e.data.run} turn ${e.data.turn}: ${e.data.status ? `HTTP ${e.data.status}` : e.data.reason}, retry ${e.data.attempt} after ${e.data.delay_ms} ms`;
    case "message_received":
      return (e.data.text ?? "").slice(0, 80);
    case "replanned":
      return `${(e.data.reset ?? []).join(", ") || "no done feature"} to run again`;
    case "plan_upgraded":
      return `the stored plan now in ${e.data.format}, ${(e.data.to ?? "").slice(0, 19)}`;
    case "command_started":
      return e.data.run;
    case "leftover_killed":
      return `${e.data.run} group ${e.data.pgid}`;
    case "notified":
      return `notice about event ${e.data.about}: ${e.data.outcome}${e.data.status ? ` (HTTP ${e.data.status})` : e.data.reason ? ` (${e.data.reason})` : ""}`;
    case "procedure_finished":
      return `${e.data.name} → exit ${e.data.exit_code}`;
    case "commit_intent":
      return e.data.step;
    case "verdicts": {
      const v = e.data.verdicts ?? [];
      const n = (k: string): number => v.filter((x) => x.verdict === k).length;
      return `${e.data.run}: ${n("pass")} pass, ${n("fail")} fail, ${n("unverified")} unverified`;
    }
    case "agent_started":
      return `${e.data.run} (${e.data.role} ${e.data.model})`;
    case "agent_finished":
      return `${e.data.run}: ${e.data.outcome} after ${e.data.turns} turn(s)`;
    case "validation_started":
      return `${e.data.milestone} round ${e.data.round}`;
    case "app_started":
      return `${e.data.milestone}#${e.data.round} group ${e.data.pgid} ready at ${e.data.ready} in ${e.data.ready_ms} ms`;
    case "app_stopped":
      return `${e.data.milestone}#${e.data.round} group ${e.data.pgid}`;
    case "turn_interrupted":
      return `${e.data.run} turn ${e.data.turn}`;
    case "messages_delivered":
      return `${(e.data.ids ?? []).length} message(s) to ${e.data.run}`;
    case "adopted":
      return `${(e.data.commits ?? []).length} commit(s) taken over`;
    default:
      return "";
  }
}
