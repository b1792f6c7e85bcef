import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cases.js";

/**
 * The linter and the formatter are configured to catch what the project forbids: a planted `any`,
 * an unused variable and an unformatted line, each found in test/fixtures/lint/planted.ts (a file
 * `npm run lint` leaves out), with the project's own configuration.
 */

const PLANTED = "test/fixtures/lint/planted.ts";
const bin = (name: string): string => join(ROOT, "node_modules/.bin", name);
/** JSON with `//` comments on their own lines, as the tools' configuration files are written. */
const parseJsonc = (text: string): Record<string, unknown> => JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as Record<string, unknown>;

describe("npm run lint", () => {
  it("oxlint (type-aware) finds the planted `any` and the unused variable", () => {
    const r = spawnSync(bin("oxlint"), ["--type-aware", "--deny-warnings", "-f", "unix", PLANTED], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/planted\.ts:3:\d+: .*typescript\(no-explicit-any\)/);
    expect(r.stdout).toMatch(/planted\.ts:4:\d+: .*'unused' is declared but never used.*no-unused-vars/);
  });

  it("oxfmt --check finds the unformatted line", () => {
    // the project's formatting options, without the ignore list that leaves the planted file out
    const { ignorePatterns: _, ...options } = parseJsonc(readFileSync(join(ROOT, ".oxfmtrc.json"), "utf8"));
    const config = join(mkdtempSync(join(tmpdir(), "missionc-fmt-")), ".oxfmtrc.json");
    writeFileSync(config, JSON.stringify(options));
    const r = spawnSync(bin("oxfmt"), ["--check", "-c", config, PLANTED], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout + r.stderr).toContain("planted.ts");
    expect(r.status).toBe(1);
  });
});
