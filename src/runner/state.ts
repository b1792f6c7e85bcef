import type { Usage } from "../agents/provider.js";
import type { Plan } from "../plan/types.js";
import type { JournalEvent } from "./journal.js";

/**
 * The runner's state is a fold over the journal: nothing else is remembered between runs, so a
 * resumed runner computes exactly the state the killed one had reached.
 */

export interface Handoff {
  feature: string;
  status: "done" | "partial" | "blocked";
  implemented: string[];
  left_undone: string[];
  commands: { command: string; exit_code: number }[];
  issues: { severity: "low" | "medium" | "high"; text: string }[];
  procedures_followed: boolean;
  notes: string;
}

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

export interface Verdict {
  assertion: string;
  verdict: "pass" | "fail" | "unverified";
  evidence: string;
}

export interface CheckRecord {
  kind: "procedure" | "check";
  name: string;
  command: string;
  exit_code: number;
  duration_ms: number;
  blob: string;
  regression?: boolean;
}

export interface MilestoneState {
  name: string;
  round: number;
  accepted: boolean;
  /** per round: the checks run, the verdicts given, the report */
  checks: Map<number, Map<string, CheckRecord>>;
  /** `round` → `kind:name` of the procedures and checks journaled as started (one without a result was cut short) */
  checksStarted: Map<number, Set<string>>;
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

// Journal events are untyped: nothing checks their data when it is written (specs/journal.schema.json
// describes the events, but the runner never validates against it), and the fold reads it loosely
// until the honest-gates issue gives each event type its own shape. Until then the fold is also
// exempt from the no-unsafe-* rules.
// oxlint-disable-next-line typescript/no-explicit-any -- see above: untyped journal data, to be typed by the honest-gates issue
type D = Record<string, any>;

/** Applies one event. The switch is the whole of the runner's memory. */
export function apply(s: MissionState, e: JournalEvent): void {
  const d = e.data as D;
  s.events = e.seq;
  switch (e.type) {
    case "adopted":
      for (const c of d["commits"] as string[]) s.adopted.add(c);
      break;
    case "mission_started":
      s.started = true;
      s.base = d["base"];
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
      s.planDigest = d["to"];
      break;
    case "replanned": {
      s.planDigest = d["to"];
      for (const name of d["reset"] as string[]) {
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
      const touched = (d["reset"] as string[]).map((n) => s.features.get(n)?.milestone).filter(Boolean);
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
      for (const spec of (d["specs"] ?? []) as {
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
      s.steps.set(d["step"], { base: d["base"], run: d["run"] });
      const f = s.features.get(d["feature"]);
      if (f) {
        f.attempts = d["attempt"];
        f.base = d["base"];
        f.inProgress = true;
      }
      break;
    }
    case "model_response": {
      run(s, d["run"]).responses.set(d["turn"], { blob: d["blob"], usage: d["usage"] });
      addUsage(s, d["role"], d["usage"]);
      const key = `${d["role"]}\t${d["model"]}`;
      const entry: { role: string; model: string; usage: Usage } = s.usageByModel.get(key) ?? {
        role: d["role"],
        model: d["model"],
        usage: { input: 0, cache_read: 0, cache_write: 0, output: 0 },
      };
      for (const k of ["input", "cache_read", "cache_write", "output"] as const) entry.usage[k] += (d["usage"] as Usage)[k] ?? 0;
      if ((d["usage"] as Usage).estimated) entry.usage.estimated = true;
      s.usageByModel.set(key, entry);
      break;
    }
    case "tool_started":
      run(s, d["run"]).started.add(`${d["turn"]}/${d["index"]}`);
      break;
    case "tool_result":
      run(s, d["run"]).results.set(`${d["turn"]}/${d["index"]}`, {
        blob: d["blob"],
        is_error: d["is_error"],
        ...(d["command"] ? { command: d["command"] } : {}),
      });
      break;
    case "command_started":
      run(s, d["run"]).pgids.push({ pgid: d["pgid"], ...(d["start"] ? { start: d["start"] } : {}) });
      break;
    case "handoff": {
      const f = s.features.get(d["feature"]);
      if (f) {
        f.handoff = d["handoff"];
        f.handoffAttempt = d["attempt"];
      }
      s.lastHandoff = d["handoff"];
      break;
    }
    case "commit_intent":
      s.commitIntents.add(d["step"]);
      break;
    case "commit_refused": {
      // the refusal is an issue of the step's handoff: the orchestrator sees it and decides
      const f = s.features.get(d["feature"]);
      const text = `runner: ${d["reason"]}`;
      if (f?.handoff && !f.handoff.issues.some((i) => i.text === text)) {
        const handoff = { ...f.handoff, issues: [...f.handoff.issues, { severity: "high" as const, text }] };
        if (s.lastHandoff === f.handoff) s.lastHandoff = handoff;
        f.handoff = handoff;
      }
      break;
    }
    case "committed": {
      const f = s.features.get(d["feature"]);
      if (f) {
        f.done = true;
        f.inProgress = false;
        f.commit = d["commit"];
        f.gate = d["problems"] ? "pending" : "none";
      }
      break;
    }
    case "check_started": {
      const m = s.milestones.get(d["milestone"]);
      if (!m) break;
      const set = m.checksStarted.get(d["round"]) ?? new Set<string>();
      set.add(`${d["kind"]}:${d["name"]}`);
      m.checksStarted.set(d["round"], set);
      break;
    }
    case "check_result": {
      const m = s.milestones.get(d["milestone"]);
      if (!m) break;
      const map = m.checks.get(d["round"]) ?? new Map<string, CheckRecord>();
      map.set(`${d["kind"]}:${d["name"]}`, d["check"] as CheckRecord);
      m.checks.set(d["round"], map);
      break;
    }
    case "verdicts": {
      const m = s.milestones.get(d["milestone"]);
      if (!m) break;
      const map = m.verdicts.get(d["round"]) ?? new Map<string, Verdict[]>();
      map.set(d["run"], d["verdicts"]);
      m.verdicts.set(d["round"], map);
      break;
    }
    case "validation_finished": {
      const m = s.milestones.get(d["milestone"]);
      if (!m) break;
      m.reports.set(d["round"], {
        passed: d["passed"],
        failing: d["failing"],
        failingProcedures: d["failing_procedures"] ?? [],
        blob: d["blob"],
      });
      if (!d["passed"]) m.failedRounds++;
      break;
    }
    case "decision":
      applyDecision(s, d);
      break;
    case "message_received":
      s.messages.push({ id: d["id"], text: d["text"], delivered: false, ...(d["interrupt"] ? { interrupt: true } : {}) });
      break;
    case "messages_delivered":
      for (const m of s.messages)
        if ((d["ids"] as string[]).includes(m.id)) {
          m.delivered = true;
          m.answeredAt = d["run"];
        }
      break;
    case "validation_started":
      s.milestones.get(d["milestone"])?.validating.add(d["round"]);
      break;
    case "paused": {
      s.paused = { reason: d["reason"] };
      const m = d["milestone"] ? s.milestones.get(d["milestone"]) : undefined;
      if (m && d["kind"] === "rounds") m.pausedForRounds = m.failedRounds;
      break;
    }
    case "milestone_accepted": {
      const m = s.milestones.get(d["milestone"]);
      if (m) m.accepted = true;
      break;
    }
    case "mission_completed":
      s.completed = true;
      break;
    default:
      break;
  }
}

function applyDecision(s: MissionState, d: D): void {
  const decision = d["decision"] as { action: string; reason: string; features?: D[]; amendments?: { feature: string; spec: string }[] };
  s.decisions.push({ gate: d["gate"], action: decision.action, reason: decision.reason });
  for (const m of s.messages)
    if (((d["messages"] ?? []) as string[]).includes(m.id)) {
      m.delivered = true;
      m.answeredAt = d["gate"];
    }
  const gate = String(d["gate"]);
  if (gate.startsWith("handoff:")) {
    const f = s.features.get(d["feature"]);
    if (f) f.gate = "answered";
  }
  const m = d["milestone"] ? s.milestones.get(d["milestone"]) : undefined;
  if (gate.startsWith("gate:") && m) {
    m.gates.add(d["round"]);
    if (decision.action === "follow_up") m.round = d["round"] + 1;
  }
  for (const f of decision.features ?? []) {
    s.features.set(f["name"], {
      name: f["name"],
      ...(f["title"] ? { title: f["title"] } : {}),
      milestone: d["milestone"],
      spec: f["spec"],
      fulfills: f["fulfills"],
      skills: f["skills"] ?? [],
      model: f["worker"] ?? d["default_model"],
      origin: "follow_up",
      attempts: 0,
      inProgress: false,
      done: false,
      gate: "none",
      ...(d["round"] !== undefined ? { round: d["round"] } : {}),
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

export function fold(plan: Plan, events: JournalEvent[]): MissionState {
  const s = initialState(plan);
  let segmentStart: number | undefined;
  let last = 0;
  for (const e of events) {
    apply(s, e);
    const t = Date.parse(e.at);
    if (e.type === "run_started" || e.type === "mission_started") {
      if (segmentStart !== undefined) s.activeMs += last - segmentStart;
      segmentStart = t;
    }
    last = t;
  }
  if (segmentStart !== undefined) s.activeMs += last - segmentStart;
  s.lastEvents = events.slice(-8).map((e) => ({ seq: e.seq, type: e.type, at: e.at, summary: summarize(e) }));
  return s;
}

export function summarize(e: JournalEvent): string {
  const d = e.data as D;
  switch (e.type) {
    case "step_started":
      return `${d["step"]} (attempt ${d["attempt"]})`;
    case "model_response":
      return `${d["run"]} turn ${d["turn"]}`;
    case "tool_started":
      return `${d["run"]} ${d["name"]}`;
    case "tool_result":
      return `${d["run"]} ${d["name"]}${d["is_error"] ? " (error)" : ""}`;
    case "handoff":
      return `${d["feature"]}: ${d["handoff"]?.status}`;
    case "commit_refused":
      return `${d["feature"]}: ${d["reason"]}`;
    case "committed":
      return `${d["feature"]} ${d["commit"] ? String(d["commit"]).slice(0, 10) : "(no change)"}`;
    case "check_started":
      return `${d["milestone"]}#${d["round"]} ${d["kind"]} ${d["name"]}`;
    case "check_result":
      return `${d["milestone"]}#${d["round"]} ${d["kind"]} ${d["name"]} → exit ${d["check"]?.exit_code}`;
    case "validation_finished":
      return `${d["milestone"]}#${d["round"]} ${d["passed"] ? "passed" : `failed: ${[...(d["failing"] as string[]), ...((d["failing_procedures"] as string[] | undefined) ?? []).map((p) => `procedure ${p}`)].join(", ")}`}`;
    case "decision": {
      const made = ((d["decision"]?.features ?? []) as { name: string }[]).map((f) => f.name);
      return `${d["gate"]}: ${d["decision"]?.action}${made.length ? ` ${made.join(", ")}` : ""} — ${String(d["decision"]?.reason ?? "").slice(0, 100)}`;
    }
    case "paused":
      return String(d["reason"]);
    case "provider_retry":
      return `${d["run"]} turn ${d["turn"]}: ${d["status"] ? `HTTP ${d["status"]}` : d["reason"]}, retry ${d["attempt"]} after ${d["delay_ms"]} ms`;
    case "message_received":
      return String(d["text"]).slice(0, 80);
    case "replanned":
      return `${(d["reset"] as string[]).join(", ") || "no done feature"} to run again`;
    case "plan_upgraded":
      return `the stored plan now in ${d["format"]}, ${String(d["to"]).slice(0, 19)}`;
    case "command_started":
      return String(d["run"]);
    case "leftover_killed":
      return `${d["run"]} group ${d["pgid"]}`;
    case "procedure_finished":
      return `${d["name"]} → exit ${d["exit_code"]}`;
    case "commit_intent":
      return String(d["step"]);
    case "verdicts": {
      const v = (d["verdicts"] ?? []) as { verdict: string }[];
      const n = (k: string): number => v.filter((x) => x.verdict === k).length;
      return `${d["run"]}: ${n("pass")} pass, ${n("fail")} fail, ${n("unverified")} unverified`;
    }
    case "agent_started":
      return `${d["run"]} (${d["role"]} ${d["model"]})`;
    case "agent_finished":
      return `${d["run"]}: ${d["outcome"]} after ${d["turns"]} turn(s)`;
    case "validation_started":
      return `${d["milestone"]} round ${d["round"]}`;
    case "app_started":
      return `${d["milestone"]}#${d["round"]} group ${d["pgid"]} ready at ${d["ready"]} in ${d["ready_ms"]} ms`;
    case "app_stopped":
      return `${d["milestone"]}#${d["round"]} group ${d["pgid"]}`;
    case "turn_interrupted":
      return `${d["run"]} turn ${d["turn"]}`;
    case "messages_delivered":
      return `${(d["ids"] as string[]).length} message(s) to ${d["run"]}`;
    default:
      return "";
  }
}
