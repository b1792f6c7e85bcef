import { EOF, Lexer, type IRecognitionException, type IToken } from "chevrotain";
import type { Diagnostic, Span } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type { Comment, Declaration, SourceFile } from "./ast.js";
import { checkBlockFields } from "./blocks.js";
import { MissionParser } from "./parser.js";
import { ALL_TOKENS } from "./tokens.js";

export interface ParseResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
}

// One lexer and one parser for the whole process: chevrotain's self-analysis is the costly part.
let lexer: Lexer | undefined;
let parser: MissionParser | undefined;

function tools(): { lexer: Lexer; parser: MissionParser } {
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: "full", ensureOptimizations: true });
  parser ??= new MissionParser();
  return { lexer, parser };
}

function tokenSpan(file: string, tok: IToken, length?: number): Span {
  const start = { line: tok.startLine!, column: tok.startColumn! };
  if (length !== undefined) return { file, start, end: { line: start.line, column: start.column + length } };
  return { file, start, end: { line: tok.endLine!, column: tok.endColumn! + 1 } };
}

const UNTERMINATED: Record<string, { length: number; what: string; help: string }> = {
  UnterminatedString: { length: 1, what: "string", help: "close it with `\"` on the same line; a string cannot span lines (use a `\"\"\"` text block)" },
  UnterminatedTextBlock: { length: 3, what: "text block", help: "close it with `\"\"\"`" },
  UnterminatedBlockComment: { length: 2, what: "comment", help: "close it with `*/`" },
};

/** Lexical faults: M0002 at the opening of an unterminated literal, M0003 over a malformed run, M0004. */
function lexicalDiagnostics(file: string, tokens: IToken[], comments: IToken[], errors: { line?: number; column?: number; length: number; offset: number }[], text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const tok of [...tokens, ...comments]) {
    const name = tok.tokenType.name;
    const open = UNTERMINATED[name];
    if (open) {
      out.push(diagnostic("M0002", tokenSpan(file, tok, open.length), `unterminated ${open.what}`, { help: open.help }));
    } else if (name === "MalformedLiteral") {
      out.push(diagnostic("M0003", tokenSpan(file, tok), `\`${tok.image}\` is not a valid number, quantity, duration or amount of money`, {
        help: "numbers: 3, 0.2; quantities: 16k, 800M, 1.5G; durations: 30s, 10m, 24h, 2d, 1h30m; money: $600, $12.50",
      }));
    }
  }
  for (const e of errors) {
    const chars = text.slice(e.offset, e.offset + e.length);
    const start = { line: e.line ?? 1, column: e.column ?? 1 };
    out.push(diagnostic("M0004", { file, start, end: { line: start.line, column: start.column + Math.max(1, e.length) } },
      e.length > 1 ? `characters \`${chars}\` cannot start any token` : `character \`${chars}\` cannot start any token`, {
        help: "names are letters, digits, `_` and `-`; strings go in double quotes; comments start with `//`",
      }));
  }
  return out;
}

function endOfFile(file: string, text: string): Span {
  const lines = text.split(/\r\n|\r|\n/);
  const pos = { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
  return { file, start: pos, end: pos };
}

function syntaxDiagnostic(file: string, text: string, e: IRecognitionException): Diagnostic {
  const tok = e.token;
  const span = tok.tokenType === EOF || Number.isNaN(tok.startOffset) ? endOfFile(file, text) : tokenSpan(file, tok);
  return diagnostic("M0001", span, e.message);
}

/**
 * Parses one file. Never throws: every fault becomes a diagnostic and the tree holds what could be
 * read. `path` is the name used in spans (the path the user knows the file by).
 */
export function parse(text: string, path = "<input>"): ParseResult {
  const { lexer, parser } = tools();
  const lexed = lexer.tokenize(text);
  const commentTokens = (lexed.groups["comments"] ?? []) as IToken[];
  const diagnostics = lexicalDiagnostics(path, lexed.tokens, commentTokens, lexed.errors, text);
  const declarations: Declaration[] = [];
  let tokens = lexed.tokens;
  const seen = new Set<number>();
  // A stray token at the top level ends chevrotain's parse; skip it and parse the rest too.
  for (;;) {
    parser.begin(path, tokens);
    declarations.push(...(parser.declarations() ?? []).filter(Boolean));
    diagnostics.push(...parser.problems);
    let resume = -1;
    for (const e of parser.errors) {
      if (!seen.has(e.token.startOffset)) diagnostics.push(syntaxDiagnostic(path, text, e));
      seen.add(e.token.startOffset);
      if (e.name === "NotAllInputParsedException") resume = tokens.indexOf(e.token) + 1;
    }
    if (resume <= 0 || resume >= tokens.length) break;
    tokens = tokens.slice(resume);
  }
  checkBlockFields("file", declarations, diagnostics);
  const comments: Comment[] = commentTokens.map((t) => ({ text: t.image, span: tokenSpan(path, t), offset: t.startOffset }));
  return { file: { path, declarations, comments }, diagnostics };
}
