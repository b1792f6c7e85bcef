import type { Diagnostic } from "./diagnostic.js";

/** GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request. */

const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

export function renderGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const { start, end } = d.span;
      const props = [
        `file=${escapeProperty(d.span.file)}`,
        `line=${start.line}`,
        `col=${start.column}`,
        `endLine=${end.line}`,
        `endColumn=${end.column}`,
        `title=${escapeProperty(d.code)}`,
      ].join(",");
      const text = d.help ? `${d.message}\nhelp: ${d.help}` : d.message;
      return `::${COMMAND[d.severity]} ${props}::${escapeData(text)}\n`;
    })
    .join("");
}
