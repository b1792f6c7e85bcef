import { loadJournal } from "../runner/journal.js";
import type { Layout } from "../runner/layout.js";
import { summarize } from "../runner/event-summary.js";
import { readdirSync, statSync } from "node:fs";
import { holderAlive, readLock } from "../runner/lock.js";
import { readStatus, renderStatus, type Status } from "./status.js";

/**
 * `missionc watch`: status, redrawn live. On a terminal the frame is drawn in place — cursor home,
 * each line overwritten and cleared to its end, the rest of the screen cleared once — so nothing is
 * blanked between frames and nothing flickers. When stdout is not a terminal, each new journal event
 * is one plain line, so the output can be piped, logged or compared. Either way, watching ends when
 * no runner holds the mission (done, paused, stopped), after the last frame or line.
 */

export interface Screen {
  isTTY: boolean;
  columns: number;
  rows: number;
  write(text: string): void;
}

export interface WatchOptions {
  intervalMs: number;
  /** set to stop watching (SIGINT) */
  stop?: { requested: boolean };
  now?: () => Date;
}

const HIDE = "\x1b[?25l",
  SHOW = "\x1b[?25h",
  HOME = "\x1b[H",
  CLEAR_LINE = "\x1b[K",
  CLEAR_BELOW = "\x1b[J";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The status is folded from the whole journal, which costs time on a long mission (0.6 s at 100,000
 * events): it is read again only when the journal has grown or a runner came or went.
 */
export class StatusCache {
  private key = "";
  private st: Status | undefined;

  constructor(private readonly layout: Layout) {}

  get(): Status {
    let size = -1;
    try {
      size = statSync(this.layout.journal).size;
    } catch {
      /* not started */
    }
    const lock = readLock(this.layout.lock);
    let inbox = 0;
    try {
      inbox = readdirSync(this.layout.inbox).length;
    } catch {
      /* none yet */
    }
    const key = `${size}:${inbox}:${lock !== undefined && holderAlive(lock) ? lock.pid : "-"}`;
    if (key !== this.key || !this.st) {
      this.st = readStatus(this.layout);
      this.key = key;
    }
    return this.st;
  }
}

/** One frame for a terminal of this size: status lines cut to the width, and to the height less the footer. */
export function frame(status: StatusCache, screen: Pick<Screen, "columns" | "rows">, now: Date): { text: string; running: boolean } {
  const st = status.get();
  const lines = renderStatus(st).trimEnd().split("\n");
  const room = Math.max(1, screen.rows - 2);
  const shown =
    lines.length > room ? [...lines.slice(0, room - 1), `… ${lines.length - room + 1} more lines (make the terminal taller)`] : lines;
  const footer = `watching ${st.mission} · ${now.toISOString().slice(11, 19)} UTC · ${st.state === "running" ? "^C leaves the watch; the mission runs on" : "no runner holds the mission: watch ends"}`;
  const cut = (l: string): string => (l.length > screen.columns ? `${l.slice(0, Math.max(0, screen.columns - 1))}…` : l);
  return { text: [...shown, "", footer].map(cut).join("\n"), running: st.state === "running" };
}

async function live(layout: Layout, screen: Screen, o: WatchOptions): Promise<void> {
  screen.write(HIDE + HOME + "\x1b[2J"); // the screen is cleared once, at the start
  let previous = "";
  const status = new StatusCache(layout);
  try {
    for (;;) {
      const f = frame(status, screen, (o.now ?? (() => new Date()))());
      if (f.text !== previous) {
        screen.write(
          HOME +
            f.text
              .split("\n")
              .map((l) => l + CLEAR_LINE)
              .join("\n") +
            CLEAR_BELOW,
        );
        previous = f.text;
      }
      if (!f.running || o.stop?.requested) return;
      await sleep(o.intervalMs);
    }
  } finally {
    screen.write(`\n${SHOW}`);
  }
}

async function plain(layout: Layout, screen: Screen, o: WatchOptions): Promise<void> {
  let seen = 0;
  const status = new StatusCache(layout);
  screen.write(`watching mission ${status.get().mission}\n`);
  for (;;) {
    const st = status.get(); // read before the events, so an event written meanwhile is not missed at the end
    const { events } = loadJournal(layout.journal, { readOnly: true });
    for (const e of events.slice(seen)) screen.write(`#${e.seq} ${e.type}${summarize(e) ? ` ${summarize(e)}` : ""}\n`);
    seen = events.length;
    if (st.state !== "running" || o.stop?.requested) {
      screen.write(
        `mission ${st.mission}: ${st.state.replace("_", " ")}${st.paused_reason ? ` (${st.paused_reason})` : ""} · ${st.features.done}/${st.features.total} features done · ${events.length} events\n`,
      );
      return;
    }
    await sleep(o.intervalMs);
  }
}

export function watchMission(layout: Layout, screen: Screen, o: WatchOptions): Promise<void> {
  return screen.isTTY ? live(layout, screen, o) : plain(layout, screen, o);
}
