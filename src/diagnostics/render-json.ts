import type { Diagnostic, Label, Range } from "./diagnostic.js";

/** The JSON form of a diagnostic (DESIGN §3): a public interface, so its fields never change meaning. */
export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  help?: string;
  file: string;
  range: Range;
  labels: { file: string; range: Range; message: string }[];
}

export function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  const j: JsonDiagnostic = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.span.file,
    range: { start: d.span.start, end: d.span.end },
    labels: d.labels.map(labelToJson),
  };
  if (d.help !== undefined) j.help = d.help;
  return j;
}

function labelToJson(l: Label): JsonDiagnostic["labels"][number] {
  return { file: l.span.file, range: { start: l.span.start, end: l.span.end }, message: l.message };
}
