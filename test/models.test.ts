import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AnthropicProvider } from "../src/agents/anthropic.js";
import type { ModelRequest } from "../src/agents/provider.js";
import { check } from "../src/semantics/check.js";
import { anthropicTables } from "../src/semantics/anthropic-tables.js";
import { defaultLifecycle, isoDate } from "../src/semantics/lifecycle.js";
import { ROOT } from "./helpers/cases.js";
import { missionc } from "./helpers/cli.js";
import { startMockAnthropic, type MockAnthropic } from "./helpers/mock-anthropic.js";

/**
 * Issue 15: current model ids, `check` warning about a deprecated or retired one from the Anthropic
 * SDK's own table (read as data, never by loading the SDK), and `thinking` sent as the SDK
 * recommends for the model.
 */

const mission = (id: string, provider = "anthropic"): string => `mission m {
  goal "x"
  model a = ${provider} "${id}"
  model b = openai "gpt-5"
  role orchestrator = b
  role worker       = a
  contract { assert a.b "b" }
  milestone one { feature f { fulfills a.b } }
}
`;

function checkAt(text: string, today: string): { code: string; message: string }[] {
  const dir = mkdtempSync(join(tmpdir(), "missionc-models-"));
  writeFileSync(join(dir, "m.mission"), text);
  const lifecycle = { ...defaultLifecycle(), today };
  return check(["m.mission"], { cwd: dir, lifecycle }).diagnostics.map((d) => ({ code: d.code, message: d.message }));
}

describe("the Anthropic SDK's tables, read as data", () => {
  it("the installed SDK deprecates claude-sonnet-4-5 (end of life November 30th, 2026) and names models to think adaptively", () => {
    const t = anthropicTables();
    expect(t.deprecated.get("claude-sonnet-4-5")).toBe("November 30th, 2026");
    expect(isoDate(t.deprecated.get("claude-sonnet-4-5")!)).toBe("2026-11-30");
    expect(t.adaptiveThinking.has("claude-opus-4-6")).toBe(true);
    // the ids the examples, init and the README use are not on the way out
    for (const id of ["claude-sonnet-5-5", "claude-opus-5-5"]) expect(t.deprecated.has(id)).toBe(false);
  });

  it("fails soft: a package without the files, or with tables of another shape, reads as empty tables", () => {
    const none = mkdtempSync(join(tmpdir(), "missionc-sdk-"));
    expect(anthropicTables(none).deprecated.size).toBe(0);
    const reshaped = mkdtempSync(join(tmpdir(), "missionc-sdk-"));
    mkdirSync(join(reshaped, "internal", "data"), { recursive: true });
    writeFileSync(join(reshaped, "internal/data/deprecated-models.js"), "export const TABLE = new Map([['claude-x', 1]]);\n");
    writeFileSync(join(reshaped, "internal/data/models-to-warn-with-thinking-enabled.js"), "module.exports = 42;\n");
    const t = anthropicTables(reshaped);
    expect([t.deprecated.size, t.adaptiveThinking.size]).toEqual([0, 0]);
    // and a check with them is a check with no deprecation warning, not a failure
    const dir = mkdtempSync(join(tmpdir(), "missionc-models-"));
    writeFileSync(join(dir, "m.mission"), mission("claude-sonnet-4-5"));
    const r = check(["m.mission"], { cwd: dir, lifecycle: { deprecated: t.deprecated, today: "2026-12-03" } });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).not.toContain("M0404");
  });

  it("reads dates as the SDK writes them", () => {
    expect(isoDate("January 22nd, 2027")).toBe("2027-01-22");
    expect(isoDate("June 1st, 2026")).toBe("2026-06-01");
    expect(isoDate("2026-11-30")).toBe("2026-11-30");
    expect(isoDate("soon")).toBeUndefined();
    expect(isoDate("2026-13-01")).toBeUndefined();
    expect(isoDate("February 30th, 2027")).toBeUndefined();
  });
});

describe("M0404 with an injected date", () => {
  it("before its end of life a model is deprecated; on and after it, retired", () => {
    expect(checkAt(mission("claude-sonnet-4-5"), "2026-10-01")).toEqual([
      { code: "M0404", message: "model `a` uses `claude-sonnet-4-5`, which is deprecated and reaches end of life on 2026-11-30" },
    ]);
    const retired = [
      { code: "M0404", message: "model `a` uses `claude-sonnet-4-5`, which reached end of life on 2026-11-30: requests to it fail" },
    ];
    expect(checkAt(mission("claude-sonnet-4-5"), "2026-11-30")).toEqual(retired);
    expect(checkAt(mission("claude-sonnet-4-5"), "2027-03-01")).toEqual(retired);
  });

  it("an end of life the table writes in a way not understood is quoted, never guessed", () => {
    const dir = mkdtempSync(join(tmpdir(), "missionc-models-"));
    writeFileSync(join(dir, "m.mission"), mission("claude-x"));
    const r = check(["m.mission"], { cwd: dir, lifecycle: { deprecated: new Map([["claude-x", "soon"]]), today: "2026-12-03" } });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'model `a` uses `claude-x`, which is deprecated (end of life, as the Anthropic SDK gives it: "soon")',
    ]);
  });

  it("a current id, or the same id on another provider, is not warned about", () => {
    expect(checkAt(mission("claude-sonnet-5-5"), "2026-12-03")).toEqual([]);
    expect(checkAt(mission("claude-sonnet-4-5", "openai"), "2026-12-03")).toEqual([]);
  });

  it("the CLI takes the date from MISSIONC_TODAY, and a warning does not fail the check", () => {
    const dir = mkdtempSync(join(tmpdir(), "missionc-models-"));
    writeFileSync(join(dir, "m.mission"), mission("claude-opus-4-5"));
    const before = missionc(["check", "m.mission"], { cwd: dir, env: { MISSIONC_TODAY: "2026-12-03" } });
    expect(before.status).toBe(0);
    expect(before.stdout + before.stderr).toMatch(
      /warning\[M0404\]: model `a` uses `claude-opus-4-5`, which is deprecated and reaches end of life on 2027-01-22/,
    );
    const after = missionc(["check", "m.mission"], { cwd: dir, env: { MISSIONC_TODAY: "2027-02-01" } });
    expect(after.stdout + after.stderr).toMatch(/which reached end of life on 2027-01-22: requests to it fail/);
    expect(missionc(["check", "m.mission", "--warnings-as-errors"], { cwd: dir }).status).toBe(1);
    const wrong = missionc(["check", "m.mission"], { cwd: dir, env: { MISSIONC_TODAY: "2026-13-01" } });
    expect([wrong.status, wrong.stderr]).toEqual([2, expect.stringMatching(/MISSIONC_TODAY is `2026-13-01`, which is no date/)]);
  });

  it("`check` reads the table without loading the SDK: with an SDK that cannot be imported, it still warns", () => {
    // a copy of the program beside a fake @anthropic-ai/sdk whose code throws, with a table of its own
    const home = mkdtempSync(join(tmpdir(), "missionc-fake-sdk-"));
    for (const d of ["bin", "dist"]) cpSync(join(ROOT, d), join(home, d), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(home, "package.json"));
    mkdirSync(join(home, "node_modules"));
    for (const name of readdirSync(join(ROOT, "node_modules")))
      if (name !== "@anthropic-ai" && !name.startsWith("."))
        symlinkSync(join(ROOT, "node_modules", name), join(home, "node_modules", name));
    const sdk = join(home, "node_modules/@anthropic-ai/sdk");
    mkdirSync(join(sdk, "internal/data"), { recursive: true });
    const marker = join(home, "sdk-was-loaded");
    const boom = `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "loaded"); throw new Error("the SDK was loaded");\n`;
    writeFileSync(join(sdk, "package.json"), JSON.stringify({ name: "@anthropic-ai/sdk", version: "0.0.0", main: "index.js" }));
    writeFileSync(join(sdk, "index.js"), boom);
    writeFileSync(
      join(sdk, "internal/data/deprecated-models.js"),
      `"use strict";\nexports.DEPRECATED_MODELS = {\n    'claude-sonnet-5-5': 'March 3rd, 2030',\n};\n`,
    );
    const dir = mkdtempSync(join(tmpdir(), "missionc-models-"));
    writeFileSync(join(dir, "m.mission"), mission("claude-sonnet-5-5"));
    const r = spawnSync(process.execPath, [join(home, "bin/missionc.js"), "check", "m.mission"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/uses `claude-sonnet-5-5`, which is deprecated and reaches end of life on 2030-03-03/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("thinking, as the SDK recommends for the model", () => {
  let mock: MockAnthropic;
  beforeAll(async () => {
    mock = await startMockAnthropic(() => ({ text: "done" }));
  });
  afterAll(async () => {
    await mock.close();
  });
  const request: ModelRequest = {
    run: "implement:f#1",
    turn: 1,
    system: ["the mission"],
    messages: [{ role: "user", content: "go" }],
    tools: [],
  };

  it("adaptive for a model the SDK's table names, a budget for the others; the SDK warns about neither", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      for (const id of ["claude-opus-4-6", "claude-sonnet-5-5"]) {
        const provider = new AnthropicProvider({ provider: "anthropic", id, options: { base_url: mock.url, thinking: 16_000 } }, "sk-test");
        expect((await provider.complete(request)).content).toBe("done");
      }
      const sent = mock.requests.slice(-2).map((q) => [q.body["model"], q.body["thinking"], q.body["max_tokens"]]);
      expect(sent).toEqual([
        ["claude-opus-4-6", { type: "adaptive" }, 17_024],
        ["claude-sonnet-5-5", { type: "enabled", budget_tokens: 16_000 }, 17_024],
      ]);
      expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => /deprecated/.test(m))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});
