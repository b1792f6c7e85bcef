import { AddressRefused, appUrl } from "./loopback.js";
import type { ToolOutcome } from "./tools.js";

/** `http_request`: one HTTP request to the running app; the answer is the status line, headers and body excerpt. */

export interface HttpInput {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

const BODY_CAP = 8000;
const SHOWN_HEADERS = ["content-type", "location", "set-cookie", "content-length"];

export async function httpRequest(input: HttpInput, base: string, timeoutMs = 15_000): Promise<ToolOutcome> {
  let url: URL;
  try {
    url = appUrl(input.url, base);
  } catch (e) {
    if (e instanceof AddressRefused) return { content: `refused: ${e.message}`, isError: true };
    throw e;
  }
  const method = (input.method ?? "GET").toUpperCase();
  const request = `${method} ${url.href}${input.body !== undefined ? `\n${input.body.slice(0, 1000)}` : ""}`;
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      ...(input.headers ? { headers: input.headers } : {}),
      ...(input.body !== undefined && method !== "GET" && method !== "HEAD" ? { body: input.body } : {}),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    return {
      content: `${request}\n→ no response: ${cause === "TimeoutError" ? `timed out after ${timeoutMs / 1000} s` : cause}`,
      isError: false,
    };
  }
  const text = await response.text().catch((e: Error) => `(the body could not be read: ${e.message})`);
  const headers = SHOWN_HEADERS.map((h) => [h, response.headers.get(h)] as const)
    .filter(([, v]) => v !== null)
    .map(([h, v]) => `${h}: ${v}`);
  const body = text.length > BODY_CAP ? `${text.slice(0, BODY_CAP)}\n[body truncated: ${text.length} characters]` : text;
  return {
    content: `${request}\n→ HTTP ${response.status} ${response.statusText} (${Date.now() - started} ms)\n${headers.join("\n")}\n\n${body}`,
    isError: false,
  };
}
