import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { checkProgram, type CheckedMission } from "../semantics/check.js";
import { absolute, type SourceHost } from "../syntax/host.js";
import { loadProgram } from "../syntax/includes.js";
import { digestOf } from "./canonical.js";
import { lower } from "./lower.js";
import { PLAN_FORMAT, type Plan } from "./types.js";
import { PLAN_FORMAT_V1, PLAN_FORMAT_V2, upgradePlan, type PlanV1, type PlanV2 } from "./upgrade.js";
import { SCHEMA_OF, planSchemaError } from "./schema.js";

export { planSchema, planSchemaError } from "./schema.js";

/** Where plans come from: a mission file (checked, then lowered) or a plan JSON (validated). */

export type Loaded =
  | { ok: true; plan: Plan; checked?: CheckedMission }
  | { ok: false; reason: string; diagnostics?: Diagnostic[]; sources?: Map<string, string> };

export function planFromMissionText(abs: string, text: string, host: SourceHost): Loaded {
  const checked = checkProgram(loadProgram(abs, text, host), host);
  const sources = new Map([...checked.program.files].map(([k, f]) => [k, f.text]));
  if (!checked.mission && checked.fragment) {
    return {
      ok: false,
      reason: `${host.display(abs)} has no mission: it is a fragment; use the mission file that includes it`,
      diagnostics: [],
      sources,
    };
  }
  if (!checked.mission || checked.diagnostics.some((d) => d.severity === "error")) {
    return {
      ok: false,
      reason: `${host.display(abs)} has errors; fix them first (missionc check)`,
      diagnostics: checked.diagnostics,
      sources,
    };
  }
  return { ok: true, plan: lower(checked, host), checked };
}

export function planFromMission(path: string, host: SourceHost, cwd = process.cwd()): Loaded {
  const abs = absolute(path, cwd);
  const read = host.read(abs);
  if ("error" in read) return { ok: false, reason: `cannot read ${host.display(abs)}: it ${read.error}` };
  return planFromMissionText(abs, read.text, host);
}

export function planFromJson(text: string, name: string): Loaded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `${name} is not JSON: ${(e as Error).message}` };
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== PLAN_FORMAT && format !== PLAN_FORMAT_V2 && format !== PLAN_FORMAT_V1) {
    return {
      ok: false,
      reason: `${name} is not a missionc plan: its "format" is ${JSON.stringify(format)}, expected "${PLAN_FORMAT}" (or the older "${PLAN_FORMAT_V2}" or "${PLAN_FORMAT_V1}")`,
    };
  }
  const error = planSchemaError(value, format);
  if (error) return { ok: false, reason: `${name} does not match specs/${SCHEMA_OF[format]}: ${error}` };
  // diff takes a feature whose digest is unchanged as unchanged: a plan edited by hand after
  // missionc wrote it would hide its edits there
  const { digest, ...body } = value as { digest: string };
  if (digestOf(body) !== digest)
    return {
      ok: false,
      reason: `${name} was edited after missionc wrote it: its content does not match its digest; write it again from its mission (\`missionc plan MISSION -o ${name}\`)`,
    };
  return { ok: true, plan: format === PLAN_FORMAT ? (value as Plan) : upgradePlan(value as PlanV1 | PlanV2) };
}

/** A side of `diff` or the input of `graph`: `.json` is a plan, anything else a mission. */
export function loadSide(path: string, text: string, abs: string, host: SourceHost): Loaded {
  if (path.endsWith(".json") || /^\s*\{/.test(text)) return planFromJson(text, path);
  return planFromMissionText(abs, text, host);
}
