import { closeSync, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { isAlive, startTime } from "../sandbox/processes.js";
import { hostname } from "node:os";
import { fsyncDir } from "./files.js";
import { dirname } from "node:path";

/**
 * One runner per mission: the lock is a file created exclusively, holding the runner's pid and host.
 * A lock whose process is gone (a crash, SIGKILL) is taken over at once; a live one is refused.
 *
 * Taking over is a compare-and-swap on the stale file itself: two runners that both found it stale
 * must not both remove "it" (the second would remove the first's fresh lock). So the right to remove
 * a stale lock is a hard link named after that file's inode and holder, made exclusively: one runner
 * gets it, and only while the lock path still names that inode (nothing else can change it then:
 * replacing it takes this very claim).
 */

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** the process's start time (/proc), so a pid reused by another process is not mistaken for the runner */
  start?: string;
}

export class LockHeld extends Error {
  constructor(readonly holder: LockInfo) {
    super(`another runner holds this mission (pid ${holder.pid} on ${holder.host}, since ${holder.started})`);
  }
}

/** Whether the runner a lock names is still running (the same process, not a zombie, not a reused pid). */
export function holderAlive(holder: LockInfo): boolean {
  return holder.host === hostname() ? isAlive(holder.pid, holder.start) : true;
}

/** A lock that cannot be read, older than this, is a runner that died while writing it. */
const UNREADABLE_STALE_MS = 5000;

export function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * The process a lock names as its runner: this one, unless a test harness runs the runner in a
 * thread and names a stand-in process that it kills to play the runner's crash.
 */
export interface RunnerProcess {
  pid: number;
}

export class MissionLock {
  private constructor(
    private readonly path: string,
    private readonly pid: number,
  ) {}

  static acquire(path: string, runner: RunnerProcess = { pid: process.pid }): MissionLock {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const fd = openSync(path, "wx");
        const start = startTime(runner.pid);
        const info: LockInfo = { pid: runner.pid, host: hostname(), started: new Date().toISOString(), ...(start ? { start } : {}) };
        writeSync(fd, JSON.stringify(info));
        fsyncSync(fd);
        closeSync(fd);
        fsyncDir(dirname(path));
        return new MissionLock(path, runner.pid);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const seen = statOf(path);
        if (!seen) continue; // removed meanwhile: try again
        const holder = readLock(path);
        if (holder && holderAlive(holder)) throw new LockHeld(holder);
        // stale (its runner is gone), or empty or garbled and not being written (its runner died writing it)
        if (holder || Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS) removeStale(path, seen);
        else pause(5); // a lock being written this instant: look again
      }
    }
    throw new LockHeld(readLock(path) ?? { pid: 0, host: "unknown", started: "unknown" });
  }

  release(): void {
    try {
      const holder = readLock(this.path);
      if (holder?.pid === this.pid) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

/** A file's identity: its inode, which the kernel hands out again at once, with its change time to the nanosecond. */
interface Identity {
  ino: bigint;
  mtimeNs: bigint;
  mtimeMs: number;
}

function statOf(path: string): Identity | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return { ino: s.ino, mtimeNs: s.mtimeNs, mtimeMs: Number(s.mtimeMs) };
  } catch {
    return undefined;
  }
}

const same = (a: Identity | undefined, b: Identity): boolean => a !== undefined && a.ino === b.ino && a.mtimeNs === b.mtimeNs;

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes the stale lock `seen` was, if this process wins the claim on it; otherwise leaves it to the winner. */
function removeStale(path: string, seen: Identity): void {
  const claim = `${path}.stale-${seen.ino}-${seen.mtimeNs}`;
  try {
    linkSync(path, claim);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return; // the lock went meanwhile
    if (code !== "EEXIST") throw e;
    // another runner holds the claim and is removing it. A claim its maker died holding (a kill in the
    // three calls between link and unlink) would block every start: linked long ago (the link changed
    // the inode's ctime), it goes
    try {
      if (Date.now() - statSync(claim).ctimeMs > UNREADABLE_STALE_MS) unlinkQuietly(claim);
    } catch {
      /* gone */
    }
    pause(5);
    return;
  }
  try {
    // the link names whatever the path named: only the file we judged stale may go (not a fresh lock
    // that was given the same inode number)
    if (same(statOf(claim), seen) && same(statOf(path), seen)) unlinkSync(path);
  } finally {
    unlinkQuietly(claim);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* gone */
  }
}
