import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import type { Acceptance } from "../agents/loop.js";
import type { ToolSpec } from "../agents/tools.js";
import type { Verdict } from "../runner/state.js";

const schema = JSON.parse(readFileSync(new URL("../../specs/verdicts.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;
let validate: ValidateFunction | undefined;

export const SUBMIT_VERDICTS: ToolSpec = {
  name: "submit_verdicts",
  description: "End your review with one verdict per assertion you were given (specs/verdicts.schema.json).",
  input_schema: schema,
};

/** Verdicts must match the schema and cover exactly the assertions the validator was given. */
export function acceptVerdicts(assertions: string[]): (input: unknown) => Acceptance<Verdict[]> {
  return (input) => {
    validate ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
    if (!validate(input)) return { ok: false, error: `the verdicts do not match specs/verdicts.schema.json: ${(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ")}` };
    const verdicts = (input as { verdicts: Verdict[] }).verdicts;
    const given = verdicts.map((v) => v.assertion);
    const unknown = given.filter((a) => !assertions.includes(a));
    const missing = assertions.filter((a) => !given.includes(a));
    if (unknown.length) return { ok: false, error: `you were not asked about ${unknown.join(", ")}; your assertions: ${assertions.join(", ") || "(none)"}` };
    if (missing.length) return { ok: false, error: `no verdict for ${missing.join(", ")}` };
    return { ok: true, value: verdicts, reply: "verdicts received" };
  };
}
