import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { loadScript, ScriptError } from "../agents/scripted.js";
import { estimatePlan, type Estimate } from "../control/estimate.js";
import { turnsOf } from "../control/recorded-turns.js";
import { renderEstimate } from "../control/render-estimate.js";
import { canonicalJson } from "../plan/canonical.js";
import type { Plan } from "../plan/types.js";
import { absolute } from "../syntax/host.js";
import { renderPlanTree } from "../plan/render-plan.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import { colourFor, write } from "./output.js";
import { requirePlan } from "./sides.js";

export async function planCommand(
  file: string,
  options: { json?: boolean; o?: string; output?: string; estimate?: boolean; script?: string },
): Promise<number> {
  const r = await requirePlan(file);
  if ("exit" in r) return r.exit;
  if (options.estimate && (options.o ?? options.output))
    throw new UsageError(
      "--estimate prints the estimate; -o writes the plan JSON",
      "run them as two commands (the estimate is not part of the plan)",
    );
  if (options.estimate) {
    const e = estimateOf(r.plan, file, options.script);
    write(options.json ? `${JSON.stringify(e, null, 2)}\n` : renderEstimate(r.plan.mission.name, e));
    return EXIT.ok;
  }
  const json = canonicalJson(r.plan);
  const out = options.o ?? options.output;
  if (out) {
    writeFileAtomic(out, json);
    write(`wrote ${out} (${r.plan.digest})\n`);
  } else {
    write(options.json ? json : renderPlanTree(r.plan, colourFor(process.stdout)));
  }
  return EXIT.ok;
}

/** The estimate of the mission in FILE, with its skills' text, from its recorded script where one is beside it. */
function estimateOf(plan: Plan, file: string, script?: string): Estimate {
  const dir = dirname(absolute(file));
  const recordedPath = script ? absolute(script) : join(dir, `${basename(file, ".mission")}.script.yaml`);
  if (script && !existsSync(recordedPath)) throw new InputError(`no script at ${script}`);
  let recorded;
  try {
    recorded = existsSync(recordedPath) ? loadScript(recordedPath) : undefined;
  } catch (e) {
    if (e instanceof ScriptError) throw new InputError(`cannot estimate from the script: ${e.message}`);
    throw e;
  }
  const skillText = (name: string): string => {
    const s = plan.skills[name];
    try {
      return s ? readFileSync(join(dir, s.path), "utf8") : "";
    } catch {
      return "";
    }
  };
  return estimatePlan(plan, { ...(recorded ? { recorded: turnsOf(recorded) } : {}), skillText });
}
