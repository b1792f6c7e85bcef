import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

/**
 * Synchronous queries to Postgres, for the journal: the runner appends an event and acts on it at
 * once, so the database must hold the event when the append returns. A worker thread owns the
 * connection and runs the query while this thread waits on a shared flag (Atomics.wait; Node allows
 * it on the main thread), then reads the answer from the channel without the event loop. A query
 * that gets no answer in time, or a thread that dies, throws, and the next query starts a new thread:
 * a late answer is never taken for the next query's.
 */
export class QueryFailed extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 5_000;

interface Line {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

export class SyncQuery {
  private line: Line | undefined;

  constructor(private readonly url: string) {}

  private open(): Line {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    // by way of dist/: the same path from this module and from the CLI's bundle (dist/bundle/)
    const worker = new Worker(new URL("../fleet/sync-query-thread.js", import.meta.url), {
      workerData: { url: this.url, port: port2, flag },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    const line = { worker, port: port1, flag };
    const drop = (): void => {
      if (this.line === line) this.line = undefined;
    };
    worker.on("error", drop);
    worker.on("exit", drop);
    return line;
  }

  query(sql: string, params: unknown[] = []): Record<string, unknown>[] {
    const line = (this.line ??= this.open());
    Atomics.store(line.flag, 0, 0);
    line.port.postMessage({ sql, params });
    const waited = Atomics.wait(line.flag, 0, 0, TIMEOUT_MS);
    const answer = receiveMessageOnPort(line.port)?.message as
      | { rows?: Record<string, unknown>[]; error?: string; code?: string }
      | undefined;
    if (waited === "timed-out" || !answer) {
      this.line = undefined;
      void line.worker.terminate();
      throw new QueryFailed(`the fleet's database did not answer in ${TIMEOUT_MS / 1000} s`, "timeout");
    }
    if (answer.error !== undefined) throw new QueryFailed(answer.error, answer.code ?? "");
    return answer.rows ?? [];
  }

  async close(): Promise<void> {
    await this.line?.worker.terminate();
    this.line = undefined;
  }
}
