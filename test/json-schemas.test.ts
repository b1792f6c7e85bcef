import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../src/agents/toolbox.js";
import { TOOL_SPECS } from "../src/agents/tools.js";
import { ASK_PERSON, SUBMIT_MISSION } from "../src/draft/tools.js";
import { ROOT } from "./helpers/cases.js";

/**
 * The program compiles its own schemas without checking them against the draft-07 meta-schema
 * (src/agents/json-schema.ts: that check costs every process ~20 ms). It is done here instead, for
 * every schema it compiles: the published ones in specs/ and the tools' input schemas.
 */
const metaChecking = new Ajv({ strict: false, validateSchema: true });

function faults(schema: object): string {
  return metaChecking.validateSchema(schema) ? "" : metaChecking.errorsText(metaChecking.errors);
}

describe("missionc's JSON schemas fit the draft-07 meta-schema", () => {
  const specs = readdirSync(join(ROOT, "specs")).filter((f) => f.endsWith(".schema.json"));

  it("every schema in specs/", () => {
    expect(specs.length).toBeGreaterThanOrEqual(10);
    for (const file of specs) {
      const schema = JSON.parse(readFileSync(join(ROOT, "specs", file), "utf8")) as object;
      expect(faults(schema), file).toBe("");
    }
  });

  it("every tool's input schema, the runner's and the drafting ones", () => {
    const tools = [...Object.values(TOOL_SPECS), ...ALL_TOOLS, ASK_PERSON, SUBMIT_MISSION];
    expect(tools.length).toBeGreaterThan(10);
    for (const tool of tools) expect(faults(tool.input_schema), tool.name).toBe("");
  });

  it("a schema that breaks the meta-schema is caught (the check is not vacuous)", () => {
    expect(faults({ type: "strnig" })).toMatch(/type/);
    expect(faults({ properties: { a: { required: "yes" } } })).not.toBe("");
  });
});
