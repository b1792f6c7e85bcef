import { check, type CheckedMission } from "../semantics/check.js";
import type { SourceHost } from "../syntax/host.js";
import { cacheDir } from "./compile-cache.js";
import { absolute } from "../syntax/host.js";
import { isoDate } from "../semantics/lifecycle.js";
import { diagnosticToJson } from "../diagnostics/render-json.js";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { renderGithub } from "../diagnostics/render-github.js";
import { renderSarif } from "../diagnostics/render-sarif.js";
import { renderSummary } from "../diagnostics/render-summary.js";
import { EXIT, UsageError } from "./errors.js";
import { missionArguments } from "./files.js";
import { colourFor, write, writeError } from "./output.js";
import { version } from "./version.js";

const FORMATS = ["pretty", "json", "sarif", "github"] as const;
type Format = (typeof FORMATS)[number];

export function chooseFormat(given: unknown): Format {
  if (given === undefined) return process.env["GITHUB_ACTIONS"] === "true" ? "github" : "pretty";
  if (typeof given !== "string" || !(FORMATS as readonly string[]).includes(given)) {
    const shown = typeof given === "string" ? given : Array.isArray(given) ? given.map(String).join(",") : JSON.stringify(given);
    throw new UsageError(`unknown format \`${shown}\``, `formats: ${FORMATS.join(", ")}`);
  }
  return given as Format;
}

export async function checkCommand(files: string[], options: { format?: string; warningsAsErrors?: boolean }): Promise<number> {
  const format = chooseFormat(options.format);
  const today = process.env["MISSIONC_TODAY"];
  if (today && isoDate(today) === undefined)
    throw new UsageError(`MISSIONC_TODAY is \`${today}\`, which is no date`, "write it as YYYY-MM-DD (2026-12-03), or unset it for today");
  const cwd = process.cwd();
  const { paths, host } = missionArguments(files, cwd);
  if (paths.length === 0)
    throw new UsageError(`no .mission file in ${files.join(", ")}`, "give mission files, a directory that holds some, or - for stdin");
  // the estimate (M0502) loads the prompts, the price table and the script reader: only for a mission with a budget
  const budgeted = paths.some((p) => {
    const read = host.read(absolute(p, cwd));
    return !("error" in read) && /\bbudget\b/.test(read.text);
  });
  const estimate = budgeted ? (await import("../control/budget-check.js")).estimateAgainstBudget : undefined;
  const cache = cacheDir();
  const more = estimate && ((checked: CheckedMission, h: SourceHost) => estimate(checked, h, cache));
  const result = check(paths, { warningsAsErrors: options.warningsAsErrors === true, host, cwd, ...(more ? { more } : {}) });
  for (const u of result.unreadable) writeError(`error: cannot check ${u.file}: it ${u.error}`);
  const c = colourFor(process.stdout);
  switch (format) {
    case "json":
      write(
        `${JSON.stringify(
          {
            ok: result.ok,
            diagnostics: result.diagnostics.map(diagnosticToJson),
            coverage: result.coverage,
            files: result.files,
          },
          null,
          2,
        )}\n`,
      );
      break;
    case "sarif":
      write(renderSarif(result.diagnostics, version()));
      break;
    case "github":
      write(renderGithub(result.diagnostics));
      break;
    default: {
      const pretty = renderPretty(result.diagnostics, (f) => result.sources.get(f), c);
      if (pretty) write(`${pretty}\n`);
      if (result.files.length || !result.unreadable.length) write(renderSummary(result, c));
    }
  }
  if (result.unreadable.length) return EXIT.usage;
  return result.ok ? EXIT.ok : EXIT.findings;
}
