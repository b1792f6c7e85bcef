import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { MissionParser } from "../src/syntax/parser.js";
import { makeLexer, parse } from "../src/syntax/parse.js";
import { KEYWORDS } from "../src/syntax/tokens.js";
import { ROOT, matchGolden } from "./helpers/cases.js";

const ebnf = readFileSync(join(ROOT, "grammar/mission.ebnf"), "utf8");

describe("grammar/mission.ebnf is kept honest", () => {
  it("has a production for every parser rule, and no syntactic production the parser lacks", () => {
    const rules = Object.keys(new MissionParser({ validate: false }).getGAstProductions()).sort();
    const productions = [...ebnf.matchAll(/^([a-z][A-Za-z]*)\s*=/gm)].map((m) => m[1]).sort();
    expect(productions).toEqual(rules);
  });

  // a parse skips chevrotain's validations for a fast start; here they run on every change
  it("passes chevrotain's grammar validations (no ambiguity, no left recursion)", () => {
    expect(() => new MissionParser({ validate: true })).not.toThrow();
  });

  it("has a lexer chevrotain can optimize (first-character tables for every token)", () => {
    expect(() => makeLexer(true)).not.toThrow();
  });

  it("lists exactly the lexer's keywords", () => {
    const block = /KEYWORD\s*=([\s\S]*?);/.exec(ebnf)?.[1] ?? "";
    const listed = [...block.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]).sort();
    expect(listed).toEqual([...KEYWORDS].sort());
  });

  const examples = [...ebnf.matchAll(/\(\* example:\n([\s\S]*?)\n\*\)/g)].map((m) => m[1]);

  it("has examples", () => expect(examples.length).toBeGreaterThanOrEqual(5));

  examples.forEach((text, i) => {
    it(`example ${i + 1} parses without a syntax error`, () => {
      const syntax = parse(text, `example-${i + 1}.mission`).diagnostics.filter((d) => d.code.startsWith("M000"));
      expect(syntax.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`)).toEqual([]);
    });
  });
});

async function tokenizer(): Promise<textmate.IGrammar> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(join(require.resolve("vscode-oniguruma"), "../onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.mission"
        ? textmate.parseRawGrammar(readFileSync(join(ROOT, "grammar/mission.tmLanguage.json"), "utf8"), "mission.tmLanguage.json")
        : null,
  });
  const grammar = await registry.loadGrammar("source.mission");
  if (!grammar) throw new Error("grammar did not load");
  return grammar;
}

/** One line per token that carries a scope beyond the root: `line:col  text  scopes`. */
function scopes(grammar: textmate.IGrammar, text: string): string {
  let state = textmate.INITIAL;
  const out: string[] = [];
  text.split("\n").forEach((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      const inner = t.scopes.slice(1);
      if (piece.trim() && inner.length) out.push(`${n + 1}:${t.startIndex + 1}\t${JSON.stringify(piece)}\t${inner.join(" ")}`);
    }
    state = r.ruleStack;
  });
  return `${out.join("\n")}\n`;
}

/** Scopes only the larger example has words for (money, a trailing comment, text blocks, an assertion id). */
const ONLY_IN: Record<string, RegExp[]> = {
  "examples/hello/hello.mission": [],
  "examples/slack-clone/slack-clone.mission": [
    /"\$600"\t.*constant\.numeric\.money/,
    /" a different provider than the worker.s"\t.*comment\.line/,
    /"auth\.signup"\t.*entity\.name\.tag\.assertion/,
    /string\.quoted\.triple/,
    /"npm ci"\t.*string\.quoted\.double/,
  ],
};

describe("grammar/mission.tmLanguage.json highlights the examples", () => {
  for (const [example, own] of Object.entries(ONLY_IN)) {
    it(`${example} against its golden scopes`, async () => {
      const grammar = await tokenizer();
      const text = readFileSync(join(ROOT, example), "utf8");
      const out = scopes(grammar, text);
      matchGolden(join(ROOT, "test/grammar", `${example.split("/").pop()}.scopes.txt`), out);
      // the scopes a reader relies on, whatever else the golden holds
      expect(out).toMatch(/"mission"\t.*(keyword|storage\.type)/);
      expect(out).toMatch(/"(800M|2M)"\t.*constant\.numeric\.quantity/);
      expect(out).toMatch(/"(24h|30m)"\t.*constant\.numeric\.duration/);
      expect(out).toMatch(/"\/\/"\t.*comment\.line/);
      for (const scope of own) expect(out).toMatch(scope);
    });
  }

  it("does not take keywords inside longer names", async () => {
    const grammar = await tokenizer();
    const out = scopes(grammar, "feature skills-list { needs goal_setter }");
    expect(out).not.toMatch(/"skills"\t/);
    expect(out).not.toMatch(/"goal"\t/);
  });
});
