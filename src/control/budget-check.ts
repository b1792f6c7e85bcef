import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { diagnostic } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { lower } from "../plan/lower.js";
import type { CheckedMission } from "../semantics/check.js";
import type { SourceHost } from "../syntax/host.js";
import { estimatePlan } from "./estimate.js";
import { recordedTurnsAt } from "./recorded-turns.js";
import { total } from "./render-estimate.js";

/**
 * M0502: a budget the estimate says the mission will not keep (`plan --estimate`: first attempts
 * only, so a real run costs more). Checked by `missionc check` (not the language server: it would slow every keystroke), for a
 * mission without errors that has a token or cost budget and at most 2,000 features; the recorded
 * script beside the mission, when there is one, gives the turns.
 */
/** features, nearly the steps: each is one, and each milestone adds two or three */
const MAX_STEPS = 2000;

export function estimateAgainstBudget(checked: CheckedMission, host: SourceHost, cache?: string): Diagnostic[] {
  const budget = checked.mission?.budget;
  if (!budget || checked.fragment || checked.diagnostics.some((d) => d.severity === "error")) return [];
  const setting = (name: string) => budget.settings.find((s) => s.name.text === name);
  const tokens = setting("tokens");
  const cost = setting("cost");
  if (!tokens && !cost) return [];
  // simulating every turn of a mission of thousands of steps would make `check` slow: `plan --estimate` still does it
  if ((checked.mission?.order.length ?? 0) > MAX_STEPS) return [];
  const plan = lower(checked, host);
  const root = checked.program.root.abs;
  const scriptPath = join(dirname(root), `${basename(root, ".mission")}.script.yaml`);
  const recorded = recordedTurnsAt(scriptPath, cache);
  const skillText = (name: string): string => {
    const s = plan.skills[name];
    try {
      return s ? readFileSync(join(dirname(root), s.path), "utf8") : "";
    } catch {
      return "";
    }
  };
  const e = estimatePlan(plan, { ...(recorded ? { recorded } : {}), skillText });
  const out: Diagnostic[] = [];
  const tokensEstimated = total(e.total);
  if (tokens?.value && plan.budget.tokens !== undefined && tokensEstimated > plan.budget.tokens)
    out.push(
      diagnostic(
        "M0502",
        tokens.value.span,
        `the estimate is ${tokensEstimated.toLocaleString("en-US")} tokens, more than the budget's ${tokens.value.raw}`,
        {
          help: "`missionc plan --estimate` shows where they go and what it assumes (first attempts only: a run uses more); raise the budget, or plan less",
        },
      ),
    );
  if (cost?.value && plan.budget.cost_usd !== undefined && e.total.cost !== undefined && e.total.cost > plan.budget.cost_usd)
    out.push(
      diagnostic("M0502", cost.value.span, `the estimate is $${e.total.cost.toFixed(2)}, more than the budget's ${cost.value.raw}`, {
        help: "`missionc plan --estimate` shows where it goes and what it assumes (first attempts only: a run costs more); raise the budget, or plan less",
      }),
    );
  return out;
}
