import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readingRequests, type Book, type Fault } from "./mock-anthropic.js";

/**
 * A loopback server that speaks OpenAI Chat Completions (streaming, `data:` chunks and `[DONE]`) for
 * the real openai SDK, with quirks of OpenAI-compatible servers available on request: tool calls
 * under `finish_reason: "stop"`, arguments as an object, no usage. (Its cached-token count is a fixed share, not a cache.)
 */

export interface Quirks {
  stopWithToolCalls?: boolean;
  noUsage?: boolean;
  objectArguments?: boolean;
}

export interface MockOpenAI {
  url: string;
  requests: { run: string; body: Record<string, unknown>; headers: Record<string, unknown> }[];
  faults: Fault[];
  quirks: Quirks;
  close(): Promise<void>;
}

export async function startMockOpenAI(book: Book): Promise<MockOpenAI> {
  const requests: MockOpenAI["requests"] = [];
  const faults: Fault[] = [];
  const quirks: Quirks = {};
  let n = 0;
  const server: Server = createServer(
    readingRequests(({ raw, body, run, turn: turnNumber, headers }, res) => {
      const turnText = String(turnNumber);
      requests.push({ run: `${run}/${turnText}`, body, headers });
      const fault = faults.shift();
      if (fault?.hang) return;
      if (fault?.status) {
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        res.end(JSON.stringify({ error: { message: "mock fault", type: "server_error", param: null, code: null } }));
        return;
      }
      const turn = book(run, Number(turnText));
      if (!turn) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { message: `the mock has no reply for ${run} turn ${turnText}`, type: "invalid_request_error", param: null, code: null },
          }),
        );
        return;
      }
      const id = `chatcmpl-${++n}`;
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
        id,
        object: "chat.completion.chunk",
        created: 1,
        model: body["model"],
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
      const prompt = Math.ceil(raw.length / 4);
      const chunks: unknown[] = [chunk({ role: "assistant", content: null })];
      if (turn.text) chunks.push(chunk({ content: turn.text }));
      (turn.tools ?? []).forEach((t, index) => {
        const args = JSON.stringify(t.input ?? {});
        if (quirks.objectArguments) {
          chunks.push(
            chunk({
              tool_calls: [
                { index, id: t.id ?? `call_${n}_${index}`, type: "function", function: { name: t.name, arguments: t.input ?? {} } },
              ],
            }),
          );
          return;
        }
        chunks.push(
          chunk({
            tool_calls: [
              {
                index,
                id: t.id ?? `call_${n}_${index}`,
                type: "function",
                function: { name: t.name, arguments: args.slice(0, Math.ceil(args.length / 2)) },
              },
            ],
          }),
        );
        chunks.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(Math.ceil(args.length / 2)) } }] }));
      });
      chunks.push(chunk({}, turn.tools?.length && !quirks.stopWithToolCalls ? "tool_calls" : "stop"));
      if (!quirks.noUsage)
        chunks.push({
          id,
          object: "chat.completion.chunk",
          created: 1,
          model: body["model"],
          choices: [],
          usage: {
            prompt_tokens: prompt,
            completion_tokens: 20,
            total_tokens: prompt + 20,
            prompt_tokens_details: { cached_tokens: Math.floor(prompt * 0.8) },
          },
        });
      res.writeHead(200, { "content-type": "text/event-stream" });
      chunks.forEach((c, i) => {
        if (fault?.cutAfterEvents === undefined || i < fault.cutAfterEvents) res.write(`data: ${JSON.stringify(c)}\n\n`);
      });
      if (fault?.cutAfterEvents !== undefined) {
        res.destroy();
        return;
      }
      res.end("data: [DONE]\n\n");
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    faults,
    quirks,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
