import { bwrapPath } from "./sandbox.js";
import { spawn } from "node:child_process";
import { appendFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { runMission, type RunOutcome } from "../../src/runner/run.js";
import { ROOT } from "./cases.js";

/**
 * A light crash harness: the runner runs in a worker thread (crash-worker.mjs, on the built runner)
 * and is stopped dead at a point — right after its N-th journal event is on disk, or right after its
 * N-th commit is on the branch, before the journal knows of it — the thread blocks in that instant
 * and is terminated, so no `finally`, no pending promise, no timer of the crashed runner
 * ever runs again. What a real crash
 * leaves behind is left behind: the state folder as it was, the children it had started (still
 * running, in their own process groups), and a lock naming a runner process that is gone. For the
 * lock, the thread's runner names a stand-in process (a `sleep`), killed at the crash: a thread has
 * no pid of its own, and the test process that hosts it stays alive.
 *
 * A crash point costs a thread start and part of a run instead of a whole CLI process per run.
 */

/** Where the runner is stopped: after its n-th journal append, or after its n-th commit. */
export interface CrashPoint {
  after: "append" | "commit";
  n: number;
}

let builtChecked: true | undefined;

export interface Crash {
  /** the point's n if the runner was stopped there, undefined if it finished first */
  crashedAt: number | undefined;
  finished: string | undefined;
}

/**
 * The thread runs the built runner (dist/), the rest of a test the sources: a build older than a
 * source would test old code against new, so it is refused (`npm test` builds first).
 */
function builtIsCurrent(): void {
  const built = statSync(join(ROOT, "dist/runner/run.js"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newer = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .filter((f) => statSync(join(ROOT, "src", f)).mtimeMs > built);
  if (newer.length) throw new Error(`dist/ is older than src/${newer[0]}: run \`npm run build\` first (npm test does)`);
}

/** Runs the mission in a thread until the point, then kills it there. */
export async function crashAt(missionFile: string, point: CrashPoint, requestsLog: string): Promise<Crash> {
  builtChecked ??= (builtIsCurrent(), true);
  const standIn = spawn("sleep", ["600"], { stdio: "ignore" });
  const standInGone = new Promise((r) => standIn.once("exit", r));
  const worker = new Worker(join(ROOT, "test/helpers/crash-worker.mjs"), {
    stdout: true,
    stderr: true,
    workerData: { missionFile, point, requestsLog, standIn: standIn.pid, sandbox: bwrapPath !== undefined },
  });
  try {
    const message = await new Promise<{ crashed?: number; finished?: string }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the runner's thread ended (${code}) before crashing or finishing`)));
    });
    return { crashedAt: message.crashed, finished: message.finished };
  } finally {
    await worker.terminate();
    standIn.kill("SIGKILL");
    await standInGone;
  }
}

/** A fresh runner in this process over the same state folder, to the end. */
export function resume(missionFile: string, requestsLog: string): Promise<RunOutcome> {
  return runMission({
    missionFile,
    offline: true,
    ...(bwrapPath ? {} : { sandbox: false }),
    progress: () => {},
    onModelRequest: (run, turn) => appendFileSync(requestsLog, `${run}\t${turn}\n`),
  });
}
