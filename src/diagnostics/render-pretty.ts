import type { ChalkInstance } from "chalk";
import type { Diagnostic, Span } from "./diagnostic.js";

/**
 * rustc/Elm-style output: `error[M0301]: message`, the file and position, the source line(s) with
 * `^^^` under the primary range and `---` under each label, then `= help:`. Colour is the caller's
 * chalk instance, so NO_COLOR and non-terminal output are decided in one place.
 */

export type SourceLookup = (file: string) => string | undefined;

interface Mark {
  span: Span;
  primary: boolean;
  message: string;
}

const TAB = "    ";

function expandTabs(text: string): string {
  return text.replace(/\t/g, TAB);
}

/** Display width of the first `column - 1` characters of a line, with tabs expanded. */
function widthBefore(line: string, column: number): number {
  return expandTabs(line.slice(0, Math.max(0, column - 1))).length;
}

function severityStyle(c: ChalkInstance, severity: Diagnostic["severity"]): (s: string) => string {
  return severity === "error" ? c.bold.red : severity === "warning" ? c.bold.yellow : c.bold.cyan;
}

/** Lines of each file, split once however many diagnostics quote it. */
function lineCache(source: SourceLookup): (file: string) => string[] | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file) => {
    if (!cache.has(file)) cache.set(file, source(file)?.split(/\r\n|\r|\n/));
    return cache.get(file);
  };
}

const WIDTH = 160;

/** A long line is shown as the window around the range, so a minified file does not flood the terminal. */
function window(line: string, from: number, to: number): { text: string; shift: number } {
  if (line.length <= WIDTH) return { text: line, shift: 0 };
  const start = Math.max(0, Math.min(from - 40, line.length - WIDTH));
  const end = Math.min(line.length, Math.max(start + WIDTH, Math.min(to, start + WIDTH)));
  return { text: `${start > 0 ? "…" : ""}${line.slice(start, end)}${end < line.length ? "…" : ""}`, shift: start > 0 ? start - 1 : 0 };
}

export function renderDiagnostic(d: Diagnostic, source: SourceLookup, c: ChalkInstance, linesOf = lineCache(source)): string {
  const style = severityStyle(c, d.severity);
  const marks: Mark[] = [
    { span: d.span, primary: true, message: "" },
    ...d.labels.map((l) => ({ span: l.span, primary: false, message: l.message })),
  ];
  const maxLine = Math.max(...marks.map((m) => m.span.start.line));
  const gutter = " ".repeat(String(maxLine).length);
  const out: string[] = [`${style(`${d.severity}[${d.code}]`)}${c.bold(`: ${d.message}`)}`];
  const files = [...new Set(marks.map((m) => m.span.file))];
  files.forEach((file, i) => {
    const first = marks.find((m) => m.span.file === file)!;
    out.push(`${gutter}${c.blue(i === 0 ? "-->" : ":::")} ${file}:${first.span.start.line}:${first.span.start.column}`);
    out.push(`${gutter} ${c.blue("|")}`);
    const lines = linesOf(file);
    const inFile = marks
      .filter((m) => m.span.file === file)
      .sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.column - b.span.start.column);
    let previous = 0;
    for (const m of inFile) {
      const n = m.span.start.line;
      const full = lines?.[n - 1];
      if (full === undefined) continue;
      const endColumn = m.span.end.line === n ? m.span.end.column : full.length + 1;
      const shown = window(full, m.span.start.column - 1, endColumn - 1);
      const line = shown.text;
      if (n !== previous) {
        if (previous && n > previous + 1) out.push(c.blue("..."));
        out.push(`${c.blue(String(n).padStart(gutter.length))} ${c.blue("|")} ${expandTabs(line)}`);
      }
      previous = n;
      const from = widthBefore(line, m.span.start.column - shown.shift);
      const width = Math.min(Math.max(1, widthBefore(line, endColumn - shown.shift) - from), Math.max(1, expandTabs(line).length - from));
      const underline = (m.primary ? "^" : "-").repeat(width);
      const paint = m.primary ? style : c.bold.blue;
      out.push(`${gutter} ${c.blue("|")} ${" ".repeat(from)}${paint(underline)}${m.message ? ` ${paint(m.message)}` : ""}`);
    }
  });
  if (d.help) {
    out.push(`${gutter} ${c.blue("|")}`);
    out.push(`${gutter} ${c.blue("=")} ${c.bold("help")}: ${d.help}`);
  }
  return `${out.join("\n")}\n`;
}

export function renderPretty(diagnostics: readonly Diagnostic[], source: SourceLookup, c: ChalkInstance): string {
  const linesOf = lineCache(source);
  return diagnostics.map((d) => renderDiagnostic(d, source, c, linesOf)).join("\n");
}
