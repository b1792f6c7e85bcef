/** A position in a source file: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** A half-open range: `end` is the column just after the last character. */
export interface Range {
  start: Position;
  end: Position;
}

/** A range in a named file; `file` is the path as the user gave it or as an include resolved it. */
export interface Span extends Range {
  file: string;
}

export type Severity = "error" | "warning" | "info";

export interface Label {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  labels: Label[];
  help?: string;
}

export function spanOf(file: string, startLine: number, startColumn: number, endLine: number, endColumn: number): Span {
  return { file, start: { line: startLine, column: startColumn }, end: { line: endLine, column: endColumn } };
}

/** The smallest span that covers both. */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: a.start, end: b.end };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  return (
    a.span.start.line - b.span.start.line || a.span.start.column - b.span.start.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}
