import { costOf } from "../agents/prices.js";
import type { Plan } from "../plan/types.js";
import type { MissionState } from "./state.js";

/**
 * A mission's budget against what its journal says was spent: one computation for the runner, which
 * stops when a limit is reached, and for `status` and the report, which show what is left.
 */

export interface Spent {
  tokens: number;
  /** dollars of the models with a price; the others count nothing here and are named by `status` */
  cost_usd: number;
  active_ms: number;
}

export interface BudgetLeft {
  tokens?: { limit: number; left: number };
  time_seconds?: { limit: number; left: number };
  cost_usd?: { limit: number; left: number };
}

export function spentOf(plan: Plan, s: Pick<MissionState, "usage" | "usageByModel">, activeMs: number): Spent {
  let tokens = 0;
  for (const u of s.usage.values()) tokens += u.input + u.cache_read + u.cache_write + u.output;
  let cost = 0;
  for (const { model, usage } of s.usageByModel.values()) cost += costOf(plan.models[model], usage) ?? 0;
  return { tokens, cost_usd: Math.round(cost * 1e6) / 1e6, active_ms: activeMs };
}

/** What is left of each limit the mission sets, never below zero. */
export function budgetLeft(plan: Plan, spent: Spent): BudgetLeft {
  const b = plan.budget;
  const left = (limit: number, used: number) => ({ limit, left: Math.max(0, limit - used) });
  return {
    ...(b.cost_usd !== undefined ? { cost_usd: left(b.cost_usd, spent.cost_usd) } : {}),
    ...(b.tokens !== undefined ? { tokens: left(b.tokens, spent.tokens) } : {}),
    ...(b.time_seconds !== undefined ? { time_seconds: left(b.time_seconds, Math.round(spent.active_ms / 1000)) } : {}),
  };
}

/** Why the mission must stop before its next model call, if a limit is reached. */
export function budgetReached(plan: Plan, spent: Spent): string | undefined {
  const b = plan.budget;
  if (b.tokens !== undefined && spent.tokens >= b.tokens) return `the token budget is spent (${spent.tokens} of ${b.tokens})`;
  if (b.cost_usd !== undefined && spent.cost_usd >= b.cost_usd)
    return `the cost budget is spent ($${spent.cost_usd.toFixed(4)} of $${b.cost_usd})`;
  if (b.time_seconds !== undefined && spent.active_ms >= b.time_seconds * 1000)
    return `the time budget is spent (${Math.round(spent.active_ms / 1000)} s of ${b.time_seconds} s)`;
  return undefined;
}
