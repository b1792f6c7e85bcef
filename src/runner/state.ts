import type { Usage } from "../agents/provider.js";
import type { Plan } from "../plan/types.js";
import type { AnyEvent, EventData } from "./events.js";
import type { JournalEvent } from "./journal.js";
import type { Handoff } from "../agents/toolbox.js";
import type { CheckRecord, Verdict } from "../validators/verdicts.js";
import { summarize } from "./event-summary.js";

/**
 * The runner's state is a fold over the journal: nothing else is remembered between runs, so a
 * resumed runner computes exactly the state the killed one had reached.
 */

export interface FeatureState {
  name: string;
  title?: string;
  milestone: string;
  spec?: string;
  fulfills: string[];
  skills: string[];
  model: string;
  origin: "plan" | "follow_up";
  /** the plan digest of a plan feature, to tell which features a --replan really changed */
  digest?: string;
  attempts: number;
  /** an attempt was started and not yet committed: a resumed runner redoes it from its base */
  inProgress: boolean;
  /** the attempt whose handoff is journaled */
  handoffAttempt?: number;
  done: boolean;
  commit?: string | null;
  base?: string;
  handoff?: Handoff;
  /** a handoff with problems waits for the orchestrator's decision */
  gate: "none" | "pending" | "answered";
  /** the validation round whose gate created it (follow-ups) */
  round?: number;
}

export interface MilestoneState {
  name: string;
  round: number;
  accepted: boolean;
  /** per round: the checks run, the verdicts given, the report */
  checks: Map<number, Map<string, CheckRecord>>;
  /** `round` → `kind:name` of the procedures and checks journaled as started (one without a result was cut short) */
  /** each round's checks and procedures started, and how many times (a crash cuts one short) */
  checksStarted: Map<number, Map<string, number>>;
  verdicts: Map<number, Map<string, Verdict[]>>;
  reports: Map<number, { passed: boolean; failing: string[]; failingProcedures: string[]; blob: string }>;
  gates: Set<number>;
  /** rounds whose validation has started */
  validating: Set<number>;
  failedRounds: number;
  /** failed-round count at which a human last resumed after a rounds pause */
  roundsAck: number;
  pausedForRounds: number;
}

export interface RunRecord {
  responses: Map<number, { blob: string; usage: Usage }>;
  results: Map<string, { blob: string; is_error: boolean; command?: { command: string; exit_code: number } }>;
  pgids: { pgid: number; start?: string }[];
  /** `turn/index` of the calls journaled as started: one without a result was cut short by the runner's death */
  started: Set<string>;
}

export interface MissionState {
  started: boolean;
  base: string;
  /** commits on the mission branch missionc did not make, taken over with `--adopt` */
  adopted: Set<string>;
  planDigest: string;
  features: Map<string, FeatureState>;
  /** execution order: milestone by milestone, follow-ups after the features of their milestone */
  milestones: Map<string, MilestoneState>;
  runs: Map<string, RunRecord>;
  steps: Map<string, { base: string; run: string }>;
  commitIntents: Set<string>;
  usage: Map<string, Usage>;
  /** usage by role and model together, for cost */
  usageByModel: Map<string, { role: string; model: string; usage: Usage }>;
  paused?: { reason: string };
  completed: boolean;
  /** messages from the person supervising; `answeredAt` is the gate whose decision answered them */
  messages: { id: string; text: string; delivered: boolean; interrupt?: boolean; answeredAt?: string }[];
  decisions: { gate: string; action: string; reason: string }[];
  rescopes: { feature: string; spec: string }[];
  lastHandoff?: Handoff;
  activeMs: number;
  events: number;
  lastEvents: { seq: number; type: string; at: string; summary: string }[];
}

function milestoneState(name: string): MilestoneState {
  return {
    name,
    round: 1,
    accepted: false,
    checks: new Map(),
    checksStarted: new Map(),
    verdicts: new Map(),
    reports: new Map(),
    gates: new Set(),
    validating: new Set(),
    failedRounds: 0,
    roundsAck: 0,
    pausedForRounds: 0,
  };
}

export function initialState(plan: Plan): MissionState {
  const s: MissionState = {
    started: false,
    base: "",
    adopted: new Set(),
    planDigest: plan.digest,
    features: new Map(),
    milestones: new Map(),
    runs: new Map(),
    steps: new Map(),
    commitIntents: new Set(),
    usage: new Map(),
    usageByModel: new Map(),
    completed: false,
    messages: [],
    decisions: [],
    rescopes: [],
    activeMs: 0,
    events: 0,
    lastEvents: [],
  };
  for (const m of plan.milestones) s.milestones.set(m.name, milestoneState(m.name));
  for (const f of plan.features) {
    s.features.set(f.name, {
      name: f.name,
      ...(f.title ? { title: f.title } : {}),
      milestone: f.milestone,
      ...(f.spec ? { spec: f.spec } : {}),
      fulfills: f.fulfills,
      skills: f.skills,
      model: f.model,
      origin: "plan",
      digest: f.digest,
      attempts: 0,
      inProgress: false,
      done: false,
      gate: "none",
    });
  }
  return s;
}

export function featuresOf(s: MissionState, milestone: string): FeatureState[] {
  return [...s.features.values()].filter((f) => f.milestone === milestone);
}

function run(s: MissionState, id: string): RunRecord {
  let r = s.runs.get(id);
  if (!r) {
    r = { responses: new Map(), results: new Map(), pgids: [], started: new Set() };
    s.runs.set(id, r);
  }
  return r;
}

function addUsage(s: MissionState, role: string, u: Usage): void {
  const t = s.usage.get(role) ?? { input: 0, cache_read: 0, cache_write: 0, output: 0 };
  t.input += u.input;
  t.cache_read += u.cache_read;
  t.cache_write += u.cache_write;
  t.output += u.output;
  if (u.estimated) t.estimated = true;
  s.usage.set(role, t);
}

/**
 * Applies one event. The switch is the whole of the runner's memory: each case reads its event's
 * data as typed (events.ts), and a kind without a case does not compile.
 */
export function apply(s: MissionState, e: AnyEvent): void {
  s.events = e.seq;
  switch (e.type) {
    case "adopted":
      for (const c of e.data.commits) s.adopted.add(c);
      break;
    case "mission_started":
      s.started = true;
      s.base = e.data.base;
      break;
    case "run_started":
      s.paused = undefined;
      for (const m of s.milestones.values())
        if (m.pausedForRounds) {
          m.roundsAck = m.pausedForRounds;
          m.pausedForRounds = 0;
        }
      break;
    case "plan_upgraded":
      s.planDigest = e.data.to;
      break;
    case "replanned": {
      s.planDigest = e.data.to;
      for (const name of e.data.reset) {
        const f = s.features.get(name);
        if (!f) continue;
        // the feature runs again, and its milestone is validated again in a new round that reviews it
        const m = s.milestones.get(f.milestone);
        if (m && (m.accepted || m.reports.has(m.round))) {
          m.accepted = false;
          m.round = Math.max(...m.reports.keys(), m.round) + 1;
        }
        f.done = false;
        f.inProgress = false;
        f.gate = "none";
        if (m) f.round = m.round - 1;
      }
      // milestones after the first one touched are validated again: their checks ran on older code
      const touched = e.data.reset.map((n) => s.features.get(n)?.milestone).filter(Boolean);
      let after = false;
      for (const m of s.milestones.values()) {
        if (touched.includes(m.name)) {
          after = true;
          continue;
        }
        if (after && (m.accepted || m.reports.has(m.round))) {
          m.accepted = false;
          m.round = Math.max(...m.reports.keys(), m.round) + 1;
        }
      }
      for (const spec of (e.data.specs ?? []) as {
        feature: string;
        spec?: string;
        title?: string;
        fulfills: string[];
        skills: string[];
        model: string;
        digest: string;
      }[]) {
        const f = s.features.get(spec.feature);
        if (!f) continue;
        if (spec.spec !== undefined) f.spec = spec.spec;
        else delete f.spec;
        f.fulfills = spec.fulfills;
        f.skills = spec.skills;
        f.model = spec.model;
        f.digest = spec.digest;
      }
      break;
    }
    case "step_started": {
      s.steps.set(e.data.step, { base: e.data.base, run: e.data.run });
      const f = s.features.get(e.data.feature);
      if (f) {
        f.attempts = e.data.attempt;
        f.base = e.data.base;
        f.inProgress = true;
      }
      break;
    }
    case "model_response": {
      run(s, e.data.run).responses.set(e.data.turn, { blob: e.data.blob, usage: e.data.usage });
      addUsage(s, e.data.role, e.data.usage);
      const key = `${e.data.role}\t${e.data.model}`;
      const entry: { role: string; model: string; usage: Usage } = s.usageByModel.get(key) ?? {
        role: e.data.role,
        model: e.data.model,
        usage: { input: 0, cache_read: 0, cache_write: 0, output: 0 },
      };
      for (const k of ["input", "cache_read", "cache_write", "output"] as const) entry.usage[k] += e.data.usage[k] ?? 0;
      if (e.data.usage.estimated) entry.usage.estimated = true;
      s.usageByModel.set(key, entry);
      break;
    }
    case "tool_started":
      run(s, e.data.run).started.add(`${e.data.turn}/${e.data.index}`);
      break;
    case "tool_result":
      run(s, e.data.run).results.set(`${e.data.turn}/${e.data.index}`, {
        blob: e.data.blob,
        is_error: e.data.is_error,
        ...(e.data.command ? { command: e.data.command } : {}),
      });
      break;
    case "command_started":
      run(s, e.data.run).pgids.push({ pgid: e.data.pgid, ...(e.data.start ? { start: e.data.start } : {}) });
      break;
    case "handoff": {
      const f = s.features.get(e.data.feature);
      if (f) {
        f.handoff = e.data.handoff;
        f.handoffAttempt = e.data.attempt;
      }
      s.lastHandoff = e.data.handoff;
      break;
    }
    case "commit_intent":
      s.commitIntents.add(e.data.step);
      break;
    case "commit_refused": {
      // the refusal is an issue of the step's handoff: the orchestrator sees it and decides
      const f = s.features.get(e.data.feature);
      const text = `runner: ${e.data.reason}`;
      if (f?.handoff && !f.handoff.issues.some((i) => i.text === text)) {
        const handoff = { ...f.handoff, issues: [...f.handoff.issues, { severity: "high" as const, text }] };
        if (s.lastHandoff === f.handoff) s.lastHandoff = handoff;
        f.handoff = handoff;
      }
      break;
    }
    case "committed": {
      const f = s.features.get(e.data.feature);
      if (f) {
        f.done = true;
        f.inProgress = false;
        f.commit = e.data.commit;
        f.gate = e.data.problems ? "pending" : "none";
      }
      break;
    }
    case "check_started": {
      const m = s.milestones.get(e.data.milestone);
      if (!m) break;
      const started = m.checksStarted.get(e.data.round) ?? new Map<string, number>();
      const key = `${e.data.kind}:${e.data.name}`;
      started.set(key, (started.get(key) ?? 0) + 1);
      m.checksStarted.set(e.data.round, started);
      break;
    }
    case "check_result": {
      const m = s.milestones.get(e.data.milestone);
      if (!m) break;
      const map = m.checks.get(e.data.round) ?? new Map<string, CheckRecord>();
      map.set(`${e.data.kind}:${e.data.name}`, e.data.check);
      m.checks.set(e.data.round, map);
      break;
    }
    case "verdicts": {
      const m = s.milestones.get(e.data.milestone);
      if (!m) break;
      const map = m.verdicts.get(e.data.round) ?? new Map<string, Verdict[]>();
      map.set(e.data.run, e.data.verdicts);
      m.verdicts.set(e.data.round, map);
      break;
    }
    case "validation_finished": {
      const m = s.milestones.get(e.data.milestone);
      if (!m) break;
      m.reports.set(e.data.round, {
        passed: e.data.passed,
        failing: e.data.failing,
        failingProcedures: e.data.failing_procedures ?? [],
        blob: e.data.blob,
      });
      if (!e.data.passed) m.failedRounds++;
      break;
    }
    case "decision":
      applyDecision(s, e.data);
      break;
    case "message_received":
      s.messages.push({ id: e.data.id, text: e.data.text, delivered: false, ...(e.data.interrupt ? { interrupt: true } : {}) });
      break;
    case "messages_delivered":
      for (const m of s.messages)
        if (e.data.ids.includes(m.id)) {
          m.delivered = true;
          m.answeredAt = e.data.run;
        }
      break;
    case "validation_started":
      s.milestones.get(e.data.milestone)?.validating.add(e.data.round);
      break;
    case "paused": {
      s.paused = { reason: e.data.reason };
      const m = e.data.milestone ? s.milestones.get(e.data.milestone) : undefined;
      if (m && e.data.kind === "rounds") m.pausedForRounds = m.failedRounds;
      break;
    }
    case "milestone_accepted": {
      const m = s.milestones.get(e.data.milestone);
      if (m) m.accepted = true;
      break;
    }
    case "mission_completed":
      s.completed = true;
      break;
    // kinds for the record (timings, processes, the app's life, retries, restorations): no state of the runner's
    case "agent_started":
    case "agent_finished":
    case "provider_retry":
    case "leftover_killed":
    case "app_started":
    case "app_stopped":
    case "procedure_finished":
    case "repository_restored":
    case "pause_requested":
    case "turn_interrupted":
    case "notified":
      break;
    default: {
      // every kind has its case: a kind added to events.ts without one does not compile
      const unhandled: never = e;
      return unhandled;
    }
  }
}

function applyDecision(s: MissionState, d: EventData["decision"]): void {
  const decision = d.decision;
  s.decisions.push({ gate: d.gate, action: decision.action, reason: decision.reason });
  for (const m of s.messages)
    if ((d.messages ?? []).includes(m.id)) {
      m.delivered = true;
      m.answeredAt = d.gate;
    }
  if (d.gate.startsWith("handoff:")) {
    const f = d.feature ? s.features.get(d.feature) : undefined;
    if (f) f.gate = "answered";
  }
  const m = d.milestone ? s.milestones.get(d.milestone) : undefined;
  if (d.gate.startsWith("gate:") && m && d.round !== undefined) {
    m.gates.add(d.round);
    if (decision.action === "follow_up") m.round = d.round + 1;
  }
  for (const f of decision.features ?? []) {
    s.features.set(f.name, {
      name: f.name,
      ...(f.title ? { title: f.title } : {}),
      milestone: d.milestone ?? "",
      spec: f.spec,
      fulfills: f.fulfills,
      skills: f.skills ?? [],
      model: f.worker ?? d.default_model,
      origin: "follow_up",
      attempts: 0,
      inProgress: false,
      done: false,
      gate: "none",
      ...(d.round !== undefined ? { round: d.round } : {}),
    });
  }
  for (const a of decision.amendments ?? []) {
    const f = s.features.get(a.feature);
    if (f && !f.done) {
      f.spec = a.spec;
      s.rescopes.push(a);
    }
  }
}

/**
 * A fold that goes on as the journal grows: Mission Control follows a live journal without folding
 * it again from the start at every event. `fold` is one of these over a whole journal.
 */
export class Folding {
  readonly state: MissionState;
  private sessionStart: number | undefined;
  private last = 0;
  private closedMs = 0;

  constructor(plan: Plan) {
    this.state = initialState(plan);
  }

  add(events: readonly JournalEvent[]): MissionState {
    const s = this.state;
    for (const e of events) {
      apply(s, e as AnyEvent); // written typed, and checked against the schema wherever the tests run
      // a webhook's delivery after the work is not the mission's time (runner/notify.ts)
      if (e.type === "notified") continue;
      const t = Date.parse(e.at);
      if (e.type === "run_started" || e.type === "mission_started") {
        if (this.sessionStart !== undefined) this.closedMs += this.last - this.sessionStart;
        this.sessionStart = t;
      }
      this.last = t;
    }
    s.activeMs = this.closedMs + (this.sessionStart !== undefined ? this.last - this.sessionStart : 0);
    const recent = events.slice(-8).map((e) => ({ seq: e.seq, type: e.type, at: e.at, summary: summarize(e) }));
    s.lastEvents = [...s.lastEvents, ...recent].slice(-8);
    return s;
  }
}

export function fold(plan: Plan, events: readonly JournalEvent[]): MissionState {
  return new Folding(plan).add(events);
}
