import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { PLAN_FORMAT } from "./types.js";
import { PLAN_FORMAT_V1, PLAN_FORMAT_V2 } from "./upgrade.js";

/** The plan's JSON schemas, one per format a missionc still reads. */

export const SCHEMA_OF: Record<string, string> = {
  [PLAN_FORMAT]: "plan.schema.json",
  [PLAN_FORMAT_V2]: "plan-v2.schema.json",
  [PLAN_FORMAT_V1]: "plan-v1.schema.json",
};

type Validate = ((v: unknown) => boolean) & { errors?: unknown };
const validators = new Map<string, Validate>();

export function planSchema(file = "plan.schema.json"): object {
  return JSON.parse(readFileSync(new URL(`../../specs/${file}`, import.meta.url), "utf8")) as object;
}

/**
 * Validates a plan against the schema of its format (specs/plan.schema.json, or plan-v2.schema.json
 * and plan-v1.schema.json for the older ones); the first error, in words, when it fails.
 */
export function planSchemaError(value: unknown, format: string = PLAN_FORMAT): string | undefined {
  const file = SCHEMA_OF[format] ?? "plan.schema.json";
  let validate = validators.get(file);
  if (!validate) {
    // discriminator: a step's errors are those of the step its `kind` names, not of the first of the oneOf
    validate = new Ajv({ allErrors: false, strict: false, discriminator: true }).compile(planSchema(file));
    validators.set(file, validate);
  }
  if (validate(value)) return undefined;
  const e = (validate.errors as { instancePath: string; message?: string }[] | undefined)?.[0];
  return e ? `${e.instancePath || "(top)"} ${e.message ?? "is invalid"}` : "does not match the plan schema";
}
