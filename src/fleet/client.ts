import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { DBOS, DBOSClient } from "@dbos-inc/dbos-sdk";
import { statusOf, type Status } from "../control/status.js";
import { planFromMission } from "../plan/load.js";
import type { Plan } from "../plan/types.js";
import { simpleGit } from "simple-git";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { COMPLETION, repositoryRoot } from "../runner/git.js";
import { journalFromText } from "../runner/journal.js";
import { defaultScriptPath, layoutOf } from "../runner/layout.js";
import { fold } from "../runner/state.js";
import { nodeHost } from "../syntax/host.js";
import { APP, APP_VERSION, QUEUE, WORKFLOW } from "./engine.js";
import { FleetStore, type FleetMission, type InboxItem } from "./store.js";

/**
 * What `missionc fleet submit | status | msg | pause | resume` do, against the fleet's database:
 * a pure client of the engine (it enqueues; it never runs a mission).
 */

export class FleetProblem extends Error {}

/** `submit` of a mission file with errors: its diagnostics, for the CLI to show as `check` does. */
export class MissionHasErrors extends FleetProblem {
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
    readonly sources: Map<string, string>,
  ) {
    super(message);
  }
}

async function withFleet<T>(db: string, work: (store: FleetStore, client: DBOSClient) => Promise<T>): Promise<T> {
  const store = new FleetStore(db, 2);
  const client = await DBOSClient.create({ systemDatabaseUrl: db, applicationName: APP, systemDatabasePoolSize: 2, logger: quiet });
  try {
    return await work(store, client);
  } finally {
    await client.destroy();
    await store.close();
  }
}

/** DBOS announces its migrations with console.log: `submit`'s output is the mission's id alone. */
async function onStderr<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

const quiet = { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined };

const enqueue = (client: DBOSClient, id: string, run: number) =>
  client.enqueue({ workflowName: WORKFLOW, queueName: QUEUE, workflowID: `${id}#${run}`, appVersion: APP_VERSION }, id);

/**
 * Puts a mission on the queue. FILE is a mission file in a checkout of the repository at GIT_URL:
 * it is checked here, and the workers run the copy committed there (its path in the repository).
 */
export async function submit(db: string, file: string, repoUrl: string, offline: boolean): Promise<{ id: string; name: string }> {
  const loaded = planFromMission(file, nodeHost());
  if (!loaded.ok) {
    if (loaded.diagnostics?.length)
      throw new MissionHasErrors(loaded.reason, loaded.diagnostics, loaded.sources ?? new Map<string, string>());
    throw new FleetProblem(loaded.reason);
  }
  let root: string;
  try {
    root = await repositoryRoot(dirname(resolve(file)));
  } catch (e) {
    throw new FleetProblem(`${file} is not in a git repository: the workers find it by its path in ${repoUrl} (${(e as Error).message})`);
  }
  const plan = loaded.plan;
  const folder = dirname(resolve(file));
  const reads = [
    ...(loaded.checked ? [...loaded.checked.program.files.keys()] : [resolve(file)]),
    ...Object.values(plan.skills).map((k) => resolve(folder, k.path)),
    ...(offline ? [defaultScriptPath(file)] : []),
  ].map((f) => relative(root, f));
  await runnableFrom(root, [...new Set(reads)], repoUrl, offline ? relative(root, defaultScriptPath(file)) : undefined);
  const name = loaded.plan.mission.name;
  const id = `${name}-${randomBytes(3).toString("hex")}`;
  return withFleet(db, async (store, client) => {
    await store.prepare(() => onStderr(() => DBOS.migrate(db)));
    // one mission of a name a repository: both would work on the branch mission/<name>
    const taken = (await store.missions()).find((m) => m.name === name && m.repo_url === repoUrl);
    if (taken)
      throw new FleetProblem(
        `${taken.id} is the mission \`${name}\` of ${repoUrl} already (its branch is ${loaded.plan.mission.branch}); give this one another name or branch`,
      );
    if (!(await store.addMission({ id, name, repo_url: repoUrl, mission_path: relative(root, resolve(file)), offline })))
      throw new FleetProblem(`a mission \`${name}\` of ${repoUrl} was submitted at the same moment; give this one another name or branch`);
    await enqueue(client, id, 1);
    return { id, name };
  });
}

/**
 * What a worker will need, looked at before anything is queued (a queued mission a worker cannot
 * run fails there, out of the person's sight): the repository answers at GIT_URL, and every file
 * the mission reads — the mission file, its includes and skills, the script when offline — is at
 * the tip of its default branch (what a worker's clone checks out) exactly as it is here.
 */
async function runnableFrom(root: string, files: string[], repoUrl: string, script?: string): Promise<void> {
  const git = simpleGit({ baseDir: root, completion: COMPLETION });
  let tip: string;
  try {
    tip = (await git.raw(["ls-remote", repoUrl, "HEAD"])).trim().split(/\s/)[0] ?? "";
  } catch (e) {
    const lines = (e as Error).message.trim().split("\n").filter(Boolean);
    const why = lines.find((l) => l.startsWith("fatal:")) ?? lines[0] ?? "";
    throw new FleetProblem(`the repository ${repoUrl} does not answer from here (${why}); the workers clone it from there`);
  }
  if (!tip) throw new FleetProblem(`the repository ${repoUrl} has no default branch to clone`);
  const known = await git
    .raw(["cat-file", "-e", `${tip}^{commit}`])
    .then(() => true)
    .catch(() => false);
  if (!known)
    throw new FleetProblem(
      `${repoUrl} has commits this checkout does not (its default branch is at ${tip.slice(0, 10)}): pull them, then submit what the workers will run`,
    );
  // two git processes for all the files: a submit of many missions does not pay per file
  const present = files.filter((path) => existsSync(join(root, path)));
  const heres = present.length ? (await git.raw(["hash-object", "--", ...present])).trim().split("\n") : [];
  const theres = new Map(
    (present.length ? await git.raw(["ls-tree", "-z", tip, "--", ...present]) : "")
      .split("\0")
      .filter(Boolean)
      .map((entry) => {
        const tab = entry.indexOf("\t");
        return [entry.slice(tab + 1), entry.slice(0, tab).split(" ")[2]] as const;
      }),
  );
  for (const path of files) {
    if (!present.includes(path))
      throw new FleetProblem(
        path === script
          ? `--offline needs a script: none at ${path} (the workers replay the one beside the mission on ${repoUrl}'s default branch)`
          : `${path} is not in this checkout`,
      );
    const here = heres[present.indexOf(path)];
    const there = theres.get(path);
    if (!there) throw new FleetProblem(`${path} is not in ${repoUrl}'s default branch, which the workers clone: commit and push it first`);
    if (here !== there)
      throw new FleetProblem(
        `${path} differs from the copy in ${repoUrl}'s default branch, which the workers would run: commit and push it first`,
      );
  }
}

export interface FleetStatus {
  id: string;
  repo: string;
  /** the engine's view: the latest run's workflow, and the executor that holds it */
  workflow: { id: string; status: string; executor: string | null } | null;
  /** the same figures as `missionc status --json`, from the journal in the database */
  status: Status | null;
  journal: { events: number; verified: boolean; problem?: string };
  /** how the last run on a worker ended ({exit, status, message}), when one has */
  last_run: { exit: number; status: string; message?: string } | null;
}

export async function fleetStatus(db: string): Promise<FleetStatus[]> {
  return withFleet(db, async (store, client) => {
    const missions = await store.missions();
    if (missions.length === 0) return [];
    const flows = await client.listWorkflows({ workflowName: WORKFLOW });
    const live = await store.liveExecutors();
    const out: FleetStatus[] = [];
    for (const m of missions) {
      const flow = flows.filter((w) => w.workflowID.startsWith(`${m.id}#`)).sort((a, b) => runOf(b.workflowID) - runOf(a.workflowID))[0];
      const held = flow?.status === "PENDING" && flow.executorId !== undefined && live.has(flow.executorId);
      out.push({
        id: m.id,
        repo: m.repo_url,
        workflow: flow ? { id: flow.workflowID, status: flow.status, executor: flow.executorId ?? null } : null,
        last_run: m.outcome ? (JSON.parse(m.outcome) as FleetStatus["last_run"]) : null,
        ...(await figures(store, m, held)),
      });
    }
    return out;
  });
}

const runOf = (workflowID: string): number => Number(workflowID.slice(workflowID.lastIndexOf("#") + 1));

async function figures(store: FleetStore, m: FleetMission, held: boolean): Promise<Pick<FleetStatus, "status" | "journal">> {
  const lines = await store.journalLines(m.id);
  try {
    const events = journalFromText(lines.map((l) => `${l}\n`).join(""));
    if (!m.plan) return { status: null, journal: { events: events.length, verified: true } };
    const plan = JSON.parse(m.plan) as Plan;
    // no state folder on this machine: nothing is read from the one this names
    const nowhere = layoutOf(join(tmpdir(), "missionc-fleet-nowhere"), m.name);
    return { status: statusOf(nowhere, plan, events, 0, fold(plan, events), held), journal: { events: events.length, verified: true } };
  } catch (e) {
    return { status: null, journal: { events: lines.length, verified: false, problem: (e as Error).message } };
  }
}

/** `fleet msg` and `fleet pause`: into the database's inbox, whichever worker runs the mission. */
export async function steer(db: string, id: string, item: InboxItem): Promise<string> {
  return withFleet(db, async (store) => {
    const m = await store.mission(id);
    if (!m) throw new FleetProblem(`no mission ${id} in the fleet`);
    const done = (await store.journalLines(id)).some((l) => l.includes('"type":"mission_completed"'));
    if (done) throw new FleetProblem(`${id} is done: no orchestrator is left to ${item.kind === "pause" ? "pause" : "answer a message"}`);
    const row = await store.post(id, item);
    return `posted (inbox ${row}): the worker running ${id} hands it to its runner, which acts at its next turn`;
  });
}

/** A stopped (paused) mission back on the queue: a new run of it, resumed from its journal. */
export async function resume(db: string, id: string): Promise<string> {
  return withFleet(db, async (store, client) => {
    const m = await store.mission(id);
    if (!m) throw new FleetProblem(`no mission ${id} in the fleet`);
    if ((await store.journalLines(id)).some((l) => l.includes('"type":"mission_completed"')))
      throw new FleetProblem(`${id} is done: there is nothing to resume`);
    const flows = await client.listWorkflows({ workflowName: WORKFLOW, workflow_id_prefix: `${id}#` });
    const busy = flows.find((w) => w.status === "PENDING" || w.status === "ENQUEUED");
    if (busy) throw new FleetProblem(`${id} is ${busy.status === "PENDING" ? "running" : "queued"} already (${busy.workflowID})`);
    const run = await store.nextRun(id, m.runs);
    if (run === undefined) throw new FleetProblem(`${id} was resumed at the same moment by someone else (run ${m.runs + 1})`);
    await enqueue(client, id, run);
    return `${id} is on the queue again (run ${run})`;
  });
}
