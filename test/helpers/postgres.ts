import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./missions.js";

/**
 * A throwaway Postgres cluster for a test: `initdb` in a fresh folder, started on a random port on
 * loopback with trust authentication, stopped and removed afterwards. Postgres refuses to run as
 * root, so as root it runs as the `postgres` user (Debian's package makes one).
 */

export interface Postgres {
  url: string;
  stop(): void;
}

const BIN = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"].find((d) =>
  existsSync(join(d, "initdb")),
);

/** Why a cluster cannot be made here, or undefined when it can. */
export function postgresMissing(): string | undefined {
  if (!BIN) return "no Postgres server (Debian: apt-get install postgresql)";
  if (process.getuid?.() === 0 && spawnSync("id", ["-u", "postgres"]).status !== 0)
    return "running as root and there is no `postgres` user to run Postgres as";
  return undefined;
}

export async function startPostgres(): Promise<Postgres> {
  const root = process.getuid?.() === 0;
  // under /tmp itself: the test's own temporary folder is closed to other users
  const dir = mkdtempSync("/tmp/missionc-pg-");
  const as = (program: string, args: string[]): void => {
    const file = join(BIN!, program);
    if (root) execFileSync("runuser", ["-u", "postgres", "--", file, ...args], { stdio: "pipe" });
    else execFileSync(file, args, { stdio: "pipe" });
  };
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  as("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  as("pg_ctl", [
    "-D",
    data,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=150 -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
