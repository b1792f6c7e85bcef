import { findMission, TargetError } from "../control/target.js";
import { watchMission } from "../control/watch.js";
import { JournalCorrupt } from "../runner/journal.js";
import { EXIT, InputError } from "./errors.js";

export async function watchCommand(target: string | undefined, options: { mission?: string; interval?: string }): Promise<number> {
  let layout;
  try {
    layout = await findMission(target, options.mission);
  } catch (e) {
    if (e instanceof TargetError) throw new InputError(e.message);
    throw e;
  }
  const seconds = options.interval === undefined ? 1 : Number(options.interval);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InputError(`--interval must be a positive number of seconds, not \`${options.interval}\``);
  const stop = { requested: false };
  const onInt = (): void => {
    stop.requested = true;
  };
  process.on("SIGINT", onInt);
  const out = process.stdout;
  try {
    await watchMission(
      layout,
      {
        isTTY: out.isTTY,
        columns: out.columns || 100,
        rows: out.rows || 40,
        write: (t) => {
          out.write(t);
        },
      },
      { intervalMs: seconds * 1000, stop },
    );
  } catch (e) {
    if (e instanceof JournalCorrupt || (e instanceof Error && e.message.startsWith("no mission state"))) throw new InputError(e.message);
    throw e;
  } finally {
    process.off("SIGINT", onInt);
  }
  return EXIT.ok;
}
