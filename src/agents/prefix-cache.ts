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

export interface Block {
  hash: string;
  tokens: number;
  /** a cache breakpoint after this block */
  breakpoint: boolean;
}

/**
 * Hashing a block costs a copy and a digest of a running sha256. A run sends the same tools, system
 * parts and message objects again each turn, with one message more, and every run of a role the same
 * tools and system parts; so the blocks of each are kept by what they follow (the hash of the block
 * before them) and what they are: tools and messages by identity (weakly: a finished run's go with
 * it), system parts by their text (a few a role; dropped all at once past a bound, for a process that
 * runs mission after mission). Without this the simulation was a twentieth of the runner's own cost
 * a step (bench/journal.js).
 */
interface Link {
  blocks: Block[];
  running: Hash;
}
const byObject = new WeakMap<object, Map<string, Link>>();
const byText = new Map<string, Map<string, Link>>();
const TEXTS_KEPT = 512;

function linksOf(key: object | string): Map<string, Link> {
  if (typeof key === "string") {
    let links = byText.get(key);
    if (!links) {
      if (byText.size >= TEXTS_KEPT) byText.clear();
      byText.set(key, (links = new Map<string, Link>()));
    }
    return links;
  }
  let links = byObject.get(key);
  if (!links) byObject.set(key, (links = new Map<string, Link>()));
  return links;
}

function partsOf(m: ModelRequest["messages"][number]): unknown[] {
  const parts: unknown[] = [
    ...(m.content ? [m.content] : []),
    ...(m.tool_calls ?? []).map((c) => ({ tool_use: c.name, input: c.input })),
    ...(m.tool_results ?? []).map((r) => ({ tool_result: r.content })),
  ];
  return parts.length ? parts : [""];
}

/** A request's blocks, and the running hash after the last of them. */
function chain(request: Pick<ModelRequest, "tools" | "system" | "messages">): { blocks: Block[]; running: Hash } {
  const blocks: Block[] = [];
  let running = createHash("sha256");
  const append = (key: object | string, values: () => unknown[], breakpoint: boolean): void => {
    const links = linksOf(key);
    const after = blocks.at(-1)?.hash ?? "";
    let link = links.get(after);
    if (!link) {
      const made: Block[] = [];
      for (const value of values()) {
        const text = typeof value === "string" ? value : JSON.stringify(value);
        running = running.copy().update(text).update("\u0000");
        made.push({ hash: running.copy().digest("hex"), tokens: estimateTokens(text), breakpoint });
      }
      links.set(after, (link = { blocks: made, running }));
    }
    blocks.push(...link.blocks);
    running = link.running;
  };
  // the kept blocks are shared: a breakpoint that depends on the request is set on a copy
  const breakAtLast = (): void => {
    const last = blocks.length - 1;
    if (last >= 0 && !blocks[last].breakpoint) blocks[last] = { ...blocks[last], breakpoint: true };
  };
  for (const tool of request.tools) append(tool, () => [tool], false);
  if (request.system.length < 3) breakAtLast();
  for (const part of request.system) append(part, () => [part], true);
  for (const m of request.messages) append(m, () => partsOf(m), false);
  if (request.messages.length) breakAtLast();
  return { blocks, running };
}

export function blocksOf(request: Pick<ModelRequest, "tools" | "system" | "messages">): Block[] {
  return chain(request).blocks;
}

/**
 * A conversation's blocks built as it grows, each hashed once: the estimate simulates thousands of
 * runs of many turns, where hashing every request from its start would take minutes. `fork` shares
 * a role's tools and system prompt among its runs.
 */
let unique = 0;

export class Conversation {
  /**
   * Unique blocks not yet in `hash`: a unique block needs no digest (its prefix is unique too, so a
   * name from a counter identifies it), and the running hash takes them in only when a block with
   * text follows. Most of an estimate's blocks are unique: digesting each was a third of its time.
   */
  private pending = "";

  private constructor(
    private readonly list: Block[],
    private hash: Hash,
  ) {}

  static start(tools: ModelRequest["tools"], system: readonly string[]): Conversation {
    const { blocks, running } = chain({ tools, system: [...system], messages: [] });
    return new Conversation(blocks, running);
  }

  fork(): Conversation {
    const c = new Conversation([...this.list], this.hash.copy());
    c.pending = this.pending;
    return c;
  }

  /** A block more; `breakpoint` for one that always has one (a system part), not the conversation's last. */
  add(value: unknown, breakpoint = false): void {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    this.hash = this.hash.copy().update(this.pending).update(text).update("\u0000");
    this.pending = "";
    this.list.push({ hash: this.hash.copy().digest("hex"), tokens: estimateTokens(text), breakpoint });
  }

  /** A block of `tokens` tokens whose text no other conversation shares (an estimate's stand-in for an answer or a result). */
  addUnique(tokens: number): void {
    this.pending += `\u0001${tokens}:${++unique}`;
    this.list.push({ hash: `unique ${unique}`, tokens, breakpoint: false });
  }

  /** The blocks of a request now: the last one with its breakpoint. */
  request(): Block[] {
    const last = this.list.length - 1;
    return this.list.map((b, i) => (i === last && !b.breakpoint ? { ...b, breakpoint: true } : b));
  }
}

export class PrefixCache {
  /** prefix hash → its tokens, for every prefix written at a breakpoint */
  private readonly written = new Map<string, number>();

  /**
   * `anthropic`: prefixes are written at the request's breakpoints, and writing them is counted.
   * `openai`: every prefix is cached by the provider on its own (no breakpoints, nothing written
   * is counted: those tokens are plain input), and read the same way.
   */
  constructor(private readonly provider: "anthropic" | "openai" = "anthropic") {}

  /** The split of the request's input, and the cache written as the provider would. */
  usageOf(request: Pick<ModelRequest, "tools" | "system" | "messages">): Pick<Usage, "input" | "cache_read" | "cache_write"> {
    return this.usageOfBlocks(blocksOf(request));
  }

  usageOfBlocks(blocks: readonly Block[]): Pick<Usage, "input" | "cache_read" | "cache_write"> {
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
    const automatic = this.provider === "openai";
    blocks.forEach((b, i) => {
      if ((!b.breakpoint && !automatic) || upTo[i] < MIN_CACHED) return;
      this.written.set(b.hash, upTo[i]);
      lastBreakpoint = upTo[i];
    });
    const write = automatic ? 0 : Math.max(0, lastBreakpoint - read);
    return { input: total - read - write, cache_read: read, cache_write: write };
  }
}
