import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { absolute } from "../syntax/host.js";
import { repositoryRoot } from "../runner/git.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { postgresUrl } from "./fleet.js";
import { write, writeError } from "./output.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** `missionc serve [DIR...]`: Mission Control for the missions of the repositories, until Ctrl-C. */
export async function serveCommand(
  dirs: string[],
  options: { port?: number | string; host?: string; fleet?: boolean; db?: string },
): Promise<number> {
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${options.port} is no port`, "a number from 0 (any free port) to 65535");
  const host = options.host === "localhost" || options.host === undefined ? "127.0.0.1" : options.host;
  if (!LOOPBACK.has(host))
    writeError(
      `warning: serving on ${host}, not loopback: anyone who can reach this address and learns the token can read these missions and steer them`,
    );
  const db = options.db ?? process.env["MISSIONC_FLEET_DB"];
  if (options.fleet && !db) throw new UsageError("--fleet needs the fleet's database", "--db postgres://… or MISSIONC_FLEET_DB");
  if (options.fleet && db) await fleetAnswers(postgresUrl(db));
  // a copy of its own: two servers on one machine must not write into each other's (removed at the end)
  const fleet = options.fleet && db ? { db, dir: mkdtempSync(join(tmpdir(), "missionc-serve-fleet-")) } : undefined;
  const repos: string[] = [];
  for (const d of dirs.length ? dirs : ["."]) {
    const root = await repositoryRoot(absolute(d)).catch(() => undefined);
    // with --fleet and no folder, the current repository's missions too, when there is one
    if (root === undefined && !(fleet && dirs.length === 0)) throw new InputError(`${d} is not in a git repository`);
    if (root !== undefined) repos.push(root);
  }
  const { serve } = await import("../serve/server.js");
  const serving = await serve({ repos, host, port, ...(fleet ? { fleet } : {}) }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "EADDRINUSE") throw new InputError(`port ${port} is in use: choose another with --port, or --port 0 for any free one`);
    if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND") throw new InputError(`--host ${host}: not an address of this machine`);
    throw e;
  });
  write(`Mission Control: ${serving.url}\n(the token in the address is needed by every request; Ctrl-C stops the server)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await serving.close();
  if (fleet) rmSync(fleet.dir, { recursive: true, force: true });
  return EXIT.ok;
}

/** The fleet's database, asked once before the server starts: a wrong URL is told, not an empty list. */
async function fleetAnswers(db: string): Promise<void> {
  const { FleetStore } = await import("../fleet/store.js");
  const store = new FleetStore(db, 1);
  try {
    await store.pool.query("SELECT 1");
  } catch (e) {
    throw new InputError(`the fleet's database cannot be reached: ${(e as Error).message}`);
  } finally {
    await store.close().catch(() => undefined);
  }
}
