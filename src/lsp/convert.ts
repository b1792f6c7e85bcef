import { fileURLToPath, pathToFileURL } from "node:url";
import type * as L from "vscode-languageserver/node";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import type { Place } from "./symbols.js";

/** The compiler's 1-based spans and paths, and the protocol's 0-based ranges and URIs. */

export const uriOf = (file: string): string => pathToFileURL(file).href;

export function fileOf(uri: string): string | undefined {
  return uri.startsWith("file:") ? fileURLToPath(uri) : undefined;
}

export function rangeOf(span: Span): L.Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

export const locationOf = (span: Span): L.Location => ({ uri: uriOf(span.file), range: rangeOf(span) });

export const placeOf = (file: string, p: L.Position): Place => ({ file, line: p.line + 1, column: p.character + 1 });

const SEVERITY = { error: 1, warning: 2, info: 3 } as const;

/** What a quick fix needs from a diagnostic, carried in its `data` and given back with the code action request. */
export interface FixData {
  /** the name to write instead, from the help's "did you mean" */
  replacement?: string;
}

const DID_YOU_MEAN = /did you mean `([^`]+)`/;

/** A diagnostic as `check` reports it: the same code, range, help and labels. */
export function toLsp(d: Diagnostic): L.Diagnostic {
  const replacement = DID_YOU_MEAN.exec(d.help ?? "")?.[1];
  const data: FixData = replacement !== undefined ? { replacement } : {};
  return {
    range: rangeOf(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "missionc",
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
    relatedInformation: d.labels.map((l) => ({ location: locationOf(l.span), message: l.message })),
    data,
  };
}
