import type Anthropic from "@anthropic-ai/sdk";
import type { PlanModel } from "../plan/types.js";
import { anthropicTables } from "../semantics/anthropic-tables.js";
import { ProviderError, sdkOptions, type Message, type ModelRequest, type ModelResponse, type Provider } from "./provider.js";

/**
 * Anthropic Messages through @anthropic-ai/sdk, streamed. The stable prefix is cached: a breakpoint
 * after the tools (the same list for every role), one after each part of the system prompt (the
 * mission's, the role's), and one on the last block of the conversation so each turn reads what the
 * turn before wrote: four, the most a request may carry. A stream that ends without `message_stop` is a failed
 * turn (finalMessage throws), never a partial answer. The SDK's own retries are off.
 */

type Block = Record<string, unknown>;
const EPHEMERAL = { type: "ephemeral" } as const;

function toWire(messages: Message[]): { role: "user" | "assistant"; content: Block[] }[] {
  return messages.map((m) => {
    if (m.role === "assistant") {
      if (Array.isArray(m.provider_content)) return { role: "assistant", content: m.provider_content as Block[] };
      const content: Block[] = m.content ? [{ type: "text", text: m.content }] : [];
      for (const c of m.tool_calls ?? []) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.input ?? {} });
      return { role: "assistant", content: content.length ? content : [{ type: "text", text: "(no text)" }] };
    }
    const content: Block[] = (m.tool_results ?? []).map((r) => ({
      type: "tool_result",
      tool_use_id: r.id,
      content: r.content,
      is_error: r.is_error,
    }));
    if (m.content) content.push({ type: "text", text: m.content });
    return { role: "user", content };
  });
}

/**
 * `thinking` as the SDK recommends for the model: `adaptive` (the model decides how much) for those
 * its table names, where it warns that `enabled` is deprecated; a fixed budget for the others. The
 * mission's budget still sizes `max_tokens` either way.
 */
export function thinkingFor(modelId: string, budget: number): Record<string, unknown> {
  return anthropicTables().adaptiveThinking.has(modelId) ? { type: "adaptive" } : { type: "enabled", budget_tokens: budget };
}

export class AnthropicProvider implements Provider {
  readonly name = "anthropic";
  // the SDK is loaded at the first call: an offline run, or `check`, never pays for its import
  private client: Promise<Anthropic> | undefined;

  constructor(
    private readonly model: PlanModel,
    private readonly apiKey: string,
    private readonly timeoutMs = 600_000,
  ) {}

  private connect(): Promise<Anthropic> {
    this.client ??= import("@anthropic-ai/sdk").then(({ default: Sdk }) => new Sdk(sdkOptions(this.model, this.apiKey, this.timeoutMs)));
    return this.client;
  }

  async complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelResponse> {
    const messages = toWire(request.messages);
    const last = messages[messages.length - 1]?.content;
    if (last && last.length) last[last.length - 1] = { ...last[last.length - 1], cache_control: EPHEMERAL };
    const tools = request.tools.map((t, i) => ({
      name: t.name,
      description: t.description,
      input_schema: t.input_schema,
      ...(i === request.tools.length - 1 && request.system.length < 3 ? { cache_control: EPHEMERAL } : {}),
    }));
    const thinking = typeof this.model.options["thinking"] === "number" ? this.model.options["thinking"] : undefined;
    const maxOutput = typeof this.model.options["max_output"] === "number" ? this.model.options["max_output"] : 8192;
    const body = {
      model: this.model.id,
      max_tokens: thinking ? Math.max(maxOutput, thinking + 1024) : maxOutput,
      // a breakpoint after each part: the mission's part is read by every role, the role's by every call of the role
      system: request.system.map((text) => ({ type: "text", text, cache_control: EPHEMERAL })),
      tools,
      messages,
      ...(thinking ? { thinking: thinkingFor(this.model.id, thinking) } : {}),
      ...(typeof this.model.options["temperature"] === "number" && !thinking ? { temperature: this.model.options["temperature"] } : {}),
    };
    // the SDK's types lag the wire here and there; the body is the documented Messages request
    const stream = (await this.connect()).messages.stream(body as unknown as Parameters<Anthropic["messages"]["stream"]>[0], {
      signal: signal ?? null,
      headers: { "x-missionc-run": `${request.run}/${request.turn}` },
    });
    const msg = await stream.finalMessage();
    if (!["end_turn", "tool_use", "stop_sequence", "max_tokens", "pause_turn"].includes(String(msg.stop_reason))) {
      throw new ProviderError(`the model stopped with \`${String(msg.stop_reason)}\``);
    }
    const blocks = msg.content as unknown as Block[];
    const text = blocks
      .filter((b) => b["type"] === "text")
      .map((b) => String(b["text"]))
      .join("\n");
    const tool_calls = blocks
      .filter((b) => b["type"] === "tool_use")
      .map((b) => ({ id: String(b["id"]), name: String(b["name"]), input: b["input"] }));
    const u = msg.usage as unknown as Record<string, number | null | undefined>;
    return {
      content: text,
      tool_calls,
      provider_content: blocks,
      usage: {
        input: u["input_tokens"] ?? 0,
        cache_read: u["cache_read_input_tokens"] ?? 0,
        cache_write: u["cache_creation_input_tokens"] ?? 0,
        output: u["output_tokens"] ?? 0,
      },
    };
  }
}
