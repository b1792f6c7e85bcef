import { existsSync } from "node:fs";
import { postToInbox } from "../control/inbox.js";
import { readStatus } from "../control/status.js";
import { findMission, TargetError } from "../control/target.js";
import { EXIT, InputError } from "./errors.js";
import { write } from "./output.js";

/** `pause` and `msg`: the mission TARGET names, steered through its inbox. */
async function post(
  target: string | undefined,
  mission: string | undefined,
  item: { kind: "pause" } | { kind: "message"; text: string; interrupt: boolean },
): Promise<string> {
  let layout;
  try {
    layout = await findMission(target, mission);
  } catch (e) {
    if (e instanceof TargetError) throw new InputError(e.message);
    throw e;
  }
  return postToInbox(layout, item);
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
