import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeDurable } from "../runner/files.js";
import type { Layout } from "../runner/layout.js";
import { holderAlive, readLock } from "../runner/lock.js";
import { holdsOpen, isMissionRunner } from "../sandbox/processes.js";

/**
 * Steering a mission: a file in its inbox (written durably, by an atomic rename) and a signal to its
 * runner, which reads the inbox at its next turn and journals what it does. `missionc pause`, `msg`
 * and `serve`'s page all come through here. Returns what will happen, for the person.
 */
export function postToInbox(layout: Layout, item: { kind: "pause" } | { kind: "message"; text: string; interrupt: boolean }): string {
  const id = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  writeDurable(join(layout.inbox, `${id}.json`), JSON.stringify({ id, ...item }));
  const lock = readLock(layout.lock);
  let note = "the mission is not running; it will be read when `missionc run` resumes it";
  // the lock is a file an agent run with --no-sandbox could write: only a process that has this
  // mission's journal open is its runner, whatever the lock says (a signal to another would kill it)
  if (lock && holderAlive(lock) && lock.host === hostname() && holdsOpen(lock.pid, layout.journal) && isMissionRunner(lock.pid)) {
    try {
      process.kill(lock.pid, "SIGUSR2");
      note = `runner ${lock.pid} will act at its next turn`;
    } catch {
      /* not running */
    }
  }
  return note;
}
