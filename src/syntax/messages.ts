import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import { EOF } from "./chevrotain.js";

/** M0001 messages that name what was expected, in the words a user reads in the grammar. */

const DESCRIPTIONS: Record<string, string> = {
  LBrace: "`{`",
  RBrace: "`}`",
  Equals: "`=`",
  Comma: "`,`",
  Identifier: "a name",
  NameToken: "a name",
  DottedId: "an assertion id",
  Keyword: "a keyword",
  StringLiteral: "a string",
  ClosedString: "a string",
  TextBlock: "a text block",
  ClosedTextBlock: "a text block",
  NumericLiteral: "a number, quantity, duration or amount",
  NumberLiteral: "a number",
  Quantity: "a quantity",
  Duration: "a duration",
  Money: "an amount of money",
  MalformedLiteral: "a literal",
};

export function describeType(t: TokenType): string {
  if (t === EOF) return "end of file";
  if (t.name.startsWith("Kw_")) return `\`${t.name.slice(3)}\``;
  return DESCRIPTIONS[t.name] ?? t.name;
}

export function describeToken(tok: IToken): string {
  if (tok.tokenType === EOF) return "end of file";
  const image = tok.image.length > 24 ? `${tok.image.slice(0, 24)}…` : tok.image;
  return `\`${image.replace(/\n[\s\S]*/, "…")}\``;
}

function alternatives(paths: TokenType[][][]): string {
  const seen = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) seen.add(describeType(path[0]));
  const list = [...seen];
  if (list.length > 8) return `${list.slice(0, 8).join(", ")}, …`;
  if (list.length <= 1) return list[0] ?? "something else";
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    if (expected.name === "Identifier" && actual.tokenType.name.startsWith("Kw_")) {
      return `expected a name, found the keyword \`${actual.image}\` (keywords cannot be used as names)`;
    }
    return `expected ${describeType(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return firstRedundant.tokenType.name === "RBrace"
      ? "unexpected `}`: there is no block open here to close"
      : `expected a declaration, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription }) {
    const what = customUserDescription ?? alternatives(expectedPathsPerAlt);
    return `expected ${what}, found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription }) {
    const what = customUserDescription ?? alternatives([expectedIterationPaths]);
    return `expected ${what}, found ${describeToken(actual[0])}`;
  },
};
