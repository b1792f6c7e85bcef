import type { JournalEvent } from "../runner/journal.js";

/**
 * Where a mission's wall time went, from the journal alone (DESIGN §8). The active time is the sum
 * of the runner's sessions (from a run's start to its last event; the hours a mission sat paused or
 * crashed are not in it). Within it, the phases are intervals between journaled events:
 * implementation from `step_started` to `committed`, validation from `validation_started` to
 * `validation_finished`, orchestration over the orchestrator's agent runs. Provider retry back-offs
 * are waiting, so they move to "other", which is whatever no phase covers.
 * A step or a validation round a crash cut short goes on when the runner resumes it; an orchestrator
 * answering a message in the middle of a step suspends the step's interval, so no time counts twice.
 * Each role's time is the sum of its agent runs (start to finish, its tools included) plus the
 * validators' commands the runner ran for it (scrutiny's procedures and checks for the reviewer,
 * installing and starting the app for the user tester).
 */

export type Phase = "orchestration" | "implementation" | "validation" | "other";

export interface TimeSplit {
  active_ms: number;
  phases: Record<Phase, number>;
  roles: Record<string, { ms: number; agent_ms: number; command_ms: number; runs: number }>;
}

type Data = Record<string, unknown>;
type Busy = Exclude<Phase, "other">;

/** The phase intervals: opened and closed by events, cut at a crash and reopened at the resume. */
class PhaseClock {
  readonly ms: Record<Phase, number> = { orchestration: 0, implementation: 0, validation: 0, other: 0 };
  readonly waited: Record<Busy, number> = { orchestration: 0, implementation: 0, validation: 0 };
  private readonly open = new Map<string, { phase: Busy; since: number }>();
  private resumed: [string, Busy][] = [];
  private suspended: [string, Busy][] = [];

  start(key: string, phase: Busy, at: number): void {
    this.open.set(key, { phase, since: at });
  }

  stop(key: string, at: number): boolean {
    const o = this.open.get(key);
    if (!o) return false;
    this.ms[o.phase] += Math.max(0, at - o.since);
    this.open.delete(key);
    return true;
  }

  private stopAll(at: number): [string, Busy][] {
    const stopped = [...this.open].map(([key, o]): [string, Busy] => [key, o.phase]);
    for (const [key] of stopped) this.stop(key, at);
    return stopped;
  }

  /** a crash: steps and rounds go on when the runner resumes (an orchestrator run starts afresh) */
  crashed(at: number): void {
    this.resumed = this.stopAll(at).filter(([, phase]) => phase !== "orchestration");
    this.suspended = [];
  }

  sessionStarted(at: number): void {
    for (const [key, phase] of this.resumed) this.start(key, phase, at);
    this.resumed = [];
  }

  /** an orchestrator answering a message mid-step: the step's time stops while it runs */
  orchestrating(run: string, at: number): void {
    this.suspended = this.stopAll(at);
    this.start(`orchestrate:${run}`, "orchestration", at);
  }

  orchestrated(run: string, at: number): void {
    if (!this.stop(`orchestrate:${run}`, at)) return;
    for (const [key, phase] of this.suspended) this.start(key, phase, at);
    this.suspended = [];
  }

  /** a provider back-off is waiting inside whichever phase was going on */
  wait(ms: number): void {
    const within = [...this.open.values()][0]?.phase;
    if (within) this.waited[within] += ms;
  }
}

/** Each role's agent runs (start to finish, tools included) and the commands run on its behalf. */
class RoleClock {
  readonly roles: TimeSplit["roles"] = {};
  private readonly running = new Map<string, { role: string; since: number }>();
  private readonly runs = new Map<string, Set<string>>();

  role(name: string): TimeSplit["roles"][string] {
    return (this.roles[name] ??= { ms: 0, agent_ms: 0, command_ms: 0, runs: 0 });
  }

  started(run: string, role: string, at: number): void {
    this.running.set(run, { role, since: at });
    if (!this.runs.has(role)) this.runs.set(role, new Set());
    this.runs.get(role)!.add(run); // a run resumed after a crash or an interrupt is one run
    this.role(role);
  }

  finished(run: string, at: number): void {
    const a = this.running.get(run);
    if (a) {
      this.role(a.role).agent_ms += Math.max(0, at - a.since);
      this.running.delete(run);
    }
  }

  crashed(at: number): void {
    for (const run of this.running.keys()) this.finished(run, at); // deleting the entry being visited is safe in a Map
  }

  done(): TimeSplit["roles"] {
    for (const [name, r] of Object.entries(this.roles)) {
      r.ms = r.agent_ms + r.command_ms;
      r.runs = this.runs.get(name)?.size ?? 0;
    }
    return this.roles;
  }
}

function commandRole(d: Data): string {
  return d["kind"] === "procedure" && (d["name"] === "install" || d["name"] === "start") ? "user_tester" : "reviewer";
}

export function timeSplit(events: readonly JournalEvent[]): TimeSplit {
  const phases = new PhaseClock();
  const roles = new RoleClock();
  let active = 0;
  let sessionStart: number | undefined;
  let last = 0;
  for (const e of events) {
    if (e.type === "notified") continue; // a webhook's delivery after the work is not the mission's time
    const at = Date.parse(e.at);
    const d = e.data as Data;
    if (e.type === "mission_started" || e.type === "run_started") {
      // the runner's sessions: the time between them (paused, crashed) is not the mission's
      if (sessionStart !== undefined) {
        active += last - sessionStart;
        phases.crashed(last);
        roles.crashed(last);
      }
      sessionStart = at;
      phases.sessionStarted(at);
    }
    switch (e.type) {
      case "step_started":
        phases.start(`step:${String(d["step"])}`, "implementation", at);
        break;
      case "committed":
        phases.stop(`step:${String(d["step"])}`, at);
        break;
      case "validation_started":
        phases.start(`validate:${String(d["milestone"])}#${String(d["round"])}`, "validation", at);
        break;
      case "validation_finished":
        phases.stop(`validate:${String(d["milestone"])}#${String(d["round"])}`, at);
        break;
      case "agent_started":
        roles.started(String(d["run"]), String(d["role"]), at);
        if (d["role"] === "orchestrator") phases.orchestrating(String(d["run"]), at);
        break;
      case "agent_finished":
        roles.finished(String(d["run"]), at);
        phases.orchestrated(String(d["run"]), at);
        break;
      case "check_result":
        roles.role(commandRole(d)).command_ms += (d["check"] as { duration_ms?: number } | undefined)?.duration_ms ?? 0;
        break;
      case "procedure_finished":
        roles.role("worker").command_ms += Number(d["duration_ms"] ?? 0);
        break;
      case "provider_retry":
        phases.wait(Number(d["delay_ms"] ?? 0));
        break;
      default:
        break;
    }
    last = at;
  }
  if (sessionStart !== undefined) {
    active += last - sessionStart;
    phases.crashed(last);
    roles.crashed(last);
  }
  const ms = phases.ms;
  // back-offs were spent inside a phase but are waiting: they move to "other"
  for (const p of ["implementation", "validation", "orchestration"] as const) ms[p] -= Math.min(phases.waited[p], ms[p]);
  ms.other = Math.max(0, active - ms.implementation - ms.validation - ms.orchestration);
  return { active_ms: active, phases: ms, roles: roles.done() };
}
