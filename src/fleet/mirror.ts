import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DBOSClient } from "@dbos-inc/dbos-sdk";
import { layoutOf, type Layout } from "../runner/layout.js";
import { APP, WORKFLOW } from "./engine.js";
import { FleetStore, SCHEMA, type InboxItem } from "./store.js";

/**
 * The fleet's missions as state folders on this machine, for `missionc serve --fleet`: each
 * mission's plan, journal and blobs copied from the database as its journal grows (only the new
 * lines each time), so Mission Control reads them as it reads any mission. Steering goes back to
 * the database's inbox, which reaches the mission wherever it runs.
 */

export interface FleetEntry {
  id: string;
  layout: Layout;
  /** a worker holds it (its workflow runs under a live lease) */
  held: boolean;
  /** the git repository it works on */
  repo: string;
}

export class FleetMirror {
  private readonly store: FleetStore;
  private client: DBOSClient | undefined;
  private readonly copied = new Map<string, number>();

  constructor(
    readonly db: string,
    private readonly dir: string,
  ) {
    this.store = new FleetStore(db, 2);
  }

  async sync(): Promise<FleetEntry[]> {
    this.client ??= await DBOSClient.create({
      systemDatabaseUrl: this.db,
      applicationName: APP,
      systemDatabasePoolSize: 2,
      logger: { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const missions = await this.store.missions().catch(() => []);
    const flows = await this.client.listWorkflows({ workflowName: WORKFLOW, status: "PENDING" }).catch(() => []);
    const live = await this.store.liveExecutors().catch(() => new Set<string>());
    const out: FleetEntry[] = [];
    for (const m of missions) {
      const layout = layoutOf(join(this.dir, m.id), m.name);
      mkdirSync(layout.blobs, { recursive: true });
      if (m.plan && !existsSync(layout.plan)) writeFileSync(layout.plan, m.plan);
      if (!m.plan) continue;
      const have = this.copied.get(m.id) ?? (existsSync(layout.journal) ? -1 : 0);
      if (have === -1) writeFileSync(layout.journal, ""); // a mirror of an earlier server: copied again
      const rows = (
        await this.store.pool.query<{ seq: number; line: string }>(
          `SELECT seq, line FROM ${SCHEMA}.journal WHERE mission = $1 AND seq > $2 ORDER BY seq`,
          [m.id, Math.max(have, 0)],
        )
      ).rows;
      if (rows.length) {
        await this.copyBlobs(
          layout,
          rows.map((r) => r.line),
        );
        appendFileSync(layout.journal, rows.map((r) => `${r.line}\n`).join(""));
      }
      this.copied.set(m.id, rows.at(-1)?.seq ?? Math.max(have, 0));
      const flow = flows.find((w) => w.workflowID.startsWith(`${m.id}#`));
      out.push({ id: m.id, layout, repo: m.repo_url, held: flow?.executorId !== undefined && live.has(flow.executorId) });
    }
    return out;
  }

  private async copyBlobs(layout: Layout, lines: string[]): Promise<void> {
    const wanted = [...new Set(lines.flatMap((l) => l.match(/"[0-9a-f]{64}"/g) ?? []).map((h) => h.slice(1, -1)))].filter(
      (h) => !existsSync(join(layout.blobs, h)),
    );
    if (wanted.length === 0) return;
    const rows = await this.store.pool.query<{ hash: string; text: string }>(
      `SELECT hash, text FROM ${SCHEMA}.blobs WHERE hash = ANY($1)`,
      [wanted],
    );
    for (const r of rows.rows) writeFileSync(join(layout.blobs, r.hash), r.text);
  }

  async post(id: string, item: InboxItem): Promise<string> {
    const row = await this.store.post(id, item);
    return `posted to the fleet (inbox ${row}): the worker running ${id} hands it to its runner`;
  }

  async close(): Promise<void> {
    await this.client?.destroy();
    await this.store.close();
  }
}
