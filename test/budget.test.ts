import { describe, expect, it } from "vitest";
import type { Usage } from "../src/agents/provider.js";
import { planFromMissionText } from "../src/plan/load.js";
import type { Plan } from "../src/plan/types.js";
import { budgetLeft, budgetReached, spentOf } from "../src/runner/budget.js";
import { nodeHost } from "../src/syntax/host.js";

/**
 * DESIGN §5 / specs/language.md: `budget { tokens, time, cost }` stops the run before the next model
 * call once a limit is reached, and `status` shows what is left of each. One computation serves both.
 */

function planWith(budget: string): Plan {
  const text = `mission m "M" {
  goal "g"
  budget { ${budget} }
  model coder = anthropic "claude-sonnet-5-5" {
    price { input $3  output $15  cache_read $0.30  cache_write $3.75 }
  }
  model local = openai "some-model-without-a-price"
  role orchestrator = coder
  role worker       = coder
  role reviewer     = local
  contract {
    assert a.one "one" { check "true" }
  }
  milestone first {
    feature one { fulfills a.one }
  }
}
`;
  const loaded = planFromMissionText("/virtual/m.mission", text, nodeHost());
  if (!loaded.ok) throw new Error(`${loaded.reason}: ${JSON.stringify(loaded.diagnostics?.map((d) => d.message))}`);
  return loaded.plan;
}

const usage = (input: number, output: number, extra: Partial<Usage> = {}): Usage => ({
  input,
  cache_read: 0,
  cache_write: 0,
  output,
  ...extra,
});

function spentState(entries: { role: string; model: string; usage: Usage }[]) {
  const byRole = new Map<string, Usage>();
  for (const e of entries) {
    const u = byRole.get(e.role) ?? usage(0, 0);
    byRole.set(e.role, {
      input: u.input + e.usage.input,
      cache_read: u.cache_read + e.usage.cache_read,
      cache_write: u.cache_write + e.usage.cache_write,
      output: u.output + e.usage.output,
    });
  }
  return { usage: byRole, usageByModel: new Map(entries.map((e) => [`${e.role}/${e.model}`, e])) };
}

describe("a mission's budget", () => {
  it("counts every kind of token, and dollars only for the models with a price", () => {
    const plan = planWith("tokens 1M  cost $10  time 1h");
    const spent = spentOf(
      plan,
      spentState([
        { role: "worker", model: "coder", usage: usage(1_000_000, 100_000, { cache_read: 1_000_000, cache_write: 0 }) },
        { role: "reviewer", model: "local", usage: usage(500_000, 0) },
      ]),
      90_000,
    );
    // $3 input + $1.50 output + $0.30 cache reads; the unpriced model costs nothing here
    expect(spent).toEqual({ tokens: 2_600_000, cost_usd: 4.8, active_ms: 90_000 });
    expect(budgetLeft(plan, spent)).toEqual({
      cost_usd: { limit: 10, left: 5.2 },
      tokens: { limit: 1_000_000, left: 0 },
      time_seconds: { limit: 3600, left: 3510 },
    });
    expect(budgetReached(plan, spent)).toBe("the token budget is spent (2600000 of 1000000)");
  });

  it("stops at the first limit reached, tokens, then cost, then time; not before", () => {
    const plan = planWith("tokens 10k  cost $1  time 2m");
    const at = (tokens: number, dollars: number, ms: number) => ({ tokens, cost_usd: dollars, active_ms: ms });
    expect(budgetReached(plan, at(9_999, 0.99, 119_999))).toBeUndefined();
    expect(budgetReached(plan, at(10_000, 0, 0))).toBe("the token budget is spent (10000 of 10000)");
    expect(budgetReached(plan, at(0, 1, 0))).toBe("the cost budget is spent ($1.0000 of $1)");
    expect(budgetReached(plan, at(0, 0, 120_000))).toBe("the time budget is spent (120 s of 120 s)");
  });

  it("a mission without a budget is never stopped by one and shows no limits", () => {
    const plan = planWith("");
    const spent = { tokens: 1e12, cost_usd: 1e6, active_ms: 1e10 };
    expect(budgetReached(plan, spent)).toBeUndefined();
    expect(budgetLeft(plan, spent)).toEqual({});
  });
});
