import type { PlanPermission } from "../plan/types.js";
import type { ToolSpec } from "./tools.js";

/** The provider interface: `{ system, messages, tools }` in, `{ content, tool_calls, usage }` out. */

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export interface ToolResult {
  id: string;
  content: string;
  is_error: boolean;
}

export interface Message {
  role: "user" | "assistant";
  content: string;
  tool_calls?: ToolCall[];
  tool_results?: ToolResult[];
  /** the provider's own content blocks (thinking with its signature), sent back verbatim */
  provider_content?: unknown;
}

export interface Usage {
  input: number;
  cache_read: number;
  cache_write: number;
  output: number;
  /** counted by estimate (four characters a token), not by a provider */
  estimated?: boolean;
}

export interface ModelRequest {
  /** the runner's id of this agent run, e.g. `implement:greeter#1` */
  run: string;
  /** 1-based turn within the run */
  turn: number;
  /** the system prompt in parts, most widely shared first: the mission's (every role), then the role's */
  system: string[];
  messages: Message[];
  tools: ToolSpec[];
  /** what the agent may do: an external agent (command provider) runs its own tools within it */
  permission?: PlanPermission;
  /** the tool whose call ends the run: an external agent's answer is a call of it */
  terminal?: string;
}

export interface ModelResponse {
  content: string;
  tool_calls: ToolCall[];
  usage: Usage;
  provider_content?: unknown;
}

export interface Provider {
  readonly name: string;
  complete(request: ModelRequest, signal?: AbortSignal): Promise<ModelResponse>;
}

/** A provider that cannot go on: the run stops with this message (script out of turns, bad key, …). */
export class ProviderError extends Error {}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * What the Anthropic and the OpenAI SDK are both given: the key, no retries of their own (the
 * runner's one policy retries), the time-out, and the model's `base_url` when it has one.
 */
export function sdkOptions(
  model: { options: Record<string, unknown> },
  apiKey: string,
  timeoutMs: number,
): { apiKey: string; maxRetries: 0; timeout: number; baseURL?: string } {
  const baseURL = model.options["base_url"];
  return { apiKey, maxRetries: 0, timeout: timeoutMs, ...(typeof baseURL === "string" ? { baseURL } : {}) };
}
