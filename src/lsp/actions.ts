import type * as L from "vscode-languageserver/node";
import type * as A from "../syntax/ast.js";
import { uriOf, type FixData } from "./convert.js";
import { symbolAt } from "./symbols.js";
import type { Analysis } from "./workspace.js";

/**
 * Quick fixes: every diagnostic whose help says "did you mean `X`" is fixed by writing X where the
 * diagnostic points; an assertion no feature fulfills (M0301) is fixed by adding it to the
 * `fulfills` of a feature, offered for the likeliest few (a feature whose name shares a word with
 * the id first, then the last features to run).
 */
export function quickFixes(analysis: Analysis, file: string, diagnostics: readonly L.Diagnostic[]): L.CodeAction[] {
  const uri = uriOf(file);
  const actions: L.CodeAction[] = [];
  for (const d of diagnostics) {
    const replacement = (d.data as FixData | undefined)?.replacement;
    if (replacement !== undefined)
      actions.push({
        title: `Change to \`${replacement}\``,
        kind: "quickfix",
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [uri]: [{ range: d.range, newText: replacement }] } },
      });
    if (d.code === "M0301") actions.push(...fulfillFixes(analysis, file, d));
  }
  return actions;
}

const MAX_OFFERS = 5;

function fulfillFixes(analysis: Analysis, file: string, d: L.Diagnostic): L.CodeAction[] {
  const found = symbolAt(analysis.index, { file, line: d.range.start.line + 1, column: d.range.start.character + 1 });
  const mission = analysis.checked.mission;
  if (!found || found.symbol.kind !== "assertion" || !mission) return [];
  const id = found.symbol.name;
  const words = new Set(id.split(/[._-]/));
  const shares = (f: A.FeatureDecl): boolean => f.name.text.split(/[_-]/).some((w) => words.has(w));
  const order = mission.order.map((b) => b.decl).reverse();
  const ranked = [...order.filter(shares), ...order.filter((f) => !shares(f))].slice(0, MAX_OFFERS);
  return ranked.flatMap((f): L.CodeAction[] => {
    const edit = fulfillsEdit(analysis, f, id);
    if (!edit) return [];
    return [
      {
        title: `Add \`${id}\` to the \`fulfills\` of feature \`${f.name.text}\``,
        kind: "quickfix",
        diagnostics: [d],
        edit: { changes: { [uriOf(f.span.file)]: [edit] } },
      },
    ];
  });
}

/** The edit that makes the feature fulfil the assertion, in its own file. */
function fulfillsEdit(analysis: Analysis, f: A.FeatureDecl, id: string): L.TextEdit | undefined {
  const at = (line: number, column: number): L.Position => ({ line: line - 1, character: column - 1 });
  const last = f.fulfills[f.fulfills.length - 1];
  if (last)
    return {
      range: { start: at(last.span.end.line, last.span.end.column), end: at(last.span.end.line, last.span.end.column) },
      newText: `, ${id}`,
    };
  const text = [...analysis.checked.program.files.values()].find((x) => x.abs === f.span.file)?.text;
  if (text === undefined) return undefined;
  const lines = text.split("\n");
  const end = f.span.end;
  const closing = lines[end.line - 1]?.[end.column - 2];
  if (closing !== "}") return { range: { start: at(end.line, end.column), end: at(end.line, end.column) }, newText: ` { fulfills ${id} }` };
  if (f.span.start.line === end.line)
    return { range: { start: at(end.line, end.column - 1), end: at(end.line, end.column - 1) }, newText: `fulfills ${id} ` };
  const indent = /^[ \t]*/.exec(lines[end.line - 1])![0];
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return { range: { start: at(end.line, 1), end: at(end.line, 1) }, newText: `${indent}  fulfills ${id}${eol}` };
}
