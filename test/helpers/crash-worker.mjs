// The runner of one crash point (test/helpers/crash.ts), in a worker thread: the built runner
// (dist/) runs the mission offline and stops dead at the point — right after its N-th journal event
// is on disk, or right after its N-th commit is on the mission branch (before the journal knows of
// it). There it reports and blocks until the thread is terminated, so nothing after that point ever
// runs: no `finally`, no pending promise, no timer.
import { appendFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { MissionGit } from "../../dist/runner/git.js";
import { runMission } from "../../dist/runner/run.js";

const job =
  /** @type {{ missionFile: string, point: { after: "append" | "commit", n: number }, requestsLog: string, standIn: number, sandbox: boolean }} */ (
    workerData
  );
if (!parentPort) throw new Error("crash-worker.mjs runs in a worker thread");
const port = parentPort;
const frozen = new Int32Array(new SharedArrayBuffer(4));

/** @param {"append" | "commit"} after @param {number} n */
function reached(after, n) {
  if (after !== job.point.after || n !== job.point.n) return;
  port.postMessage({ crashed: n });
  Atomics.wait(frozen, 0, 0); // until terminated
}

let commits = 0;
/** The real git, with a crash point after each commit: @type {NonNullable<import("../../dist/runner/run.js").RunOptions["workspace"]>} */
const workspace = (layout, branch) => {
  const git = new MissionGit(layout.repo, layout.worktree, branch);
  return {
    prepare: () => git.prepare(),
    head: () => git.head(),
    resetTo: (commit) => git.resetTo(commit),
    findStepCommit: (step, base) => git.findStepCommit(step, base),
    diff: (from, to) => git.diff(from, to),
    commit: async (message, step, date) => {
      const made = await git.commit(message, step, date);
      if (made) reached("commit", ++commits);
      return made;
    },
  };
};

const outcome = await runMission({
  missionFile: job.missionFile,
  offline: true,
  ...(job.sandbox ? {} : { sandbox: false }),
  progress: () => {},
  runner: { pid: job.standIn },
  workspace,
  afterAppend: (e) => reached("append", e.seq),
  onModelRequest: (run, turn) => appendFileSync(job.requestsLog, `${run}\t${turn}\n`),
});
port.postMessage({ finished: outcome.status });
