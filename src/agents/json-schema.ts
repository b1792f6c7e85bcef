import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, Options, ValidateFunction } from "ajv";

/**
 * Validators for missionc's own JSON schemas (specs/*.schema.json, the tools' input schemas),
 * compiled once a process from one Ajv instance per set of options. Ajv would check each schema
 * against the draft-07 meta-schema before compiling it, which compiles the meta-schema itself,
 * ~15–25 ms for each instance, paid by `check` (its budget estimate reads the recorded script) and
 * by every run. These schemas are ours and do not change at run time: test/json-schemas.test.ts
 * checks every one of them against the meta-schema instead. Ajv itself is loaded at the first
 * compile: the tools' specs (and with them this module) are on the path of `check`, which compiles
 * nothing.
 */

type Settings = Pick<Options, "allErrors" | "validateFormats">;

const instances = new Map<string, Ajv>();
const bySpec = new Map<string, ValidateFunction>();

export function compileSchema(schema: object, settings: Settings = {}): ValidateFunction {
  const key = JSON.stringify(settings);
  let ajv = instances.get(key);
  if (!ajv) {
    const { Ajv: Compiler } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    ajv = new Compiler({ ...settings, strict: false, validateSchema: false });
    instances.set(key, ajv);
  }
  return ajv.compile(schema);
}

/** The validator of `specs/<file>`, compiled at its first use in this process. */
export function specValidator(file: string, settings: Settings = {}): ValidateFunction {
  const key = `${file} ${JSON.stringify(settings)}`;
  let validate = bySpec.get(key);
  if (!validate) {
    validate = compileSchema(JSON.parse(readFileSync(new URL(`../../specs/${file}`, import.meta.url), "utf8")) as object, settings);
    bySpec.set(key, validate);
  }
  return validate;
}
