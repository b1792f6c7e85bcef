// The runner of one crash point (test/helpers/crash.ts), in a worker thread: the built runner
// (dist/) runs the mission offline and, right after its `crashAt`-th journal event is on disk,
// reports it and blocks in that instant until the thread is terminated, so nothing after that
// append ever runs: no `finally`, no pending promise, no timer.
import { appendFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { runMission } from "../../dist/runner/run.js";

/** @type {{ missionFile: string, crashAt: number, requestsLog: string, standIn: number }} */
const job = workerData;
const port = parentPort;
if (!port) throw new Error("crash-worker.mjs runs in a worker thread");
const frozen = new Int32Array(new SharedArrayBuffer(4));

const outcome = await runMission({
  missionFile: job.missionFile,
  offline: true,
  progress: () => {},
  runner: { pid: job.standIn },
  afterAppend: (e) => {
    if (e.seq !== job.crashAt) return;
    port.postMessage({ crashed: e.seq });
    Atomics.wait(frozen, 0, 0); // until terminated
  },
  onModelRequest: (run, turn) => appendFileSync(job.requestsLog, `${run}\t${turn}\n`),
});
port.postMessage({ finished: outcome.status });
