import { existsSync, lstatSync } from "node:fs";
import { createContext, runInContext } from "node:vm";
import { join, relative, sep } from "node:path";
import type { ValidateFunction } from "ajv";
import type { BrowserSession } from "./browser.js";
import { runCommand } from "./command.js";
import type { LaunchOptions, Sandbox } from "../sandbox/sandbox.js";
import type { Network } from "../sandbox/policy.js";
import { httpRequest, type HttpInput } from "./http-tool.js";
import { compileSchema } from "./json-schema.js";
import { readFolder, readPlainFile, writePlainFile } from "./files.js";
import { PathRefused, confine, shown } from "./confine.js";

/**
 * The tools agents call. Each has a JSON schema for its input (checked before it runs: bad arguments
 * go back to the agent as an error, never a crash) and returns text for the model.
 */

export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface ToolOutcome {
  content: string;
  isError: boolean;
  /** for run_command: what the runner checks handoff claims against */
  command?: { command: string; exitCode: number };
}

/** The app of a user test: its address, the browser session, and (sandboxed) its relay's socket folder. */
export interface AppInReach {
  base: string;
  browser: BrowserSession;
  socketDir?: string;
}

export interface ToolContext {
  root: string;
  /** where run_command runs, reaching what, and whether it may change the worktree (the role's permission) */
  sandbox: Sandbox;
  network: Network;
  readOnly: boolean;
  /** makes the worktree again when it is gone (an agent's `cd .. && rm -rf worktree`) */
  restoreRoot?: () => Promise<void>;
  commandTimeoutMs: number;
  onCommandStart?: (pgid: number) => void;
  /** while a user test has the app running: its address and the browser session */
  app?: AppInReach;
}

const READ_CAP = 256 * 1024;
/** edit_file reads the whole file to replace one excerpt in it. */
const EDIT_CAP = 8 * 1024 * 1024;
/** Characters search reads across all files, and the time its pattern may take over them. */
const SEARCH_CAP = 64 * 1024 * 1024;
const SEARCH_SECONDS = 5;

/**
 * The matching lines, or undefined when the pattern ran out of time. A model's regular expression
 * runs in a vm context with a time-out, which interrupts even a backtracking match: on the runner's
 * own event loop `(a+)+$` froze it, signals included.
 */
function searchWithin(re: RegExp, texts: [string, string][], seconds: number): string[] | undefined {
  const context = createContext({ re, texts, hits: [] as string[] });
  try {
    runInContext(
      `for (const [f, text] of texts) {
        const lines = text.split("\\n");
        for (let i = 0; i < lines.length && hits.length < 200; i++) if (re.test(lines[i])) hits.push(f + ":" + (i + 1) + ": " + lines[i].slice(0, 200));
      }`,
      context,
      { timeout: seconds * 1000 },
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return undefined;
    throw e;
  }
  return (context as { hits: string[] }).hits;
}
const str = { type: "string" };
const obj = (properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

export const TOOL_SPECS: Record<string, ToolSpec> = {
  read_file: { name: "read_file", description: "Read a text file of the repository.", input_schema: obj({ path: str }, ["path"]) },
  write_file: {
    name: "write_file",
    description: "Create or replace a file with the given content.",
    input_schema: obj({ path: str, content: str }, ["path", "content"]),
  },
  edit_file: {
    name: "edit_file",
    description: "Replace one exact occurrence of old_text with new_text; fails if old_text is absent or not unique.",
    input_schema: obj({ path: str, old_text: str, new_text: str }, ["path", "old_text", "new_text"]),
  },
  list_files: {
    name: "list_files",
    description: "List the files under a folder (default: the repository root).",
    input_schema: obj({ path: str }, []),
  },
  search: {
    name: "search",
    description: "Search the repository's files for a regular expression; returns file:line: text.",
    input_schema: obj({ pattern: str, path: str }, ["pattern"]),
  },
  run_command: {
    name: "run_command",
    description: "Run a shell command in the repository root, with a timeout and an output cap.",
    input_schema: obj({ command: str, timeout_seconds: { type: "integer", minimum: 1, maximum: 3600 } }, ["command"]),
  },
  http_request: {
    name: "http_request",
    description:
      "User tester: send one HTTP request to the running app (a path like /api/x is relative to its address; only this machine). Returns status, headers and body.",
    input_schema: obj(
      {
        method: { enum: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] },
        url: str,
        headers: { type: "object", additionalProperties: { type: "string" } },
        body: str,
      },
      ["url"],
    ),
  },
  browser_open: {
    name: "browser_open",
    description: "User tester: open a page of the running app in a headless browser; returns its title and visible text.",
    input_schema: obj({ url: str }, ["url"]),
  },
  browser_click: {
    name: "browser_click",
    description: "User tester: click the element a CSS or text selector finds (e.g. `text=Save`, `#submit`).",
    input_schema: obj({ selector: str }, ["selector"]),
  },
  browser_fill: {
    name: "browser_fill",
    description: "User tester: type a value into the input a selector finds.",
    input_schema: obj({ selector: str, value: str }, ["selector", "value"]),
  },
  browser_text: {
    name: "browser_text",
    description: "User tester: the visible text of the page, or of the first element a selector finds.",
    input_schema: obj({ selector: str }, []),
  },
  browser_screenshot: {
    name: "browser_screenshot",
    description: "User tester: save a screenshot of the page as evidence; returns its path.",
    input_schema: obj({ name: str }, []),
  },
};

export const BROWSER_TOOLS = ["browser_open", "browser_click", "browser_fill", "browser_text", "browser_screenshot"];

const validators = new Map<string, ValidateFunction>();

export function inputError(schema: Record<string, unknown>, name: string, input: unknown): string | undefined {
  let v = validators.get(name);
  if (!v) {
    v = compileSchema(schema, { allErrors: true });
    validators.set(name, v);
  }
  if (v(input)) return undefined;
  return (v.errors ?? []).map((e) => `${e.instancePath || "input"} ${e.message ?? "is invalid"}`).join("; ");
}

const IGNORED = new Set([".git", ".missions", "node_modules"]);

/** Files under a folder: symbolic links are listed, never followed; only regular files count. */
function walk(dir: string, root: string, out: string[], limit: number): void {
  for (const entry of readFolder(dir, root).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (out.length >= limit) return;
    if (IGNORED.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, root, out, limit);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(relative(root, p).split(sep).join("/"));
  }
}

async function execute(name: string, input: Record<string, string | number | undefined>, ctx: ToolContext): Promise<ToolOutcome> {
  const ok = (content: string): ToolOutcome => ({ content, isError: false });
  switch (name) {
    case "read_file": {
      const p = confine(ctx.root, String(input["path"]));
      if (!existsSync(p)) return { content: `no such file: ${shown(ctx.root, p)}`, isError: true };
      const { text, truncated } = readPlainFile(p, READ_CAP, ctx.root);
      return ok(truncated ? `${text}\n[truncated at ${READ_CAP} characters]` : text);
    }
    case "write_file": {
      const p = confine(ctx.root, String(input["path"]));
      writePlainFile(p, String(input["content"]), ctx.root); // making the folders on its way
      return ok(`wrote ${shown(ctx.root, p)} (${String(input["content"]).length} characters)`);
    }
    case "edit_file": {
      const p = confine(ctx.root, String(input["path"]));
      if (!existsSync(p)) return { content: `no such file: ${shown(ctx.root, p)}`, isError: true };
      const { text, truncated } = readPlainFile(p, EDIT_CAP, ctx.root);
      if (truncated)
        return { content: `${shown(ctx.root, p)} is larger than ${EDIT_CAP} characters; write it whole instead`, isError: true };
      const old = String(input["old_text"]);
      const count = old === "" ? 0 : text.split(old).length - 1;
      if (count !== 1)
        return {
          content: count === 0 ? "old_text does not occur in the file" : `old_text occurs ${count} times; give a longer, unique excerpt`,
          isError: true,
        };
      writePlainFile(
        p,
        text.replace(old, () => String(input["new_text"])),
        ctx.root,
      );
      return ok(`edited ${shown(ctx.root, p)}`);
    }
    case "list_files": {
      const p = confine(ctx.root, String(input["path"] ?? "."));
      const files: string[] = [];
      walk(p, confine(ctx.root, "."), files, 2000);
      return ok(files.join("\n") || "(no files)");
    }
    case "search": {
      let re: RegExp;
      try {
        re = new RegExp(String(input["pattern"]));
      } catch (e) {
        return { content: `bad pattern: ${(e as Error).message}`, isError: true };
      }
      const base = confine(ctx.root, String(input["path"] ?? "."));
      const files: string[] = [];
      const root = confine(ctx.root, ".");
      walk(base, root, files, 5000);
      const texts: [string, string][] = [];
      let bytes = 0;
      for (const f of files) {
        const st = lstatSync(join(root, f));
        if (!st.isFile() || st.size > READ_CAP || bytes > SEARCH_CAP) continue; // links, pipes and devices are not searched
        let text: string;
        try {
          text = readPlainFile(join(root, f), READ_CAP, root).text;
        } catch {
          continue; // swapped for a pipe, or given a second link, since the listing
        }
        if (text.includes("\0")) continue;
        texts.push([f, text]);
        bytes += text.length;
      }
      const hits = searchWithin(re, texts, SEARCH_SECONDS);
      if (hits === undefined)
        return { content: `search stopped after ${SEARCH_SECONDS} s: the pattern backtracks too much; simplify it`, isError: true };
      return ok(hits.join("\n") || "(no matches)");
    }
    case "run_command": {
      const timeout = typeof input["timeout_seconds"] === "number" ? input["timeout_seconds"] * 1000 : ctx.commandTimeoutMs;
      const r = await runCommand(String(input["command"]), {
        cwd: ctx.root,
        sandbox: ctx.sandbox,
        network: ctx.network,
        readOnly: ctx.readOnly,
        // a loopback of its own reaches the app through a relay; with none there is no socket for one, and
        // with full the command shares the machine's network, where the runner's door holds the address
        ...(ctx.app?.socketDir && ctx.network === "loopback" ? { relay: appRelay(ctx.app.base, ctx.app.socketDir) } : {}),
        timeoutMs: Math.min(timeout, ctx.commandTimeoutMs),
        ...(ctx.onCommandStart ? { onStart: ctx.onCommandStart } : {}),
      });
      const head = `exit code ${r.exitCode}${r.timedOut ? " (timed out)" : ""}${r.truncated ? " (output truncated to its end)" : ""}`;
      return { content: `${head}\n${r.output}`, isError: false, command: { command: r.command, exitCode: r.exitCode } };
    }
    case "http_request":
      if (!ctx.app) return { content: "no app is running: this mission declares no `start` procedure", isError: true };
      return httpRequest(input as unknown as HttpInput, ctx.app.base);
    default:
      if (ctx.app && name.startsWith("browser_")) return ctx.app.browser.call(name, input);
      return { content: `unknown tool \`${name}\``, isError: true };
  }
}

/** How a user tester's command reaches the sandboxed app: the app's address, inside, relayed to it. */
function appRelay(base: string, socketDir: string): NonNullable<LaunchOptions["relay"]> {
  const u = new URL(base);
  return {
    mode: "reach",
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: Number(u.port || (u.protocol === "https:" ? 443 : 80)),
    socketDir,
  };
}

/** Runs one tool call; any fault (bad arguments, a refused path, an I/O error) is an error for the agent. */
export async function runTool(name: string, input: unknown, allowed: readonly string[], ctx: ToolContext): Promise<ToolOutcome> {
  const spec = TOOL_SPECS[name];
  if (!spec || !allowed.includes(name)) return { content: `unknown tool \`${name}\`; your tools: ${allowed.join(", ")}`, isError: true };
  const bad = inputError(spec.input_schema, name, input);
  if (bad) return { content: `bad arguments for ${name}: ${bad}`, isError: true };
  try {
    if (ctx.restoreRoot && !existsSync(ctx.root)) await ctx.restoreRoot();
    return await execute(name, input as Record<string, string | number | undefined>, ctx);
  } catch (e) {
    if (e instanceof PathRefused) return { content: `path refused: ${e.message}`, isError: true };
    const code = (e as NodeJS.ErrnoException).code;
    return { content: `${name} failed: ${code ?? (e as Error).message}`, isError: true };
  }
}
