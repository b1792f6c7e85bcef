import { writeFileSync } from "node:fs";
import { renderReportHtml } from "../control/render-report-html.js";
import { renderReportMarkdown } from "../control/render-report-md.js";
import { readReport } from "../control/report.js";
import { findMission, TargetError } from "../control/target.js";
import { Blobs } from "../runner/blobs.js";
import { JournalCorrupt } from "../runner/journal.js";
import { Redactor } from "../runner/redact.js";
import { EXIT, InputError } from "./errors.js";
import { write } from "./output.js";

const FORMATS = ["md", "html", "json"];

export async function reportCommand(
  target: string | undefined,
  options: { mission?: string; format?: string; output?: string },
): Promise<number> {
  // cac turns an empty value into 0: only a non-empty string can name a format
  const format = typeof options.format === "string" && options.format !== "" ? options.format : options.format === undefined ? "md" : "";
  if (!FORMATS.includes(format))
    throw new InputError(`--format must be one of ${FORMATS.join(", ")}${format ? `, not \`${format}\`` : ""}`);
  let layout;
  try {
    layout = await findMission(target, options.mission);
  } catch (e) {
    if (e instanceof TargetError) throw new InputError(e.message);
    throw e;
  }
  let report;
  try {
    report = await readReport(layout, new Blobs(layout.blobs, new Redactor([])));
  } catch (e) {
    if (e instanceof JournalCorrupt || (e instanceof Error && e.message.startsWith("no mission state"))) throw new InputError(e.message);
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new InputError(
        `a file the journal names is missing from ${layout.dir} (${(e as NodeJS.ErrnoException).path ?? "a blob"}); the state folder is incomplete`,
      );
    throw e;
  }
  const text =
    format === "json"
      ? `${JSON.stringify(report, null, 2)}\n`
      : format === "html"
        ? renderReportHtml(report)
        : renderReportMarkdown(report);
  if (options.output) {
    try {
      writeFileSync(options.output, text);
    } catch (e) {
      throw new InputError(`cannot write ${options.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    write(`wrote ${options.output}\n`);
  } else write(text);
  return EXIT.ok;
}
