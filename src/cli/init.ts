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

  model lead  = anthropic "claude-opus-4-1"
  model coder = anthropic "claude-sonnet-4-5"
  model judge = openai    "gpt-5"

  role orchestrator = lead
  role worker       = coder
  role reviewer     = judge   // a different provider than the worker's
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

export async function initCommand(given: string | undefined, options: { force?: boolean }): Promise<number> {
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
  write(`created ${name}.mission\nnext: missionc check ${name}.mission\n`);
  return EXIT.ok;
}
