import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_CACHED, PrefixCache } from "../src/agents/prefix-cache.js";
import type { Message } from "../src/agents/provider.js";
import { exampleRepo, runCli } from "./helpers/missions.js";

/**
 * Issue 17: the simulated prefix cache against a sequence of requests computed by hand. Blocks of
 * plain text, 4 characters a token: a mission part S (1,000 tokens, under the 1,024 a prefix needs
 * to be cached), a role part R (100), conversations of U (50), A (20), T (30) and V (60).
 */

const text = (c: string, tokens: number): string => c.repeat(tokens * 4);
const S = text("S", 1000);
const R = text("R", 100);
const R2 = text("Q", 100);
const user = (content: string): Message => ({ role: "user", content });
const assistant = (content: string): Message => ({ role: "assistant", content });

describe("the simulated prefix cache", () => {
  it("reads the longest prefix written at an earlier breakpoint, writes up to its last breakpoint, caches nothing under the minimum", () => {
    expect(MIN_CACHED).toBe(1024);
    const cache = new PrefixCache();
    // turn 1: nothing cached; S alone (1,000) is too short to cache; S+R (1,100) and S+R+U (1,150) are written
    expect(cache.usageOf({ tools: [], system: [S, R], messages: [user(text("U", 50))] })).toEqual({
      input: 0,
      cache_read: 0,
      cache_write: 1150,
    });
    // turn 2 of that run: reads S+R+U (1,150), writes up to its new last block (1,200)
    const turn2 = [user(text("U", 50)), assistant(text("A", 20)), user(text("T", 30))];
    expect(cache.usageOf({ tools: [], system: [S, R], messages: turn2 })).toEqual({ input: 0, cache_read: 1150, cache_write: 50 });
    // another run of the role: reads the system prompt (1,100), writes its own conversation (60)
    expect(cache.usageOf({ tools: [], system: [S, R], messages: [user(text("V", 60))] })).toEqual({
      input: 0,
      cache_read: 1100,
      cache_write: 60,
    });
    // another role: S alone was never cached (under the minimum), so nothing is read
    expect(cache.usageOf({ tools: [], system: [S, R2], messages: [user(text("U", 50))] })).toEqual({
      input: 0,
      cache_read: 0,
      cache_write: 1150,
    });
    // a conversation that parts from the first run after its first message: reads S+R+U (1,150, written at turn 1), writes the rest
    expect(
      cache.usageOf({ tools: [], system: [S, R], messages: [user(text("U", 50)), assistant(text("B", 20)), user(text("T", 30))] }),
    ).toEqual({
      input: 0,
      cache_read: 1150,
      cache_write: 50,
    });
  });

  it("a run's messages sent again (the same objects, as the agent loop does) split as fresh copies of them would", () => {
    const reused = new PrefixCache();
    const copied = new PrefixCache();
    const system = [S, R];
    const messages: Message[] = [user(text("U", 300))];
    for (let turn = 0; turn < 4; turn++) {
      expect(reused.usageOf({ tools: [], system, messages: [...messages] })).toEqual(
        copied.usageOf({ tools: [], system: [...system], messages: messages.map((m) => ({ ...m })) }),
      );
      messages.push(assistant(text("A", 20 + turn)), user(text("T", 30 + turn)));
    }
    // the same message objects after another prefix (another role's system prompt) are hashed anew:
    // nothing read (S alone was never cached), all of it written
    expect(reused.usageOf({ tools: [], system: [S, R2], messages })).toEqual({
      input: 0,
      cache_read: 0,
      cache_write: 1000 + 100 + 300 + (20 + 21 + 22 + 23) + (30 + 31 + 32 + 33),
    });
  });

  it("an OpenAI-style cache writes every prefix by itself and counts no writes", () => {
    const cache = new PrefixCache("openai");
    expect(cache.usageOf({ tools: [], system: [S, R], messages: [user(text("U", 50))] })).toEqual({
      input: 1150,
      cache_read: 0,
      cache_write: 0,
    });
    // S alone (1,000) is under the minimum; S+R (1,100) was cached without a breakpoint being asked for
    expect(cache.usageOf({ tools: [], system: [S, R], messages: [user(text("V", 60))] })).toEqual({
      input: 60,
      cache_read: 1100,
      cache_write: 0,
    });
  });

  it("a request too short for any breakpoint to be cached is all plain input", () => {
    const cache = new PrefixCache();
    const short = { tools: [], system: [text("s", 10)], messages: [user(text("u", 10))] };
    expect(cache.usageOf(short)).toEqual({ input: 20, cache_read: 0, cache_write: 0 });
    expect(cache.usageOf(short)).toEqual({ input: 20, cache_read: 0, cache_write: 0 });
  });

  it("an offline run prints its cache-read share, labelled simulated, and status says so", async () => {
    const repo = exampleRepo();
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(0);
    const share = /cache reads: (\d+\.\d)% of input tokens.*, simulated: a provider's prefix cache/.exec(r.stdout);
    expect(share, r.stdout).not.toBeNull();
    expect(Number(share![1])).toBeGreaterThan(50);
    // a cache a model: the reviewer (another provider's model) never reads what the worker's wrote
    const firstReview = readFileSync(join(repo, ".missions/hello/journal.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { type: string; data: { run?: string; turn?: number; usage?: { cache_read: number; cache_write: number } } },
      )
      .find((e) => e.type === "model_response" && e.data.run?.startsWith("review:") && e.data.turn === 1);
    expect(firstReview?.data.usage).toMatchObject({ cache_read: 0, cache_write: 0 });
    const status = await runCli(["status"], repo);
    expect(status.stdout).toMatch(/cache reads: \d+\.\d% of input tokens \(simulated\)/);
  });
});
