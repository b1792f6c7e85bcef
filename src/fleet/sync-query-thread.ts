import { workerData, type MessagePort } from "node:worker_threads";
import pg from "pg";

/**
 * The thread behind SyncQuery (sync-query.ts): one Postgres connection, made again after the server
 * drops it (a restart, a failover); each query's answer is posted back and the waiting thread woken
 * through the shared flag.
 */
const { url, port, flag } = workerData as { url: string; port: MessagePort; flag: Int32Array };
let client: Promise<pg.Client> | undefined;

function connected(): Promise<pg.Client> {
  client ??= (async () => {
    const c = new pg.Client({ connectionString: url, application_name: "missionc_journal" });
    // a dropped connection is forgotten; the next query makes a new one
    c.on("error", () => (client = undefined));
    await c.connect();
    return c;
  })().catch((e: unknown) => {
    client = undefined;
    throw e;
  });
  return client;
}

port.on("message", (request: { sql: string; params: unknown[] }) => {
  void (async () => {
    try {
      const result = await (await connected()).query(request.sql, request.params);
      port.postMessage({ rows: result.rows as unknown[] });
    } catch (e) {
      const code = (e as { code?: string }).code ?? "";
      // the connection's end (57P01 and the like) is not the query's fault: a new one next time
      if (!code.startsWith("23")) client = undefined;
      port.postMessage({ error: (e as Error).message, code });
    } finally {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }
  })();
});
