import type { AnyEvent, EventData } from "./events.js";
import type { JournalEvent } from "./journal.js";

/**
 * `missionc run --notify-env NAME`: the runner posts a notice to a webhook (a Slack incoming webhook,
 * or anything that takes its JSON) when a milestone's validation round ends, when the mission pauses
 * and when it is complete. The runner never waits on the receiver: notices go out one after another
 * from a queue of their own while the work goes on, each attempt journaled (`notified`) by the
 * runner, the journal's only writer. A receiver that fails is tried again after 0.5, 1, 2, 4 and 8
 * seconds; then the notice is given up. When the work is over the runner gives the deliveries still
 * under way a few seconds more (DRAIN_MS) before it leaves; a notice it could not finish, like one a
 * crash cut short, has no final outcome in the journal and the next `run` with notices sends it.
 * The URL is a secret (it carries the token): it is read from the environment, given to the
 * redactor, kept from the agents' commands, and never journaled.
 */

export interface Notice {
  /** the seq of the event it is about */
  about: number;
  text: string;
  missionc: { mission: string; event: string; at: string } & Record<string, unknown>;
}

/** The events worth a notice, as the receiver gets them. */
export function noticeOf(mission: string, event: JournalEvent): Notice | undefined {
  const e = event as AnyEvent;
  const base = { mission, event: e.type, at: e.at };
  switch (e.type) {
    case "validation_finished": {
      const failing = [...e.data.failing, ...(e.data.failing_procedures ?? []).map((p) => `procedure ${p}`)];
      return {
        about: e.seq,
        text: e.data.passed
          ? `✅ ${mission}: milestone ${e.data.milestone} passed validation (round ${e.data.round})`
          : `❌ ${mission}: milestone ${e.data.milestone} did not pass validation round ${e.data.round}: ${failing.join(", ")}`,
        missionc: { ...base, milestone: e.data.milestone, round: e.data.round, passed: e.data.passed, failing },
      };
    }
    case "paused":
      return {
        about: e.seq,
        text: `⏸ ${mission} paused: ${e.data.reason}`,
        missionc: { ...base, reason: e.data.reason, kind: e.data.kind },
      };
    case "mission_completed":
      return { about: e.seq, text: `🏁 ${mission} is complete`, missionc: base };
    default:
      return undefined;
  }
}

/**
 * The notices a journal still owes: those about events since the last session that sent notices,
 * with no final outcome (delivered or given up) journaled.
 */
export function owedNotices(mission: string, events: readonly JournalEvent[]): Notice[] {
  let since = -1;
  events.forEach((e, i) => {
    if (e.type === "run_started" && (e.data as EventData["run_started"]).notify) since = i;
  });
  if (since < 0) return [];
  const settled = new Set<number>();
  for (const e of events.slice(since)) {
    const d = e.data as EventData["notified"];
    if (e.type === "notified" && d.outcome !== "failed") settled.add(d.about);
  }
  return events
    .slice(since)
    .map((e) => noticeOf(mission, e))
    .filter((n): n is Notice => n !== undefined && !settled.has(n.about));
}

export interface NotifierOptions {
  url: string;
  /** where each attempt is journaled */
  record: (data: EventData["notified"]) => void;
  /** the waits before the 2nd, 3rd… attempts */
  delaysMs?: readonly number[];
  /** how long one attempt may take */
  timeoutMs?: number;
}

const DELAYS_MS = [500, 1000, 2000, 4000, 8000];
/** how long the runner, its work done, waits for deliveries still under way */
export const DRAIN_MS = 5000;

export class Notifier {
  private readonly queue: Notice[] = [];
  private working: Promise<void> | undefined;
  private stopped = false;
  private readonly stop = new AbortController();

  constructor(private readonly o: NotifierOptions) {}

  /** Queues a notice; returns at once. */
  send(notice: Notice): void {
    if (this.stopped) return;
    this.queue.push(notice);
    this.working ??= this.work().finally(() => (this.working = undefined));
  }

  /**
   * The work is over: deliveries under way get up to `ms` more, then nothing more is sent or
   * journaled. Returns how many notices are still owed (the next run with notices sends them).
   */
  async drain(ms = DRAIN_MS): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    if (this.working)
      await Promise.race([this.working, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
        clearTimeout(timer),
      );
    this.stopped = true;
    this.stop.abort();
    return this.queue.length;
  }

  private async work(): Promise<void> {
    await Promise.resolve(); // never a journal write inside the caller's own append
    while (this.queue.length && !this.stopped) {
      await this.deliver(this.queue[0]);
      this.queue.shift();
    }
  }

  private async deliver(n: Notice): Promise<void> {
    const delays = this.o.delaysMs ?? DELAYS_MS;
    for (let attempt = 1; ; attempt++) {
      const tried = await this.post(n);
      if (this.stopped) return; // the journal is closing: the notice stays owed
      const last = attempt > delays.length;
      const outcome = tried.ok ? "delivered" : last ? "gave_up" : "failed";
      this.o.record({
        about: n.about,
        attempt,
        outcome,
        ...(tried.status !== undefined ? { status: tried.status } : {}),
        ...(tried.reason ? { reason: tried.reason } : {}),
      });
      if (outcome !== "failed") return;
      await this.pause(delays[attempt - 1]);
      if (this.stopped) return;
    }
  }

  private async post(n: Notice): Promise<{ ok: boolean; status?: number; reason?: string }> {
    try {
      const res = await fetch(this.o.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: n.text, missionc: { ...n.missionc, seq: n.about } }),
        signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.o.timeoutMs ?? 10_000)]),
        redirect: "error",
      });
      await res.arrayBuffer().catch(() => undefined);
      return { ok: res.ok, status: res.status };
    } catch (e) {
      // never the error's text: fetch puts the URL in some of its messages
      const code = (e as { cause?: { code?: string } }).cause?.code;
      return {
        ok: false,
        reason: (e as Error).name === "TimeoutError" ? "no answer in time" : code ? `not reached (${code})` : "not reached",
      };
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stop.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** The webhook's URL from the variable `--notify-env` names; a problem never shows the value. */
export function webhookOf(name: string): string | { exit: 2; status: "usage"; message: string } {
  const value = process.env[name];
  if (!value) return { exit: 2, status: "usage", message: `--notify-env ${name}: the variable is not set (it holds the webhook's URL)` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { exit: 2, status: "usage", message: `--notify-env ${name}: the variable does not hold a URL` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { exit: 2, status: "usage", message: `--notify-env ${name}: the webhook's URL must be http or https` };
  return value;
}
