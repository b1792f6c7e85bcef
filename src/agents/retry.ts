import { ProviderError } from "./provider.js";

/**
 * One retry policy, owned by the runner (the SDKs' own retries are off): transient failures (429,
 * 408, 409, 5xx, overloaded, connection errors, time-outs, a stream that ended early) are retried
 * with capped exponential backoff, honouring retry-after up to the cap; the wait ends at once on
 * abort. When the attempts are spent the error says why, and the mission pauses. A provider that
 * asks for a longer wait than the cap is not asked again: the mission pauses at once, saying when
 * the provider will take requests again.
 */

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  /** the longest single wait, whatever retry-after says */
  capMs: number;
}

export function defaultPolicy(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  return {
    attempts: Number(env["MISSIONC_RETRY_ATTEMPTS"] ?? 4),
    baseMs: Number(env["MISSIONC_RETRY_BASE_MS"] ?? 1000),
    capMs: Number(env["MISSIONC_RETRY_CAP_MS"] ?? 60_000),
  };
}

export interface Failure {
  transient: boolean;
  status?: number;
  retryAfterMs?: number;
  message: string;
}

/** What a provider error means for retrying. */
export function classify(e: unknown): Failure {
  const err = e as { status?: number; headers?: Headers | Record<string, string>; message?: string; name?: string; cause?: unknown };
  const message = err?.message ?? String(e);
  if (e instanceof ProviderError) return { transient: false, message };
  if (err?.name === "AbortError" || (/aborted/i.test(message) && !err?.status)) return { transient: false, message: "interrupted" };
  const status = typeof err?.status === "number" ? err.status : undefined;
  const header = (name: string): string | undefined => {
    const h = err?.headers;
    if (!h) return undefined;
    return typeof (h as Headers).get === "function" ? ((h as Headers).get(name) ?? undefined) : (h as Record<string, string>)[name];
  };
  let retryAfterMs: number | undefined;
  const ms = Number(header("retry-after-ms"));
  const s = header("retry-after");
  if (Number.isFinite(ms) && ms > 0) retryAfterMs = ms;
  else if (s !== undefined) {
    const secs = Number(s);
    retryAfterMs = Number.isFinite(secs) ? secs * 1000 : Math.max(0, Date.parse(s) - Date.now());
  }
  if (status !== undefined) {
    const transient = status === 408 || status === 409 || status === 429 || status >= 500;
    return { transient, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), message };
  }
  // no status: a connection error, a time-out, or a stream cut short; all worth another try
  return { transient: true, message };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ProviderError("interrupted while waiting to retry"));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ProviderError("interrupted while waiting to retry"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export async function withRetries<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (attempt: number, failure: Failure, delayMs: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const failure = classify(e);
      if (!failure.transient) throw e instanceof ProviderError ? e : new ProviderError(`the provider refused: ${failure.message}`);
      if (attempt >= policy.attempts)
        throw new ProviderError(
          `the provider failed ${attempt} times; last: ${failure.status ? `HTTP ${failure.status} ` : ""}${failure.message}`,
        );
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.capMs) {
        const until = new Date(Date.now() + failure.retryAfterMs);
        throw new ProviderError(
          `the provider asks for a wait of ${waitText(failure.retryAfterMs)} (retry-after${failure.status ? `, HTTP ${failure.status}` : ""}), longer than the runner waits (${waitText(policy.capMs)}): run again after ${until.toISOString().replace(/\.\d+Z$/, "Z")}`,
        );
      }
      const backoff = policy.baseMs * 2 ** (attempt - 1);
      const delay = Math.min(policy.capMs, failure.retryAfterMs ?? backoff);
      onRetry(attempt, failure, delay);
      await sleep(delay, signal);
    }
  }
}

function waitText(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.ceil(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
