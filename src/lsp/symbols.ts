import { dirname, resolve } from "node:path";
import type { Span } from "../diagnostics/diagnostic.js";
import type { CheckedMission } from "../semantics/check.js";
import type * as A from "../syntax/ast.js";

/**
 * Every declared name of a mission and every place that names it, across its included files: what
 * hover, go to definition, find references and rename stand on. Built from the compiler's own
 * syntax trees and bound mission (no second parser), with spans whose `file` is an absolute path.
 */

export type SymbolKind = "assertion" | "feature" | "milestone" | "model" | "skill" | "procedure";

export interface MissionSymbol {
  kind: SymbolKind;
  name: string;
  /** the name where it is declared */
  decl: Span;
  /** the names that refer to it */
  refs: Span[];
  node: A.AssertDecl | A.FeatureDecl | A.MilestoneDecl | A.ModelDecl | A.SkillDecl | A.ProcedureDecl;
}

/** A path written in the mission that opens a file: an include's, a skill's. */
export interface FileLink {
  span: Span;
  target: string;
}

export interface SymbolIndex {
  symbols: MissionSymbol[];
  links: FileLink[];
  byName: Map<string, MissionSymbol>;
}

export const keyOf = (kind: SymbolKind, name: string): string => `${kind}:${name}`;

export function indexMission(checked: CheckedMission): SymbolIndex {
  const symbols: MissionSymbol[] = [];
  const byName = new Map<string, MissionSymbol>();
  const declare = (kind: SymbolKind, name: A.Name, node: MissionSymbol["node"]): void => {
    const s: MissionSymbol = { kind, name: name.text, decl: name.span, refs: [], node };
    symbols.push(s);
    byName.set(keyOf(kind, name.text), s);
  };
  const m = checked.mission;
  if (m) {
    for (const a of m.assertions.values()) declare("assertion", a.id, a);
    for (const f of m.features.values()) declare("feature", f.decl.name, f.decl);
    for (const ms of m.milestones.values()) declare("milestone", ms.name, ms);
    for (const d of m.models.values()) declare("model", d.name, d);
    for (const d of m.skills.values()) declare("skill", d.name, d);
    for (const d of m.procedures.values()) declare("procedure", d.name, d);
    const refer = (kind: SymbolKind, name: A.Name): void => {
      byName.get(keyOf(kind, name.text))?.refs.push(name.span);
    };
    for (const r of m.roles.values()) refer("model", r.model);
    for (const f of [...m.order.map((b) => b.decl), ...m.shadowed]) {
      for (const n of f.needs) refer("feature", n);
      for (const n of f.fulfills) refer("assertion", n);
      for (const n of f.skills) refer("skill", n);
      if (f.worker) refer("model", f.worker);
    }
  }
  const links: FileLink[] = [];
  for (const loaded of checked.program.files.values()) walk(loaded.source.declarations, links);
  return { symbols, links, byName };
}

function walk(decls: readonly A.Declaration[], links: FileLink[]): void {
  for (const d of decls) {
    if (d.kind === "mission") walk(d.body, links);
    else if (d.kind === "include" || d.kind === "skill") {
      const path = d.path;
      if (typeof path.value === "string") links.push({ span: path.span, target: resolve(dirname(path.span.file), path.value) });
    }
  }
}

/** 1-based, as spans are. */
export interface Place {
  file: string;
  line: number;
  column: number;
}

/** Whether the place lies in the span, its end included (a cursor just after a name is on it). */
export function within(span: Span, at: Place): boolean {
  if (span.file !== at.file) return false;
  const after = at.line > span.start.line || (at.line === span.start.line && at.column >= span.start.column);
  const before = at.line < span.end.line || (at.line === span.end.line && at.column <= span.end.column);
  return after && before;
}

/** The symbol whose declaration or reference is at the place, and that occurrence. */
export function symbolAt(index: SymbolIndex, at: Place): { symbol: MissionSymbol; span: Span } | undefined {
  for (const symbol of index.symbols) {
    if (within(symbol.decl, at)) return { symbol, span: symbol.decl };
    const ref = symbol.refs.find((r) => within(r, at));
    if (ref) return { symbol, span: ref };
  }
  return undefined;
}

export function linkAt(index: SymbolIndex, at: Place): FileLink | undefined {
  return index.links.find((l) => within(l.span, at));
}
