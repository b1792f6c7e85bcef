import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Chevrotain from "chevrotain";

/**
 * chevrotain, loaded from its single-file build. The package's entry imports some 640 lodash-es
 * modules one by one, about 200 ms at every start of the CLI; the bundle beside it is the same
 * release in one file (about 13 ms). The bundle is not in the package's exports map, so it is
 * reached by its path next to the entry; the types are the package's own.
 */
const entry = createRequire(import.meta.url).resolve("chevrotain"); // <package>/lib/src/api.js
const chevrotain = (await import(pathToFileURL(join(dirname(entry), "..", "chevrotain.mjs")).href)) as typeof Chevrotain;

export const { createToken, EmbeddedActionsParser, EOF, Lexer } = chevrotain;
export type { ILexingResult, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from "chevrotain";
export type Lexer = Chevrotain.Lexer;
