import { createHash, type Hash } from "node:crypto";
import { estimateTokens, type ModelRequest, type Usage } from "./provider.js";

/**
 * A provider's prefix cache, simulated: what a request's input tokens would split into (read from
 * the cache, written to it, plain input) at a provider that caches prompt prefixes the way
 * Anthropic's does, for the requests missionc builds (anthropic.ts puts the breakpoints):
 *   - a request is a sequence of blocks: each tool, each part of the system prompt, each block of
 *     each message, in that order;
 *   - breakpoints: after the last tool (when the system prompt has fewer than three parts), after
 *     each system part, after the last block of the conversation;
 *   - a request reads the longest of its prefixes, ending at a block boundary, that an earlier
 *     request wrote at one of its breakpoints; it writes its prefixes at its breakpoints, the tokens
 *     beyond what it read up to its last breakpoint counting as written;
 *   - a prefix shorter than MIN_CACHED tokens is never cached; nothing expires (a run's requests
 *     come minutes apart at most).
 * Tokens are estimated at four characters each, as scripted agents' are. Offline runs report their
 * cache-read share from it, labelled simulated; `plan --estimate` prices prompts with it.
 */

export const MIN_CACHED = 1024;

interface Block {
  hash: string;
  tokens: number;
  /** a cache breakpoint after this block */
  breakpoint: boolean;
}

/** The blocks of a tool list (the same array for a whole run: made once), with or without a breakpoint after it. */
const toolBlocks = new WeakMap<object, Map<boolean, { blocks: Block[]; hash: Hash }>>();

function blocksOfTools(tools: ModelRequest["tools"], breakpoint: boolean): { blocks: Block[]; hash: Hash } {
  let byBreakpoint = toolBlocks.get(tools);
  if (!byBreakpoint) toolBlocks.set(tools, (byBreakpoint = new Map<boolean, { blocks: Block[]; hash: Hash }>()));
  let made = byBreakpoint.get(breakpoint);
  if (!made) {
    const blocks: Block[] = [];
    let hash = createHash("sha256");
    tools.forEach((t, i) => {
      const text = JSON.stringify(t);
      hash = hash.copy().update(text).update("\u0000");
      blocks.push({ hash: hash.copy().digest("hex"), tokens: estimateTokens(text), breakpoint: breakpoint && i === tools.length - 1 });
    });
    byBreakpoint.set(breakpoint, (made = { blocks, hash }));
  }
  return made;
}

export function blocksOf(request: Pick<ModelRequest, "tools" | "system" | "messages">): Block[] {
  const tools = blocksOfTools(request.tools, request.system.length < 3);
  const blocks: Block[] = [...tools.blocks];
  let running = tools.hash.copy();
  const push = (value: unknown, breakpoint: boolean): void => {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    running = running.copy().update(text).update("\u0000");
    blocks.push({ hash: running.copy().digest("hex"), tokens: estimateTokens(text), breakpoint });
  };
  for (const part of request.system) push(part, true);
  const last = request.messages.length - 1;
  request.messages.forEach((m, i) => {
    const parts: unknown[] = [
      ...(m.content ? [m.content] : []),
      ...(m.tool_calls ?? []).map((c) => ({ tool_use: c.name, input: c.input })),
      ...(m.tool_results ?? []).map((r) => ({ tool_result: r.content })),
    ];
    if (parts.length === 0) parts.push("");
    parts.forEach((p, j) => push(p, i === last && j === parts.length - 1));
  });
  return blocks;
}

export class PrefixCache {
  /** prefix hash → its tokens, for every prefix written at a breakpoint */
  private readonly written = new Map<string, number>();

  /** The split of the request's input, and the cache written as the provider would. */
  usageOf(request: Pick<ModelRequest, "tools" | "system" | "messages">): Pick<Usage, "input" | "cache_read" | "cache_write"> {
    const blocks = blocksOf(request);
    const upTo: number[] = [];
    let total = 0;
    for (const b of blocks) upTo.push((total += b.tokens));
    let read = 0;
    for (let i = blocks.length - 1; i >= 0; i--)
      if (this.written.has(blocks[i].hash)) {
        read = upTo[i];
        break;
      }
    let lastBreakpoint = 0;
    blocks.forEach((b, i) => {
      if (!b.breakpoint || upTo[i] < MIN_CACHED) return;
      this.written.set(b.hash, upTo[i]);
      lastBreakpoint = upTo[i];
    });
    const write = Math.max(0, lastBreakpoint - read);
    return { input: total - read - write, cache_read: read, cache_write: write };
  }
}
