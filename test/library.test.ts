import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
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

  it("loads the compiler without the runner, git or the AI SDKs; runMission loads them when called", () => {
    const log = join(mkdtempSync(join(tmpdir(), "loads-")), "urls.txt");
    const hook = pathToFileURL(join(ROOT, "test/fixtures/trace-loads.mjs")).href;
    const program = [
      `import { register } from "node:module";`,
      `register(${JSON.stringify(hook)}, { data: { log: ${JSON.stringify(log)} } });`,
      `const lib = await import("missionc");`,
      `lib.check('mission m { goal "g" }', "m.mission");`,
      `(await import("node:fs")).appendFileSync(${JSON.stringify(log)}, "--- runMission\\n");`,
      `const outcome = await lib.runMission({ missionFile: "/nonexistent/m.mission", progress() {} });`,
      `console.log(outcome.exit);`,
    ].join("\n");
    const r = node(["--input-type=module", "-e", program]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("2"); // the file cannot be read: a usage error, from the real runner
    const [before = "", after = ""] = readFileSync(log, "utf8").split("--- runMission\n");
    const loaded = (text: string, part: string) => text.split("\n").some((url) => url.includes(part));
    expect(loaded(before, "/dist/semantics/check.js")).toBe(true);
    for (const part of ["/dist/runner/", "/dist/agents/", "simple-git", "@anthropic-ai/sdk", "/openai/"]) {
      expect(loaded(before, part), `${part} loaded with the package`).toBe(false);
    }
    expect(loaded(after, "/dist/runner/run.js")).toBe(true);
  });

  it("loads with require", () => {
    const r = node(["-e", USE.replace("MODULE", 'require("missionc")')]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("function 1");
  });
});
