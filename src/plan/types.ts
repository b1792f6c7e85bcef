/**
 * The execution plan: what `missionc plan --json` writes and the runner interprets. Its JSON is
 * public interface (specs/plan.schema.json); `format` names its version and readers check it.
 * `/2` refers to the machine checks of earlier milestones where `/1` copied them into every later
 * validation step (quadratic: 395 MB at 10,000 features); `/3` adds permissions: each role's tools
 * and network, each procedure's network, and each step's. src/plan/upgrade.ts reads `/1` and `/2`.
 */

export const PLAN_FORMAT = "missionc.plan/3";

export type RoleName = "orchestrator" | "worker" | "reviewer" | "user_tester" | "researcher";
export type Judge = "check" | "reviewer" | "user_tester";
export type Validator = "scrutiny" | "user_testing";

export interface PlanModel {
  provider: string;
  id: string;
  options: Record<string, number | string>;
  /** dollars per million tokens, when the mission says */
  price?: Record<string, number>;
}

export type Network = "none" | "loopback" | "full";
export type ToolGroup = "read" | "write" | "run" | "research" | "http" | "browser";

/** What an agent may do: its tool groups, and the network its commands reach. */
export interface PlanPermission {
  network: Network;
  tools: ToolGroup[];
}

export interface PlanProcedure {
  /** reported but not blocking: a failure does not fail its milestone's validation */
  advisory?: true;
  command: string;
  network: Network;
  timeout_seconds?: number;
  ready?: string;
}

export interface PlanSkill {
  /** relative to the mission file's folder, with `/` */
  path: string;
  sha256: string;
}

export interface PlanAssertion {
  id: string;
  text: string;
  /** who decides whether it holds: its `by`; else `check` when it has one; else the user tester where its milestone runs user_testing, else the reviewer */
  by: Judge;
  check?: string;
  /** fulfilling features, in execution order */
  features: string[];
  /** where it is first validated: the milestone of its last fulfilling feature */
  milestone: string;
}

export interface PlanMilestone {
  name: string;
  title?: string;
  features: string[];
  validators: Validator[];
}

export interface PlanFeature {
  name: string;
  title?: string;
  milestone: string;
  spec?: string;
  fulfills: string[];
  needs: string[];
  skills: string[];
  /** the model that implements it: its `worker`, else the worker role's */
  model: string;
  /** sha256 over what the feature asks for, so a runner can tell which features an edit changed */
  digest: string;
}

/** A machine check to run, as src/plan/checks.ts expands a validation step's; not in the plan's JSON. */
export interface PlanCheck {
  assertion: string;
  command: string;
  /** an assertion that passed at an earlier milestone, run again to catch a regression */
  regression: boolean;
}

export interface ImplementStep {
  id: string;
  kind: "implement";
  milestone: string;
  feature: string;
  role: "worker";
  model: string;
  permission: PlanPermission;
}

export interface ValidateStep {
  id: string;
  kind: "validate";
  milestone: string;
  validator: Validator;
  role: "reviewer" | "user_tester";
  model: string;
  permission: PlanPermission;
  procedures: string[];
  /** assertions whose machine check (their `check` in the contract) first runs here */
  checks: string[];
  /** whether this step also runs again the machine check of every assertion of an earlier milestone */
  regressions: boolean;
  /** assertions this step judges: first validated at this milestone */
  assertions: string[];
  /** features whose diff the reviewers read (scrutiny) */
  features: string[];
}

export interface GateStep {
  id: string;
  kind: "gate";
  milestone: string;
  role: "orchestrator";
  model: string;
  permission: PlanPermission;
}

export type PlanStep = ImplementStep | ValidateStep | GateStep;

export interface Plan {
  format: typeof PLAN_FORMAT;
  digest: string;
  mission: { name: string; title?: string; goal: string; branch: string; repo: string };
  budget: { tokens?: number; time_seconds?: number; cost_usd?: number };
  policy: { max_rounds: number; concurrency: number };
  models: Record<string, PlanModel>;
  roles: Record<RoleName, string>;
  permissions: Record<RoleName, PlanPermission>;
  procedures: Record<string, PlanProcedure>;
  skills: Record<string, PlanSkill>;
  contract: PlanAssertion[];
  milestones: PlanMilestone[];
  features: PlanFeature[];
  steps: PlanStep[];
}
