// A throwaway Postgres cluster (for test/fleet.test.ts and bench/fleet.js): `initdb` in a fresh
// folder, started on a free loopback port with trust authentication, removed when stopped.
// Postgres refuses to run as root, so as root it runs as the `postgres` user (Debian's package
// makes one). Its connection limit is Postgres' default, 100: the fleet's processes pool theirs.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const BIN = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"].find((d) =>
  existsSync(join(d, "initdb")),
);

/** Why a cluster cannot be made here, or undefined when it can. @returns {string | undefined} */
export function postgresMissing() {
  if (!BIN) return "no Postgres server (Debian: apt-get install postgresql)";
  if (process.getuid?.() === 0 && spawnSync("id", ["-u", "postgres"]).status !== 0)
    return "running as root and there is no `postgres` user to run Postgres as";
  return undefined;
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** @returns {Promise<{ url: string, stop: () => void, halt: () => void, restart: () => void }>} */
export async function startPostgres() {
  const root = process.getuid?.() === 0;
  // under /tmp itself: a test's own temporary folder is closed to other users
  const dir = mkdtempSync("/tmp/missionc-pg-");
  const as = (/** @type {string} */ program, /** @type {string[]} */ args) => {
    const file = join(/** @type {string} */ (BIN), program);
    if (root) execFileSync("runuser", ["-u", "postgres", "--", file, ...args], { stdio: "pipe" });
    else execFileSync(file, args, { stdio: "pipe" });
  };
  if (root)
    chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const data = join(dir, "data");
  as("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const start = () =>
    as("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // an outage: the server goes away (its connections cut) and comes back on the same port with its data
    halt: () => as("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]),
    restart: start,
    stop: () => {
      try {
        as("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
