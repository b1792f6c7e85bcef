import { canonicalJson } from "../plan/canonical.js";
import { renderPlanTree } from "../plan/render-plan.js";
import { EXIT } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import { colourFor, write } from "./output.js";
import { requirePlan } from "./sides.js";

export async function planCommand(file: string, options: { json?: boolean; o?: string; output?: string }): Promise<number> {
  const r = await requirePlan(file);
  if ("exit" in r) return r.exit;
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
