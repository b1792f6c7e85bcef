import type { IToken } from "chevrotain";
import type { Span } from "../diagnostics/diagnostic.js";
import type { Literal, LiteralKind } from "./ast.js";

/** Turns literal tokens into values: escapes, text-block dedent, and the units of quantities, durations and money. */

const QUANTITY_UNIT: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9 };
const DURATION_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function unescapeString(raw: string): string {
  const inner = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
  if (!inner.includes("\\")) return inner;
  return inner.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

/** Removes the first and last line when blank, then the indentation common to the non-blank lines. */
export function dedentTextBlock(raw: string): string {
  const body = raw.endsWith('"""') && raw.length >= 6 ? raw.slice(3, -3) : raw.slice(3);
  const lines = body.split(/\r?\n/);
  if (lines.length > 1 && lines[0].trim() === "") lines.shift();
  if (lines.length > 1 && lines[lines.length - 1].trim() === "") lines.pop();
  let indent = Infinity;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const n = line.length - line.trimStart().length;
    if (n < indent) indent = n;
  }
  if (!Number.isFinite(indent)) indent = 0;
  return lines
    .map((l) => (l.trim() === "" ? "" : l.slice(indent)))
    .join("\n")
    .replace(/^\s+$/, "");
}

export function parseDuration(raw: string): number {
  const sign = raw.startsWith("-") ? -1 : 1;
  let total = 0;
  for (const m of raw.matchAll(/(\d+)([smhd])/g)) total += Number(m[1]) * DURATION_UNIT[m[2]];
  return sign * total;
}

export function literalFromToken(tok: IToken, span: Span): Literal {
  const raw = tok.image;
  const name = tok.tokenType.name;
  let kind: LiteralKind;
  let value: number | string | boolean;
  switch (name) {
    case "ClosedString":
    case "UnterminatedString":
      kind = "string";
      value = unescapeString(raw);
      break;
    case "ClosedTextBlock":
    case "UnterminatedTextBlock":
      kind = "text";
      value = dedentTextBlock(raw);
      break;
    case "NumberLiteral":
      kind = "number";
      value = Number(raw);
      break;
    case "Quantity":
      kind = "quantity";
      value = Math.round(Number(raw.slice(0, -1)) * QUANTITY_UNIT[raw.slice(-1)]);
      break;
    case "Duration":
      kind = "duration";
      value = parseDuration(raw);
      break;
    case "Money":
      kind = "money";
      value = Number(raw.slice(1));
      break;
    case "MalformedLiteral":
      kind = "malformed";
      value = raw;
      break;
    case "Kw_true":
    case "Kw_false":
      kind = "boolean";
      value = raw === "true";
      break;
    default:
      kind = "name";
      value = raw;
  }
  return { kind, raw, value, span };
}

/** What a user would call a kind of value, for messages. */
export const KIND_NAMES: Record<LiteralKind, string> = {
  number: "a number",
  quantity: "a quantity (like 800M)",
  duration: "a duration (like 24h)",
  money: "an amount of money (like $600)",
  string: "a string",
  text: "a text",
  boolean: "true or false",
  name: "a name",
  malformed: "a malformed literal",
};
