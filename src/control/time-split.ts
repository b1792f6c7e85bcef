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

interface Open { phase: Exclude<Phase, "other">; since: number }

export function timeSplit(events: readonly JournalEvent[]): TimeSplit {
  const phases: Record<Phase, number> = { orchestration: 0, implementation: 0, validation: 0, other: 0 };
  const roles: TimeSplit["roles"] = {};
  const role = (name: string): TimeSplit["roles"][string] => (roles[name] ??= { ms: 0, agent_ms: 0, command_ms: 0, runs: 0 });
  const runsOf = new Map<string, Set<string>>();
  let resumed: [string, Open["phase"]][] = [];
  let suspended: [string, Open["phase"]][] = [];
  const open = new Map<string, Open>();
  const agents = new Map<string, { role: string; since: number }>();
  let active = 0;
  let sessionStart: number | undefined;
  let last = 0;
  const waited: Record<Exclude<Phase, "other">, number> = { orchestration: 0, implementation: 0, validation: 0 };

  // a crash ends every interval at the last event the dead runner wrote; steps and rounds go on at the resume
  const closeAll = (at: number): void => {
    resumed = [];
    for (const [key, o] of open) {
      phases[o.phase] += Math.max(0, at - o.since);
      if (o.phase !== "orchestration") resumed.push([key, o.phase]);
    }
    open.clear();
    suspended = [];
    for (const a of agents.values()) { const r = role(a.role); r.agent_ms += Math.max(0, at - a.since); }
    agents.clear();
  };
  const close = (key: string, at: number): void => {
    const o = open.get(key);
    if (o) { phases[o.phase] += Math.max(0, at - o.since); open.delete(key); }
  };

  for (const e of events) {
    const at = Date.parse(e.at);
    const d = e.data as Data;
    if (e.type === "mission_started" || e.type === "run_started") {
      if (sessionStart !== undefined) { active += last - sessionStart; closeAll(last); }
      sessionStart = at;
      for (const [key, phase] of resumed) open.set(key, { phase, since: at });
      resumed = [];
    }
    switch (e.type) {
      case "step_started": open.set(`step:${d["step"]}`, { phase: "implementation", since: at }); break;
      case "committed": close(`step:${d["step"]}`, at); break;
      case "validation_started": open.set(`validate:${d["milestone"]}#${d["round"]}`, { phase: "validation", since: at }); break;
      case "validation_finished": close(`validate:${d["milestone"]}#${d["round"]}`, at); break;
      case "agent_started": {
        const r = String(d["role"]);
        agents.set(String(d["run"]), { role: r, since: at });
        if (!runsOf.has(r)) runsOf.set(r, new Set());
        runsOf.get(r)!.add(String(d["run"]));
        role(r);
        if (r === "orchestrator") {
          for (const [key, o] of open) { phases[o.phase] += Math.max(0, at - o.since); suspended.push([key, o.phase]); }
          open.clear();
          open.set(`orchestrate:${d["run"]}`, { phase: "orchestration", since: at });
        }
        break;
      }
      case "agent_finished": {
        const a = agents.get(String(d["run"]));
        if (a) { role(a.role).agent_ms += Math.max(0, at - a.since); agents.delete(String(d["run"])); }
        if (open.has(`orchestrate:${d["run"]}`)) {
          close(`orchestrate:${d["run"]}`, at);
          for (const [key, phase] of suspended) open.set(key, { phase, since: at });
          suspended = [];
        }
        break;
      }
      case "check_result": {
        const c = d["check"] as { duration_ms?: number } | undefined;
        const by = d["kind"] === "procedure" && (d["name"] === "install" || d["name"] === "start") ? "user_tester" : "reviewer";
        role(by).command_ms += c?.duration_ms ?? 0;
        break;
      }
      case "procedure_finished": role("worker").command_ms += Number(d["duration_ms"] ?? 0); break;
      case "provider_retry": {
        // the back-off is waiting inside whichever phase was going on
        const within = [...open.values()][0]?.phase;
        if (within) waited[within] += Number(d["delay_ms"] ?? 0);
        break;
      }
      default: break;
    }
    last = at;
  }
  if (sessionStart !== undefined) { active += last - sessionStart; closeAll(last); }

  // back-offs were spent inside a phase but are waiting: they move to "other"
  for (const p of ["implementation", "validation", "orchestration"] as const) phases[p] -= Math.min(waited[p], phases[p]);
  const covered = phases.implementation + phases.validation + phases.orchestration;
  phases.other = Math.max(0, active - covered);
  for (const [name, r] of Object.entries(roles)) { r.ms = r.agent_ms + r.command_ms; r.runs = runsOf.get(name)?.size ?? 0; }
  return { active_ms: active, phases, roles };
}
