import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import type { BrowserSession } from "./browser.js";
import { runCommand } from "./command.js";
import { httpRequest, type HttpInput } from "./http-tool.js";
import { PathRefused, confine, shown } from "./sandbox.js";

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

export interface ToolContext {
  root: string;
  commandTimeoutMs: number;
  onCommandStart?: (pgid: number) => void;
  /** while a user test has the app running: its address and the browser session */
  app?: { base: string; browser: BrowserSession };
}

const READ_CAP = 256 * 1024;
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
export const APP_TOOLS = ["http_request", ...BROWSER_TOOLS];

export const READ_ONLY = ["read_file", "list_files", "search"];
export const WORKER_TOOLS = ["read_file", "write_file", "edit_file", "list_files", "search", "run_command"];

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

export function inputError(schema: Record<string, unknown>, name: string, input: unknown): string | undefined {
  let v = validators.get(name);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(name, v);
  }
  if (v(input)) return undefined;
  return (v.errors ?? []).map((e) => `${e.instancePath || "input"} ${e.message ?? "is invalid"}`).join("; ");
}

const IGNORED = new Set([".git", ".missions", "node_modules"]);

/** Files under a folder: symbolic links are listed, never followed; only regular files count. */
function walk(dir: string, root: string, out: string[], limit: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
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
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st || !st.isFile()) return { content: `no such file: ${input["path"]}`, isError: true };
      const text = readFileSync(p, "utf8");
      return ok(text.length > READ_CAP ? `${text.slice(0, READ_CAP)}\n[truncated at ${READ_CAP} characters]` : text);
    }
    case "write_file": {
      const p = confine(ctx.root, String(input["path"]), { write: true });
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, String(input["content"]));
      return ok(`wrote ${shown(ctx.root, p)} (${String(input["content"]).length} characters)`);
    }
    case "edit_file": {
      const p = confine(ctx.root, String(input["path"]), { write: true });
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st || !st.isFile()) return { content: `no such file: ${input["path"]}`, isError: true };
      const text = readFileSync(p, "utf8");
      const old = String(input["old_text"]);
      const count = old === "" ? 0 : text.split(old).length - 1;
      if (count !== 1)
        return {
          content: count === 0 ? "old_text does not occur in the file" : `old_text occurs ${count} times; give a longer, unique excerpt`,
          isError: true,
        };
      writeFileSync(
        p,
        text.replace(old, () => String(input["new_text"])),
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
      const hits: string[] = [];
      for (const f of files) {
        const st = lstatSync(join(root, f));
        if (!st.isFile() || st.size > READ_CAP) continue; // links, pipes and devices are not searched
        const text = readFileSync(join(root, f), "utf8");
        if (text.includes("\0")) continue;
        text.split("\n").forEach((line, i) => {
          if (hits.length < 200 && re.test(line)) hits.push(`${f}:${i + 1}: ${line.slice(0, 200)}`);
        });
      }
      return ok(hits.join("\n") || "(no matches)");
    }
    case "run_command": {
      const timeout = typeof input["timeout_seconds"] === "number" ? input["timeout_seconds"] * 1000 : ctx.commandTimeoutMs;
      const r = await runCommand(String(input["command"]), {
        cwd: ctx.root,
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

/** Runs one tool call; any fault (bad arguments, a refused path, an I/O error) is an error for the agent. */
export async function runTool(name: string, input: unknown, allowed: readonly string[], ctx: ToolContext): Promise<ToolOutcome> {
  const spec = TOOL_SPECS[name];
  if (!spec || !allowed.includes(name)) return { content: `unknown tool \`${name}\`; your tools: ${allowed.join(", ")}`, isError: true };
  const bad = inputError(spec.input_schema, name, input);
  if (bad) return { content: `bad arguments for ${name}: ${bad}`, isError: true };
  try {
    return await execute(name, input as Record<string, string | number | undefined>, ctx);
  } catch (e) {
    if (e instanceof PathRefused) return { content: `path refused: ${e.message}`, isError: true };
    const code = (e as NodeJS.ErrnoException).code;
    return { content: `${name} failed: ${code ?? (e as Error).message}`, isError: true };
  }
}
