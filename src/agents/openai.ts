import type OpenAI from "openai";
import type { PlanModel } from "../plan/types.js";
import { sdkOptions, type Message, type ModelRequest, type ModelResponse, type Provider, type ToolCall } from "./provider.js";

/**
 * OpenAI Chat Completions through the openai SDK, streamed; with `base_url`, any OpenAI-compatible
 * server (Ollama, vLLM, llama.cpp). Their quirks are normalised: tool calls count whatever the
 * finish_reason says, arguments may be a string or an object, ids may be missing, usage may be
 * absent. A stream without a finish_reason is a failed turn (finalChatCompletion throws).
 */

type Wire = Record<string, unknown>;

function toWire(system: string, messages: Message[]): Wire[] {
  const out: Wire[] = [{ role: "system", content: system }];
  for (const m of messages) {
    if (m.role === "assistant") {
      out.push({
        role: "assistant",
        content: m.content || null,
        ...(m.tool_calls?.length
          ? {
              tool_calls: m.tool_calls.map((c) => ({
                id: c.id,
                type: "function",
                function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
              })),
            }
          : {}),
      });
      continue;
    }
    for (const r of m.tool_results ?? [])
      out.push({ role: "tool", tool_call_id: r.id, content: r.is_error ? `ERROR: ${r.content}` : r.content });
    if (m.content) out.push({ role: "user", content: m.content });
  }
  return out;
}

function argumentsOf(raw: unknown): unknown {
  if (typeof raw !== "string") return raw ?? {};
  try {
    return JSON.parse(raw || "{}");
  } catch {
    return raw; // not JSON: the tool's schema check answers the model with the error
  }
}

export class OpenAIProvider implements Provider {
  readonly name = "openai";
  // the SDK is loaded at the first call: an offline run, or `check`, never pays for its import
  private client: Promise<OpenAI> | undefined;

  constructor(
    private readonly model: PlanModel,
    private readonly apiKey: string,
    private readonly timeoutMs = 600_000,
  ) {}

  private connect(): Promise<OpenAI> {
    this.client ??= import("openai").then(({ default: Sdk }) => new Sdk(sdkOptions(this.model, this.apiKey, this.timeoutMs)));
    return this.client;
  }

  async complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelResponse> {
    const body = {
      model: this.model.id,
      messages: toWire(request.system.join("\n\n"), request.messages),
      tools: request.tools.map((t) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.input_schema },
      })),
      stream_options: { include_usage: true },
      ...(typeof this.model.options["temperature"] === "number" ? { temperature: this.model.options["temperature"] } : {}),
      ...(typeof this.model.options["max_output"] === "number" ? { max_completion_tokens: this.model.options["max_output"] } : {}),
    };
    // the SDK's generic stream parameters are looser on the wire than in its types
    const stream = (await this.connect()).chat.completions.stream(
      body as unknown as Parameters<OpenAI["chat"]["completions"]["stream"]>[0],
      { signal: signal ?? null, headers: { "x-missionc-run": `${request.run}/${request.turn}` } },
    );
    // some servers stream `arguments` as an object, which the SDK's accumulator turns into "[object Object]": keep the object
    const objectArguments = new Map<number, unknown>();
    stream.on("chunk", (chunk) => {
      for (const c of (chunk.choices?.[0]?.delta?.tool_calls ?? []) as { index: number; function?: { arguments?: unknown } }[]) {
        const a = c.function?.arguments;
        if (a !== null && typeof a === "object") objectArguments.set(c.index, a);
      }
    });
    const completion = await stream.finalChatCompletion();
    const choice = completion.choices[0];
    const message = (choice?.message ?? {}) as unknown as {
      content?: string | null;
      tool_calls?: { id?: string; function?: { name?: string; arguments?: unknown } }[];
    };
    const tool_calls: ToolCall[] = (message.tool_calls ?? []).map((c, i) => ({
      id: c.id || `call_${request.turn}_${i + 1}`,
      name: String(c.function?.name ?? ""),
      input: objectArguments.has(i) ? objectArguments.get(i) : argumentsOf(c.function?.arguments),
    }));
    const u = (completion.usage ?? {}) as unknown as {
      prompt_tokens?: number;
      completion_tokens?: number;
      prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
    };
    const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
    const written = u.prompt_tokens_details?.cache_write_tokens ?? 0;
    return {
      content: message.content ?? "",
      tool_calls,
      usage: {
        input: Math.max(0, (u.prompt_tokens ?? 0) - cached - written),
        cache_read: cached,
        cache_write: written,
        output: u.completion_tokens ?? 0,
      },
    };
  }
}
