import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
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
}

export class LockHeld extends Error {
  constructor(readonly holder: LockInfo) {
    super(`another runner holds this mission (pid ${holder.pid} on ${holder.host}, since ${holder.started})`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

export class MissionLock {
  private constructor(private readonly path: string) {}

  static acquire(path: string): MissionLock {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, "wx");
        const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
        writeSync(fd, JSON.stringify(info));
        closeSync(fd);
        fsyncDir(dirname(path));
        return new MissionLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const holder = readLock(path);
        if (holder && holder.host === hostname() && !alive(holder.pid)) {
          unlinkSync(path); // stale: its runner is gone
          continue;
        }
        if (holder) throw new LockHeld(holder);
        // a lock being written this instant, or unreadable: look again
      }
    }
    throw new LockHeld(readLock(path) ?? { pid: 0, host: "unknown", started: "unknown" });
  }

  release(): void {
    try {
      const holder = readLock(this.path);
      if (holder?.pid === process.pid) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
