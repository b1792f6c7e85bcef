import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "pg";
import { parse as parseYaml, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FleetStatus } from "../src/fleet/client.js";
import { FleetStore } from "../src/fleet/store.js";
import { serve } from "../src/serve/server.js";
import { ROOT } from "./helpers/cases.js";
import { hasStackTrace } from "./helpers/cli.js";
import { exampleRepo, git, runCli } from "./helpers/missions.js";
import { postgresMissing, startPostgres, type Postgres } from "./helpers/postgres.js";

/**
 * Issue 19: missions on many machines through DBOS and Postgres. A real Postgres (a throwaway
 * cluster), bare git repositories as the remotes, two worker processes; three offline missions are
 * submitted and held mid-mission; one worker is killed with SIGKILL and not restarted. All three
 * complete within T + 60 s, each branch is what an uninterrupted run makes (subjects and trees),
 * the journals in the database verify, no journaled model turn was asked again and no commit was
 * made twice. Run by `npm run test:long` (MISSIONC_LONG=1), which .ci/run runs.
 */

const LONG = process.env["MISSIONC_LONG"] === "1";
const missing = postgresMissing();
if (!LONG) console.warn("fleet: skipped — a long test, run by `npm run test:long` (MISSIONC_LONG=1)");
else if (missing) console.warn(`fleet: skipped — ${missing}`);

const LEASE_SECONDS = 5;

interface Worker {
  child: ChildProcess;
  output: () => string;
  executor: Promise<string>;
}

function startWorker(db: string, dir: string, env: Record<string, string> = {}): Worker {
  const child = spawn(
    process.execPath,
    [join(ROOT, "bin/missionc.js"), "fleet", "worker", "--concurrency", "2", "--lease-seconds", String(LEASE_SECONDS), "--dir", dir],
    { env: { ...process.env, MISSIONC_FLEET_DB: db, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let seen: (id: string) => void = () => undefined;
  const executor = new Promise<string>((resolve) => (seen = resolve));
  const take = (d: Buffer): void => {
    out += d.toString();
    const m = /worker (\S+): taking missions/.exec(out);
    if (m) seen(m[1]);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return { child, output: () => out, executor };
}

/** A test's failure with the tail of each worker's log, where the why usually is. */
function withLogs(e: unknown, workers: Worker[]): Error {
  return new Error(`${(e as Error).message}\n${workers.map((w) => w.output().slice(-3000)).join("\n----\n")}`);
}

/** No worker outlives its test, a stopped (SIGSTOP) one included. */
function stopAll(workers: Worker[]): void {
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill("SIGCONT");
      w.child.kill("SIGKILL");
    }
}

/** A remote (a bare repository) holding examples/hello, whose worker is held at turn 2 until `release` exists. */
type Script = { runs: Record<string, Record<string, unknown>[]> };

function remoteOf(
  release: string,
  edit?: (script: Script) => void,
  mission?: (text: string) => string,
): { remote: string; checkout: string } {
  const checkout = exampleRepo("hello", (dir) => {
    if (mission) writeFileSync(join(dir, "hello.mission"), mission(readFileSync(join(dir, "hello.mission"), "utf8")));
    const path = join(dir, "hello.script.yaml");
    const script = parseYaml(readFileSync(path, "utf8")) as Script;
    script.runs["implement:greeter#1"][1]["wait_for"] = release;
    edit?.(script);
    writeFileSync(path, stringify(script, { lineWidth: 0 }));
  });
  const remote = `${checkout}.git`;
  git(checkout, "clone", "-q", "--bare", checkout, remote);
  return { remote, checkout };
}

function branchOf(repo: string, branch = "mission/hello"): string[] {
  return git(repo, "log", "--reverse", "--format=%s %T", branch).trim().split("\n");
}

async function fleetStatus(db: string): Promise<FleetStatus[]> {
  const r = await runCli(["fleet", "status", "--json"], ROOT, { MISSIONC_FLEET_DB: db });
  if (r.code !== 0) throw new Error(`fleet status failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as FleetStatus[];
}

/** Each remote's hello.mission on the fleet's queue: their ids. */
async function submitted(db: string, remotes: { remote: string; checkout: string }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const r of remotes) {
    const s = await runCli(["fleet", "submit", join(r.checkout, "hello.mission"), "--repo", `file://${r.remote}`, "--offline"], ROOT, {
      MISSIONC_FLEET_DB: db,
    });
    expect(s.code, s.stderr).toBe(0);
    ids.push(s.stdout.trim());
  }
  return ids;
}

/** Every one of these missions running on a worker and held there, its first model turn journaled. */
function allHeld(db: string, ids: string[]): Promise<FleetStatus[]> {
  return until(`${ids.length} held missions`, 90_000, async () => {
    const all = (await fleetStatus(db)).filter((m) => ids.includes(m.id));
    const ok = all.length === ids.length && all.every((m) => m.workflow?.status === "PENDING" && (m.status?.tokens.total ?? 0) > 0);
    return ok ? all : undefined;
  });
}

const byNumber = (a: number | null, b: number | null): number => (a ?? -1) - (b ?? -1);

async function until<T>(what: string, limitMs: number, look: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const got = await look();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!LONG || missing !== undefined)("missionc fleet on a real Postgres", () => {
  let pg: Postgres;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.stop());

  it("every mission completes within T + 60 s of the kill, its branch as an uninterrupted run makes it", async () => {
    const db = pg.url;
    const scratch = mkdtempSync(join(tmpdir(), "fleet-"));
    const release = join(scratch, "release");
    const remotes = [remoteOf(release), remoteOf(release), remoteOf(release)];

    // the branch an uninterrupted run makes, from the same repository content
    const reference = join(scratch, "reference");
    git(scratch, "clone", "-q", remotes[0].remote, reference);
    writeFileSync(release, "");
    const ran = await runCli(["run", "hello.mission", "--offline"], reference);
    expect(ran.code).toBe(0);
    const expected = branchOf(reference);
    expect(expected.length).toBeGreaterThan(1);
    // held from here on: the next missions wait at the worker's second turn
    rmSync(release);

    const workers = [startWorker(db, join(scratch, "w1")), startWorker(db, join(scratch, "w2"))];
    try {
      const executors = await Promise.all(workers.map((w) => w.executor));
      const ids = await submitted(db, remotes);
      // all three running and held mid-mission (the worker's first turn journaled)
      const held = await allHeld(db, ids);
      // kill the worker that holds the most; it is not restarted
      const load = executors.map((x) => held.filter((m) => m.workflow?.executor === x).length);
      const victim = load[0] >= load[1] ? 0 : 1;
      expect(load[victim]).toBeGreaterThan(0);
      workers[victim].child.kill("SIGKILL");
      const killedAt = Date.now();
      writeFileSync(release, "");

      const done = await until("every mission done", (LEASE_SECONDS + 60) * 1000, async () => {
        const all = await fleetStatus(db);
        const failed = all.find((m) => m.workflow?.status === "ERROR");
        if (failed) throw new Error(`${failed.id} failed:\n${workers.map((w) => w.output()).join("\n----\n")}`);
        // the journal says done before the workflow has pushed, stored its outcome and returned
        return all.every((m) => m.status?.state === "done" && m.workflow?.status === "SUCCESS") ? all : undefined;
      });
      const took = (Date.now() - killedAt) / 1000;
      console.log(`fleet: all three done ${took.toFixed(1)} s after the kill (T = ${LEASE_SECONDS} s)`);
      expect(took).toBeLessThan(LEASE_SECONDS + 60);

      const survivor = executors[1 - victim];
      for (const m of done) {
        expect(m.journal.verified).toBe(true);
        expect(m.workflow?.status).toBe("SUCCESS");
        expect(m.workflow?.executor).toBe(survivor); // the killed one's missions were taken over
      }
      for (const [i, r] of remotes.entries()) {
        // the pushed branch: the same subjects and trees as the uninterrupted run's
        expect(branchOf(r.remote), ids[i]).toEqual(expected);
        // the base branch is never pushed to
        expect(git(r.remote, "rev-parse", "main")).toBe(git(r.checkout, "rev-parse", "main"));
      }
      // each journaled model turn asked once, each step committed once (journal lines from the database)
      const client = new postgres.Client({ connectionString: db });
      await client.connect();
      try {
        for (const id of ids) {
          const lines = (
            await client.query<{ line: string }>("SELECT line FROM missionc_fleet.journal WHERE mission = $1 ORDER BY seq", [id])
          ).rows.map((r) => JSON.parse(r.line) as { type: string; data: Record<string, unknown> });
          const turns = lines.filter((e) => e.type === "model_response").map((e) => `${String(e.data["run"])}/${String(e.data["turn"])}`);
          expect(new Set(turns).size, id).toBe(turns.length);
          const commits = lines.filter((e) => e.type === "committed" && e.data["commit"]).map((e) => String(e.data["step"]));
          expect(new Set(commits).size).toBe(commits.length);
          expect(commits.length).toBe(expected.length - 1); // the branch's first commit is the base
        }
        // Mission Control lists the fleet's missions with the figures of `missionc status`
        const watching = await serve({ repos: [], host: "127.0.0.1", port: 0, fleet: { db, dir: join(scratch, "mirror") } });
        try {
          const listed = JSON.parse(await (await fetch(watching.url.replace("/?", "/api/missions?"))).text()) as {
            mission: string;
            state: string;
            features: { done: number };
          }[];
          expect(listed.map((m) => [m.mission, m.state, m.features.done])).toEqual(ids.map(() => ["hello", "done", 2]));
        } finally {
          await watching.close();
        }
        // the killed worker's missions resumed from the database's journal: a second run_started
        const resumed = await client.query<{ n: string }>(
          'SELECT count(*) AS n FROM missionc_fleet.journal WHERE line LIKE \'%"type":"run_started"%\'',
        );
        expect(Number(resumed.rows[0].n)).toBeGreaterThan(3);
      } finally {
        await client.end();
      }
    } catch (e) {
      throw withLogs(e, workers);
    } finally {
      stopAll(workers);
    }
  }, 300_000);

  it("the database out of reach for longer than T: no live worker is taken for dead, no mission runs on two at once", async () => {
    const db = pg.url;
    const scratch = mkdtempSync(join(tmpdir(), "fleet-outage-"));
    const release = join(scratch, "release");
    const remotes = [remoteOf(release), remoteOf(release)];
    const workers = [startWorker(db, join(scratch, "w1")), startWorker(db, join(scratch, "w2"))];
    let down = false;
    try {
      await Promise.all(workers.map((w) => w.executor));
      const ids = await submitted(db, remotes);
      const held = await allHeld(db, ids);
      // every lease expires while the database is away, the live workers' too
      pg.halt();
      down = true;
      await new Promise((r) => setTimeout(r, (2 * LEASE_SECONDS + 1) * 1000));
      pg.restart();
      down = false;
      writeFileSync(release, "");
      const done = await until("both missions done", 120_000, async () => {
        const all = (await fleetStatus(db)).filter((m) => ids.includes(m.id));
        return all.every((m) => m.status?.state === "done" && m.workflow?.status === "SUCCESS") ? all : undefined;
      });
      const logs = workers.map((w) => w.output());
      expect(logs.join("\n")).not.toContain("of dead executor");
      // told as what it was, once a worker, not as a machine too loaded to renew its lease
      for (const l of logs) expect(l).toContain("the database answers again");
      expect(logs.join("\n")).not.toContain("stopped or starved");
      for (const m of done) {
        // finished where it was running, and nowhere else
        expect(m.workflow?.executor).toBe(held.find((h) => h.id === m.id)?.workflow?.executor);
        expect(logs.filter((l) => l.includes(`[${m.id}]`))).toHaveLength(1);
        expect(m.journal.verified).toBe(true);
      }
    } catch (e) {
      throw withLogs(e, workers);
    } finally {
      if (down) pg.restart();
      stopAll(workers);
    }
  }, 240_000);

  it("a worker stopped past T comes back to find its mission taken over, and neither journals nor runs it again", async () => {
    const db = pg.url;
    const scratch = mkdtempSync(join(tmpdir(), "fleet-zombie-"));
    const release = join(scratch, "release");
    const workers = [startWorker(db, join(scratch, "w1")), startWorker(db, join(scratch, "w2"))];
    try {
      const executors = await Promise.all(workers.map((w) => w.executor));
      const [id] = await submitted(db, [remoteOf(release)]);
      const [held] = await allHeld(db, [id]);
      const z = executors.indexOf(String(held.workflow?.executor));
      const zombie = workers[z];
      zombie.child.kill("SIGSTOP");
      // the other worker takes it over (and is held at the same turn, resumed from the journal)
      await until("the mission taken over", 60_000, async () => {
        const m = (await fleetStatus(db)).find((x) => x.id === id);
        return m?.workflow?.status === "PENDING" && m.workflow.executor === executors[1 - z] ? m : undefined;
      });
      zombie.child.kill("SIGCONT");
      await new Promise((r) => setTimeout(r, 1000));
      writeFileSync(release, "");
      const done = await until("the mission done", 90_000, async () => {
        const m = (await fleetStatus(db)).find((x) => x.id === id);
        return m?.status?.state === "done" && m.workflow?.status === "SUCCESS" ? m : undefined;
      });
      expect(done.workflow?.executor).toBe(executors[1 - z]);
      // the woken worker's run notices the lapse before it records anything, and is not tried again there
      await until("the woken worker giving the mission up", 30_000, async () =>
        zombie.output().includes("it is not run here again") ? true : undefined,
      );
      const client = new postgres.Client({ connectionString: db });
      await client.connect();
      try {
        const lines = (
          await client.query<{ line: string }>("SELECT line FROM missionc_fleet.journal WHERE mission = $1 ORDER BY seq", [id])
        ).rows.map((r) => JSON.parse(r.line) as { type: string; data: Record<string, unknown> });
        // started once, taken over once; nothing after the end
        expect(lines.filter((e) => e.type === "run_started")).toHaveLength(2);
        expect(lines.at(-1)?.type).toBe("mission_completed");
        const turns = lines.filter((e) => e.type === "model_response").map((e) => `${String(e.data["run"])}/${String(e.data["turn"])}`);
        expect(new Set(turns).size).toBe(turns.length);
      } finally {
        await client.end();
      }
      expect(zombie.output()).not.toMatch(new RegExp(`\\[${id}\\] resumed from`));
    } catch (e) {
      throw withLogs(e, workers);
    } finally {
      stopAll(workers);
    }
  }, 240_000);

  it("msg and pause reach a mission through the database wherever it runs; resume puts it back on the queue", async () => {
    const db = pg.url;
    const scratch = mkdtempSync(join(tmpdir(), "fleet-steer-"));
    const release = join(scratch, "release");
    // the worker's key, which a model echoes: redacted before the database sees it
    const key = "sk-ant-fleet-0123456789abcdef";
    // answered between steps (message:1) or by the milestone's gate, whichever comes first
    const { remote, checkout } = remoteOf(release, (script) => {
      script.runs["message:1"] = [
        { tools: [{ name: "decide", input: { action: "accept", reason: "Heard you; the greeter carries on." } }] },
      ];
      script.runs["implement:greeter#1"][0]["text"] = `My key is ${key}.`;
      // an agent that wants the fleet's database: its address is not in its environment, and its
      // loopback is its own, not the worker's
      const port = new URL(db).port;
      (script.runs["implement:greeter#1"][0]["tools"] as unknown[]).push({
        name: "run_command",
        input: {
          command: `echo "db url: [$MISSIONC_FLEET_DB]"; node -e "require('net').connect(${port}, '127.0.0.1').on('connect', () => { console.log('REACHED'); process.exit(0) }).on('error', () => console.log('REFUSED'))"`,
        },
      });
    });
    const worker = startWorker(db, join(scratch, "w"), { ANTHROPIC_API_KEY: key });
    try {
      await worker.executor;
      const s = await runCli(["fleet", "submit", join(checkout, "hello.mission"), "--repo", `file://${remote}`, "--offline"], ROOT, {
        MISSIONC_FLEET_DB: db,
      });
      const id = s.stdout.trim();
      const mine = async (): Promise<FleetStatus | undefined> => (await fleetStatus(db)).find((m) => m.id === id);
      await until("the mission held", 60_000, async () => ((await mine())?.status?.tokens.total ?? 0) > 0 || undefined);
      const paused = await runCli(["fleet", "pause", id], ROOT, { MISSIONC_FLEET_DB: db });
      expect(paused.stdout).toContain("posted");
      const message = await runCli(["fleet", "msg", id, "Is it English only?"], ROOT, { MISSIONC_FLEET_DB: db });
      expect(message.code).toBe(0);
      writeFileSync(release, "");
      const stopped = await until("the mission paused", 60_000, async () => {
        const m = await mine();
        return m?.status?.state === "paused" && m.workflow?.status === "SUCCESS" ? m : undefined;
      });
      expect(stopped.status?.last_events.some((e) => e.summary.includes("paused by `missionc pause`"))).toBe(true);
      const resumed = await runCli(["fleet", "resume", id], ROOT, { MISSIONC_FLEET_DB: db });
      expect(resumed.stdout).toContain("on the queue again (run 2)");
      const done = await until("the mission done", 90_000, async () => {
        const m = await mine();
        return m?.status?.state === "done" && m.workflow?.status === "SUCCESS" ? m : undefined;
      });
      // the message was answered by the orchestrator on the resumed run (at the gate that came next)
      expect(done.status?.changes_of_course.find((c) => c.gate === "message")?.reason).toContain("Is it English only?");
      expect(branchOf(remote).length).toBe(3);
      // no key in the database: not in a journal line, not in a blob
      const client = new postgres.Client({ connectionString: db });
      await client.connect();
      try {
        const found = await client.query<{ n: string }>(
          "SELECT (SELECT count(*) FROM missionc_fleet.journal WHERE line LIKE $1) + (SELECT count(*) FROM missionc_fleet.blobs WHERE text LIKE $1) AS n",
          [`%${key}%`],
        );
        expect(Number(found.rows[0].n)).toBe(0);
        const probe = await client.query<{ line: string }>(
          "SELECT line FROM missionc_fleet.journal WHERE mission = $1 AND line LIKE '%\"type\":\"tool_result\"%' AND line LIKE '%run_command%' ORDER BY seq LIMIT 1",
          [id],
        );
        const blob = String((JSON.parse(probe.rows[0].line) as { data: { blob: string } }).data.blob);
        const output = blob.startsWith("=")
          ? blob.slice(1)
          : (await client.query<{ text: string }>("SELECT text FROM missionc_fleet.blobs WHERE hash = $1", [blob])).rows[0].text;
        expect(output).toContain("db url: []");
        expect(output).toContain("REFUSED");
        expect(output).not.toContain("REACHED");
        const said = await client.query<{ n: string }>(
          "SELECT (SELECT count(*) FROM missionc_fleet.journal WHERE mission = $1 AND line LIKE '%My key is%') + (SELECT count(*) FROM missionc_fleet.blobs WHERE text LIKE '%My key is%') AS n",
          [id],
        );
        expect(Number(said.rows[0].n)).toBeGreaterThan(0); // the turn is there, its key taken out
        // the pause and the message were taken in: nothing is left in the database's inbox
        const left = await client.query<{ n: string }>("SELECT count(*) AS n FROM missionc_fleet.inbox WHERE mission = $1", [id]);
        expect(Number(left.rows[0].n)).toBe(0);
      } finally {
        await client.end();
      }
      const late = await runCli(["fleet", "msg", id, "one more"], ROOT, { MISSIONC_FLEET_DB: db });
      expect([late.code, late.stderr]).toEqual([2, expect.stringContaining("is done") as unknown as string]);
    } catch (e) {
      throw withLogs(e, [worker]);
    } finally {
      stopAll([worker]);
    }
  }, 240_000);

  it("a mission's budget stops it where it stops on one machine, and a budget-stopped mission stays stopped", async () => {
    const db = pg.url;
    const scratch = mkdtempSync(join(tmpdir(), "fleet-budget-"));
    const release = join(scratch, "release");
    writeFileSync(release, "");
    const tight = (text: string): string => text.replace("budget { tokens 2M", "budget { tokens 45k");
    const { remote, checkout } = remoteOf(release, undefined, tight);
    // the same mission on one machine
    const reference = join(scratch, "reference");
    git(scratch, "clone", "-q", remote, reference);
    const ran = await runCli(["run", "hello.mission", "--offline"], reference);
    expect(ran.code).toBe(3);
    const local = JSON.parse((await runCli(["status", "--json"], reference)).stdout) as NonNullable<FleetStatus["status"]>;
    expect(local.state).toBe("paused");
    const worker = startWorker(db, join(scratch, "w"));
    try {
      await worker.executor;
      // submitted twice at the same moment: one mission of a name a repository
      const submits = await Promise.all(
        [0, 1].map(() =>
          runCli(["fleet", "submit", join(checkout, "hello.mission"), "--repo", `file://${remote}`, "--offline"], ROOT, {
            MISSIONC_FLEET_DB: db,
          }),
        ),
      );
      expect(submits.map((r) => r.code).sort(byNumber), submits.map((r) => r.stderr).join("\n")).toEqual([0, 2]);
      expect(submits.find((r) => r.code === 2)?.stderr).toMatch(/same moment|already/);
      const id = String(submits.find((r) => r.code === 0)?.stdout.trim());
      const stopped = await until("the mission stopped by its budget", 60_000, async () => {
        const m = (await fleetStatus(db)).find((x) => x.id === id);
        return m?.status?.state === "paused" && m.workflow?.status === "SUCCESS" ? m : undefined;
      });
      // stopped at the same point: the same state, features and reason; the offline provider estimates
      // tokens from the text (4 characters a token), and a command's output differs by a character or
      // two between machines (its duration), so the totals agree to a few tokens, not exactly
      const where = (st: NonNullable<FleetStatus["status"]>): unknown => [
        st.state,
        st.paused_reason?.replace(/\(\d+ of/, "(N of"),
        st.features.items.map((f) => [f.name, f.status]),
      ];
      expect(stopped.status && where(stopped.status)).toEqual(where(local));
      expect(stopped.status?.paused_reason).toMatch(/token budget is spent \(\d+ of 45000\)/);
      expect(Math.abs((stopped.status?.tokens.total ?? 0) - local.tokens.total)).toBeLessThan(20);
      expect(stopped.last_run?.exit).toBe(3);
      // the pushed branch holds what the local run committed before its budget ran out
      expect(branchOf(remote)).toEqual(branchOf(reference));
      // nothing takes it up again by itself; resumed, it stops at once, as a second `run` does at home
      await new Promise((r) => setTimeout(r, (LEASE_SECONDS + 1) * 1000));
      const still = (await fleetStatus(db)).find((x) => x.id === id);
      expect([still?.status?.state, still?.journal.events]).toEqual(["paused", stopped.journal.events]);
      const again = await runCli(["run", "hello.mission", "--offline"], reference);
      expect(again.code).toBe(3);
      // two people resume it at the same moment: one new run, the other told so
      const both = await Promise.all([0, 1].map(() => runCli(["fleet", "resume", id], ROOT, { MISSIONC_FLEET_DB: db })));
      expect(both.map((r) => r.code).sort(byNumber), both.map((r) => r.stderr).join("\n")).toEqual([0, 2]);
      expect(both.find((r) => r.code === 0)?.stdout).toContain("on the queue again (run 2)");
      expect(both.find((r) => r.code === 2)?.stderr).toMatch(/at the same moment|running already|queued already/);
      const restopped = await until("the resumed mission stopped again", 60_000, async () => {
        const m = (await fleetStatus(db)).find((x) => x.id === id);
        return m?.workflow?.id !== stopped.workflow?.id && m?.status?.state === "paused" && m.workflow?.status === "SUCCESS"
          ? m
          : undefined;
      });
      expect(restopped.status?.tokens.total).toBe(stopped.status?.tokens.total);
      expect(restopped.workflow?.id).toBe(`${id}#2`);
      expect(restopped.status?.paused_reason).toContain("token budget is spent");
      expect(branchOf(remote)).toEqual(branchOf(reference));
    } catch (e) {
      throw withLogs(e, [worker]);
    } finally {
      stopAll([worker]);
    }
  }, 120_000);

  it("a fresh database, a wrong URL, a repository that does not answer, a file with errors or not as the remote has it: one clear line each", async () => {
    const admin = new postgres.Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query("CREATE DATABASE fresh");
    await admin.end();
    const env = { MISSIONC_FLEET_DB: pg.url.replace(/\/postgres$/, "/fresh") };
    const fleet = (...args: string[]) => runCli(["fleet", ...args], ROOT, env);
    const clear = (r: { code: number | null; stderr: string }, code: number, says: string): void => {
      expect(r.stderr).toContain(says);
      expect(r.code, r.stderr).toBe(code);
      expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
    };
    // nothing was ever submitted to it: an empty fleet, and no such mission
    const empty = await fleet("status");
    expect([empty.code, empty.stdout]).toEqual([0, "no missions in the fleet (missionc fleet submit puts one on its queue)\n"]);
    expect(JSON.parse((await fleet("status", "--json")).stdout)).toEqual([]);
    for (const args of [
      ["msg", "nope-000000", "hi"],
      ["pause", "nope-000000"],
      ["resume", "nope-000000"],
    ])
      clear(await fleet(...args), 2, "no mission nope-000000 in the fleet");
    clear(await runCli(["fleet", "status"], ROOT, { MISSIONC_FLEET_DB: "http://example.invalid/x" }), 2, "is a Postgres URL");
    clear(await runCli(["serve", "--fleet", "--db", "postgres://nobody@127.0.0.1:1/x"], ROOT), 2, "cannot be reached");

    const scratch = mkdtempSync(join(tmpdir(), "fleet-input-"));
    const { remote, checkout } = remoteOf(join(scratch, "release"));
    const submit = (file: string, repo = `file://${remote}`) => fleet("submit", join(checkout, file), "--repo", repo, "--offline");
    // what a worker could not run is refused before it is queued
    clear(await submit("hello.mission", "file:///nonexistent/repo.git"), 2, "does not answer from here");
    // the workers run what the remote's default branch holds: a file that is not there, or not as it is here
    const original = readFileSync(join(checkout, "hello.mission"), "utf8");
    writeFileSync(join(checkout, "extra.mission"), original.replace("mission hello", "mission extra"));
    clear(await submit("extra.mission"), 2, "extra.mission is not in");
    git(checkout, "add", "extra.mission");
    git(checkout, "commit", "-qm", "extra, not pushed");
    clear(await submit("extra.mission"), 2, "extra.mission is not in");
    git(checkout, "push", "-q", remote, "HEAD:refs/heads/feature"); // pushed, but not where a clone looks
    clear(await submit("extra.mission"), 2, "extra.mission is not in");
    writeFileSync(join(checkout, "hello.mission"), `${original}\n// edited\n`);
    clear(await submit("hello.mission"), 2, "hello.mission differs from the copy");
    git(checkout, "commit", "-qam", "edited, not pushed");
    clear(await submit("hello.mission"), 2, "hello.mission differs from the copy");
    git(checkout, "reset", "-q", "--hard", "HEAD~2"); // back to what the remote holds
    // offline, the script the workers replay is held to the same rule
    writeFileSync(join(checkout, "hello.script.yaml"), `${readFileSync(join(checkout, "hello.script.yaml"), "utf8")}\n# edited\n`);
    clear(await submit("hello.mission"), 2, "hello.script.yaml differs from the copy");
    rmSync(join(checkout, "hello.script.yaml"));
    clear(await submit("hello.mission"), 2, "--offline needs a script: none at hello.script.yaml");
    git(checkout, "checkout", "--", "hello.script.yaml");
    // a file with errors: its diagnostics, as `check` shows them, and exit 1
    writeFileSync(join(checkout, "bad.mission"), 'mission bad "Bad" {\n  goal "g"\n  milestne one {}\n}\n');
    const bad = await submit("bad.mission");
    clear(bad, 1, "milestone");
    expect(bad.stderr).toMatch(/M\d{4}/);
    // the first submit to a fresh database: its output is the mission's id alone (DBOS's own words go to stderr)
    const ok = await submit("hello.mission");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^hello-[0-9a-f]{6}\n$/);
    const again = await fleet("resume", ok.stdout.trim());
    clear(again, 2, "queued already");
  });

  it("the database, not a look beforehand, keeps one mission of a name a repository and one new run of a stopped mission", async () => {
    const store = new FleetStore(pg.url, 4);
    try {
      await store.prepare(async () => undefined);
      const row = (id: string) => ({ id, name: "race", repo_url: "file:///race.git", mission_path: "race.mission", offline: true });
      // both inserts in flight at once: the unique index decides
      const added = await Promise.all([store.addMission(row("race-a")), store.addMission(row("race-b"))]);
      expect(added.filter(Boolean)).toHaveLength(1);
      const [kept] = (await store.missions()).filter((m) => m.name === "race");
      const next = await Promise.all([store.nextRun(kept.id, 1), store.nextRun(kept.id, 1)]);
      expect(next.filter((n) => n !== undefined)).toEqual([2]);
      expect((await store.mission(kept.id))?.runs).toBe(2);
    } finally {
      await store.close();
    }
  });
});
