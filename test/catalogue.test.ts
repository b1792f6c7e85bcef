import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../src/diagnostics/catalogue.js";
import { estimateAgainstBudget } from "../src/control/budget-check.js";
import { check } from "../src/semantics/check.js";
import { explanation } from "../src/diagnostics/explanation.js";
import { Chalk } from "chalk";
import { renderPretty } from "../src/diagnostics/render-pretty.js";
import { renderSummary } from "../src/diagnostics/render-summary.js";
import { ROOT, discoverCases, readExpectations } from "./helpers/cases.js";

const doc = readFileSync(join(ROOT, "specs/diagnostics.md"), "utf8");
const plain = new Chalk({ level: 0 });
const codes = Object.keys(CATALOGUE);
const expected = new Set(
  discoverCases(join(ROOT, "test/cases")).flatMap((c) => {
    const e = readExpectations(c);
    return [...e.located.map((l) => l.code), ...e.anywhere];
  }),
);

describe("the catalogue, its documentation and its tests stay in step", () => {
  it("documents exactly the catalogue's codes, in order", () => {
    const documented = [...doc.matchAll(/^## (M\d{4})\b/gm)].map((m) => m[1]);
    expect(documented).toEqual(codes);
  });

  for (const code of codes) {
    it(`${code} has a test case that expects it`, () => {
      expect(expected.has(code), `no case in test/cases expects ${code}`).toBe(true);
    });

    it(`${code}'s documented example produces it`, () => {
      const entry = explanation(code, doc)!;
      expect(entry).toMatch(/### Example/);
      expect(entry).toMatch(/### Fix/);
      const example = /### Example[\s\S]*?```mission\n([\s\S]*?)```/.exec(entry)?.[1];
      expect(example, `${code} has no \`\`\`mission example`).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), "missionc-doc-"));
      writeFileSync(join(dir, "example.mission"), example!);
      const result = check(["example.mission"], { cwd: dir, more: estimateAgainstBudget });
      expect(result.diagnostics.map((d) => d.code)).toContain(code);
      // the output the page shows is the output `check` prints for it, help lines included
      const shown = /### Example[\s\S]*?```mission\n[\s\S]*?```\n```text\n([\s\S]*?)```/.exec(entry)?.[1];
      const pretty = renderPretty(result.diagnostics, (f) => result.sources.get(f), plain);
      const printed = `${pretty}${pretty ? "\n" : ""}${renderSummary(result, plain)}`;
      const updating = process.env["UPDATE_GOLDEN"] === "1";
      if (updating && printed !== shown) rewriteShown(code, entry, printed);
      expect(printed).toBe(updating ? printed : shown);
    });
  }
});

/** UPDATE_GOLDEN=1: the page's output block for the code becomes what `check` prints (review the diff). */
function rewriteShown(code: string, entry: string, printed: string): void {
  const page = readFileSync(join(ROOT, "specs/diagnostics.md"), "utf8");
  const updated = entry.replace(
    /(### Example[\s\S]*?```mission\n[\s\S]*?```\n```text\n)([\s\S]*?)```/,
    (_, head: string) => `${head}${printed}\`\`\``,
  );
  const at = page.indexOf(entry);
  expect(at, `the section of ${code} is not found verbatim in specs/diagnostics.md`).toBeGreaterThanOrEqual(0);
  writeFileSync(join(ROOT, "specs/diagnostics.md"), page.slice(0, at) + updated + page.slice(at + entry.length));
}
