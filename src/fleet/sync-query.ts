import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

/**
 * Synchronous queries to Postgres, for the journal: the runner appends an event and acts on it at
 * once, so the database must hold the event when the append returns. A worker thread owns the
 * connection and runs the query while this thread waits on a shared flag (Atomics.wait; Node allows
 * it on the main thread), then reads the answer from the channel without the event loop.
 */
export class QueryFailed extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 30_000;

export class SyncQuery {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    // by way of dist/: the same path from this module and from the CLI's bundle (dist/bundle/)
    this.worker = new Worker(new URL("../fleet/sync-query-thread.js", import.meta.url), {
      workerData: { url, port: port2, flag: this.flag },
      transferList: [port2],
    });
    this.worker.unref();
    this.port = port1;
    this.port.unref();
  }

  query(sql: string, params: unknown[] = []): Record<string, unknown>[] {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ sql, params });
    if (Atomics.wait(this.flag, 0, 0, TIMEOUT_MS) === "timed-out")
      throw new QueryFailed(`the fleet's database did not answer in ${TIMEOUT_MS / 1000} s`, "timeout");
    const answer = receiveMessageOnPort(this.port)?.message as
      | { rows?: Record<string, unknown>[]; error?: string; code?: string }
      | undefined;
    if (!answer) throw new QueryFailed("the fleet's database connection gave no answer", "no_answer");
    if (answer.error !== undefined) throw new QueryFailed(answer.error, answer.code ?? "");
    return answer.rows ?? [];
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
