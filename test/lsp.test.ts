import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CodeAction,
  CompletionItem,
  DocumentSymbol,
  Hover,
  Location,
  TextEdit,
  WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { format } from "../src/format/format.js";
import { check } from "../src/semantics/check.js";
import { LspClient, applied, uriOf } from "./helpers/lsp-client.js";

/**
 * Issue 16: `missionc lsp` driven as an editor drives it, over stdio, by a real client library:
 * diagnostics as you type (across an include), hover, definition, references, completion, rename
 * across two files, formatting, the outline and quick fixes.
 */

const MAIN = `mission shop {
  goal "A shop"
  model coder = anthropic "claude-sonnet-5-5" { thinking 16k }
  model judge = openai    "gpt-5"
  role orchestrator = coder
  role worker       = coder
  role reviewer     = judge
  skill sqlite = "skills/sqlite.md"
  include "contract.mission"
  milestone cart "Cart" {
    feature store "Cart store" {
      spec     "Keep the cart in memory"
      skills   sqlite
      fulfills cart.add
    }
    feature totals { needs store  fulfills cart.sum }
  }
}
`;
const CONTRACT = `contract {
  assert cart.add "Adding an item puts it in the cart" { check "npm test -- add" }
  assert cart.sum "The total is the sum of the lines"
}
`;

/** The 0-based position of the n-th occurrence of `needle` (plus `offset` characters into it). */
function at(text: string, needle: string, n = 1, offset = 1): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k < n; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} is not in the text`);
  const before = text.slice(0, i + offset);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}

let dir: string;
let main: string;
let contract: string;
let client: LspClient;
const doc = (file: string) => ({ uri: uriOf(file) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "missionc-lsp-"));
  mkdirSync(join(dir, "skills"));
  writeFileSync(join(dir, "skills/sqlite.md"), "---\nname: sqlite\ndescription: SQLite\n---\nUse SQLite.\n");
  main = join(dir, "shop.mission");
  contract = join(dir, "contract.mission");
  writeFileSync(main, MAIN);
  writeFileSync(contract, CONTRACT);
  client = await LspClient.start(dir);
});
afterAll(() => {
  if (client.child.exitCode === null) client.child.kill();
});

describe("missionc lsp, through a language client over stdio", () => {
  it("publishes a diagnostic at its range as the file is typed, across the include, and clears it when fixed", async () => {
    const typo = MAIN.replace("fulfills cart.add", "fulfills cart.ad");
    await client.open(main, typo);
    const diags = await client.diagnosticsOf(main, (d) => d.length > 0);
    expect(diags.map((d) => [d.code, d.range.start, d.range.end])).toEqual([
      ["M0102", at(typo, "cart.ad", 1, 0), { line: at(typo, "cart.ad", 1, 0).line, character: at(typo, "cart.ad", 1, 0).character + 7 }],
    ]);
    expect(diags[0].message).toMatch(/did you mean `cart\.add`/);
    // the assertion no feature fulfils now is reported in the included file, where it is declared
    const inContract = await client.diagnosticsOf(contract, (d) => d.some((x) => x.code === "M0301"));
    expect(inContract.find((d) => d.code === "M0301")!.range.start).toEqual(at(CONTRACT, "cart.add", 1, 0));
    // the same codes and ranges as `missionc check` reports for the same text
    const copy = mkdtempSync(join(tmpdir(), "missionc-lsp-check-"));
    mkdirSync(join(copy, "skills"));
    writeFileSync(join(copy, "skills/sqlite.md"), readFileSync(join(dir, "skills/sqlite.md")));
    writeFileSync(join(copy, "shop.mission"), typo);
    writeFileSync(join(copy, "contract.mission"), CONTRACT);
    const checked = check(["shop.mission"], { cwd: copy }).diagnostics;
    const byPlace = (a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect([...diags, ...inContract].map((d) => [d.code, d.range.start.line + 1, d.range.start.character + 1]).sort(byPlace)).toEqual(
      checked.map((d) => [d.code, d.span.start.line, d.span.start.column]).sort(byPlace),
    );
    await client.change(main, MAIN);
    await client.diagnosticsOf(main, (d) => d.length === 0);
    await client.diagnosticsOf(contract, (d) => d.length === 0);
  });

  it("hovers: an assertion's text, check and judge; a model's provider and options at a role; a feature's title and spec at `needs`", async () => {
    const hover = (text: string, needle: string, n = 1, offset = 1) =>
      client.request<Hover | null>("textDocument/hover", { textDocument: doc(main), position: at(text, needle, n, offset) });
    const assertion = JSON.stringify((await hover(MAIN, "cart.sum"))?.contents);
    expect(assertion).toContain("The total is the sum of the lines");
    // no `by`, no check, in a milestone that runs user testing
    expect(assertion).toContain("judged by: user_tester");
    const checked = JSON.stringify((await hover(MAIN, "cart.add"))?.contents);
    expect(checked).toContain("npm test -- add");
    const model = JSON.stringify((await hover(MAIN, "= coder", 2, 3))?.contents);
    expect(model).toContain('anthropic \\"claude-sonnet-5-5\\"');
    expect(model).toContain("thinking 16k");
    const feature = JSON.stringify((await hover(MAIN, "needs store", 1, 7))?.contents);
    expect(feature).toContain("Cart store");
    expect(feature).toContain("Keep the cart in memory");
  });

  it("hovers a diagnostic's code with its explanation", async () => {
    const typo = MAIN.replace("fulfills cart.add", "fulfills cart.ad");
    await client.change(main, typo);
    await client.diagnosticsOf(main, (d) => d.length > 0);
    const h = await client.request<Hover | null>("textDocument/hover", { textDocument: doc(main), position: at(typo, "cart.ad") });
    expect(JSON.stringify(h?.contents)).toContain("M0102");
    await client.change(main, MAIN);
    await client.diagnosticsOf(main, (d) => d.length === 0);
  });

  it("goes to definitions across the include: an assertion id, the include's path, a skill's file", async () => {
    const def = (needle: string, n = 1, offset = 1) =>
      client.request<Location[]>("textDocument/definition", { textDocument: doc(main), position: at(MAIN, needle, n, offset) });
    expect(await def("cart.add")).toEqual([
      { uri: uriOf(contract), range: { start: at(CONTRACT, "cart.add", 1, 0), end: at(CONTRACT, "cart.add", 1, 8) } },
    ]);
    expect((await def('"contract.mission"'))[0].uri).toBe(uriOf(contract));
    expect((await def("skills   sqlite", 1, 11))[0].uri).toBe(uriOf(join(dir, "skills/sqlite.md")));
    expect((await def("needs store", 1, 7))[0].range.start).toEqual(at(MAIN, "store", 1, 0));
  });

  it("finds references of a feature and of an assertion, declaration included", async () => {
    const refs = (file: string, text: string, needle: string, offset = 1) =>
      client.request<Location[]>("textDocument/references", {
        textDocument: doc(file),
        position: at(text, needle, 1, offset),
        context: { includeDeclaration: true },
      });
    expect((await refs(main, MAIN, "store")).map((l) => l.range.start)).toEqual([at(MAIN, "store", 1, 0), at(MAIN, "needs store", 1, 6)]);
    await client.open(contract, CONTRACT);
    const fromContract = await refs(contract, CONTRACT, "cart.sum");
    expect(fromContract.map((l) => l.uri)).toEqual([uriOf(contract), uriOf(main)]);
  });

  it("completes a role name after `role`, a model after `=`, and a provider's options in a model's block", async () => {
    const labels = async (text: string, position: { line: number; character: number }) => {
      await client.change(main, text);
      const items = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: doc(main), position });
      return items.map((i) => i.label);
    };
    const roleLine = MAIN.replace("  role reviewer     = judge\n", "  role reviewer     = judge\n  role \n");
    expect(await labels(roleLine, at(roleLine, "  role \n", 1, 7))).toEqual([
      "orchestrator",
      "worker",
      "reviewer",
      "user_tester",
      "researcher",
    ]);
    const modelLine = MAIN.replace("  role reviewer     = judge\n", "  role reviewer     = judge\n  role researcher = \n");
    expect((await labels(modelLine, at(modelLine, "researcher = ", 1, 13))).sort()).toEqual(["coder", "judge"]);
    const option = MAIN.replace("{ thinking 16k }", "{ thinking 16k  t }");
    const anthropic = await labels(option, at(option, "16k  t", 1, 6));
    expect(anthropic).toEqual(expect.arrayContaining(["thinking", "temperature", "max_output", "base_url", "api_key_env", "price"]));
    const openai = MAIN.replace('openai    "gpt-5"', 'openai    "gpt-5" {  }');
    const options = await labels(openai, at(openai, '"gpt-5" {  }', 1, 10));
    expect(options).toContain("temperature");
    expect(options).not.toContain("thinking");
    // at the start of a line after a finished statement: the block's keywords
    const next = MAIN.replace("  role reviewer     = judge\n", "  role reviewer     = judge\n  \n");
    expect(await labels(next, at(next, "= judge\n  \n", 1, 10))).toEqual(
      expect.arrayContaining(["goal", "model", "role", "milestone", "contract"]),
    );
    const typed = MAIN.replace("  role reviewer     = judge\n", "  role reviewer     = judge\n  ro\n");
    expect(await labels(typed, at(typed, "  ro\n", 1, 4))).toEqual(expect.arrayContaining(["role"]));
    // typing a role's model as the last line of the mission: the half-typed text has a syntax error,
    // and the names come from the last analysis that read
    const half = MAIN.replace("\n}\n", "\n  role researcher = \n}\n");
    await client.change(main, half);
    await new Promise((r) => setTimeout(r, 100));
    const names = await client.request<CompletionItem[]>("textDocument/completion", {
      textDocument: doc(main),
      position: at(half, "researcher = ", 1, 13),
    });
    expect(names.map((i) => i.label).sort()).toEqual(["coder", "judge"]);
    const fulfils = MAIN.replace("fulfills cart.sum", "fulfills cart.sum, ");
    expect((await labels(fulfils, at(fulfils, "cart.sum, ", 1, 10))).sort()).toEqual(["cart.add", "cart.sum"]);
    await client.change(main, MAIN);
  });

  it("renames an assertion id in both files; refuses a rename that would clash", async () => {
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: doc(main),
      position: at(MAIN, "cart.add"),
      newName: "cart.put",
    });
    expect(Object.keys(edit.changes ?? {}).sort()).toEqual([uriOf(contract), uriOf(main)].sort());
    const renamedMain = applied(MAIN, uriOf(main), edit);
    const renamedContract = applied(CONTRACT, uriOf(contract), edit);
    expect(renamedMain).toContain("fulfills cart.put");
    expect(renamedContract).toContain('assert cart.put "Adding an item');
    const after = mkdtempSync(join(tmpdir(), "missionc-lsp-renamed-"));
    mkdirSync(join(after, "skills"));
    writeFileSync(join(after, "skills/sqlite.md"), readFileSync(join(dir, "skills/sqlite.md")));
    writeFileSync(join(after, "shop.mission"), renamedMain);
    writeFileSync(join(after, "contract.mission"), renamedContract);
    expect(check(["shop.mission"], { cwd: after }).diagnostics).toEqual([]);
    await expect(
      client.request("textDocument/rename", { textDocument: doc(main), position: at(MAIN, "cart.add"), newName: "cart.sum" }),
    ).rejects.toThrow(/already declared/);
    await expect(
      client.request("textDocument/rename", { textDocument: doc(main), position: at(MAIN, "store"), newName: "milestone" }),
    ).rejects.toThrow(/keyword/);
    await expect(
      client.request("textDocument/rename", { textDocument: doc(main), position: at(MAIN, "cart.add"), newName: "check" }),
    ).rejects.toThrow(/`check` is a keyword and cannot name an assertion/);
  });

  it("formats with fmt's printer", async () => {
    const messy = MAIN.replace("  role worker       = coder", "role worker=coder").replace('openai    "gpt-5"', 'openai "gpt-5"');
    await client.change(main, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: doc(main),
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(applied(messy, uriOf(main), edits)).toBe(format(messy, main).text);
    expect(applied(messy, uriOf(main), edits)).toBe(MAIN);
    await client.change(main, MAIN);
  });

  it("outlines the mission: milestones and their features, the contract and its assertions", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: doc(main) });
    const names = (s: DocumentSymbol): unknown => (s.children?.length ? { [s.name]: s.children.map(names) } : s.name);
    expect(symbols.map(names)).toEqual([{ shop: ["coder", "judge", "sqlite", { cart: ["store", "totals"] }] }]);
    const inContract = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: doc(contract) });
    expect(inContract.map(names)).toEqual([{ contract: ["cart.add", "cart.sum"] }]);
  });

  it("quick fixes: a 'did you mean' applied clears the diagnostic; an unfulfilled assertion is added to a feature's fulfills", async () => {
    const typo = MAIN.replace("fulfills cart.add", "fulfills cart.ad");
    await client.change(main, typo);
    const d = (await client.diagnosticsOf(main, (x) => x.some((y) => y.code === "M0102"))).find((y) => y.code === "M0102")!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: doc(main),
      range: d.range,
      context: { diagnostics: [d] },
    });
    const change = actions.find((a) => a.title === "Change to `cart.add`");
    expect(change).toBeDefined();
    const fixed = applied(typo, uriOf(main), change!.edit!);
    expect(fixed).toBe(MAIN);
    await client.change(main, fixed);
    await client.diagnosticsOf(main, (x) => x.length === 0);
    await client.diagnosticsOf(contract, (x) => x.length === 0);

    // nothing fulfils cart.sum once `totals` stops
    const unfulfilled = MAIN.replace("needs store  fulfills cart.sum", "needs store");
    await client.change(main, unfulfilled);
    const isMissing = (y: { code?: unknown; message: unknown }) => y.code === "M0301" && JSON.stringify(y.message).includes("cart.sum");
    const missing = (await client.diagnosticsOf(contract, (x) => x.some(isMissing))).find(isMissing)!;
    const fixes = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: doc(contract),
      range: missing.range,
      context: { diagnostics: [missing] },
    });
    expect(fixes.map((f) => f.title)).toEqual([
      "Add `cart.sum` to the `fulfills` of feature `totals`",
      "Add `cart.sum` to the `fulfills` of feature `store`",
    ]);
    const added = applied(unfulfilled, uriOf(main), fixes[0].edit!);
    expect(added).toContain("feature totals { needs store fulfills cart.sum }");
    await client.change(main, added);
    await client.diagnosticsOf(contract, (x) => x.length === 0);
    await client.change(main, MAIN);
  });

  it("a fragment opened alone is checked as part of the mission that includes it", async () => {
    const alone = await LspClient.start(dir);
    try {
      const typo = CONTRACT.replace(
        'assert cart.sum "The total is the sum of the lines"',
        'assert cart.sum "The total is the sum of the lines" { by reviwer }',
      );
      await alone.open(contract, typo);
      const [d] = await alone.diagnosticsOf(contract, (x) => x.length > 0);
      expect([d.code, JSON.stringify(d.message)]).toEqual(["M0102", expect.stringContaining("did you mean `reviewer`")]);
      // the mission on disk, not open, was read to know that `cart.sum` is fulfilled: no M0301 here
      expect(alone.diagnostics.get(uriOf(contract))!.map((x) => x.code)).toEqual(["M0102"]);
    } finally {
      expect(await alone.stop()).toBe(0);
    }
  });

  it("closing a mission clears the diagnostics it gave its included file", async () => {
    const typo = MAIN.replace("fulfills cart.add", "fulfills cart.ad");
    await client.change(main, typo);
    await client.diagnosticsOf(contract, (x) => x.some((d) => d.code === "M0301"));
    await client.connection.sendNotification("textDocument/didClose", { textDocument: doc(main) });
    // the contract is still open: analysed through the mission on disk, where nothing is wrong
    expect(await client.diagnosticsOf(contract, (x) => x.length === 0)).toEqual([]);
    expect(await client.diagnosticsOf(main, (x) => x.length === 0)).toEqual([]);
    await client.open(main, MAIN);
  });

  it("exits 0 on the client's shutdown and exit", async () => {
    expect(await client.stop()).toBe(0);
  });
});
