import { CompletionItemKind, type CompletionItem } from "vscode-languageserver/node";
import { JUDGES, ROLES, VALIDATORS } from "../semantics/model.js";
import { NETWORKS, TOOLS } from "../semantics/permissions.js";
import { PROVIDERS } from "../semantics/settings.js";
import { BLOCK_FIELDS } from "../syntax/blocks.js";
import type { SymbolKind } from "./symbols.js";
import type { Analysis } from "./workspace.js";

/**
 * Completion from the text before the cursor: which block it stands in (the headers of the open
 * braces) and what the statement so far says. At a statement's start, the keywords the block
 * allows; after `role` a role, after `=` in a role a model, after `fulfills` an assertion id,
 * after `needs` a feature, in a model's options the options its provider takes.
 */

const KIND = {
  keyword: CompletionItemKind.Keyword,
  reference: CompletionItemKind.Reference,
  enumMember: CompletionItemKind.EnumMember,
  property: CompletionItemKind.Property,
  module: CompletionItemKind.Module,
} as const;

/** The statements so far: the words of each open block's header, and of the current statement. */
interface Context {
  blocks: string[][];
  statement: string[];
}

const TOKEN = /"""[\s\S]*?(?:"""|$)|"(?:[^"\\\n]|\\.)*"?|\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|[{},=]|[^\s{},="]+/g;
const STATEMENT_WORDS = new Set<string>(Object.values(BLOCK_FIELDS).flat());

function contextOf(before: string): Context {
  const blocks: string[][] = [];
  let statement: string[] = [];
  let end = 0;
  for (const m of before.matchAll(TOKEN)) {
    const t = m[0];
    // a line break ends a statement unless it is left open by `=` or `,` (as the parser reads a field)
    const last = statement[statement.length - 1];
    if (before.slice(end, m.index).includes("\n") && last !== "=" && last !== ",") statement = [];
    end = m.index + t.length;
    if (t.startsWith("//") || t.startsWith("/*")) continue;
    if (t === "{") {
      blocks.push(statement);
      statement = [];
    } else if (t === "}") {
      blocks.pop();
      statement = [];
    } else if (STATEMENT_WORDS.has(t) && statement.length > 0 && !afterKeywordTakingName(statement)) statement = [t];
    else statement.push(t);
  }
  if (before.slice(end).includes("\n") && statement[statement.length - 1] !== "=" && statement[statement.length - 1] !== ",")
    statement = [];
  return { blocks, statement };
}

/** `role worker`, `by check`: a word of a statement that is spelled like a keyword and is no new statement. */
function afterKeywordTakingName(statement: string[]): boolean {
  const last = statement[statement.length - 1];
  return last === "role" || last === "by";
}

/** The kind of block a header opens, in BLOCK_FIELDS' words; a model's options say their provider. */
function blockKind(blocks: string[][]): { kind: string; provider?: string } {
  const header = blocks[blocks.length - 1];
  if (!header) return { kind: "file" };
  const outer = blocks[blocks.length - 2];
  if (outer?.[0] === "permissions") return { kind: "permission" };
  if (header[0] === "model") return { kind: "model", provider: header[3] };
  if (header[0] === "price") return { kind: "price" };
  return { kind: header[0] ?? "file" };
}

const PRICE_FIELDS = ["input", "output", "cache_read", "cache_write"];
const SETTINGS_BLOCKS = new Set(["budget", "policy", "procedure"]);

export function completionsAt(textBefore: string, analysis: Analysis | undefined): CompletionItem[] {
  // the word being typed is the client's to filter: complete as if it were not there yet
  const { blocks, statement } = contextOf(textBefore.replace(/[A-Za-z0-9_.-]+$/, ""));
  const { kind, provider } = blockKind(blocks);
  const words = (list: readonly string[], k: CompletionItemKind, detail?: string): CompletionItem[] =>
    list.map((label) => ({ label, kind: k, ...(detail ? { detail } : {}) }));
  const names = (of: SymbolKind): CompletionItem[] =>
    (analysis?.index.symbols ?? []).filter((s) => s.kind === of).map((s) => ({ label: s.name, kind: KIND.reference, detail: of }));

  const head = statement[0];
  const last = statement[statement.length - 1];
  // in a block of settings (`name value  name value`), a name may start after any value
  const settingStart = statement.length === 0 || (statement.length >= 2 && last !== "," && last !== "=");
  if (kind === "model" && settingStart) return words(Object.keys(PROVIDERS[provider ?? ""] ?? {}), KIND.property, `${provider} option`);
  if (kind === "price" && settingStart) return words(PRICE_FIELDS, KIND.property, "price per million tokens");
  if (kind === "permissions" && statement.length === 0) return words(ROLES, KIND.enumMember, "role");
  if (kind === "permission") {
    if (head === "network" && statement.length === 1) return words(NETWORKS, KIND.enumMember, "network");
    if (head === "tools" && (statement.length === 1 || last === ",")) return words(TOOLS, KIND.enumMember, "tool");
    return settingStart ? words(["network", "tools"], KIND.keyword) : [];
  }
  if (SETTINGS_BLOCKS.has(kind) && settingStart) return words(BLOCK_FIELDS[kind as keyof typeof BLOCK_FIELDS] ?? [], KIND.property);
  if (statement.length === 0) return words(BLOCK_FIELDS[kind as keyof typeof BLOCK_FIELDS] ?? [], KIND.keyword);
  const listing = statement[statement.length - 1] === "," || statement.length === 1;
  switch (head) {
    case "role":
      if (statement.length === 1) return words(ROLES, KIND.enumMember, "role");
      return statement[statement.length - 1] === "=" ? names("model") : [];
    case "model":
      return statement[statement.length - 1] === "=" ? words(Object.keys(PROVIDERS), KIND.module, "provider") : [];
    case "fulfills":
      return listing ? names("assertion") : [];
    case "needs":
      return listing ? names("feature") : [];
    case "skills":
      return listing ? names("skill") : [];
    case "worker":
      return kind === "feature" && statement.length === 1 ? names("model") : [];
    case "by":
      return statement.length === 1 ? words(JUDGES, KIND.enumMember, "judge") : [];
    case "validate":
      return listing ? words(VALIDATORS, KIND.enumMember, "validator") : [];
    default:
      return [];
  }
}
