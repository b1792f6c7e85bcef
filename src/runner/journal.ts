import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { StateDamaged, fsyncDir } from "./files.js";
import { checkEvent } from "./event-schema.js";
import type { Event, EventData, EventType } from "./events.js";

/** Set (by the test suite) to check every event against specs/journal.schema.json as it is written. */
const CHECKED = process.env["MISSIONC_CHECK_JOURNAL"] === "1";
import type { Redactor } from "./redact.js";

/**
 * The mission's journal: one JSON event a line, appended and fsynced before the runner acts on it.
 * Each event carries the hash of the one before, so an edited or damaged line is found on load.
 * A torn last line (a crash mid-write) is dropped; damage anywhere earlier stops the runner.
 */

export interface JournalEvent<D = Record<string, unknown>> {
  seq: number;
  type: string;
  at: string;
  data: D;
  prev: string;
  hash: string;
}

export class JournalCorrupt extends StateDamaged {}

const GENESIS = "0".repeat(64);

function hashOf(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}

export interface LoadedJournal {
  events: JournalEvent[];
  /** bytes of a torn last line that were dropped */
  droppedBytes: number;
}

/** Reads and verifies a journal, truncating a torn last line (readers that do not hold the lock leave it be). */
export function loadJournal(path: string, options: { readOnly?: boolean } = {}): LoadedJournal {
  if (!existsSync(path)) return { events: [], droppedBytes: 0 };
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  const droppedBytes = Buffer.byteLength(text.slice(end));
  if (droppedBytes > 0 && !options.readOnly) {
    const fd = openSync(path, "r+");
    try {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  const { events } = parseLines(text.slice(0, end), 0, GENESIS);
  return { events, droppedBytes };
}

/** A whole journal's text (the fleet keeps its lines in a database), checked as a file is. */
export function journalFromText(text: string): JournalEvent[] {
  return parseLines(text, 0, GENESIS).events;
}

/** The events of whole lines, each checked against the hash chain from (`seq`, `prev`). */
function parseLines(text: string, seq: number, prev: string): { events: JournalEvent[]; prev: string } {
  const events: JournalEvent[] = [];
  let start = 0;
  let line = seq;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const raw = text.slice(start, nl);
    start = nl + 1;
    line++;
    let e: JournalEvent;
    try {
      e = JSON.parse(raw) as JournalEvent;
    } catch {
      throw new JournalCorrupt(`the journal is damaged at line ${line}: not JSON`);
    }
    if (typeof e !== "object" || e === null || Array.isArray(e))
      throw new JournalCorrupt(`the journal is damaged at line ${line}: not an event`);
    // the hash covers the line as written without its last member (`"hash"`): no need to serialise it again
    const cut = raw.lastIndexOf(',"hash":"');
    const hash = e.hash;
    if (e.seq !== line || e.prev !== prev || cut < 0 || hash !== hashOf(`${raw.slice(0, cut)}}`)) {
      throw new JournalCorrupt(`the journal is damaged at line ${line} (event ${e.seq ?? "?"}): its hash chain does not hold`);
    }
    prev = hash;
    events.push(e);
  }
  return { events, prev };
}

/**
 * A reader that follows a journal another process is writing: each `next()` reads only what was
 * appended since, checks it against the chain so far, and leaves a line still being written for later.
 */
export class JournalTail {
  private offset = 0;
  private seq = 0;
  private prev = GENESIS;

  constructor(readonly path: string) {}

  next(): JournalEvent[] {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return []; // not written yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a, read - 1) + 1;
      if (end === 0) return [];
      const { events, prev } = parseLines(buffer.toString("utf8", 0, end), this.seq, this.prev);
      this.offset += end;
      this.seq += events.length;
      this.prev = prev;
      return events;
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * A second backend the journal writes each event to, before the file: the fleet's database
 * (fleet/journal-store.ts). It must be durable when it returns; it throws to refuse (another writer).
 */
export type JournalSink = (event: JournalEvent, line: string) => void;

export interface JournalOptions {
  now?: () => Date;
  sink?: JournalSink;
  /** called once an event is on disk; a crash harness stops the runner here, at every point in turn */
  afterAppend?: (event: JournalEvent) => void;
}

export class Journal {
  private fd: number;
  private seq: number;
  private prev: string;
  private readonly now: () => Date;
  private readonly afterAppend: ((event: JournalEvent) => void) | undefined;
  private readonly sink: JournalSink | undefined;

  constructor(
    readonly path: string,
    existing: JournalEvent[],
    private readonly redactor: Redactor,
    options: JournalOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    const created = !existsSync(path);
    this.fd = openSync(path, "a");
    if (created) fsyncDir(dirname(path));
    const last = existing[existing.length - 1];
    this.seq = last?.seq ?? 0;
    this.prev = last?.hash ?? GENESIS;
    this.now = options.now ?? (() => new Date());
    this.afterAppend = options.afterAppend;
    this.sink = options.sink;
  }

  /**
   * Appends an event. `durable: false` is for events nothing is done on the strength of (timings):
   * they reach the disk with the next durable append — the same descriptor's fdatasync flushes
   * every write before it — and a killed process loses nothing written, only a machine crash can.
   */
  append<K extends EventType>(type: K, data: EventData[K], options: { durable?: boolean } = {}): Event<K> {
    const safe = JSON.parse(this.redactor.redactValues(JSON.stringify(data))) as EventData[K];
    const body = { seq: this.seq + 1, type, at: this.now().toISOString(), data: safe, prev: this.prev };
    const hash = hashOf(JSON.stringify(body));
    const event: Event<K> = { ...body, hash };
    if (CHECKED) checkEvent(event);
    const line = JSON.stringify(event);
    this.sink?.(event, line);
    writeSync(this.fd, `${line}\n`);
    if (options.durable !== false) fdatasyncSync(this.fd); // the data and the file's new length; an append needs no other metadata
    this.seq = event.seq;
    this.prev = hash;
    this.afterAppend?.(event);
    return event;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
