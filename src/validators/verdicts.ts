import { Ajv, type ValidateFunction } from "ajv";
import type { Acceptance } from "../agents/loop.js";
import { SUBMIT_VERDICTS } from "../agents/toolbox.js";

/** A validator's judgement of one assertion, as specs/verdicts.schema.json has it. */
export interface Verdict {
  assertion: string;
  verdict: "pass" | "fail" | "unverified";
  evidence: string;
}

/** A procedure or an assertion's check, run for a validation round: what the journal keeps of it. */
export interface CheckRecord {
  kind: "procedure" | "check";
  name: string;
  command: string;
  exit_code: number;
  duration_ms: number;
  blob: string;
  regression?: boolean;
}

let validate: ValidateFunction | undefined;
const schema = SUBMIT_VERDICTS.input_schema;

/** Verdicts must match the schema and cover exactly the assertions the validator was given. */
export function acceptVerdicts(assertions: string[]): (input: unknown) => Acceptance<Verdict[]> {
  return (input) => {
    validate ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
    if (!validate(input))
      return {
        ok: false,
        error: `the verdicts do not match specs/verdicts.schema.json: ${(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ")}`,
      };
    const verdicts = (input as { verdicts: Verdict[] }).verdicts;
    const given = verdicts.map((v) => v.assertion);
    const unknown = given.filter((a) => !assertions.includes(a));
    const missing = assertions.filter((a) => !given.includes(a));
    if (unknown.length)
      return { ok: false, error: `you were not asked about ${unknown.join(", ")}; your assertions: ${assertions.join(", ") || "(none)"}` };
    if (missing.length) return { ok: false, error: `no verdict for ${missing.join(", ")}` };
    return { ok: true, value: verdicts, reply: "verdicts received" };
  };
}
