import { createToken, Lexer, type TokenType } from "./chevrotain.js";
import { KEYWORDS, type KeywordText } from "./keywords.js";

export { KEYWORDS, isKeyword } from "./keywords.js";

/**
 * Every token of the `.mission` language, in matching order. Keywords come before `Identifier`
 * and use it as `longer_alt`, longest keyword first so that `skills` never lexes as `skill` + `s`.
 */

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: "comments" });
// written as unrolled loops, not lazy or alternating repetitions, so a 10 MB comment or string cannot exhaust the regex stack
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: "comments",
  line_breaks: true,
});
/** Reported as M0002; kept in the comment group so the parser never sees it. */
export const UnterminatedBlockComment = createToken({
  name: "UnterminatedBlockComment",
  pattern: /\/\*[\s\S]*/,
  group: "comments",
  line_breaks: true,
});

/** A token that cannot begin a statement: where a statement should begin, it is one M0001 and skipped. */
export const Stray = createToken({ name: "Stray", pattern: Lexer.NA });
export const TextBlock = createToken({ name: "TextBlock", pattern: Lexer.NA });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA });
export const ClosedTextBlock = createToken({
  name: "ClosedTextBlock",
  pattern: /"""[^"]*(?:"(?!"")[^"]*)*"""/,
  line_breaks: true,
  categories: [TextBlock, Stray],
});
/** An unterminated literal still fills its place in the grammar, so the only error is its M0002. */
export const UnterminatedTextBlock = createToken({
  name: "UnterminatedTextBlock",
  pattern: /"""[\s\S]*/,
  line_breaks: true,
  categories: [TextBlock, Stray],
});
export const ClosedString = createToken({
  name: "ClosedString",
  pattern: /"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"/,
  categories: [StringLiteral, Stray],
});
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*/,
  categories: [StringLiteral, Stray],
});

/** Any literal that starts with a digit or `$`; the members say which kind it turned out to be. */
export const NumericLiteral = createToken({ name: "NumericLiteral", pattern: Lexer.NA, categories: [] });
const END = "(?![A-Za-z0-9.])";
export const Money = createToken({ name: "Money", pattern: new RegExp(`\\$\\d+(?:\\.\\d+)?${END}`), categories: [NumericLiteral, Stray] });
// units in falling order, each once: 1d2h, 1h30m; `1h1h` and `30m1h` are malformed
export const Duration = createToken({
  name: "Duration",
  pattern: new RegExp(`-?(?:\\d+d(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?|\\d+h(?:\\d+m)?(?:\\d+s)?|\\d+m(?:\\d+s)?|\\d+s)${END}`),
  categories: [NumericLiteral, Stray],
});
export const Quantity = createToken({
  name: "Quantity",
  pattern: new RegExp(`-?\\d+(?:\\.\\d+)?[kMG]${END}`),
  categories: [NumericLiteral, Stray],
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: new RegExp(`-?\\d+(?:\\.\\d+)?${END}`),
  categories: [NumericLiteral, Stray],
});
/** The whole run of letters, digits and dots after a digit or `$` that is no valid literal: one M0003. */
export const MalformedLiteral = createToken({
  name: "MalformedLiteral",
  pattern: /-?[0-9][A-Za-z0-9.]*|\$-?[A-Za-z0-9.]*/,
  categories: [NumericLiteral, Stray],
});

export const LBrace = createToken({ name: "LBrace", pattern: "{" });
export const RBrace = createToken({ name: "RBrace", pattern: "}" });
export const Equals = createToken({ name: "Equals", pattern: "=", categories: [Stray] });
export const Comma = createToken({ name: "Comma", pattern: ",", categories: [Stray] });

/** Anything spelled like a name: an identifier or a keyword. Where a keyword may not stand, the parser says so. */
export const NameToken = createToken({ name: "NameToken", pattern: Lexer.NA });
/**
 * Names are ASCII, but a word with accented, Greek or Cyrillic letters (`störe`) is read as one name,
 * so that its fault is one diagnostic (M0004, parse.ts), not a name cut in pieces and their cascade.
 */
const LETTER = "A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0370-\\u03FF\\u0400-\\u04FF";
const WORD = `[${LETTER}][${LETTER}0-9-]*`;
export const Identifier = createToken({ name: "Identifier", pattern: new RegExp(WORD), categories: [NameToken] });
/** An assertion id is one token: `auth.signup`, `auth.check`. */
export const DottedId = createToken({
  name: "DottedId",
  pattern: new RegExp(`${WORD}(?:\\.${WORD})+`),
  categories: [Stray],
});

export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA });

function keywordToken(word: string): TokenType {
  return createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Identifier, categories: [Keyword, NameToken] });
}

export const KW: Record<KeywordText, TokenType> = Object.fromEntries(KEYWORDS.map((w) => [w, keywordToken(w)])) as Record<
  KeywordText,
  TokenType
>;

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  ClosedTextBlock,
  UnterminatedTextBlock,
  ClosedString,
  UnterminatedString,
  Money,
  Duration,
  Quantity,
  NumberLiteral,
  MalformedLiteral,
  LBrace,
  RBrace,
  Equals,
  Comma,
  DottedId,
  ...[...KEYWORDS].sort((a, b) => b.length - a.length).map((w) => KW[w]),
  Identifier,
  // categories come last; they match nothing themselves
  TextBlock,
  StringLiteral,
  NumericLiteral,
  Keyword,
  NameToken,
  Stray,
];
