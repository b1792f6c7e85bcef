import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { DBOS } from "@dbos-inc/dbos-sdk";
import { simpleGit } from "simple-git";
import { planFromMission } from "../plan/load.js";
import { writeDurable } from "../runner/files.js";
import { COMPLETION, MissionGit, repositoryRoot, type Committed } from "../runner/git.js";
import type { JournalEvent } from "../runner/journal.js";
import { layoutOf, type Layout } from "../runner/layout.js";
import { runMission } from "../runner/run.js";
import { nodeHost } from "../syntax/host.js";
import { APP, APP_VERSION, QUEUE, WORKFLOW } from "./engine.js";
import { FleetStore, LOCKS, SCHEMA, type FleetMission } from "./store.js";
import { SyncQuery } from "./sync-query.js";

/**
 * `missionc fleet worker`: takes missions from the engine's queue and runs them with the same runner
 * as `missionc run`, in a clone of their repository, with the journal and blobs written to the
 * database first and the mission branch pushed after every feature commit. docs/scale-out.md.
 */

export interface WorkerOptions {
  db: string;
  /** where the clones go */
  dir: string;
  /** missions this worker runs at once */
  concurrency: number;
  /** missions the whole fleet runs at once (the queue's limit), if any */
  queueConcurrency?: number;
  /** T: how long a worker's lease lasts without renewal */
  leaseSeconds: number;
  sandbox: boolean;
  log: (line: string) => void;
}

export interface MissionOutcome {
  exit: number;
  status: string;
  message?: string;
}

const run = promisify(execFile);

/** The mission branch goes to the remote after each commit, before the commit is journaled. */
class PushingGit extends MissionGit {
  constructor(
    private readonly clone: string,
    worktree: string,
    private readonly mission: string,
  ) {
    super(clone, worktree, mission);
  }

  override async commit(...args: Parameters<MissionGit["commit"]>): Promise<Committed> {
    const made = await super.commit(...args);
    if (made && "commit" in made) await pushBranch(this.clone, this.mission);
    return made;
  }
}

async function pushBranch(clone: string, branch: string): Promise<void> {
  // the mission branch only, never the base; no hook of the repository's runs here
  const push = () =>
    run("git", ["-C", clone, "-c", "core.hooksPath=/dev/null", "push", "--quiet", "origin", `refs/heads/${branch}:refs/heads/${branch}`]);
  for (const wait of [1000, 4000]) {
    try {
      await push();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, wait)); // the remote busy or away for a moment
    }
  }
  await push();
}

interface Running {
  layout: Layout;
  /** inbox rows already journaled (message_received / pause_requested), or written to the folder */
  delivered: Set<string>;
  /** when this run started here: a lapse of the lease since then ends it */
  since: number;
}

export class FleetWorker {
  readonly executor = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  private readonly store: FleetStore;
  private readonly journal: SyncQuery;
  private readonly running = new Map<string, Running>();
  private readonly runs = new Map<string, Promise<MissionOutcome>>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** since when this worker has renewed its lease without a failure (undefined: the database is out of reach) */
  private healthySince: number | undefined;
  /** when the lease was last renewed: past T, the others may be running this worker's missions */
  private renewedAt = Date.now();
  /** when a lapse of the lease was last noticed */
  private lapsedAt = 0;

  constructor(private readonly o: WorkerOptions) {
    this.store = new FleetStore(o.db, 3);
    this.journal = new SyncQuery(o.db);
  }

  async start(): Promise<void> {
    // a relative path that slipped through lands here, never in the folder the worker was started from
    mkdirSync(this.o.dir, { recursive: true });
    process.chdir(this.o.dir);
    await this.store.prepare(() => DBOS.migrate(this.o.db));
    // the lease first: the missions this executor takes are never seen without a live owner
    await this.store.renewLease(this.executor, hostname(), process.pid, this.o.leaseSeconds);
    DBOS.setConfig({
      name: APP,
      systemDatabaseUrl: this.o.db,
      executorID: this.executor,
      applicationVersion: APP_VERSION,
      logLevel: "warn",
      systemDatabasePoolSize: 6,
      runMigrations: false,
    });
    DBOS.registerWorkflow(
      async (id: string): Promise<MissionOutcome> => {
        const workflow = String(DBOS.workflowID);
        return DBOS.runStep(() => this.runWhileOurs(id, workflow), { name: "run" });
      },
      { name: WORKFLOW },
    );
    await DBOS.launch();
    try {
      await DBOS.registerQueue(QUEUE, {
        workerConcurrency: this.o.concurrency,
        ...(this.o.queueConcurrency ? { globalConcurrency: this.o.queueConcurrency } : {}),
      });
    } catch (e) {
      await DBOS.shutdown(); // never a worker that takes missions without its lease
      await this.store.dropLease(this.executor);
      throw e;
    }
    // the same failure (the database away) is told once every 10 s, not at every tick
    const told = new Map<string, number>();
    const tell = (message: string): void => {
      if (Date.now() - (told.get(message) ?? 0) < 10_000) return;
      told.set(message, Date.now());
      this.o.log(`worker: ${message}`);
    };
    const every = (ms: number, work: () => Promise<void>): void => {
      let busy = false;
      this.timers.push(
        setInterval(() => {
          if (busy) return;
          busy = true;
          work()
            .catch((e: unknown) => tell((e as Error).message))
            .finally(() => (busy = false));
        }, ms),
      );
    };
    this.renewedAt = Date.now();
    this.healthySince = Date.now();
    every((this.o.leaseSeconds * 1000) / 5, async () => {
      try {
        await this.store.renewLease(this.executor, hostname(), process.pid, this.o.leaseSeconds);
      } catch (e) {
        this.healthySince = undefined;
        throw e;
      }
      const databaseWasAway = this.healthySince === undefined;
      const gap = (Date.now() - this.renewedAt) / 1000;
      this.renewedAt = Date.now();
      // a lease that lapsed (a stopped or starved process): the runs under way may have been taken
      // over, and this worker's view of the others is stale too
      if (gap > this.o.leaseSeconds) {
        this.lapsedAt = Date.now();
        this.healthySince = undefined;
      }
      this.healthySince ??= Date.now();
      if (databaseWasAway)
        this.o.log(`worker ${this.executor}: the database answers again; the lease is renewed ${gap.toFixed(1)} s after the last time`);
      // a starved machine renews late; past T the others take this worker for dead
      else if (gap > this.o.leaseSeconds / 2)
        this.o.log(
          `worker ${this.executor}: the lease was renewed ${gap.toFixed(1)} s after the last time (T = ${this.o.leaseSeconds} s): this process was stopped or starved (an overloaded machine?)`,
        );
    });
    every(1000, () => this.recoverTheDead());
    every(500, () => this.deliverInbox());
    this.o.log(
      `worker ${this.executor}: taking missions from the queue \`${QUEUE}\` (${this.o.concurrency} at once; lease ${this.o.leaseSeconds} s)`,
    );
  }

  /** Leaves at once: the lease is dropped so that live workers take this one's missions over now. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.store.dropLease(this.executor).catch(() => undefined);
  }

  /**
   * The lease only detects death; the engine recovers: a dead executor's missions (PENDING under an
   * executor with no live lease) are given back to the queue by DBOS, where a live worker claims them.
   * One worker at a time looks (an advisory lock), so a workflow is never given back twice.
   */
  private async recoverTheDead(): Promise<void> {
    // after the database was out of reach, every lease has expired, the live workers' too: they are
    // given a whole T to renew theirs before any is taken for dead (else live missions run twice)
    if (this.healthySince === undefined || Date.now() - this.healthySince < this.o.leaseSeconds * 1000) return;
    const c = await this.store.pool.connect();
    try {
      const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LOCKS.recovery]);
      if (!rows[0]?.ok) return;
      try {
        const live = await this.store.liveExecutors();
        const pending = await DBOS.listWorkflows({ status: "PENDING", workflowName: WORKFLOW });
        const orphans = pending.filter((w) => w.executorId && w.executorId !== this.executor && !live.has(w.executorId));
        if (orphans.length === 0) return;
        await DBOS.resumeWorkflows(
          orphans.map((w) => w.workflowID),
          { queueName: QUEUE },
        );
        for (const w of orphans)
          this.o.log(`worker ${this.executor}: ${w.workflowID} of dead executor ${w.executorId} given back to the queue`);
        // what is left of the dead: nothing that names them as holders
        await this.store.dropExpiredLeases(orphans.map((w) => String(w.executorId)));
      } finally {
        await c.query("SELECT pg_advisory_unlock($1)", [LOCKS.recovery]);
      }
    } finally {
      c.release();
    }
  }

  /** `fleet msg` / `fleet pause`: rows of the database's inbox become files of the mission's inbox folder. */
  private async deliverInbox(): Promise<void> {
    const rows = await this.store.inbox([...this.running.keys()]);
    for (const r of rows) {
      const run = this.running.get(r.mission);
      const id = `fleet-${r.id}`;
      if (!run || run.delivered.has(id)) continue;
      writeDurable(join(run.layout.inbox, `${id}.json`), JSON.stringify({ id, ...r.item }));
      run.delivered.add(id);
    }
  }

  /**
   * One mission, on this machine, until it is done or stops: the engine's one step of the workflow.
   * The same mission given to this worker again while it runs here (the engine handing out a
   * workflow a second time) is not started twice: the second waits for the first's outcome.
   */
  private runHere(id: string): Promise<MissionOutcome> {
    const running = this.runs.get(id);
    if (running) return running;
    const run = this.runOnce(id).finally(() => this.runs.delete(id));
    this.runs.set(id, run);
    return run;
  }

  /**
   * The engine's one step: the mission's run, tried again after a failure (a push the remote refused,
   * the database gone for a moment; 3 attempts, 10 s then 20 s apart, each in a new clone from the
   * journal) — but only while the workflow is still this worker's. A worker that was stopped or
   * starved past T comes back to find its missions taken over; it must not take them back.
   */
  private async runWhileOurs(id: string, workflow: string): Promise<MissionOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runHere(id);
      } catch (e) {
        if (attempt >= 3) throw e;
        await new Promise((r) => setTimeout(r, 10_000 * 2 ** (attempt - 1)));
        const now = await DBOS.getWorkflowStatus(workflow);
        if (now?.status !== "PENDING" || now.executorId !== this.executor) {
          const message = `${workflow} was taken over (${now?.executorId ?? "by another worker"}) while this worker was away: it is not run here again`;
          this.o.log(`[${id}] ${message}`);
          const gone = new Error(message);
          gone.stack = message;
          throw gone;
        }
      }
    }
  }

  /**
   * One run, and how it ended, told in the worker's log and kept for `fleet status` whatever the
   * end: a mission that cannot run here (its file not in the repository), or a failure the engine
   * will try again (the repository not answering), is one line, never a stack trace.
   */
  private async runOnce(id: string): Promise<MissionOutcome> {
    const m = await this.store.mission(id);
    if (!m) return { exit: 2, status: "usage", message: `no mission ${id} in the fleet` };
    let told: MissionOutcome;
    try {
      told = await this.runInClone(m);
    } catch (e) {
      const message = (e as Error).message.trim().split("\n").filter(Boolean).slice(-1)[0] ?? String(e);
      this.o.log(`[${id}] failed: ${message} (tried again, up to 3 times, while it is this worker's)`);
      await this.keepOutcome(id, { exit: 1, status: "failed", message }).catch(() => undefined);
      const clean = new Error(message);
      clean.stack = message;
      throw clean;
    }
    this.o.log(`[${id}] ${told.status}${told.message ? `: ${told.message}` : ""}`);
    await this.keepOutcome(id, told);
    return told;
  }

  /** for `fleet status`: why a run ended, where the journal cannot say (a usage problem) */
  private async keepOutcome(id: string, outcome: MissionOutcome): Promise<void> {
    await this.store.pool.query(`UPDATE ${SCHEMA}.missions SET outcome = $2 WHERE id = $1`, [id, JSON.stringify(outcome)]);
  }

  private async runInClone(m: FleetMission): Promise<MissionOutcome> {
    // a folder of its own each time, whatever ran before
    const clone = join(this.o.dir, `${m.id}-${Date.now()}-${randomBytes(3).toString("hex")}`);
    try {
      return await this.runIn(m, clone);
    } finally {
      this.running.delete(m.id);
      // whatever the end, the work is in the database and pushed: the clone goes (a worker runs for days)
      rmSync(clone, { recursive: true, force: true });
    }
  }

  private async runIn(m: FleetMission, clone: string): Promise<MissionOutcome> {
    const id = m.id;
    mkdirSync(dirname(clone), { recursive: true });
    await simpleGit({ completion: COMPLETION }).clone(m.repo_url, clone, ["--quiet"]);
    const missionFile = join(clone, m.mission_path);
    const place = await placeOf(missionFile);
    if (typeof place === "string") return { exit: 2, status: "usage", message: place };
    // the mission's repository is the clone, never a folder around it (a worker's own checkout)
    if (realpathSync(place.root) !== realpathSync(clone))
      return { exit: 2, status: "usage", message: `${m.mission_path} names a repository other than the one cloned (${place.root})` };
    const git = simpleGit({ baseDir: place.root, completion: COMPLETION });
    // the mission branch as the fleet last pushed it: the next step builds on it
    const remote = (await git.raw(["ls-remote", "--heads", "origin", place.branch])).trim();
    if (remote) await git.raw(["branch", "--quiet", place.branch, `origin/${place.branch}`]);
    const layout = layoutOf(place.root, place.name);
    mkdirSync(layout.dir, { recursive: true });
    const events = await this.store.materialize(m, layout);
    const here: Running = { layout, delivered: new Set(steeringIds(events)), since: Date.now() };
    this.running.set(id, here);
    this.o.log(`[${id}] ${events.length ? `resumed from ${events.length} journaled events` : "started"} on ${this.executor}`);
    const outcome = await runMission({
      missionFile,
      offline: m.offline,
      sandbox: this.o.sandbox,
      // a check or procedure this mission's last worker died during runs once more (docs/scale-out.md)
      settings: { rerunCut: 1 },
      progress: (line) => this.o.log(`[${id}] ${line}`),
      secretEnv: ["MISSIONC_FLEET_DB"],
      workspace: (l, branch) => new PushingGit(l.repo, l.worktree, branch),
      journalSink: (e, line) => this.journaled(m, here, e, line),
      blobSink: (hash, text) => {
        this.journal.query(`INSERT INTO ${SCHEMA}.blobs (hash, text) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [hash, text]);
      },
    });
    if (existsSync(layout.plan))
      await this.store.pool.query(`UPDATE ${SCHEMA}.missions SET plan = $2 WHERE id = $1`, [id, readFileSync(layout.plan, "utf8")]);
    return {
      exit: outcome.exit,
      status: outcome.status,
      ...("message" in outcome ? { message: outcome.message } : {}),
    };
  }

  /** The journal's second backend: the event is in the database before the runner acts on it. */
  private journaled(m: FleetMission, here: Running, e: JournalEvent, line: string): void {
    // nothing is recorded, so nothing is acted on, by a run whose worker the others may have taken
    // for dead since it started (whichever comes first after a stop: this line or the renewal)
    if (Date.now() - this.renewedAt > this.o.leaseSeconds * 1000) this.lapsedAt = Date.now();
    if (this.lapsedAt >= here.since)
      throw new Error(`this worker's lease lapsed during the run (T = ${this.o.leaseSeconds} s): the mission may be running elsewhere`);
    const { layout, delivered } = here;
    this.journal.query(`INSERT INTO ${SCHEMA}.journal (mission, seq, line) VALUES ($1, $2, $3)`, [m.id, e.seq, line]);
    if (e.type === "mission_started" && existsSync(layout.plan))
      this.journal.query(`UPDATE ${SCHEMA}.missions SET plan = $2 WHERE id = $1`, [m.id, readFileSync(layout.plan, "utf8")]);
    for (const id of steeringIds([e])) {
      delivered.add(id);
      // journaled, the row has done its work: the inbox holds only what no runner has taken in yet
      if (id.startsWith("fleet-")) this.journal.query(`DELETE FROM ${SCHEMA}.inbox WHERE id = $1`, [id.slice("fleet-".length)]);
    }
  }
}

/** The ids of the messages and pauses a journal has taken in. */
function steeringIds(events: readonly JournalEvent[]): string[] {
  return events.filter((e) => e.type === "message_received" || e.type === "pause_requested").map((e) => String(e.data["id"]));
}

/** Where the runner will keep the mission: its repository root, name and branch, as `run` works them out. */
export async function placeOf(missionFile: string): Promise<{ root: string; name: string; branch: string } | string> {
  const loaded = planFromMission(missionFile, nodeHost());
  if (!loaded.ok) return `${missionFile}: ${loaded.reason}`;
  try {
    const root = await repositoryRoot(resolve(dirname(resolve(missionFile)), loaded.plan.mission.repo));
    return { root, name: loaded.plan.mission.name, branch: loaded.plan.mission.branch };
  } catch (e) {
    return (e as Error).message;
  }
}
