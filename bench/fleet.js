// bench/fleet: the fleet (issue 19, docs/scale-out.md) simulated on this machine — 100 offline
// missions (examples/hello, each in a repository of its own) submitted at once to four worker
// processes on a throwaway Postgres with its default 100 connections. It prints the throughput, the
// engine's overhead per runner step (a journal event written to Postgres before the runner acts on
// it, against the file alone, side by side in this run; and the queue's wait before a worker claims
// a mission), and the recovery after one worker is killed with SIGKILL a third of the way through.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { fleetStatus, submit } from "../dist/fleet/client.js";
import { SyncQuery } from "../dist/fleet/sync-query.js";
import { Journal } from "../dist/runner/journal.js";
import { Redactor } from "../dist/runner/redact.js";
import { postgresMissing, startPostgres } from "./postgres.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MISSIONS = Number(process.env["FLEET_MISSIONS"] ?? 100);
const WORKERS = 4;
const LEASE = 10;

/** @param {string} cwd @param {string[]} args */
const git = (cwd, ...args) =>
  execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...args], { cwd, stdio: "pipe" }).toString();
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One checkout of examples/hello and its bare remote, copied for every mission. */
function remotes(/** @type {string} */ dir) {
  const checkout = join(dir, "hello");
  cpSync(join(ROOT, "examples/hello"), checkout, { recursive: true });
  git(checkout, "init", "-q", "-b", "main");
  git(checkout, "add", ".");
  git(checkout, "commit", "-qm", "start");
  const bare = join(dir, "template.git");
  git(dir, "clone", "-q", "--bare", checkout, bare);
  return Array.from({ length: MISSIONS }, (_, i) => {
    const remote = join(dir, `r${i}.git`);
    cpSync(bare, remote, { recursive: true });
    return remote;
  });
}

/** The time of N journal appends, file alone against file + Postgres (the fleet's sink). @param {string} db */
async function appendCost(db, n = 500) {
  const dir = mkdtempSync(join(tmpdir(), "fleet-journal-"));
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  await client.query("CREATE TABLE IF NOT EXISTS bench_journal (mission text, seq integer, line text, PRIMARY KEY (mission, seq))");
  await client.end();
  const q = new SyncQuery(db);
  let runs = 0;
  /** @param {boolean} withDb */
  const run = (withDb) => {
    const mission = `m${++runs}`;
    const j = new Journal(
      join(dir, `${mission}.jsonl`),
      [],
      new Redactor([]),
      withDb ? { sink: (e, line) => void q.query("INSERT INTO bench_journal VALUES ($1, $2, $3)", [mission, e.seq, line]) } : {},
    );
    const started = performance.now();
    for (let i = 0; i < n; i++) j.append("message_received", { id: `m${i}`, text: "x".repeat(200) });
    j.close();
    return (performance.now() - started) / n;
  };
  run(true); // the thread's connection made
  const file = run(false);
  const both = run(true);
  await q.close();
  rmSync(dir, { recursive: true, force: true });
  return { file, both };
}

/** @param {string} db @param {string} dir */
function worker(db, dir) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, "bin/missionc.js"),
      "fleet",
      "worker",
      "--concurrency",
      "25",
      "--lease-seconds",
      String(LEASE),
      "--dir",
      dir,
      "--no-sandbox",
    ],
    {
      env: { ...process.env, MISSIONC_FLEET_DB: db },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return { child, output: () => out, executor: () => /worker (\S+): taking/.exec(out)?.[1] };
}

export async function benchFleet() {
  console.log(
    `bench/fleet — ${MISSIONS} offline missions on ${WORKERS} worker processes (DBOS ${readVersion()}, Postgres with its default 100 connections)`,
  );
  const missing = postgresMissing();
  if (missing) {
    console.log(`  skipped — ${missing}`);
    return;
  }
  const pgc = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), "fleet-bench-"));
  try {
    const cost = await appendCost(pgc.url);
    console.log(
      `  a journal event: ${(cost.file * 1000).toFixed(0)} µs to the file alone, ${(cost.both * 1000).toFixed(0)} µs to the file and Postgres (synchronously, before the runner acts on it): +${((cost.both - cost.file) * 1000).toFixed(0)} µs a runner step`,
    );
    const repos = remotes(dir);
    const workers = Array.from({ length: WORKERS }, (_, i) => worker(pgc.url, join(dir, `w${i}`)));
    while (workers.some((w) => !w.executor())) await sleep(100);
    const started = performance.now();
    const ids = [];
    for (const remote of repos) ids.push((await submit(pgc.url, join(dir, "hello", "hello.mission"), `file://${remote}`, true)).id);
    const submitted = performance.now();
    let killed = /** @type {{ at: number, executor: string, missions: number } | undefined} */ (undefined);
    let recovered = 0;
    let peak = 0;
    /** @type {Awaited<ReturnType<typeof fleetStatus>>} */
    let ended = [];
    for (;;) {
      await sleep(1000);
      const all = await fleetStatus(pgc.url);
      const done = all.filter((m) => m.status?.state === "done").length;
      const conns = await connections(pgc.url);
      peak = Math.max(peak, conns);
      if (!killed && done >= MISSIONS / 3) {
        // the worker that holds the most missions now
        const held = workers.map((w) => all.filter((m) => m.workflow?.status === "PENDING" && m.workflow.executor === w.executor()).length);
        const victim = held.indexOf(Math.max(...held));
        const executor = /** @type {string} */ (workers[victim]?.executor());
        const mine = held[victim] ?? 0;
        workers[victim]?.child.kill("SIGKILL");
        killed = { at: performance.now(), executor, missions: mine };
      }
      if (killed && !recovered && !all.some((m) => m.workflow?.executor === killed?.executor && m.workflow?.status === "PENDING"))
        recovered = performance.now();
      // every mission's latest run over (done, or stopped for a human)
      if (all.every((m) => m.workflow && m.workflow.status !== "PENDING" && m.workflow.status !== "ENQUEUED")) {
        ended = all;
        break;
      }
      if (performance.now() - started > 20 * 60_000) throw new Error(`not done after 20 minutes: ${done} of ${MISSIONS}`);
    }
    const finished = performance.now();
    const waits = await queueWaits(pgc.url);
    for (const w of workers) w.child.kill("SIGKILL");
    const minutes = (finished - started) / 60_000;
    const states = /** @type {Record<string, number>} */ ({});
    for (const m of ended)
      states[m.status?.state ?? m.workflow?.status ?? "?"] = (states[m.status?.state ?? m.workflow?.status ?? "?"] ?? 0) + 1;
    const late = workers.map((w) => (w.output().match(/renewed .* after the last time/g) ?? []).length).reduce((a, b) => a + b, 0);
    console.log(
      `  ${Object.entries(states)
        .map(([k, n]) => `${n} ${k}`)
        .join(
          ", ",
        )}${late ? ` (${late} late lease renewals)` : ""}; all ${MISSIONS} over in ${((finished - started) / 1000).toFixed(0)} s (submitting them took ${((submitted - started) / 1000).toFixed(1)} s): ${(MISSIONS / minutes).toFixed(1)} missions a minute; a mission waited ${(median(waits) / 1000).toFixed(1)} s in the queue (median; max ${(Math.max(...waits) / 1000).toFixed(1)} s) before a worker claimed it`,
    );
    // a mission that did not finish says why: a figure without its reason hides a fault
    const why = new Map();
    for (const m of ended)
      if (m.status?.state !== "done") {
        const reason = m.status?.paused_reason ?? m.last_run?.message ?? m.workflow?.status ?? "?";
        why.set(reason, (why.get(reason) ?? 0) + 1);
      }
    for (const [reason, n] of why) console.log(`    not done (${n}): ${reason}`);
    if (killed)
      console.log(
        `  a worker killed (SIGKILL) holding ${killed.missions} missions: all of them claimed by live workers ${recovered ? ((recovered - killed.at) / 1000).toFixed(1) : "?"} s later (lease T = ${LEASE} s); at most ${peak} Postgres connections in use (of 100)`,
      );
  } finally {
    pgc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function readVersion() {
  return /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(ROOT, "node_modules/@dbos-inc/dbos-sdk/package.json"), "utf8")))
    .version;
}

/** @param {string} db */
async function connections(db) {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    const rows = /** @type {{ rows: { n: string }[] }} */ (
      await c.query("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'")
    );
    return Number(rows.rows[0]?.n);
  } finally {
    await c.end();
  }
}

/** How long each mission's first run waited on the queue, from DBOS's own table. @param {string} db */
async function queueWaits(db) {
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    const rows = /** @type {{ rows: { wait: string }[] }} */ (
      await c.query(
        "SELECT started_at_epoch_ms - created_at AS wait FROM dbos.workflow_status WHERE workflow_uuid LIKE '%#1' AND started_at_epoch_ms IS NOT NULL",
      )
    );
    return rows.rows.map((r) => Number(r.wait));
  } finally {
    await c.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await benchFleet();
}
