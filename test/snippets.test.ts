import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { format } from "../src/format/format.js";
import { check } from "../src/semantics/check.js";
import { parse } from "../src/syntax/parse.js";
import { ROOT } from "./helpers/cases.js";
import { missionc } from "./helpers/cli.js";

/**
 * Issue 15: the missions a newcomer copies are missions that pass CI. Every fenced block of
 * README.md, specs/ and the examples' READMEs names its language, and `.mission` text is fenced as
 *   ```mission           a whole mission: `check` finds nothing (no error, no warning) and fmt leaves it as it is
 *   ```mission-fragment  statements as they stand inside a mission: no syntax error, and canonical
 *   ```mission-error     a mission that shows diagnostics: `check` reports every code its comments
 *                        name (`// M0206`), and it is canonical where it can be read
 * specs/diagnostics.md fences its examples and fixes as ```mission; catalogue.test.ts compares the
 * examples' output, and here each of them that can be read is canonical, and each fix is free of
 * the code its section is about. `init`'s output and every example file are checked the same way.
 */

interface Snippet {
  file: string;
  line: number;
  lang: string;
  text: string;
}

const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "specs"))
    .filter((n) => n.endsWith(".md"))
    .map((n) => `specs/${n}`),
  ...readdirSync(join(ROOT, "examples"))
    .map((n) => `examples/${n}/README.md`)
    .filter((p) => {
      try {
        readFileSync(join(ROOT, p));
        return true;
      } catch {
        return false;
      }
    }),
];

/** Fenced blocks, their indentation (a block inside a list item) removed. */
function snippets(file: string): Snippet[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const found: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[j])) body.push(lines[j++].slice(indent.length));
    found.push({ file, line: i + 1, lang: info.trim(), text: `${body.join("\n")}\n` });
    i = j;
  }
  return found;
}

const all = DOCS.flatMap(snippets);
const where = (s: Snippet): string => `${s.file}:${s.line}`;

function checkText(text: string): ReturnType<typeof check> {
  const dir = mkdtempSync(join(tmpdir(), "missionc-snippet-"));
  writeFileSync(join(dir, "snippet.mission"), text);
  return check(["snippet.mission"], { cwd: dir });
}

/** Whether `fmt --check` would pass: unreadable text is not canonical text. */
function canonical(text: string): { ok: boolean; formatted?: string } {
  const r = format(text, "snippet.mission");
  return { ok: r.text === text, formatted: r.text };
}

const readable = (text: string): boolean => !parse(text, "snippet.mission").diagnostics.some((d) => d.severity === "error");

/** Statements that stand in a mission (a `role`, a `budget`) or in a milestone (a `feature`), as they stand there. */
function inMission(text: string, milestone = false): string {
  const depth = milestone ? "    " : "  ";
  const body = text
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => (l ? `${depth}${l}` : l))
    .join("\n");
  return milestone ? `mission snippet {\n  milestone snippet {\n${body}\n  }\n}\n` : `mission snippet {\n${body}\n}\n`;
}

/** A fragment of contracts and milestones is checked as part of a small mission around it. */
const HOST = `
mission host {
  model m = scripted "host.yaml"
  role orchestrator = m
  role worker       = m
}
`;

describe("every .mission snippet of the documentation checks and is canonical", () => {
  it("the documents are found, and every fenced block names its language", () => {
    expect(all.filter((s) => s.lang.startsWith("mission")).length).toBeGreaterThan(60);
    expect(all.filter((s) => s.lang === "").map(where)).toEqual([]);
  });

  for (const s of all.filter((x) => x.lang === "mission" && x.file !== "specs/diagnostics.md"))
    it(`${where(s)}: a whole mission, clean and canonical`, () => {
      const r = checkText(s.text);
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(canonical(s.text).formatted).toBe(s.text);
    });

  for (const s of all.filter((x) => x.lang === "mission-fragment"))
    it(`${where(s)}: a fragment, readable and canonical (where it stands: in a mission, or a file's top level)`, () => {
      const text = [s.text, inMission(s.text), inMission(s.text, true)].find(readable);
      expect(text, "readable at the top level of a file, in a mission or in a milestone").toBeDefined();
      expect(canonical(text!).formatted).toBe(text);
    });

  for (const s of all.filter((x) => x.lang === "mission-error"))
    it(`${where(s)}: shows the diagnostics its comments name`, () => {
      const named = [...new Set(s.text.match(/\bM\d{4}\b/g) ?? [])];
      expect(named.length, "a mission-error block names the codes it shows in its comments").toBeGreaterThan(0);
      const hasMission = parse(s.text, "snippet.mission").file.declarations.some((d) => d.kind === "mission");
      const reported = new Set(checkText(hasMission ? s.text : s.text + HOST).diagnostics.map((d) => d.code));
      expect(named.filter((c) => !reported.has(c))).toEqual([]);
      // one that cannot be read (its fault is a syntax error) has no canonical form to compare with
      expect(readable(s.text) ? canonical(s.text).formatted : s.text).toBe(s.text);
    });

  it("specs/diagnostics.md: every example that can be read is canonical; every fix is free of its section's code", () => {
    const page = readFileSync(join(ROOT, "specs/diagnostics.md"), "utf8");
    const blocks = all.filter((x) => x.file === "specs/diagnostics.md" && x.lang === "mission");
    expect(blocks.length).toBeGreaterThan(50);
    const lines = page.split("\n");
    const problems: string[] = [];
    for (const b of blocks) {
      if (readable(b.text) && !canonical(b.text).ok) problems.push(`${where(b)} is not canonical`);
      const above = lines.slice(0, b.line).reverse();
      const heading = above.find((l) => /^(## M\d{4}|### )/.test(l)) ?? "";
      const section = above.find((l) => /^## M\d{4}/.test(l))?.slice(3, 8);
      // a fix for a missing include or skill needs the file, which a page cannot hold
      const needsFiles = section === "M0103" || section === "M0104";
      if (heading === "### Fix" && section && !needsFiles && checkText(b.text).diagnostics.some((d) => d.code === section))
        problems.push(`${where(b)}: the fix still shows ${section}`);
    }
    expect(problems).toEqual([]);
  });

  it("every example mission is canonical", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".mission") ? [join(dir, e.name)] : [],
      );
    const examples = files(join(ROOT, "examples"));
    expect(examples.length).toBeGreaterThan(2);
    expect(examples.filter((f) => !canonical(readFileSync(f, "utf8")).ok).map((f) => relative(ROOT, f))).toEqual([]);
  });

  it("`missionc init` (and `init --script`) writes a mission that `check` passes and `fmt --check` leaves alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "missionc-init-"));
    expect(missionc(["init", "shop", "--script"], { cwd: dir }).status).toBe(0);
    const checked = missionc(["check", "shop.mission"], { cwd: dir });
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout + checked.stderr).not.toMatch(/(warning|error|info)\[/);
    const fmt = missionc(["fmt", "--check", "shop.mission"], { cwd: dir });
    expect(fmt.status, fmt.stdout + fmt.stderr).toBe(0);
  });
});
