import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect } from "vitest";

/**
 * Test cases are `.mission` files (or folders with `main.mission`) that carry their expectations
 * in comments, in the conformance corpus's notation:
 *   // <- M0301        a diagnostic with this code starts on this line
 *   // expect: M0201   a diagnostic with this code anywhere;  // expect: ok  none at all
 *   // coverage: 2/3   fulfilled/assertions
 * Beside each case, a golden file holds the pretty output; UPDATE_GOLDEN=1 rewrites it.
 */

export const ROOT = resolve(import.meta.dirname, "../..");

export interface Case {
  name: string;
  entry: string;
  /** every .mission file of the case, for reading expectations */
  files: string[];
  golden: string;
}

export interface Expectations {
  located: { code: string; file: string; line: number }[];
  anywhere: string[];
  ok: boolean;
  coverage?: { fulfilled: number; assertions: number };
}

function missionFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? missionFiles(p) : n.endsWith(".mission") ? [p] : [];
  });
}

export function discoverCases(dir: string): Case[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name): Case[] => {
      const p = join(dir, name);
      if (statSync(p).isDirectory())
        return [{ name, entry: join(p, "main.mission"), files: missionFiles(p), golden: join(p, "expected.txt") }];
      if (name.endsWith(".mission")) return [{ name, entry: p, files: [p], golden: p.replace(/\.mission$/, ".expected.txt") }];
      return [];
    });
}

export function readExpectations(c: Case): Expectations {
  const exp: Expectations = { located: [], anywhere: [], ok: false };
  for (const file of c.files) {
    readFileSync(file, "utf8")
      .split(/\r?\n/)
      .forEach((text, i) => {
        const at = text.match(/\/\/\s*<-\s*((?:M\d{4}[\s,]*)+)/);
        if (at)
          for (const code of at[1].match(/M\d{4}/g)!)
            exp.located.push({ code, file: relative(ROOT, file).split("\\").join("/"), line: i + 1 });
        const any = text.match(/\/\/\s*expect:\s*(.+)$/);
        if (any) {
          if (/^ok\b/.test(any[1].trim())) exp.ok = true;
          exp.anywhere.push(...(any[1].match(/M\d{4}/g) ?? []));
        }
        const cov = text.match(/\/\/\s*coverage:\s*(\d+)\s*\/\s*(\d+)/);
        if (cov) exp.coverage = { fulfilled: Number(cov[1]), assertions: Number(cov[2]) };
      });
  }
  return exp;
}

/** Compares the text with the golden file, or writes it under UPDATE_GOLDEN=1. */
export function matchGolden(path: string, actual: string): void {
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(path)) {
    if (process.env["UPDATE_GOLDEN"] !== "1" && process.env["CI"])
      throw new Error(`golden file missing: ${path} (run with UPDATE_GOLDEN=1)`);
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `golden ${relative(ROOT, path)} (UPDATE_GOLDEN=1 rewrites it; review the diff)`).toBe(readFileSync(path, "utf8"));
}
