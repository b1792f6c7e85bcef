import { EOF, Lexer, type ILexingResult, type IRecognitionException, type IToken, type TokenType } from "./chevrotain.js";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type { Comment, Declaration, SourceFile } from "./ast.js";
import { checkBlockFields } from "./blocks.js";
import { MissionParser } from "./parser.js";
import { ALL_TOKENS } from "./tokens.js";
import * as T from "./tokens.js";
import { LineIndex, SourceSpan } from "./source-span.js";

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

/**
 * The lexer, with chevrotain's checks of the token definitions when `validate` (a third of its
 * construction): the parse of every run skips them, test/grammar.test.ts runs them on every change,
 * as chevrotain advises for a grammar that only changes with a release.
 */
export function makeLexer(validate: boolean): Lexer {
  return new Lexer(ALL_TOKENS, { positionTracking: "onlyOffset", ensureOptimizations: validate, skipValidations: !validate });
}

// One lexer and one parser for the whole process: chevrotain's self-analysis is the costly part.
let lexer: Lexer | undefined;
let parser: MissionParser | undefined;

function tools(): { lexer: Lexer; parser: MissionParser } {
  lexer ??= makeLexer(false);
  parser ??= new MissionParser({ validate: false });
  return { lexer, parser };
}

function tokenSpan(file: string, lines: LineIndex, tok: IToken, length?: number): Span {
  return new SourceSpan(file, lines, tok.startOffset, tok.startOffset + (length ?? tok.image.length));
}

const UNTERMINATED = new Map<TokenType, { length: number; what: string; help: string }>([
  [
    T.UnterminatedString,
    { length: 1, what: "string", help: 'close it with `"` on the same line; a string cannot span lines (use a `"""` text block)' },
  ],
  [T.UnterminatedTextBlock, { length: 3, what: "text block", help: 'close it with `"""`' }],
  [T.UnterminatedBlockComment, { length: 2, what: "comment", help: "close it with `*/`" }],
]);

function tokenDiagnostic(file: string, lines: LineIndex, tok: IToken, out: Diagnostic[]): void {
  const type = tok.tokenType;
  if (type === T.MalformedLiteral) {
    out.push(
      diagnostic("M0003", tokenSpan(file, lines, tok), `\`${tok.image}\` is not a valid number, quantity, duration or amount of money`, {
        help: "numbers: 3, 0.2; quantities: 16k, 800M, 1.5G; durations: 30s, 10m, 24h, 2d, 1h30m; money: $600, $12.50",
      }),
    );
    return;
  }
  const open = UNTERMINATED.get(type);
  if (open) out.push(diagnostic("M0002", tokenSpan(file, lines, tok, open.length), `unterminated ${open.what}`, { help: open.help }));
}

/** A character past ASCII (code point 128 and up). */
const NON_ASCII = /[^ -~\t\n\r]/;

/** Lexical faults: M0002 at the opening of an unterminated literal, M0003 over a malformed run, M0004. */
function lexicalDiagnostics(file: string, lines: LineIndex, lexed: ILexingResult, comments: IToken[], text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const tok of lexed.tokens) {
    const type = tok.tokenType;
    if (type === T.MalformedLiteral || type === T.UnterminatedString || type === T.UnterminatedTextBlock)
      tokenDiagnostic(file, lines, tok, out);
  }
  for (const tok of comments) tokenDiagnostic(file, lines, tok, out);
  for (const tok of lexed.tokens) {
    if ((tok.tokenType !== T.Identifier && tok.tokenType !== T.DottedId) || !NON_ASCII.test(tok.image)) continue;
    const ascii = tok.image.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    out.push(
      diagnostic(
        "M0004",
        tokenSpan(file, lines, tok),
        `\`${tok.image}\` is not an ASCII name: names are letters a–z and A–Z, digits, \`_\` and \`-\``,
        {
          help: !NON_ASCII.test(ascii) ? `write \`${ascii}\`` : "spell it with ASCII letters; titles and specs (strings) may hold any text",
        },
      ),
    );
  }
  for (const e of lexed.errors) {
    const chars = text.slice(e.offset, e.offset + e.length);
    out.push(
      diagnostic(
        "M0004",
        new SourceSpan(file, lines, e.offset, e.offset + Math.max(1, e.length)),
        e.length > 1 ? `characters \`${chars}\` cannot start any token` : `character \`${chars}\` cannot start any token`,
        {
          help: /[“”‘’]/.test(chars)
            ? 'typographic quotes are not string quotes: use straight double quotes `"`'
            : "names are letters, digits, `_` and `-`; strings go in double quotes; comments start with `//`",
        },
      ),
    );
  }
  return out;
}

function syntaxDiagnostic(file: string, lines: LineIndex, text: string, e: IRecognitionException): Diagnostic {
  const tok = e.token;
  const span =
    tok.tokenType === EOF || Number.isNaN(tok.startOffset)
      ? new SourceSpan(file, lines, text.length, text.length)
      : tokenSpan(file, lines, tok);
  return diagnostic("M0001", span, e.message);
}

const LEXICAL = new Set(["M0002", "M0003", "M0004"]);

/** A syntax error over a span that holds a lexical fault is that fault's consequence: one fault, one diagnostic. */
function dropConsequences(diagnostics: Diagnostic[]): void {
  const faults = diagnostics.filter((d) => LEXICAL.has(d.code)).map((d) => (d.span as SourceSpan).from);
  if (faults.length === 0) return;
  for (let i = diagnostics.length - 1; i >= 0; i--) {
    const d = diagnostics[i];
    const span = d.span as SourceSpan;
    if (d.code === "M0001" && span.to - span.from > 0 && faults.some((f) => f >= span.from && f <= span.to)) diagnostics.splice(i, 1);
  }
}

/** Deeper than any mission needs; past it, chevrotain's recursive recovery could exhaust the stack. */
export const MAX_DEPTH = 64;
/** Past this many diagnostics in one file, the rest are one note: the first ones are what to fix. */
export const MAX_DIAGNOSTICS = 200;

/** The tokens up to the first `{` that opens a block deeper than MAX_DEPTH. */
function withinDepth(tokens: IToken[], path: string, lines: LineIndex, out: Diagnostic[]): IToken[] {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].tokenType;
    if (t === T.LBrace && ++depth > MAX_DEPTH) {
      out.push(
        diagnostic(
          "M0001",
          tokenSpan(path, lines, tokens[i]),
          `blocks nested more than ${MAX_DEPTH} deep; the rest of the file is not read`,
          {
            help: "a mission nests a few blocks at most: mission, milestone, feature",
          },
        ),
      );
      return tokens.slice(0, i);
    }
    if (t === T.RBrace && depth > 0) depth--;
  }
  return tokens;
}

function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item); // not push(...items): a spread of 100,000 items overflows the stack
}

function capped(diagnostics: Diagnostic[], path: string, lines: LineIndex, text: string): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  const kept = diagnostics.slice(0, MAX_DIAGNOSTICS);
  kept.push(
    diagnostic(
      "M0001",
      new SourceSpan(path, lines, text.length, text.length),
      `${diagnostics.length - MAX_DIAGNOSTICS} more problems in this file are not shown`,
      {
        help: "fix the ones above first; this file may not be a mission at all",
      },
    ),
  );
  return kept;
}

/**
 * Parses one file. Never throws: every fault becomes a diagnostic and the tree holds what could be
 * read. `path` is the name used in spans (the path the user knows the file by).
 */
export function parse(text: string, path = "<input>"): ParseResult {
  const { lexer, parser } = tools();
  const lexed = lexer.tokenize(text);
  const commentTokens = lexed.groups["comments"] ?? [];
  const lines = new LineIndex(text);
  const diagnostics = lexicalDiagnostics(path, lines, lexed, commentTokens, text);
  const declarations: Declaration[] = [];
  const lastComment = commentTokens[commentTokens.length - 1];
  const lastToken = lexed.tokens[lexed.tokens.length - 1];
  const swallowed = lastComment?.tokenType === T.UnterminatedBlockComment || lastToken?.tokenType === T.UnterminatedTextBlock;
  let tokens = withinDepth(lexed.tokens, path, lines, diagnostics);
  const seen = new Set<number>();
  // A stray token at the top level ends chevrotain's parse; skip it and parse the rest too.
  for (;;) {
    parser.begin(path, lines, tokens, text.length, swallowed);
    append(declarations, (parser.declarations() ?? []).filter(Boolean));
    append(diagnostics, parser.problems);
    let resume = -1;
    for (const e of parser.errors) {
      if (!seen.has(e.token.startOffset)) diagnostics.push(syntaxDiagnostic(path, lines, text, e));
      seen.add(e.token.startOffset);
      if (e.name === "NotAllInputParsedException") resume = tokens.indexOf(e.token) + 1;
    }
    if (resume <= 0 || resume >= tokens.length || diagnostics.length > MAX_DIAGNOSTICS) break;
    tokens = tokens.slice(resume);
  }
  checkBlockFields("file", declarations, diagnostics);
  dropConsequences(diagnostics);
  const comments: Comment[] = commentTokens.map((t) => ({ text: t.image, span: tokenSpan(path, lines, t), offset: t.startOffset }));
  return { file: { path, declarations, comments, truncated: swallowed }, diagnostics: capped(diagnostics, path, lines, text) };
}
