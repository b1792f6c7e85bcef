import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback server that speaks the Anthropic Messages API (streaming SSE) for the real SDK. Replies
 * come from a book keyed by the `x-missionc-run` header (run/turn). Its prompt cache is honest: a
 * prefix is cached only where a request carries a `cache_control` breakpoint, and a later request
 * reads it only if it starts with that prefix (looking back up to 20 blocks from its breakpoints).
 */

export interface Turn {
  text?: string;
  tools?: { name: string; input?: unknown; id?: string }[];
}
export type Book = (run: string, turn: number) => Turn | undefined;

export interface Fault {
  status?: number;
  headers?: Record<string, string>;
  cutAfterEvents?: number;
  hang?: boolean;
}

export interface MockAnthropic {
  url: string;
  requests: { run: string; body: Record<string, unknown>; headers: IncomingMessage["headers"] }[];
  /** faults served to the next requests, in order, before normal answers resume */
  faults: Fault[];
  close(): Promise<void>;
}

const tokens = (s: string): number => Math.ceil(s.length / 4);

interface Block {
  text: string;
  breakpoint: boolean;
}

function blocksOf(body: Record<string, unknown>): Block[] {
  const out: Block[] = [];
  const strip = (b: Record<string, unknown>): string => {
    const { cache_control: _, ...rest } = b;
    return JSON.stringify(rest);
  };
  for (const t of (body["tools"] as Record<string, unknown>[] | undefined) ?? [])
    out.push({ text: strip(t), breakpoint: "cache_control" in t });
  for (const s of (body["system"] as Record<string, unknown>[] | undefined) ?? [])
    out.push({ text: strip(s), breakpoint: "cache_control" in s });
  for (const m of (body["messages"] as { role: string; content: Record<string, unknown>[] }[] | undefined) ?? []) {
    for (const c of m.content) out.push({ text: `${m.role}:${strip(c)}`, breakpoint: "cache_control" in c });
  }
  return out;
}

/** usage for a request, updating the cache: what it reads, what it writes, what it pays in full */
function account(cache: Set<string>, body: Record<string, unknown>): { input: number; read: number; write: number } {
  const blocks = blocksOf(body);
  const prefixHash: string[] = [];
  const prefixTokens: number[] = [];
  const h = createHash("sha256");
  let sum = 0;
  for (const b of blocks) {
    h.update(b.text);
    prefixHash.push(h.copy().digest("hex"));
    sum += tokens(b.text);
    prefixTokens.push(sum);
  }
  let readUpTo = -1;
  const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [i] : []));
  for (const bp of breakpoints) {
    for (let j = bp; j >= Math.max(0, bp - 20); j--)
      if (cache.has(prefixHash[j])) {
        readUpTo = Math.max(readUpTo, j);
        break;
      }
  }
  const read = readUpTo >= 0 ? prefixTokens[readUpTo] : 0;
  let writtenTo = readUpTo;
  for (const bp of breakpoints)
    if (!cache.has(prefixHash[bp])) {
      cache.add(prefixHash[bp]);
      writtenTo = Math.max(writtenTo, bp);
    }
  const write = writtenTo > readUpTo ? prefixTokens[writtenTo] - read : 0;
  return { input: sum - read - write, read, write };
}

function sse(res: ServerResponse, events: { type: string; data: Record<string, unknown> }[], cutAfter?: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": "req_mock" });
  events.forEach((e, i) => {
    if (cutAfter === undefined || i < cutAfter) res.write(`event: ${e.type}\ndata: ${JSON.stringify({ type: e.type, ...e.data })}\n\n`);
  });
  if (cutAfter !== undefined) res.destroy();
  else res.end();
}

export interface Incoming {
  raw: string;
  body: Record<string, unknown>;
  run: string;
  turn: number;
  headers: IncomingMessage["headers"];
}

/** A request listener that reads the whole body and the runner's `x-missionc-run` header (run/turn) first. */
export function readingRequests(handle: (r: Incoming, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => {
      raw += d.toString();
    });
    req.on("end", () => {
      const [run, turnText] = String(req.headers["x-missionc-run"] ?? "/0").split(/\/(?=\d+$)/);
      handle(
        { raw, body: JSON.parse(raw || "{}") as Record<string, unknown>, run: run, turn: Number(turnText), headers: req.headers },
        res,
      );
    });
  };
}

export async function startMockAnthropic(book: Book): Promise<MockAnthropic> {
  const cache = new Set<string>();
  const requests: MockAnthropic["requests"] = [];
  const faults: Fault[] = [];
  let n = 0;
  const server: Server = createServer(
    readingRequests(({ body, run, turn: turnNumber, headers }, res) => {
      const turnText = String(turnNumber);
      requests.push({ run: `${run}/${turnText}`, body, headers });
      const fault = faults.shift();
      if (fault?.hang) return; // never answers
      if (fault?.status) {
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        res.end(
          JSON.stringify({
            type: "error",
            error: { type: fault.status === 429 ? "rate_limit_error" : "api_error", message: "mock fault" },
          }),
        );
        return;
      }
      const turn = book(run, Number(turnText));
      if (!turn) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            type: "error",
            error: { type: "invalid_request_error", message: `the mock has no reply for ${run} turn ${turnText}` },
          }),
        );
        return;
      }
      const usage = account(cache, body);
      const id = `msg_${++n}`;
      const content = [
        ...(turn.text ? [{ type: "text", text: turn.text }] : []),
        ...(turn.tools ?? []).map((t, i) => ({ type: "tool_use", id: t.id ?? `toolu_${n}_${i}`, name: t.name, input: t.input ?? {} })),
      ];
      const events: { type: string; data: Record<string, unknown> }[] = [
        {
          type: "message_start",
          data: {
            message: {
              id,
              type: "message",
              role: "assistant",
              model: body["model"],
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: {
                input_tokens: usage.input,
                output_tokens: 1,
                cache_creation_input_tokens: usage.write,
                cache_read_input_tokens: usage.read,
              },
            },
          },
        },
      ];
      content.forEach((c, index) => {
        if (c.type === "text") {
          events.push({ type: "content_block_start", data: { index, content_block: { type: "text", text: "" } } });
          events.push({ type: "content_block_delta", data: { index, delta: { type: "text_delta", text: (c as { text: string }).text } } });
        } else {
          events.push({ type: "content_block_start", data: { index, content_block: { ...c, input: {} } } });
          events.push({
            type: "content_block_delta",
            data: { index, delta: { type: "input_json_delta", partial_json: JSON.stringify((c as { input: unknown }).input) } },
          });
        }
        events.push({ type: "content_block_stop", data: { index } });
      });
      events.push({
        type: "message_delta",
        data: {
          delta: { stop_reason: turn.tools?.length ? "tool_use" : "end_turn", stop_sequence: null },
          usage: { output_tokens: tokens(JSON.stringify(content)) },
        },
      });
      events.push({ type: "message_stop", data: {} });
      sse(res, events, fault?.cutAfterEvents);
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
