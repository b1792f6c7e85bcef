import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import type { Declaration, Field } from "../syntax/ast.js";

/**
 * A statement under a misspelt keyword (`contrat { ... }`, `skil sq = "x.md"`, `rle worker = a`) is
 * one M0206 with a "did you mean". What it would have declared is unknown for that reason alone:
 * a reference to one of its names (M0102), a piece of it read as a statement of its own (`worker`
 * after `rle`), a file without its `mission` (`misison`) are its consequences, not faults of their
 * own, and are not reported beside it.
 */

export const MISSPELT = /^did you mean `([^`]+)`/;

/** The keyword a misspelt statement's M0206 suggests, or undefined for any other diagnostic. */
export function misspeltKeyword(d: Diagnostic): string | undefined {
  return d.code === "M0206" ? MISSPELT.exec(d.help ?? "")?.[1] : undefined;
}

interface Region {
  file: string;
  from: number;
  to: number;
  names: Set<string>;
}

/** The extent of every statement the parser read as a field, by where its name starts: a field runs to the next keyword. */
export function fieldExtents(files: Iterable<{ declarations: readonly Declaration[] }>): Map<string, Span> {
  const extents = new Map<string, Span>();
  const walk = (decls: readonly (Declaration | Field)[]): void => {
    for (const d of decls) {
      if (d.kind === "mission") walk(d.body);
      else if (d.kind === "field") {
        extents.set(placeKey(d.name.span), d.span);
        if (d.body) walk(d.body);
      }
    }
  };
  for (const f of files) walk(f.declarations);
  return extents;
}

const placeKey = (span: Span): string => `${span.file}:${span.start.line}:${span.start.column}`;

export function withoutConsequences(
  diagnostics: Diagnostic[],
  sources: ReadonlyMap<string, string>,
  fields: ReadonlyMap<string, Span> = new Map(),
): Diagnostic[] {
  const misspelt = diagnostics.filter((d) => misspeltKeyword(d) !== undefined);
  if (misspelt.length === 0) return diagnostics;
  const offsets = new Map<string, number[]>();
  const offsetOf = (span: Span, end = false): number => {
    const text = sources.get(span.file) ?? "";
    let starts = offsets.get(span.file);
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      offsets.set(span.file, starts);
    }
    const p = end ? span.end : span.start;
    return (starts[p.line - 1] ?? 0) + p.column - 1;
  };
  const regions: Region[] = misspelt.map((d) => {
    const text = sources.get(d.span.file) ?? "";
    const from = offsetOf(d.span);
    const field = fields.get(placeKey(d.span));
    const to = Math.max(statementEnd(text, from), field ? offsetOf(field, true) : 0);
    return { file: d.span.file, from, to, names: new Set(text.slice(from, to).match(/[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*/g) ?? []) };
  });
  const inside = (d: Diagnostic): Region | undefined => {
    const at = offsetOf(d.span);
    return regions.find((r) => r.file === d.span.file && at > r.from && at < r.to);
  };
  const nameAt = (d: Diagnostic): string => (sources.get(d.span.file) ?? "").slice(offsetOf(d.span), offsetOf(d.span, true));
  return diagnostics.filter((d) => {
    if (misspelt.includes(d)) return true;
    if (d.code === "M0102") return !regions.some((r) => r.names.has(nameAt(d)));
    if (d.code === "M0206" && inside(d)) return false;
    if (d.code === "M0201" && d.message.startsWith("no `mission`")) return !misspelt.some((m) => misspeltKeyword(m) === "mission");
    return true;
  });
}

/** The end of the statement that starts at `from`: its line, or through the block it opens there to the block's line end. */
function statementEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      if (!text.startsWith('"""', i)) i = stringEnd(text, i);
      else {
        const close = text.indexOf('"""', i + 3);
        if (close < 0) return text.length;
        i = close + 2;
      }
    } else if (c === "/" && text[i + 1] === "/") {
      const eol = text.indexOf("\n", i);
      if (eol < 0) return text.length;
      if (depth === 0) return eol;
      i = eol;
    } else if (c === "{") depth++;
    else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    } else if (c === "\n" && depth === 0) return i;
  }
  return text.length;
}

/** The closing quote of the string that opens at `i` (or the end of its line, where one left open stops). */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"' || text[j] === "\n") return j;
  }
  return text.length;
}
