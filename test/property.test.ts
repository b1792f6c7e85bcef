import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "../src/syntax/parse.js";
import { check } from "../src/semantics/check.js";
import { loadProgram } from "../src/syntax/includes.js";
import { checkProgram } from "../src/semantics/check.js";
import { nodeHost } from "../src/syntax/host.js";
import { ROOT } from "./helpers/cases.js";

/**
 * No input, however broken, makes parse or check throw or hang. The guard per input is generous
 * (seconds, not a timing assertion): it only turns a hang into a failure with the input shown.
 */

/** FC_RUNS raises the number of inputs for a longer hunt; the default keeps the suite quick. */
const RUNS = Number(process.env["FC_RUNS"] ?? 300);

const EXAMPLES = [
  "examples/hello/hello.mission",
  "examples/slack-clone/slack-clone.mission",
  "examples/slack-clone/contract/chat.mission",
].map((p) => readFileSync(join(ROOT, p), "utf8"));

function checkText(text: string): void {
  const host = nodeHost(ROOT);
  const program = loadProgram(join(ROOT, "examples/hello/fuzz.mission"), text, host);
  const result = checkProgram(program, host);
  for (const d of result.diagnostics) {
    expect(d.span.start.line).toBeGreaterThanOrEqual(1);
    expect(d.span.start.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe("string");
  }
}

/** Neither phase may throw; a hang is caught by the test's time-out, which names the test. */
function guarded(text: string): void {
  parse(text, "fuzz.mission");
  checkText(text);
}

/** The examples as tokens-ish pieces: words, literals, punctuation and whitespace runs. */
function pieces(text: string): string[] {
  return text.match(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\s+|[A-Za-z_][\w.-]*|[$\d][\w.]*|./g) ?? [];
}

const mutation = fc.record({
  example: fc.integer({ min: 0, max: EXAMPLES.length - 1 }),
  ops: fc.array(
    fc.record({
      kind: fc.constantFrom("delete", "duplicate", "swap", "insert"),
      at: fc.nat(),
      other: fc.nat(),
      text: fc.constantFrom(
        "{",
        "}",
        "=",
        ",",
        '"',
        '"""',
        "/*",
        "mission",
        "feature",
        "fulfills",
        "24x",
        "$",
        "needs",
        'include "x"',
        "role",
        "^",
      ),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  truncate: fc.option(fc.nat(), { nil: undefined }),
});

function mutate(m: {
  example: number;
  ops: { kind: string; at: number; other: number; text: string }[];
  truncate: number | undefined;
}): string {
  const p = pieces(EXAMPLES[m.example]);
  for (const op of m.ops) {
    const i = op.at % p.length;
    const j = op.other % p.length;
    if (op.kind === "delete") p.splice(i, 1);
    else if (op.kind === "duplicate") p.splice(i, 0, p[i]);
    else if (op.kind === "swap") [p[i], p[j]] = [p[j], p[i]];
    else p.splice(i, 0, ` ${op.text} `);
    if (p.length === 0) p.push("");
  }
  const text = p.join("");
  return m.truncate === undefined ? text : text.slice(0, m.truncate % (text.length + 1));
}

describe("parse and check never throw or hang", () => {
  it("on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), guarded), { numRuns: RUNS });
  });

  it("on arbitrary text made of the language's own characters", () => {
    const alphabet = fc.constantFrom(
      ...'{}=,"\\/*$.0123456789kMGsmhd \n\tabcxyz_-#^'.split(""),
      "mission",
      "feature",
      '"""',
      "//",
      "/*",
      "*/",
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 200 }).map((a) => a.join("")),
        guarded,
      ),
      { numRuns: RUNS },
    );
  });

  it("on random mutations of the examples (deleted, duplicated, swapped tokens; truncation)", () => {
    fc.assert(
      fc.property(mutation, (m) => guarded(mutate(m))),
      { numRuns: RUNS },
    );
  });

  it("on the examples cut at every 97th character", () => {
    for (const text of EXAMPLES) for (let n = 0; n <= text.length; n += 97) guarded(text.slice(0, n));
  });

  it("check of a path that is not a file reports instead of throwing", () => {
    const r = check([join(ROOT, "examples")], { cwd: ROOT });
    expect(r.unreadable[0]?.error).toMatch(/directory/);
  });
});
