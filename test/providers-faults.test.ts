import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnthropicProvider } from "../src/agents/anthropic.js";
import { OpenAIProvider } from "../src/agents/openai.js";
import { withRetries, type RetryPolicy } from "../src/agents/retry.js";
import type { ModelRequest, Provider } from "../src/agents/provider.js";
import type { PlanModel } from "../src/plan/types.js";
import { startMockAnthropic, type MockAnthropic, type Turn } from "./helpers/mock-anthropic.js";
import { startMockOpenAI, type MockOpenAI } from "./helpers/mock-openai.js";

/**
 * The real SDKs against loopback servers that misbehave: streams cut at every event, 429 with a
 * retry-after of an hour, 500s, a connection that never answers, an abort during a wait. Each ends
 * in a retried, complete turn or a clear failure within the runner's cap: never a partial turn.
 */

const TURN: Turn = {
  text: "Reading.",
  tools: [
    { name: "read_file", input: { path: "src/a.ts" } },
    { name: "write_file", input: { path: "b.txt", content: "x".repeat(40) } },
  ],
};
const request: ModelRequest = {
  run: "implement:f#1",
  turn: 1,
  system: ["the mission", "your role"],
  messages: [{ role: "user", content: "go" }],
  tools: [{ name: "read_file", description: "read", input_schema: { type: "object" } }],
};
const FAST: RetryPolicy = { attempts: 4, baseMs: 20, capMs: 200 };
const model = (provider: string, url: string): PlanModel => ({ provider, id: "m", options: { base_url: url } });

let anthropic: MockAnthropic;
let openai: MockOpenAI;
beforeAll(async () => {
  anthropic = await startMockAnthropic(() => TURN);
  openai = await startMockOpenAI(() => TURN);
});
afterAll(async () => {
  await anthropic.close();
  await openai.close();
});

function providers(): { name: string; make: (timeoutMs?: number) => Provider; mock: () => MockAnthropic | MockOpenAI; events: number }[] {
  return [
    {
      name: "anthropic",
      make: (t) => new AnthropicProvider(model("anthropic", anthropic.url), "sk-test", t),
      mock: () => anthropic,
      events: 12,
    },
    { name: "openai", make: (t) => new OpenAIProvider(model("openai", openai.url), "sk-test", t), mock: () => openai, events: 7 },
  ];
}

for (const p of providers()) {
  describe(`${p.name} through its SDK`, () => {
    it("a complete turn: text, tool calls with their arguments, usage", async () => {
      const r = await p.make().complete(request);
      expect(r.content).toBe("Reading.");
      expect(r.tool_calls.map((c) => [c.name, c.input])).toEqual([
        ["read_file", { path: "src/a.ts" }],
        ["write_file", { path: "b.txt", content: "x".repeat(40) }],
      ]);
      expect(r.usage.input + r.usage.cache_read + r.usage.cache_write).toBeGreaterThan(0);
    });

    it("a stream cut after any event is a failed turn, retried into a complete one", async () => {
      for (let k = 0; k < p.events; k++) {
        p.mock().faults.push({ cutAfterEvents: k });
        const before = p.mock().requests.length;
        const retries: number[] = [];
        const r = await withRetries(
          () => p.make().complete(request),
          FAST,
          (a) => retries.push(a),
        );
        expect(
          r.tool_calls.map((c) => c.input),
          `cut after ${k} events`,
        ).toEqual(TURN.tools!.map((t) => t.input));
        expect(p.mock().requests.length - before, `cut after ${k} events`).toBe(2);
        expect(retries).toEqual([1]);
      }
    });

    it("429 with retry-after: 3600, longer than the cap: not asked again; the error says when to run again", async () => {
      p.mock().faults.push({ status: 429, headers: { "retry-after": "3600" } });
      const before = p.mock().requests.length;
      const delays: number[] = [];
      const asked = Date.now();
      const failed = await withRetries(
        () => p.make().complete(request),
        FAST,
        (_, __, d) => delays.push(d),
      ).then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(delays).toEqual([]);
      expect(p.mock().requests.length - before).toBe(1);
      const when = /run again after (\S+Z)$/.exec(failed ?? "")?.[1];
      expect(failed).toMatch(/asks for a wait of 60 min \(retry-after, HTTP 429\), longer than the runner waits \(1 s\)/);
      expect(Math.abs(Date.parse(when!) - (asked + 3_600_000))).toBeLessThan(5000);
      // within the cap, retry-after is honoured
      p.mock().faults.push({ status: 429, headers: { "retry-after": "0.1" } });
      await withRetries(
        () => p.make().complete(request),
        FAST,
        (_, __, d) => delays.push(d),
      );
      expect(delays).toEqual([100]);
    });

    it("500s are retried; when the attempts are spent, the error says why", async () => {
      p.mock().faults.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
      await expect(
        withRetries(
          () => p.make().complete(request),
          FAST,
          () => {},
        ),
      ).rejects.toThrow(/failed 4 times; last: HTTP 500/);
      p.mock().faults.push({ status: 503 });
      expect(
        (
          await withRetries(
            () => p.make().complete(request),
            FAST,
            () => {},
          )
        ).content,
      ).toBe("Reading.");
    });

    it("a connection that never answers times out and is retried", async () => {
      p.mock().faults.push({ hang: true });
      let attempt = 0;
      const r = await withRetries(
        // the time-out is the subject, set small for the attempt that hangs; the retry gets a minute
        () => p.make(attempt++ === 0 ? 400 : 60_000).complete(request),
        FAST,
        () => {},
      );
      expect(r.content).toBe("Reading.");
    });

    it("an abort during a retry wait ends it at once", async () => {
      p.mock().faults.push({ status: 429, headers: { "retry-after": "3600" } });
      const abort = new AbortController();
      const waits: number[] = [];
      // aborted once the wait has begun (the next turn of the event loop); the wait itself is an hour
      const onRetry = (_: number, __: unknown, delay: number): void => {
        waits.push(delay);
        setImmediate(() => abort.abort());
      };
      await expect(
        withRetries(() => p.make().complete(request, abort.signal), { attempts: 4, baseMs: 1000, capMs: 3_600_000 }, onRetry, abort.signal),
      ).rejects.toThrow(/interrupted/);
      expect(waits).toEqual([3_600_000]);
    });
  });
}

describe("OpenAI-compatible servers' quirks are normalised", () => {
  it("arguments streamed as an object are kept; arguments that are no object are handed on for the tool's schema check", async () => {
    openai.quirks.objectArguments = true;
    try {
      const r = await new OpenAIProvider(model("openai", openai.url), "sk-test").complete(request);
      expect(r.tool_calls.map((c) => c.input)).toEqual(TURN.tools!.map((t) => t.input));
    } finally {
      openai.quirks.objectArguments = false;
    }
    const bad = await startMockOpenAI(() => ({ tools: [{ name: "read_file", input: '{"path": ' }] }));
    try {
      const r = await new OpenAIProvider(model("openai", bad.url), "sk-test").complete(request);
      expect(typeof r.tool_calls[0].input).toBe("string");
    } finally {
      await bad.close();
    }
  });

  it("tool calls under finish_reason stop, and no usage", async () => {
    openai.quirks.stopWithToolCalls = true;
    openai.quirks.noUsage = true;
    try {
      const r = await new OpenAIProvider(model("openai", openai.url), "sk-test").complete(request);
      expect(r.tool_calls.map((c) => c.name)).toEqual(["read_file", "write_file"]);
      expect(r.usage).toEqual({ input: 0, cache_read: 0, cache_write: 0, output: 0 });
    } finally {
      openai.quirks.stopWithToolCalls = false;
      openai.quirks.noUsage = false;
    }
  });
});
