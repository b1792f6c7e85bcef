import { ROLES } from "../semantics/model.js";
import { defaultPermission, defaultProcedureNetwork } from "../semantics/permissions.js";
import { stepsOf } from "./lower.js";
import { digestOf } from "./canonical.js";
import { checksValidator } from "./checks.js";
import {
  PLAN_FORMAT,
  type GateStep,
  type ImplementStep,
  type Plan,
  type PlanCheck,
  type PlanProcedure,
  type ValidateStep,
} from "./types.js";

/**
 * Plans of the previous formats, read as today's: what a `diff` against an old plan file and a
 * mission started before the change need. `/1` (specs/plan-v1.schema.json) spelled each validation
 * step's checks out, the regressions included; `/2` (plan-v2.schema.json) had no permissions, which
 * meant the defaults every role and procedure still gets when its mission says nothing.
 */

export const PLAN_FORMAT_V1 = "missionc.plan/1";
export const PLAN_FORMAT_V2 = "missionc.plan/2";

type Unpermitted<T> = Omit<T, "permission">;
type ProcedureV2 = Omit<PlanProcedure, "network">;

interface ValidateStepV1 extends Omit<Unpermitted<ValidateStep>, "checks" | "regressions"> {
  checks: PlanCheck[];
}

export interface PlanV2 extends Omit<Plan, "format" | "steps" | "permissions" | "procedures"> {
  format: typeof PLAN_FORMAT_V2;
  procedures: Record<string, ProcedureV2>;
  steps: (Unpermitted<ImplementStep> | Unpermitted<ValidateStep> | Unpermitted<GateStep>)[];
}

export interface PlanV1 extends Omit<PlanV2, "format" | "steps"> {
  format: typeof PLAN_FORMAT_V1;
  steps: (Unpermitted<ImplementStep> | ValidateStepV1 | Unpermitted<GateStep>)[];
}

function upgradeV1(old: PlanV1): PlanV2 {
  const validators = new Map(old.milestones.map((m) => [m.name, m.validators]));
  const steps: PlanV2["steps"] = old.steps.map((s) => {
    if (s.kind !== "validate") return s;
    const { checks, ...rest } = s;
    return {
      ...rest,
      checks: checks.filter((c) => !c.regression).map((c) => c.assertion),
      regressions: s.validator === checksValidator(validators.get(s.milestone) ?? []),
    };
  });
  return { ...old, format: PLAN_FORMAT_V2, steps };
}

/** `/2` had no permissions: every role and procedure had its default, and the steps follow from the tables. */
function upgradeV2(old: PlanV2): Plan {
  const permissions = Object.fromEntries(
    ROLES.map((role) => [role, defaultPermission(role, old.models[old.roles[role]]?.provider === "command")]),
  ) as Plan["permissions"];
  const procedures: Plan["procedures"] = Object.fromEntries(
    Object.entries(old.procedures).map(([name, p]) => [name, { ...p, network: defaultProcedureNetwork(name) }]),
  );
  const { digest: _old, format: _format, procedures: _procedures, steps: _steps, ...same } = old;
  const tables = { ...same, permissions, procedures };
  const body: Omit<Plan, "digest"> = { ...tables, format: PLAN_FORMAT, steps: stepsOf(tables) };
  return { ...body, digest: digestOf(body) };
}

/**
 * Today's plan an older one means, with today's digest: for an unchanged mission, the very plan
 * `lower` makes today, so a stored plan and the mission file still agree after the upgrade.
 */
export function upgradePlan(old: PlanV1 | PlanV2): Plan {
  return upgradeV2(old.format === PLAN_FORMAT_V1 ? upgradeV1(old) : old);
}
