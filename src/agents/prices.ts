import type { PlanModel } from "../plan/types.js";
import type { Usage } from "./provider.js";

/**
 * Dollars per million tokens for known model ids; a mission's `price { }` overrides. Unknown ids show no cost.
 * The 5.5 models are given their families' prices (Opus, Sonnet), which this table has not confirmed
 * against a published price list: a mission that reports cost to someone who pays should say `price`.
 */
const TABLE: Record<string, { input: number; output: number; cache_read: number; cache_write: number }> = {
  "claude-opus-5-5": { input: 15, output: 75, cache_read: 1.5, cache_write: 18.75 },
  "claude-sonnet-5-5": { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
  "claude-opus-4-1": { input: 15, output: 75, cache_read: 1.5, cache_write: 18.75 },
  "claude-sonnet-4-5": { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
  "claude-haiku-4-5": { input: 1, output: 5, cache_read: 0.1, cache_write: 1.25 },
  "gpt-5": { input: 1.25, output: 10, cache_read: 0.125, cache_write: 0 },
  "gpt-5-codex": { input: 1.25, output: 10, cache_read: 0.125, cache_write: 0 },
  "gpt-5-mini": { input: 0.25, output: 2, cache_read: 0.025, cache_write: 0 },
};

export function priceOf(model: PlanModel): { input: number; output: number; cache_read: number; cache_write: number } | undefined {
  const known = TABLE[model.id];
  if (!model.price) return known;
  const base = known ?? { input: 0, output: 0, cache_read: 0, cache_write: 0 };
  return { ...base, ...model.price };
}

/** Dollars for a model's usage; none for scripted models or estimated counts (no model was paid). */
export function costOf(model: PlanModel | undefined, u: Usage): number | undefined {
  if (!model || model.provider === "scripted" || u.estimated) return undefined;
  const p = priceOf(model);
  if (!p) return undefined;
  return (u.input * p.input + u.output * p.output + u.cache_read * p.cache_read + u.cache_write * p.cache_write) / 1e6;
}
