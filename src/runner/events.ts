import type { Usage } from "../agents/provider.js";
import type { Decision } from "./gates.js";
import type { CheckRecord, Verdict } from "../validators/verdicts.js";
import type { Handoff } from "../agents/toolbox.js";

/**
 * Every event a journal holds, with the shape of its data: what `record` may write and what the fold
 * reads, kind by kind. specs/journal.schema.json states the same shapes (required fields, no others);
 * the tests validate every journal they make against it, so the two cannot drift apart unnoticed.
 */
export interface EventData {
  mission_started: { plan_digest: string; branch: string; base: string };
  run_started: { pid: number; offline: boolean; notify?: true };
  adopted: { commits: string[]; subjects: string[] };
  plan_upgraded: { from: string; to: string; format: string };
  replanned: {
    from: string;
    to: string;
    reset: string[];
    specs: { feature: string; spec?: string; title?: string; fulfills: string[]; skills: string[]; model: string; digest: string }[];
  };
  step_started: { step: string; run: string; feature: string; attempt: number; base: string };
  model_response: { run: string; turn: number; role: string; model: string; blob: string; usage: Usage };
  tool_started: { run: string; turn: number; index: number; name: string };
  tool_result: {
    run: string;
    turn: number;
    index: number;
    name: string;
    blob: string;
    is_error: boolean;
    command?: { command: string; exit_code: number };
  };
  command_started: { run: string; pgid: number; start?: string };
  leftover_killed: { run: string; pgid: number };
  check_started: { milestone: string; round: number; kind: CheckRecord["kind"]; name: string };
  check_result: { milestone: string; round: number; kind: CheckRecord["kind"]; name: string; check: CheckRecord };
  repository_restored: { files: string[] };
  handoff: { feature: string; attempt: number; handoff: Handoff };
  commit_intent: { step: string; feature: string };
  commit_refused: { feature: string; step: string; reason: string };
  committed: { feature: string; step: string; commit: string | null; tree?: string | null; problems: boolean };
  verdicts: { milestone: string; round: number; run: string; verdicts: Verdict[] };
  validation_started: { milestone: string; round: number };
  validation_finished: {
    milestone: string;
    round: number;
    passed: boolean;
    failing: string[];
    failing_procedures?: string[];
    blob: string;
  };
  decision: {
    gate: string;
    milestone?: string;
    round?: number;
    feature?: string;
    /** the messages this decision answers (absent in journals written before messages) */
    messages?: string[];
    decision: Decision;
    default_model: string;
  };
  message_received: { id: string; text: string; interrupt?: true };
  /** written by missionc before messages were answered in the decision event; still read */
  messages_delivered: { ids: string[]; run: string };
  pause_requested: { id: string };
  paused: { reason: string; kind: string; milestone?: string };
  turn_interrupted: { run: string; turn: number };
  milestone_accepted: { milestone: string; round: number };
  mission_completed: Record<string, never>;
  provider_retry: { run: string; turn: number; model: string; attempt: number; status?: number; reason: string; delay_ms: number };
  agent_started: { run: string; role: string; model: string };
  agent_finished: { run: string; role: string; model: string; outcome: string; turns: number };
  app_started: { milestone: string; round: number; pgid: number; ready: string; ready_ms: number; log: string };
  app_stopped: { milestone: string; round: number; pgid: number };
  procedure_finished: { name: string; command: string; exit_code: number; duration_ms: number; blob: string };
  /** one attempt to post a notice about event `about` to the run's webhook (runner/notify.ts) */
  notified: { about: number; attempt: number; outcome: "delivered" | "failed" | "gave_up"; status?: number; reason?: string };
}

export type EventType = keyof EventData;

/** The kinds, in one list the schema's enum is checked against (a kind missing here fails to compile below). */
export const EVENT_TYPES = [
  "mission_started",
  "run_started",
  "adopted",
  "plan_upgraded",
  "replanned",
  "step_started",
  "model_response",
  "tool_started",
  "tool_result",
  "command_started",
  "leftover_killed",
  "check_started",
  "check_result",
  "repository_restored",
  "handoff",
  "commit_intent",
  "commit_refused",
  "committed",
  "verdicts",
  "validation_started",
  "validation_finished",
  "decision",
  "message_received",
  "messages_delivered",
  "pause_requested",
  "paused",
  "turn_interrupted",
  "milestone_accepted",
  "mission_completed",
  "provider_retry",
  "agent_started",
  "agent_finished",
  "app_started",
  "app_stopped",
  "procedure_finished",
  "notified",
] as const satisfies readonly EventType[];

// every kind is in the list: a kind added to EventData and not here is a compile error
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
export const ALL_LISTED: Missing extends never ? true : Missing = true;

/** One journaled event of kind K, as written and as read. */
export interface Event<K extends EventType = EventType> {
  seq: number;
  type: K;
  at: string;
  data: EventData[K];
  prev: string;
  hash: string;
}

/** Any event, as a union the fold switches on: each case sees its own data's type. */
export type AnyEvent = { [K in EventType]: Event<K> }[EventType];
