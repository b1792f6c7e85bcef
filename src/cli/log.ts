import { renderLog } from "../control/log.js";
import { findMission, TargetError } from "../control/target.js";
import { JournalCorrupt } from "../runner/journal.js";
import { EXIT, InputError } from "./errors.js";
import { write } from "./output.js";

export async function logCommand(target: string | undefined, options: { mission?: string }): Promise<number> {
  try {
    write(renderLog(await findMission(target, options.mission)));
  } catch (e) {
    if (e instanceof TargetError || e instanceof JournalCorrupt || (e instanceof Error && e.message.startsWith("no mission state")))
      throw new InputError(e.message);
    throw e;
  }
  return EXIT.ok;
}
