import { diffPlans } from "../plan/diff.js";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../plan/render-diff.js";
import { EXIT, UsageError } from "./errors.js";
import { colourFor, write } from "./output.js";
import { requirePlan } from "./sides.js";

const FORMATS = ["text", "markdown", "json"];

export async function diffCommand(before: string, after: string, options: { format?: string; exitCode?: boolean }): Promise<number> {
  const format = options.format ?? "text";
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format \`${format}\``, `formats: ${FORMATS.join(", ")}`);
  const a = await requirePlan(before);
  if ("exit" in a) return a.exit;
  const b = await requirePlan(after);
  if ("exit" in b) return b.exit;
  const d = diffPlans(a.plan, b.plan);
  write(
    format === "json"
      ? renderDiffJson(d)
      : format === "markdown"
        ? renderDiffMarkdown(d, { before, after })
        : renderDiffText(d, colourFor(process.stdout)),
  );
  return options.exitCode && d.changes.length > 0 ? EXIT.findings : EXIT.ok;
}
