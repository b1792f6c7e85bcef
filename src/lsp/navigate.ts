import type * as L from "vscode-languageserver/node";
import { isKeyword } from "../syntax/keywords.js";
import { locationOf, rangeOf, uriOf } from "./convert.js";
import { keyOf, linkAt, symbolAt, type MissionSymbol, type Place } from "./symbols.js";
import type { Analysis } from "./workspace.js";

/** Go to definition, find references and rename, over every file of the mission. */

const START: L.Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Where a name is declared; an include path, a skill's path or a skill's name opens the file. */
export function definitionAt(analysis: Analysis, at: Place): L.Location[] {
  const link = linkAt(analysis.index, at);
  if (link) return [{ uri: uriOf(link.target), range: START }];
  const found = symbolAt(analysis.index, at);
  if (!found) return [];
  const node = found.symbol.node;
  if (node.kind === "skill") {
    const file = analysis.index.links.find((l) => l.span === node.path.span);
    if (file) return [{ uri: uriOf(file.target), range: START }];
  }
  return [locationOf(found.symbol.decl)];
}

export function referencesAt(analysis: Analysis, at: Place, includeDeclaration: boolean): L.Location[] {
  const found = symbolAt(analysis.index, at);
  if (!found) return [];
  return [...(includeDeclaration ? [found.symbol.decl] : []), ...found.symbol.refs].map(locationOf);
}

export function prepareRenameAt(analysis: Analysis, at: Place): L.Range | null {
  const found = symbolAt(analysis.index, at);
  return found ? rangeOf(found.span) : null;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ASSERTION_ID = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** Why the name cannot be given, or undefined when it can. */
export function renameProblem(analysis: Analysis, symbol: MissionSymbol, to: string): string | undefined {
  const shape = symbol.kind === "assertion" ? ASSERTION_ID : IDENTIFIER;
  if (!shape.test(to))
    return symbol.kind === "assertion"
      ? `\`${to}\` is not an assertion id: identifiers joined by dots, such as \`auth.login\``
      : `\`${to}\` is not a name: a letter or \`_\`, then letters, digits, \`_\` and \`-\``;
  // a dotted id may have keyword words (`auth.check`); a one-word name may not be a keyword
  if (!to.includes(".") && isKeyword(to)) return `\`${to}\` is a keyword and cannot name ${article(symbol.kind)} ${symbol.kind}`;
  const clash = analysis.index.byName.get(keyOf(symbol.kind, to));
  if (clash && clash !== symbol)
    return `${article(symbol.kind)} ${symbol.kind} named \`${to}\` is already declared: the rename would merge two`;
  return undefined;
}

/** The edits of a rename, by file, or why it is refused (a name of the wrong shape, a keyword, a clash). */
export function renameAt(analysis: Analysis, at: Place, to: string): L.WorkspaceEdit | { refused: string } | null {
  const found = symbolAt(analysis.index, at);
  if (!found) return null;
  const problem = renameProblem(analysis, found.symbol, to);
  if (problem) return { refused: problem };
  const changes: Record<string, L.TextEdit[]> = {};
  for (const span of [found.symbol.decl, ...found.symbol.refs])
    (changes[uriOf(span.file)] ??= []).push({ range: rangeOf(span), newText: to });
  return { changes };
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? "an" : "a");
