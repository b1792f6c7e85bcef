import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { expect } from "vitest";
import { planFromMissionText } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/types.js";
import { nodeHost } from "../../src/syntax/host.js";
import { ROOT } from "./cases.js";

const ajv = new Ajv({ strict: false, allErrors: true });
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, "specs/plan.schema.json"), "utf8")));

/** Every plan a test produces goes through here: it must satisfy specs/plan.schema.json. */
export function validPlan(plan: Plan): Plan {
  const ok = validate(plan);
  expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
  return plan;
}

/** Lowers mission text as if it were the file `abs` (includes and skills relative to it). */
export function planOf(text: string, abs: string, cwd = ROOT): Plan {
  const loaded = planFromMissionText(abs, text, nodeHost(cwd));
  if (!loaded.ok) throw new Error(`${loaded.reason}: ${loaded.diagnostics?.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  return validPlan(loaded.plan);
}

export function planOfFile(path: string, cwd = ROOT): Plan {
  const abs = join(cwd, path);
  return planOf(readFileSync(abs, "utf8"), abs, cwd);
}
