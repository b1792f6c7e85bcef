import { workerData, type MessagePort } from "node:worker_threads";
import pg from "pg";

/**
 * The thread behind SyncQuery (sync-query.ts): one Postgres connection; each query's answer is
 * posted back and the waiting thread woken through the shared flag.
 */
const { url, port, flag } = workerData as { url: string; port: MessagePort; flag: Int32Array };
const client = new pg.Client({ connectionString: url, application_name: "missionc_journal" });
const ready = client.connect();

port.on("message", (request: { sql: string; params: unknown[] }) => {
  void (async () => {
    try {
      await ready;
      const result = await client.query(request.sql, request.params);
      port.postMessage({ rows: result.rows as unknown[] });
    } catch (e) {
      port.postMessage({ error: (e as Error).message, code: (e as { code?: string }).code ?? "" });
    } finally {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }
  })();
});
