import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readStatus } from "../control/status.js";
import { findMission, TargetError } from "../control/target.js";
import { writeDurable } from "../runner/files.js";
import { holderAlive, readLock } from "../runner/lock.js";
import { holdsOpen, isMissionRunner } from "../runner/processes.js";
import { hostname } from "node:os";
import { EXIT, InputError } from "./errors.js";
import { write } from "./output.js";

/** `pause` and `msg`: a file in the mission's inbox (atomic rename), and a signal to its runner. */
async function post(target: string | undefined, mission: string | undefined, item: Record<string, unknown>): Promise<string> {
  let layout;
  try {
    layout = await findMission(target, mission);
  } catch (e) {
    if (e instanceof TargetError) throw new InputError(e.message);
    throw e;
  }
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

export async function pauseCommand(target: string | undefined, options: { mission?: string }): Promise<number> {
  write(`pause requested: ${await post(target, options.mission, { kind: "pause" })}\n`);
  return EXIT.ok;
}

export async function msgCommand(
  text: string,
  target: string | undefined,
  options: { mission?: string; interrupt?: boolean },
): Promise<number> {
  if (text.trim() === "") throw new InputError("the message is empty");
  let layout;
  try {
    layout = await findMission(target, options.mission);
  } catch (e) {
    if (e instanceof TargetError) throw new InputError(e.message);
    throw e;
  }
  if (existsSync(layout.plan) && readStatus(layout).state === "done")
    throw new InputError("the mission is done: no orchestrator is left to answer a message");
  write(`message posted: ${await post(target, options.mission, { kind: "message", text, interrupt: options.interrupt === true })}\n`);
  return EXIT.ok;
}
