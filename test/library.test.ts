import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cases.js";

/**
 * The package as another program loads it (the built `dist/`, by its name): with `import`, and with
 * `require` from CommonJS (Node ≥ 20.19 loads an ES module graph without top-level await so).
 */
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
const USE = `const lib = MODULE; const { file } = lib.parse('mission m { goal "g" }', "m.mission"); console.log(typeof lib.runMission, file.declarations.length);`;

describe("missionc as a library", () => {
  it("loads with import", () => {
    const r = node(["--input-type=module", "-e", USE.replace("MODULE", 'await import("missionc")')]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("function 1");
  });

  it("loads with require", () => {
    const r = node(["-e", USE.replace("MODULE", 'require("missionc")')]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("function 1");
  });
});
