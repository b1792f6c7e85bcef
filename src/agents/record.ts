import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml, stringify } from "yaml";
import { canonicalJson } from "../plan/canonical.js";
import { writeAtomic } from "../runner/files.js";
import type { ModelRequest, ModelResponse, Provider } from "./provider.js";
import type { Script } from "./scripted.js";

/**
 * `missionc run --record SCRIPT`: a real run written down as a script the scripted provider replays.
 * Each turn carries the hash of what its run was asked (its system prompt, its first message, its
 * tools), so a replay after a change to prompts or skills names the first turn asked something else
 * instead of answering a question no longer asked.
 */

export function requestHash(request: ModelRequest): string {
  // numbers in the first message are timings, ids and exit tails of validation reports: they do not count
  const prompt = (request.messages[0]?.content ?? "").replace(/\d+(\.\d+)?/g, "0");
  const asked = { system: request.system, prompt, tools: request.tools };
  return `sha256:${createHash("sha256").update(canonicalJson(asked)).digest("hex")}`;
}

/** One script file for every model of the run. */
export class Recorder {
  readonly script: Script;

  constructor(
    readonly path: string,
    private readonly how = "missionc run --record; replay with missionc run --offline --script",
  ) {
    this.script = existsSync(path) ? (parseYaml(readFileSync(path, "utf8")) as Script) : { format: "missionc.script/1", runs: {} };
  }

  save(): void {
    writeAtomic(this.path, `# recorded by ${this.how}\n${stringify(this.script)}`);
  }
}

export class RecordingProvider implements Provider {
  readonly name: string;

  constructor(
    private readonly inner: Provider,
    private readonly recorder: Recorder,
  ) {
    this.name = inner.name;
  }

  async complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelResponse> {
    const response = await this.inner.complete(request, signal);
    const turns = (this.recorder.script.runs[request.run] ??= []);
    turns[request.turn - 1] = {
      request: requestHash(request),
      ...(response.content ? { text: response.content } : {}),
      ...(response.tool_calls.length ? { tools: response.tool_calls.map((c) => ({ id: c.id, name: c.name, input: c.input })) } : {}),
    };
    this.recorder.save();
    return response;
  }
}
