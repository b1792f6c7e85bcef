import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { absolute, nodeHost, type SourceHost } from "../syntax/host.js";
import { check } from "../semantics/check.js";
import { diagnosticToJson } from "../diagnostics/render-json.js";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { renderGithub } from "../diagnostics/render-github.js";
import { renderSarif } from "../diagnostics/render-sarif.js";
import { renderSummary } from "../diagnostics/render-summary.js";
import { EXIT, UsageError } from "./errors.js";
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

/** What `check` is given, as files: `-` is the text on stdin, a directory every `.mission` file under it. */
function expand(args: string[], cwd: string): { paths: string[]; host: SourceHost } {
  const base = nodeHost(cwd);
  const stdinPath = absolute(STDIN, cwd);
  let stdin: string | undefined;
  const host: SourceHost = {
    ...base,
    read: (abs) => (abs === stdinPath ? { text: (stdin ??= readFileSync(0, "utf8")) } : base.read(abs)),
    exists: (abs) => abs === stdinPath || base.exists(abs),
    display: (abs) => (abs === stdinPath ? STDIN : base.display(abs)),
  };
  const paths = args.flatMap((a) => {
    if (a === "-" || a === STDIN) return [STDIN];
    const abs = absolute(a, cwd);
    return isDirectory(abs) ? missionFilesUnder(abs).map((f) => relative(cwd, f) || f) : [a];
  });
  return { paths, host };
}

const STDIN = "<stdin>";
const SKIPPED = new Set(["node_modules", ".git", ".missions"]);

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

function missionFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...missionFilesUnder(path));
    else if (entry.name.endsWith(".mission")) out.push(path);
  }
  return out;
}

export async function checkCommand(files: string[], options: { format?: string; warningsAsErrors?: boolean }): Promise<number> {
  const format = chooseFormat(options.format);
  const cwd = process.cwd();
  const { paths, host } = expand(files, cwd);
  if (paths.length === 0)
    throw new UsageError(`no .mission file in ${files.join(", ")}`, "give mission files, a directory that holds some, or - for stdin");
  const result = check(paths, { warningsAsErrors: options.warningsAsErrors === true, host, cwd });
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
