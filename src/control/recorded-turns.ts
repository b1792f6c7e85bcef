import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { estimateTokens } from "../agents/provider.js";
import type { Script } from "../agents/scripted.js";

/**
 * What the estimate reads of a recorded script: for each run, the size in tokens of each turn's
 * answer (its text and tool calls). That is all of the script `plan --estimate` and `check`'s budget
 * warning use, so `check` keeps it in its cache folder by the script's content: parsing the YAML
 * costs a fresh process ~9 ms (the yaml package's first use), more than the rest of `check` on a
 * small mission spends on the estimate.
 */
export type RecordedTurns = Record<string, number[]>;

export function turnsOf(script: Script): RecordedTurns {
  const turns: RecordedTurns = {};
  for (const [run, list] of Object.entries(script.runs))
    turns[run] = list.map((t) => estimateTokens((t.text ?? "") + JSON.stringify(t.tools ?? [])));
  return turns;
}

/**
 * The turns of a script's text as far as they can be read, unchecked: for the budget estimate of
 * `check`, which counts turns and the size of their text and tools only, and ignores a broken
 * script (it is `run`'s to report). Compiling the schema would cost `check` more than the rest of
 * its estimate.
 */
export function readScriptLeniently(text: string): Script | undefined {
  let value: unknown;
  try {
    // loaded here, not with the module: on `check`'s path, and needed only when the turns are not kept
    const { parse } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
    value = parse(text);
  } catch {
    return undefined;
  }
  const runs = (value as { runs?: unknown } | null)?.runs;
  if (typeof runs !== "object" || runs === null) return undefined;
  const readable: Script["runs"] = {};
  for (const [run, turns] of Object.entries(runs))
    if (Array.isArray(turns))
      readable[run] = turns.map((t: unknown) => {
        const { text, tools } = (typeof t === "object" && t !== null ? t : {}) as { text?: unknown; tools?: unknown };
        return {
          ...(typeof text === "string" ? { text } : {}),
          ...(Array.isArray(tools) ? { tools: tools as NonNullable<Script["runs"][string][number]["tools"]> } : {}),
        };
      });
  return { format: "missionc.script/1", runs: readable };
}

function isTurns(value: unknown): value is RecordedTurns {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((t) => Array.isArray(t) && t.every((n) => Number.isInteger(n) && n >= 0))
  );
}

/** Bumped when what is kept, or how a size is counted, changes: old files are then not read. */
const KEPT = "missionc.turns/1";

/** The script at `path` read leniently (a broken one is `run`'s to report), kept in `cache` when given. */
export function recordedTurnsAt(path: string, cache?: string): RecordedTurns | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const kept = cache && join(cache, `turns-${createHash("sha256").update(KEPT).update(text).digest("hex").slice(0, 32)}.json`);
  if (kept)
    try {
      const value: unknown = JSON.parse(readFileSync(kept, "utf8"));
      if (isTurns(value)) return value;
    } catch {
      /* not kept yet, or unreadable: read the script */
    }
  const script = readScriptLeniently(text);
  if (!script) return undefined;
  const turns = turnsOf(script);
  if (kept)
    try {
      mkdirSync(cache, { recursive: true, mode: 0o700 });
      const temp = `${kept}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(turns), { mode: 0o600 });
      renameSync(temp, kept);
    } catch {
      /* a cache that cannot be written only costs the next check the parse */
    }
  return turns;
}
