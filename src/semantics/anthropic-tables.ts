import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * Two tables the Anthropic SDK keeps and does not export: the model ids it deprecates, with their
 * end-of-life dates, and the models it tells to think `adaptive` rather than `enabled`. They are
 * read as text from the installed package, never imported: `check` must not pay for loading the
 * SDK, and the SDK's own warnings come from the same tables, so missionc says what it will say.
 * A table whose file is gone or whose shape changed reads as empty: no warning, never a failure.
 */
export interface AnthropicTables {
  /** end of life by model id, as the SDK writes it ("November 30th, 2026") */
  deprecated: ReadonlyMap<string, string>;
  /** models for which the SDK recommends `thinking: { type: "adaptive" }` */
  adaptiveThinking: ReadonlySet<string>;
}

const EMPTY: AnthropicTables = { deprecated: new Map(), adaptiveThinking: new Set() };
let cached: AnthropicTables | undefined;

/** The tables of the installed SDK (read once a process), or of the package in `sdkDir`. */
export function anthropicTables(sdkDir?: string): AnthropicTables {
  if (sdkDir !== undefined) return readTables(sdkDir);
  cached ??= readTables(installedSdk());
  return cached;
}

function installedSdk(): string | undefined {
  try {
    // resolving finds the file without running it
    return dirname(createRequire(import.meta.url).resolve("@anthropic-ai/sdk"));
  } catch {
    return undefined;
  }
}

function readTables(dir: string | undefined): AnthropicTables {
  if (dir === undefined) return EMPTY;
  const text = (name: string): string => {
    try {
      return readFileSync(join(dir, "internal", "data", name), "utf8");
    } catch {
      return "";
    }
  };
  return {
    deprecated: new Map(entries(literalAfter(text("deprecated-models.js"), "DEPRECATED_MODELS", "{", "}"))),
    adaptiveThinking: new Set(
      strings(literalAfter(text("models-to-warn-with-thinking-enabled.js"), "MODELS_TO_WARN_WITH_THINKING_ENABLED", "[", "]")),
    ),
  };
}

/** The text of the object or array literal assigned to `name`, or "" when there is none. */
function literalAfter(source: string, name: string, open: string, close: string): string {
  const at = source.search(new RegExp(`${name}\\s*=\\s*\\${open}`));
  if (at < 0) return "";
  const from = source.indexOf(open, at);
  const to = source.indexOf(close, from);
  return to < 0 ? "" : source.slice(from + 1, to);
}

const STRING = String.raw`(?:'([^'\\\n]*)'|"([^"\\\n]*)")`;

function strings(literal: string): string[] {
  return [...literal.matchAll(new RegExp(STRING, "g"))].map((m) => m[1] ?? m[2]);
}

function entries(literal: string): [string, string][] {
  return [...literal.matchAll(new RegExp(`${STRING}\\s*:\\s*${STRING}`, "g"))].map((m) => [m[1] ?? m[2], m[3] ?? m[4]]);
}
