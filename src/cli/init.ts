import { existsSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { EXIT, InputError, UsageError } from "./errors.js";
import { isKeyword } from "../syntax/keywords.js";
import { write } from "./output.js";

/** A starter mission: every required part, one milestone, and an assertion with a machine check. */
export function starterMission(name: string): string {
  return `// ${name}.mission: a starter mission. Check it with \`missionc check ${name}.mission\`.
mission ${name} "${name.replace(/[_-]+/g, " ")}" {
  goal """
    Describe what the software should do when the mission is done.
  """

  budget { tokens 20M  time 4h  cost $50 }
  policy { max_rounds 3 }

  model lead  = anthropic "claude-opus-5-5"
  model coder = anthropic "claude-sonnet-5-5"
  model judge = openai    "gpt-5"

  role orchestrator = lead
  role worker       = coder
  role reviewer     = judge // a different provider than the worker's
  role user_tester  = judge

  procedure test = "npm test"

  contract {
    assert app.runs "The program starts and prints its usage" {
      check "npm test"
    }
    assert app.readme "The README explains how to run it" { by reviewer }
  }

  milestone first "First version" {
    feature skeleton "Project skeleton" {
      spec """
        A runnable program with a test that runs it.
      """
      fulfills app.runs, app.readme
    }
    validate scrutiny
  }
}
`;
}

/**
 * A starter offline script for the starter mission (specs/scripts.md): a worker that writes a small
 * Node program with its test and README, a reviewer that passes the README, an orchestrator that
 * accepts. `missionc run NAME.mission --offline` plays it through, with real files, commands and git.
 */
export function starterScript(name: string): string {
  return `# ${name}.script.yaml: what each agent of ${name}.mission answers offline, run by run, turn by turn
# (specs/scripts.md). \`missionc run ${name}.mission --offline\` replays it; no model is called.
format: missionc.script/1
runs:
  "implement:skeleton#1":
    - text: "A program that prints its usage, a test that runs it, and a README."
      tools:
        - name: write_file
          input:
            path: package.json
            content: |
              { "name": "${name.toLowerCase().replace(/_/g, "-")}", "private": true, "scripts": { "test": "node --test" } }
        - name: write_file
          input:
            path: index.js
            content: |
              console.log("usage: node index.js");
        - name: write_file
          input:
            path: test/index.test.mjs
            content: |
              import { test } from "node:test";
              import assert from "node:assert/strict";
              import { execFileSync } from "node:child_process";

              test("prints its usage", () => {
                assert.match(execFileSync("node", ["index.js"], { encoding: "utf8" }), /^usage:/);
              });
        - name: write_file
          input:
            path: README.md
            content: |
              # ${name}

              Run \`node index.js\`; \`npm test\` runs the tests.
    - tools:
        - name: run_command
          input: { command: "npm test" }
    - tools:
        - name: submit_handoff
          input:
            feature: skeleton
            status: done
            implemented: ["index.js prints its usage", "test/index.test.mjs", "README.md"]
            left_undone: []
            commands: [{ command: "npm test", exit_code: 0 }]
            issues: []
            procedures_followed: true
            notes: ""
  "review:first#1:skeleton":
    - tools:
        - name: read_file
          input: { path: README.md }
    - tools:
        - name: submit_verdicts
          input:
            verdicts:
              - { assertion: app.readme, verdict: pass, evidence: "README.md says to run node index.js and npm test" }
  "gate:first#1":
    - tools:
        - name: decide
          input: { action: accept, reason: "every assertion and procedure passed" }
`;
}

export async function initCommand(given: string | undefined, options: { force?: boolean; script?: boolean }): Promise<number> {
  const fallback = basename(process.cwd())
    .replace(/[^A-Za-z0-9_-]/g, "_")
    .replace(/^[^A-Za-z_]+/, "");
  const name = given ?? (fallback || "my_mission");
  if (isKeyword(name)) throw new UsageError(`\`${name}\` is a keyword of the language and cannot name a mission`, `try \`${name}_app\``);
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
    throw new UsageError(`\`${name}\` is not a valid mission name`, "use letters, digits, `_` and `-`, starting with a letter");
  }
  const path = resolve(`${name}.mission`);
  if (existsSync(path) && !options.force) throw new InputError(`${name}.mission already exists (use --force to overwrite it)`);
  try {
    writeFileSync(path, starterMission(name));
  } catch (e) {
    throw new InputError(`cannot write ${name}.mission: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (options.script) {
    const scriptPath = resolve(`${name}.script.yaml`);
    if (existsSync(scriptPath) && !options.force) throw new InputError(`${name}.script.yaml already exists (use --force to overwrite it)`);
    try {
      writeFileSync(scriptPath, starterScript(name));
    } catch (e) {
      throw new InputError(`cannot write ${name}.script.yaml: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    write(
      `created ${name}.mission and ${name}.script.yaml\nnext: missionc check ${name}.mission; in a git repository, missionc run ${name}.mission --offline\n`,
    );
    return EXIT.ok;
  }
  write(`created ${name}.mission\nnext: missionc check ${name}.mission\n`);
  return EXIT.ok;
}
