import type { Estimate, Tally } from "./estimate.js";

/** `missionc plan --estimate` as a table: a row a milestone, the total, and the assumptions it rests on. */
export function renderEstimate(missionName: string, e: Estimate): string {
  const money = (t: Tally): string => (t.cost !== undefined ? `$${t.cost.toFixed(2)}` : "-");
  const row = (name: string, runs: number, t: Tally): string =>
    [
      name.padEnd(14),
      String(runs).padStart(5),
      String(t.usage.input).padStart(10),
      String(t.usage.cache_read).padStart(11),
      String(t.usage.cache_write).padStart(12),
      String(t.usage.output).padStart(9),
      money(t).padStart(9),
    ].join(" ");
  const lines = [
    `estimate for mission ${missionName}, before anything runs (not part of the plan or its digest)`,
    [
      "milestone".padEnd(14),
      "runs".padStart(5),
      "input".padStart(10),
      "cache read".padStart(11),
      "cache write".padStart(12),
      "output".padStart(9),
      "cost".padStart(9),
    ].join(" "),
    ...e.milestones.map((m) => row(m.name, e.runs.filter((r) => r.milestone === m.name).length, m)),
    row("total", e.runs.length, e.total),
    "",
    `tokens: ${total(e.total)}; cache reads ${(e.total.cache_read_share * 100).toFixed(1)}% of input tokens (simulated)${e.unpriced.length ? `; no price for model ${e.unpriced.join(", ")}, not counted in the cost` : ""}`,
    "assumptions:",
    ...e.assumptions.map((a) => `  - ${a}`),
  ];
  return `${lines.join("\n")}\n`;
}

export const total = (t: Tally): number => t.usage.input + t.usage.cache_read + t.usage.cache_write + t.usage.output;
