// The baseline `missionc check` is measured against: what a team would write to check a mission kept
// as YAML. `node bench/yaml-ajv.js FILE.yaml` reads the file, parses it with `yaml`, validates it
// with ajv against bench/mission.schema.json, and exits 0 when it is valid, 1 when it is not (the
// first error on stderr). bench/check.js also imports `yamlChecker` to time the same work in-process;
// where that would not fit in its heap, it sets YAML_AJV_TIMING=1, and this script then writes the
// time of the parse and the validation alone (after the read and the schema compile) to stderr.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";

/** Compiles the schema once; the function returned parses and validates one YAML text. */
export function yamlChecker() {
  const schema = /** @type {object} */ (JSON.parse(readFileSync(new URL("./mission.schema.json", import.meta.url), "utf8")));
  const validate = new Ajv({ allErrors: false, strict: false }).compile(schema);
  /** @param {string} text @returns {{ ok: true, doc: unknown } | { ok: false, error: string }} */
  return (text) => {
    /** @type {unknown} */
    const doc = parse(text);
    if (validate(doc)) return { ok: true, doc };
    const e = validate.errors?.[0];
    return { ok: false, error: e ? `${e.instancePath || "/"} ${e.message ?? "is invalid"}` : "is invalid" };
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node bench/yaml-ajv.js FILE.yaml");
    process.exit(1);
  }
  try {
    const check = yamlChecker();
    const text = readFileSync(file, "utf8");
    const started = performance.now();
    const r = check(text);
    if (process.env["YAML_AJV_TIMING"] === "1") console.error(`parse+validate ms: ${performance.now() - started}`);
    if (!r.ok) {
      console.error(`${file}: ${r.error}`);
      process.exitCode = 1;
    }
  } catch (e) {
    console.error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
