import { groupBy } from "./group.js";
import type { Plan, PlanCheck, ValidateStep, Validator } from "./types.js";

/** The validator whose step runs the machine checks: scrutiny, or the only validator there is. */
export function checksValidator(validators: readonly Validator[]): Validator | undefined {
  return validators.includes("scrutiny") ? "scrutiny" : validators[0];
}

/**
 * The machine checks a validation step runs, commands included: its own assertions' checks, then,
 * when the step runs regressions, the check of every assertion of an earlier milestone (milestone by
 * milestone, in contract order), which the plan refers to rather than copies.
 */
export function checksOf(plan: Pick<Plan, "contract" | "milestones">, step: ValidateStep): PlanCheck[] {
  const byId = new Map(plan.contract.map((a) => [a.id, a]));
  const fresh = step.checks.flatMap((id) => {
    const a = byId.get(id);
    return a?.check === undefined ? [] : [{ assertion: id, command: a.check, regression: false }];
  });
  return step.regressions ? [...fresh, ...regressionChecks(plan, step.milestone)] : fresh;
}

/** The checks of the assertions first validated before `milestone`, in milestone order. */
export function regressionChecks(plan: Pick<Plan, "contract" | "milestones">, milestone: string): PlanCheck[] {
  const checkedOf = groupBy(
    plan.contract.filter((a) => a.check !== undefined),
    (a) => a.milestone,
  );
  const at = plan.milestones.findIndex((m) => m.name === milestone);
  const before = at === -1 ? plan.milestones : plan.milestones.slice(0, at);
  return before.flatMap((m) => checkedOf.get(m.name) ?? []).map((a) => ({ assertion: a.id, command: a.check!, regression: true }));
}
