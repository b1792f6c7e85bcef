import { toDot, toMermaid } from "../plan/graph.js";
import { EXIT, UsageError } from "./errors.js";
import { write } from "./output.js";
import { requirePlan } from "./sides.js";

export async function graphCommand(file: string, options: { format?: string }): Promise<number> {
  const format = options.format ?? "mermaid";
  if (format !== "mermaid" && format !== "dot") throw new UsageError(`unknown format \`${format}\``, "formats: mermaid, dot");
  const r = await requirePlan(file);
  if ("exit" in r) return r.exit;
  write(format === "dot" ? toDot(r.plan) : toMermaid(r.plan));
  return EXIT.ok;
}
