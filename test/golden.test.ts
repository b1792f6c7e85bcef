import { join, relative } from "node:path";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { estimateAgainstBudget } from "../src/control/budget-check.js";
import { check } from "../src/semantics/check.js";
import { renderPretty } from "../src/diagnostics/render-pretty.js";
import { renderSummary } from "../src/diagnostics/render-summary.js";
import { CATALOGUE } from "../src/diagnostics/catalogue.js";
import { ROOT, discoverCases, matchGolden, readExpectations } from "./helpers/cases.js";

const plain = new Chalk({ level: 0 });
const cases = discoverCases(join(ROOT, "test/cases"));

describe("diagnostic cases (expectations in comments, pretty output golden beside each)", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThan(20));

  for (const c of cases) {
    it(c.name, () => {
      const exp = readExpectations(c);
      // as `missionc check` checks: with the estimate against the budget (M0502)
      const result = check([relative(ROOT, c.entry)], { cwd: ROOT, more: estimateAgainstBudget });
      expect(result.unreadable).toEqual([]);
      const actual = result.diagnostics
        .filter((d) => d.code in CATALOGUE)
        .map((d) => ({ code: d.code, file: d.span.file, line: d.span.start.line }));
      const located = exp.located.map((e) => ({ ...e }));
      const unmatched = [...actual];
      for (const e of located) {
        const i = unmatched.findIndex((a) => a.code === e.code && a.line === e.line && a.file === e.file);
        expect(i, `expected ${e.code} at ${e.file}:${e.line}; got ${JSON.stringify(actual)}`).toBeGreaterThanOrEqual(0);
        unmatched.splice(i, 1);
      }
      for (const code of exp.anywhere) {
        const i = unmatched.findIndex((a) => a.code === code);
        expect(i, `expected ${code} somewhere; got ${JSON.stringify(actual)}`).toBeGreaterThanOrEqual(0);
        unmatched.splice(i, 1);
      }
      expect(unmatched, "diagnostics no comment expects").toEqual([]);
      const expectError = [...exp.located.map((e) => e.code), ...exp.anywhere].some(
        (code) => CATALOGUE[code as keyof typeof CATALOGUE]?.severity === "error",
      );
      expect(result.ok).toBe(!expectError);
      const coverage = { fulfilled: result.coverage.fulfilled, assertions: result.coverage.assertions };
      expect(coverage).toEqual(exp.coverage ?? coverage); // a case that states its coverage gets it checked
      const pretty = renderPretty(result.diagnostics, (f) => result.sources.get(f), plain);
      matchGolden(c.golden, `${pretty}${pretty ? "\n" : ""}${renderSummary(result, plain)}`);
    });
  }
});
