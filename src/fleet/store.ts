import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { JournalEvent } from "../runner/journal.js";
import type { Layout } from "../runner/layout.js";

/**
 * The fleet's own tables, in the engine's Postgres beside DBOS's schema (docs/scale-out.md): the
 * missions submitted, each one's journal (the same lines as the file, the same hash chain) and
 * blobs, the steering inbox, and the executors' leases.
 */

export const SCHEMA = "missionc_fleet";

const TABLES = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.missions (
  id text PRIMARY KEY,
  name text NOT NULL,
  repo_url text NOT NULL,
  mission_path text NOT NULL,
  offline boolean NOT NULL,
  plan text,
  runs integer NOT NULL DEFAULT 1,
  submitted_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE ${SCHEMA}.missions ADD COLUMN IF NOT EXISTS outcome text;
-- one mission of a name a repository (both would work on mission/<name>), even when two submit at once
CREATE UNIQUE INDEX IF NOT EXISTS missions_name_repo ON ${SCHEMA}.missions (name, repo_url);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.journal (
  mission text NOT NULL,
  seq integer NOT NULL,
  line text NOT NULL,
  PRIMARY KEY (mission, seq)
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.blobs (hash text PRIMARY KEY, text text NOT NULL);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.inbox (
  id bigserial PRIMARY KEY,
  mission text NOT NULL,
  item jsonb NOT NULL,
  posted_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.executors (
  executor_id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  expires_at timestamptz NOT NULL
);
`;

/** one number for the advisory lock that serialises schema set-up and the recovery of dead executors */
export const LOCKS = { schema: 7_254_001, recovery: 7_254_002 } as const;

export interface FleetMission {
  id: string;
  name: string;
  repo_url: string;
  mission_path: string;
  offline: boolean;
  plan: string | null;
  runs: number;
  /** the last run's end, as the worker told it: {exit, status, message?} */
  outcome?: string | null;
}

export type InboxItem = { kind: "pause" } | { kind: "message"; text: string; interrupt: boolean };

export class FleetStore {
  readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    poolSize = 3,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: "missionc_fleet" });
    // an idle connection the server dropped must not bring the process down
    this.pool.on("error", () => undefined);
  }

  /** Creates the fleet's tables and DBOS's once, whoever comes first (concurrent migrations collide). */
  async prepare(migrateEngine: () => Promise<void>): Promise<void> {
    const c = await this.pool.connect();
    try {
      // tried, not waited for in a statement: DBOS's migration builds indexes CONCURRENTLY, which waits
      // for every statement in flight, a waiting pg_advisory_lock included (a deadlock)
      while (!(await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LOCKS.schema])).rows[0]?.ok)
        await new Promise((r) => setTimeout(r, 200));
      try {
        await c.query(TABLES);
        await migrateEngine();
      } finally {
        await c.query("SELECT pg_advisory_unlock($1)", [LOCKS.schema]);
      }
    } finally {
      c.release();
    }
  }

  /** The mission's row, or false when its repository has a mission of that name already. */
  async addMission(m: Omit<FleetMission, "plan" | "runs">): Promise<boolean> {
    const added = await this.pool.query(
      `INSERT INTO ${SCHEMA}.missions (id, name, repo_url, mission_path, offline) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name, repo_url) DO NOTHING`,
      [m.id, m.name, m.repo_url, m.mission_path, m.offline],
    );
    return added.rowCount === 1;
  }

  /** Every mission submitted; none on a database nothing was ever submitted to (no tables yet). */
  async missions(): Promise<FleetMission[]> {
    return noTablesYet(
      async () =>
        (
          await this.pool.query<FleetMission>(
            `SELECT id, name, repo_url, mission_path, offline, plan, runs, outcome FROM ${SCHEMA}.missions ORDER BY submitted_at, id`,
          )
        ).rows,
      [],
    );
  }

  async mission(id: string): Promise<FleetMission | undefined> {
    return noTablesYet(
      async () =>
        (
          await this.pool.query<FleetMission>(
            `SELECT id, name, repo_url, mission_path, offline, plan, runs, outcome FROM ${SCHEMA}.missions WHERE id = $1`,
            [id],
          )
        ).rows[0],
      undefined,
    );
  }

  /**
   * A new run of a stopped mission after run `after`: its number, for the engine's workflow id; or
   * undefined when someone else started that new run first (two `fleet resume`s at once).
   */
  async nextRun(id: string, after: number): Promise<number | undefined> {
    return (
      await this.pool.query<{ runs: number }>(`UPDATE ${SCHEMA}.missions SET runs = runs + 1 WHERE id = $1 AND runs = $2 RETURNING runs`, [
        id,
        after,
      ])
    ).rows[0]?.runs;
  }

  async journalLines(id: string): Promise<string[]> {
    return (await this.pool.query<{ line: string }>(`SELECT line FROM ${SCHEMA}.journal WHERE mission = $1 ORDER BY seq`, [id])).rows.map(
      (r) => r.line,
    );
  }

  /**
   * The mission's state folder as the database has it: plan.json, the journal's lines and every
   * blob they name. What a worker on another machine resumes from.
   */
  async materialize(m: FleetMission, layout: Pick<Layout, "dir" | "plan" | "journal" | "blobs">): Promise<JournalEvent[]> {
    mkdirSync(layout.blobs, { recursive: true });
    const lines = await this.journalLines(m.id);
    if (m.plan) writeFileSync(layout.plan, m.plan);
    writeFileSync(layout.journal, lines.map((l) => `${l}\n`).join(""));
    const events = lines.map((l) => JSON.parse(l) as JournalEvent);
    const named = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === "string" && /^[0-9a-f]{64}$/.test(v)) named.add(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === "object") Object.values(v).forEach(collect);
    };
    for (const e of events) collect(e.data);
    const hashes = [...named];
    for (let i = 0; i < hashes.length; i += 500) {
      const rows = await this.pool.query<{ hash: string; text: string }>(`SELECT hash, text FROM ${SCHEMA}.blobs WHERE hash = ANY($1)`, [
        hashes.slice(i, i + 500),
      ]);
      for (const r of rows.rows) writeFileSync(join(layout.blobs, r.hash), r.text);
    }
    return events;
  }

  async post(mission: string, item: InboxItem): Promise<number> {
    return Number(
      (await this.pool.query<{ id: string }>(`INSERT INTO ${SCHEMA}.inbox (mission, item) VALUES ($1, $2) RETURNING id`, [mission, item]))
        .rows[0].id,
    );
  }

  async inbox(missions: string[]): Promise<{ id: number; mission: string; item: InboxItem }[]> {
    if (missions.length === 0) return [];
    const rows = await this.pool.query<{ id: string; mission: string; item: InboxItem }>(
      `SELECT id, mission, item FROM ${SCHEMA}.inbox WHERE mission = ANY($1) ORDER BY id`,
      [missions],
    );
    return rows.rows.map((r) => ({ id: Number(r.id), mission: r.mission, item: r.item }));
  }

  /** This executor is alive for `seconds` more. */
  async renewLease(executor: string, host: string, pid: number, seconds: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${SCHEMA}.executors (executor_id, host, pid, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (executor_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [executor, host, pid, seconds],
    );
  }

  async dropLease(executor: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${SCHEMA}.executors WHERE executor_id = $1`, [executor]);
  }

  /** The lease rows of executors whose missions were given back, if they are still expired. */
  async dropExpiredLeases(executors: string[]): Promise<void> {
    await this.pool.query(`DELETE FROM ${SCHEMA}.executors WHERE executor_id = ANY($1) AND expires_at <= now()`, [executors]);
  }

  async liveExecutors(): Promise<Set<string>> {
    return new Set(
      (await this.pool.query<{ executor_id: string }>(`SELECT executor_id FROM ${SCHEMA}.executors WHERE expires_at > now()`)).rows.map(
        (r) => r.executor_id,
      ),
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A read of the fleet's tables on a database where no one has made them yet (Postgres' undefined_table). */
async function noTablesYet<T>(read: () => Promise<T>, none: T): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if ((e as { code?: string }).code === "42P01") return none;
    throw e;
  }
}
