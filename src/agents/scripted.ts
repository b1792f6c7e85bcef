import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { specValidator } from "./json-schema.js";
import { requestHash } from "./record.js";
import { PrefixCache } from "./prefix-cache.js";
import { estimateTokens, ProviderError, type ModelRequest, type ModelResponse, type Provider } from "./provider.js";

/**
 * Replays a recorded script (specs/script.schema.json): for each agent run, what the model answers
 * turn by turn. The offline demo and the tests use it. Usage is estimated and labelled so. A run or
 * turn the script lacks is an error naming both: never a silent default.
 */

interface ScriptTurn {
  /** the hash of what the run was asked when the turn was recorded (see record.ts) */
  request?: string;
  text?: string;
  tools?: { id?: string; name: string; input?: unknown }[];
  delay_ms?: number;
  /** a file (relative to the script's folder) whose appearance releases the turn: tests hold a turn open this way, not by the clock */
  wait_for?: string;
}

export interface Script {
  format: "missionc.script/1";
  runs: Record<string, ScriptTurn[]>;
}

export class ScriptError extends Error {}

export function loadScript(path: string): Script {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ScriptError(`cannot read the script ${path}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new ScriptError(`${path} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const validate = specValidator("script.schema.json");
  if (!validate(value)) {
    const e = validate.errors?.[0];
    throw new ScriptError(`${path} does not match specs/script.schema.json: ${e?.instancePath || "(top)"} ${e?.message ?? ""}`);
  }
  return value as Script;
}

/** Resolves once `path` exists, or at once when the call is aborted (a pause, an interrupt). */
function released(path: string, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const look = (): void => {
      if (signal?.aborted || existsSync(path)) {
        clearInterval(timer);
        done();
      }
    };
    const timer = setInterval(look, 20);
    signal?.addEventListener("abort", look, { once: true });
    look();
  });
}

export class ScriptedProvider implements Provider {
  readonly name = "scripted";
  private readonly cache: PrefixCache;

  /** `provider`: whose prefix cache to simulate for the model this instance plays (one instance a model: caches are per model) */
  constructor(
    private readonly script: Script,
    private readonly path: string,
    provider: "anthropic" | "openai" = "anthropic",
  ) {
    this.cache = new PrefixCache(provider);
  }

  async complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelResponse> {
    const turns = this.script.runs[request.run];
    if (!turns) throw new ProviderError(`the script ${this.path} has no run \`${request.run}\` (turn ${request.turn} was asked for)`);
    const turn = turns[request.turn - 1];
    if (!turn)
      throw new ProviderError(
        `the script ${this.path} ran out: run \`${request.run}\` has ${turns.length} turn(s), turn ${request.turn} was asked for`,
      );
    if (turn.request && turn.request !== requestHash(request)) {
      throw new ProviderError(
        `the script ${this.path} was recorded for another request: run \`${request.run}\` turn ${request.turn} is asked something else now (the prompts, skills or tools changed since the recording)`,
      );
    }
    if (turn.delay_ms) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, turn.delay_ms);
        signal?.addEventListener(
          "abort",
          () => {
            clearTimeout(t);
            r();
          },
          { once: true },
        );
      });
    }
    if (turn.wait_for) await released(resolve(dirname(this.path), turn.wait_for), signal);
    if (signal?.aborted) throw new ProviderError("interrupted");
    const content = turn.text ?? "";
    const tool_calls = (turn.tools ?? []).map((t, i) => ({
      id: t.id ?? `call_${request.turn}_${i + 1}`,
      name: t.name,
      input: t.input ?? {},
    }));
    const output = estimateTokens(content + JSON.stringify(tool_calls));
    // the input split as a provider's prefix cache would split it: offline runs report a cache-read share too
    return { content, tool_calls, usage: { ...this.cache.usageOf(request), output, estimated: true } };
  }
}
