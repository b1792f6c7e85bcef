import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import { anthropicTables } from "./anthropic-tables.js";
import type { BoundMission } from "./model.js";

/**
 * M0404: an Anthropic model id its provider has deprecated or retired. The table is the SDK's own
 * (read at the edge, src/agents/anthropic-tables.ts) and the date is handed in, so that a check is
 * a pure function of its inputs and a golden file does not turn red the day a model retires.
 */
export interface ModelLifecycle {
  /** end of life by Anthropic model id, as the table writes it ("November 30th, 2026") */
  deprecated: ReadonlyMap<string, string>;
  /** today, `YYYY-MM-DD` */
  today: string;
}

/** The lifecycle `check` uses by default: the installed SDK's table, and today from MISSIONC_TODAY or the clock. */
export function defaultLifecycle(env: NodeJS.ProcessEnv = process.env, now = new Date()): ModelLifecycle {
  const injected = env["MISSIONC_TODAY"];
  const today = injected && isoDate(injected) ? isoDate(injected)! : now.toISOString().slice(0, 10);
  return { deprecated: anthropicTables().deprecated, today };
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** "November 30th, 2026" or "2026-11-30" as `YYYY-MM-DD`; undefined for anything else. */
export function isoDate(written: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(written.trim());
  if (iso) return real(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const m = /^([A-Za-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(written.trim());
  const month = m ? MONTHS.indexOf(m[1].toLowerCase()) : -1;
  if (!m || month < 0) return undefined;
  return real(Number(m[3]), month + 1, Number(m[2]));
}

/** `YYYY-MM-DD` for a day the calendar has (not the 13th month, not February 30th). */
function real(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return d.toISOString().slice(0, 10);
}

export function checkLifecycle(m: BoundMission, lifecycle: ModelLifecycle, out: Diagnostic[]): void {
  for (const [name, model] of m.models) {
    const id = model.id.value;
    if (model.provider.text !== "anthropic" || typeof id !== "string") continue;
    const written = lifecycle.deprecated.get(id);
    if (written === undefined) continue;
    const end = isoDate(written);
    const retired = end !== undefined && end <= lifecycle.today;
    const message = retired
      ? `model \`${name}\` uses \`${id}\`, which reached end of life on ${end}: requests to it fail`
      : end !== undefined
        ? `model \`${name}\` uses \`${id}\`, which is deprecated and reaches end of life on ${end}`
        : `model \`${name}\` uses \`${id}\`, which is deprecated (end of life, as the Anthropic SDK gives it: "${written}")`;
    out.push(
      diagnostic("M0404", model.id.span, message, {
        help: "move to a current model id: https://docs.anthropic.com/en/docs/resources/model-deprecations",
      }),
    );
  }
}
