import { readFileSync } from "node:fs";
import { digestOf } from "./canonical.js";
import { checksValidator } from "./checks.js";
import { PLAN_FORMAT, type GateStep, type ImplementStep, type Plan, type PlanCheck, type PlanStep, type ValidateStep } from "./types.js";

/**
 * Plans of the previous format, `missionc.plan/1` (specs/plan-v1.schema.json), read as `/2`: what a
 * `diff` against an old plan file and a mission started before the change need. The two formats say
 * the same thing; `/1` spelled each validation step's checks out, the regressions included.
 */

export const PLAN_FORMAT_V1 = "missionc.plan/1";

interface ValidateStepV1 extends Omit<ValidateStep, "checks" | "regressions"> {
  checks: PlanCheck[];
}

export interface PlanV1 extends Omit<Plan, "format" | "steps"> {
  format: typeof PLAN_FORMAT_V1;
  steps: (ImplementStep | ValidateStepV1 | GateStep)[];
}

/**
 * The `/2` plan a `/1` plan means, with its `/2` digest: for an unchanged mission, the very plan
 * `lower` makes today, so a stored plan and the mission file still agree after the upgrade.
 */
export function upgradePlanV1(old: PlanV1): Plan {
  const validators = new Map(old.milestones.map((m) => [m.name, m.validators]));
  const steps: PlanStep[] = old.steps.map((s) => {
    if (s.kind !== "validate") return s;
    const { checks, ...rest } = s;
    return {
      ...rest,
      checks: checks.filter((c) => !c.regression).map((c) => c.assertion),
      regressions: s.validator === checksValidator(validators.get(s.milestone) ?? []),
    };
  });
  const { digest: _old, format: _format, ...same } = old;
  const body: Omit<Plan, "digest"> = { ...same, format: PLAN_FORMAT, steps };
  return { ...body, digest: digestOf(body) };
}

/**
 * The plan a mission's state folder holds (its `plan.json`), as `/2`: a mission started by a missionc
 * that wrote `/1` reads the same. `upgradedFrom` is the stored `/1` plan's digest when it was upgraded.
 * Not validated: the runner wrote it.
 */
export function readStoredPlan(path: string): { plan: Plan; upgradedFrom?: string } {
  const value = JSON.parse(readFileSync(path, "utf8")) as Plan | PlanV1;
  if (value.format === PLAN_FORMAT_V1) return { plan: upgradePlanV1(value), upgradedFrom: value.digest };
  return { plan: value };
}
