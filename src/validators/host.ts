import type { AgentHost, AgentOutcome, AgentRun } from "../agents/loop.js";
import type { ToolContext } from "../agents/tools.js";
import type { Plan } from "../plan/types.js";
import type { Blobs } from "../runner/blobs.js";
import type { Event, EventData, EventType } from "../runner/events.js";
import type { Workspace } from "../runner/git.js";
import type { Layout } from "../runner/layout.js";
import type { FeatureState, MissionState } from "../runner/state.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { ValidationReport } from "./validate.js";

/**
 * What validating a milestone needs from whoever runs it, and nothing more: the runner implements it
 * (its `RunContext`), tests may hand in their own. Validators read the journal's folded state and
 * append events through it; they never import the runner's code, so the dependency points one way
 * (runner → validators), as `AgentHost` does for the agent loop.
 */
export interface ValidationHost {
  readonly plan: Plan;
  /** what the journal says so far: the rounds' checks and verdicts, and the agents' runs */
  readonly state: Pick<MissionState, "milestones" | "runs">;
  readonly settings: { rerunCut: number; maxTurns: number; maxInvalid: number };
  readonly layout: Pick<Layout, "worktree" | "logs" | "validation">;
  readonly sandbox: Sandbox;
  readonly blobs: Pick<Blobs, "put" | "text" | "json">;
  readonly git: Pick<Workspace, "diff">;
  /** the features of a milestone in execution order, follow-ups included */
  features(milestone: string): FeatureState[];
  /** appends an event to the journal; the folded state includes it on return */
  record<K extends EventType>(type: K, data: EventData[K]): Event<K>;
  /** a command's process group, journaled so that a resumed runner ends what a killed one left */
  recordCommand(run: string, pgid: number): void;
  progress(line: string): void;
  agent<T>(
    role: string,
    model: string,
    spec: AgentRun<T>,
    extras?: { extraTool?: AgentHost["extraTool"]; app?: ToolContext["app"] },
  ): Promise<AgentOutcome<T>>;
  /** the system prompt of a role, built once a run and reused (the providers' prefix cache) */
  system(role: string, build: () => string[]): string[];
  /** saves a round's report where a person reads it (validation/), secrets taken out */
  keepReport(report: ValidationReport): void;
  /** the run cannot go on without a person (a mission-file problem, a port taken): it pauses */
  stop(reason: string): never;
}
