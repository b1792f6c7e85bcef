import { findMission, TargetError } from "../control/target.js";
import { readStatus, renderStatus } from "../control/status.js";
import { EXIT, InputError } from "./errors.js";
import { write } from "./output.js";

export async function statusCommand(target: string | undefined, options: { json?: boolean; mission?: string }): Promise<number> {
  let layout;
  try {
    layout = await findMission(target, options.mission);
  } catch (e) {
    if (e instanceof TargetError) throw new InputError(e.message);
    throw e;
  }
  let st;
  try {
    st = readStatus(layout);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  write(options.json ? `${JSON.stringify(st, null, 2)}\n` : renderStatus(st));
  return EXIT.ok;
}
