import { existsSync } from "node:fs";
import { Chalk } from "chalk";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { GitSideError, isRevSpec, openGitSide } from "../plan/git-source.js";
import { loadSide, type Loaded } from "../plan/load.js";
import { absolute, nodeHost } from "../syntax/host.js";
import type { Plan } from "../plan/types.js";
import { InputError } from "./errors.js";
import { colourFor, writeError } from "./output.js";

/** A mission or plan named on the command line: a file, a plan JSON, or `REV:path` from git. */
export async function loadArgument(arg: string, cwd = process.cwd()): Promise<Loaded> {
  if (isRevSpec(arg) && !existsSync(absolute(arg, cwd))) {
    try {
      const side = await openGitSide(arg, cwd);
      return await side.settle((host) => loadSide(arg, side.text, side.abs, host));
    } catch (e) {
      if (e instanceof GitSideError) throw new InputError(e.message);
      throw e;
    }
  }
  const host = nodeHost(cwd);
  const abs = absolute(arg, cwd);
  const read = host.read(abs);
  if ("error" in read) throw new InputError(`cannot read ${host.display(abs)}: it ${read.error}`);
  return loadSide(arg, read.text, abs, host);
}

/** The plan, or the reason there is none: diagnostics (exit 1) or a bad input (exit 2). */
export async function requirePlan(arg: string): Promise<{ plan: Plan } | { exit: number }> {
  const loaded = await loadArgument(arg);
  if (loaded.ok) return { plan: loaded.plan };
  if (loaded.diagnostics) {
    const c = colourFor(process.stderr);
    writeError(
      renderPretty(
        loaded.diagnostics.filter((d) => d.severity === "error"),
        (f) => loaded.sources?.get(f),
        c ?? new Chalk({ level: 0 }),
      ),
    );
    writeError(`error: ${loaded.reason}`);
    return { exit: 1 };
  }
  throw new InputError(loaded.reason);
}
