import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type * as Chevrotain from "chevrotain";

/**
 * chevrotain, loaded from its single-file build. The package's entry imports some 640 lodash-es
 * modules one by one, about 200 ms at every start of the CLI; the bundle beside it is the same
 * release in one file (about 13 ms). The bundle is not in the package's exports map, so it is
 * reached by its path next to the entry; the types are the package's own. It is loaded with
 * `require` (an ES module without top-level await, which Node ≥ 20.19 loads so, silently), not with
 * a top-level `await import()`: that would make every module importing the parser asynchronous,
 * and `require("missionc")` would fail with ERR_REQUIRE_ASYNC_MODULE.
 */
const require = createRequire(import.meta.url);
const entry = require.resolve("chevrotain"); // <package>/lib/src/api.js
const chevrotain = require(join(dirname(entry), "..", "chevrotain.mjs")) as typeof Chevrotain;

export const { createToken, EmbeddedActionsParser, EOF, Lexer } = chevrotain;
export type { ILexingResult, ILookaheadStrategy, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from "chevrotain";
export type Lexer = Chevrotain.Lexer;
