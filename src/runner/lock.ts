import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { isAlive, startTime } from "./processes.js";
import { hostname } from "node:os";
import { fsyncDir } from "./files.js";
import { dirname } from "node:path";

/**
 * One runner per mission: the lock is a file created exclusively, holding the runner's pid and host.
 * A lock whose process is gone (a crash, SIGKILL) is taken over at once; a live one is refused.
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
    for (let attempt = 0; attempt < 3; attempt++) {
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
        const holder = readLock(path);
        if (holder && !holderAlive(holder)) {
          unlinkSync(path); // stale: its runner is gone
          continue;
        }
        if (holder) throw new LockHeld(holder);
        if (Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS) {
          unlinkSync(path); // empty or garbled, and not being written: its runner died writing it
          continue;
        }
        // a lock being written this instant: look again
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
