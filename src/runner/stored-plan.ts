import { readFileSync } from "node:fs";
import { digestOf } from "../plan/canonical.js";
import { SCHEMA_OF, planSchemaError } from "../plan/schema.js";
import { PLAN_FORMAT, type Plan } from "../plan/types.js";
import { PLAN_FORMAT_V1, PLAN_FORMAT_V2, upgradePlan, type PlanV1, type PlanV2 } from "../plan/upgrade.js";
import { StateDamaged } from "./files.js";

/**
 * The plan a mission's state folder holds (its `plan.json`), in today's format: a mission started
 * by a missionc that wrote an older one reads the same. `upgradedFrom` is the stored plan's digest
 * when it was upgraded. The runner wrote it, but a disk, an editor or a script may have damaged it
 * since: it is checked against its format's schema, and damage is one clear error, not a crash.
 */
export function readStoredPlan(path: string): { plan: Plan; upgradedFrom?: string } {
  let value: Plan | PlanV1 | PlanV2;
  try {
    value = JSON.parse(readFileSync(path, "utf8")) as Plan | PlanV1 | PlanV2;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StateDamaged(`${path} ${code ? `cannot be read (${code})` : `is damaged: not JSON (${(e as Error).message})`}; ${RECOVER}`);
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format !== "string" || !(format in SCHEMA_OF))
    throw new StateDamaged(`${path} is damaged: its format is ${JSON.stringify(format)}, not a missionc plan's; ${RECOVER}`);
  const error = planSchemaError(value, format);
  if (error) throw new StateDamaged(`${path} is damaged: ${error} (specs/${SCHEMA_OF[format]}); ${RECOVER}`);
  // an edit that still fits the schema is damage too: the runner would follow a plan nobody checked
  const { digest, ...body } = value;
  if (digestOf(body) !== digest)
    throw new StateDamaged(`${path} is damaged: its content does not match its digest (it was edited); ${RECOVER}`);
  if (format === PLAN_FORMAT_V1 || format === PLAN_FORMAT_V2) {
    const old = value as PlanV1 | PlanV2;
    return { plan: upgradePlan(old), upgradedFrom: old.digest };
  }
  if (format !== PLAN_FORMAT) throw new StateDamaged(`${path}: unknown plan format ${format}`);
  return { plan: value as Plan };
}

const RECOVER = "put it back from a backup, or write it again from the mission file the run started with (`missionc plan MISSION -o PATH`)";
