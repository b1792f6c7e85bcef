import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStatus } from "../src/control/status.js";
import { groupAlive } from "../src/runner/processes.js";
import { layoutOf } from "../src/runner/layout.js";
import { crashAfterAppend, resume } from "./helpers/crash.js";
import { exampleRepo, journalEvents, missionCommits, pool, runCli } from "./helpers/missions.js";

/**
 * Crash safety, exhaustively: the demo mission is stopped dead right after each journal append in
 * turn (a runner thread frozen and terminated: see helpers/crash.ts), resumed by a fresh runner, and
 * compared with an uninterrupted run. Plus real SIGKILLs of a real CLI process at random moments.
 * `npm run test:long` kills at more random moments (CRASH_KILLS).
 */

const MISSION = "hello.mission";
const KILLS = Number(process.env["CRASH_KILLS"] ?? 6);

interface Outcome {
  commits: ReturnType<typeof missionCommits>;
  status: { state: string; features: string[]; changes_of_course: unknown };
  handoffs: string[];
  requests: Map<string, number>;
}

function outcome(repo: string): Outcome {
  const status = readStatus(layoutOf(repo, "hello"));
  const requests = new Map<string, number>();
  const log = join(repo, "requests.log");
  if (existsSync(log))
    for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) requests.set(line, (requests.get(line) ?? 0) + 1);
  const handoffs = ["greeter-1", "default_name-1"].map((h) => readFileSync(join(repo, ".missions/hello/handoffs", `${h}.json`), "utf8"));
  return {
    commits: missionCommits(repo),
    status: {
      state: status.state,
      features: status.features.items.map((f) => `${f.name}:${f.status}`),
      changes_of_course: status.changes_of_course,
    },
    handoffs,
    requests,
  };
}

/** What must hold after a resume, whatever the point of the crash. */
function expectSameEnd(got: Outcome, expected: Outcome, where: string): void {
  expect(
    got.commits.map((c) => [c.subject, c.tree]),
    `${where}: commits`,
  ).toEqual(expected.commits.map((c) => [c.subject, c.tree]));
  expect(new Set(got.commits.map((c) => c.step)).size, `${where}: a commit made twice`).toBe(got.commits.length);
  expect(got.status, `${where}: final state`).toEqual(expected.status);
  expect(got.handoffs, `${where}: handoffs`).toEqual(expected.handoffs);
}

describe("a mission killed at any point and resumed ends as an uninterrupted run", () => {
  it("after every journal append in turn", async () => {
    const baseRepo = exampleRepo();
    const base = await resume(join(baseRepo, MISSION), join(baseRepo, "requests.log"));
    expect(base.status).toBe("done");
    const expected = outcome(baseRepo);
    expect(expected.commits.map((c) => c.subject)).toEqual([
      "The greeting program (feature greeter)",
      "Greet the world by default (feature default_name)",
    ]);
    for (const [turn, n] of expected.requests) expect(n, turn).toBe(1);
    // one crash point per journal line of the uninterrupted run, however many that is
    const total = journalEvents(baseRepo, "hello").length;

    const points = Array.from({ length: total }, (_, i) => i + 1);
    const results = await pool(
      points.map((n) => async () => {
        const repo = exampleRepo();
        const log = join(repo, "requests.log");
        const crash = await crashAfterAppend(join(repo, MISSION), n, log);
        const resumed = await resume(join(repo, MISSION), log);
        const leftovers = journalEvents(repo, "hello")
          .filter((e) => e.type === "command_started")
          .map((e) => Number(e.data["pgid"]))
          .filter(groupAlive);
        const lockLeft = existsSync(join(repo, ".missions/hello/lock"));
        return { n, crash, resumed, leftovers, lockLeft, got: outcome(repo) };
      }),
      3,
    );
    expect(results).toHaveLength(total);
    for (const { n, crash, resumed, leftovers, lockLeft, got } of results) {
      const where = `crash point ${n} of ${total}`;
      expect(crash.crashedAt, `${where}: the runner should have been stopped there`).toBe(n);
      expect(resumed.status, `${where}: ${"message" in resumed ? resumed.message : ""}`).toBe("done");
      expectSameEnd(got, expected, where);
      for (const [turn, count] of got.requests) expect(count, `${where}: model turn ${turn} requested ${count} times`).toBe(1);
      expect([...got.requests.keys()].sort(), `${where}: model turns`).toEqual([...expected.requests.keys()].sort());
      expect(leftovers, `${where}: process groups still running after the resume`).toEqual([]);
      expect(lockLeft, `${where}: the lock outlived the resumed runner`).toBe(false);
    }
    console.log(
      `crash safety: ${results.length} crash points (every journal append of the demo mission), all resumed to the same commits and state`,
    );
  }, 600_000);

  it("after SIGKILLs at random moments of a real child process", async () => {
    const baseRepo = exampleRepo();
    const started = performance.now();
    expect((await runCli(["run", MISSION, "--offline"], baseRepo)).code).toBe(0);
    const span = performance.now() - started; // how long a whole run takes here, now: kills land anywhere in it
    const expected = outcome(baseRepo);
    const delays = Array.from({ length: KILLS }, () => Math.round(Math.random() * span));
    const results = await pool(
      delays.map((ms) => async () => {
        const repo = exampleRepo();
        const killed = await runCli(["run", MISSION, "--offline"], repo, {}, ms);
        const resumed = killed.code === 0 ? killed : await runCli(["run", MISSION, "--offline"], repo);
        return { ms, killed, resumed, got: outcome(repo) };
      }),
      3,
    );
    for (const { ms, killed, resumed, got } of results) {
      const where = `killed at ${ms} ms`;
      expect([0, null], where).toContain(killed.code);
      expect(resumed.code, `${where}: ${resumed.stderr}`).toBe(0);
      expectSameEnd(got, expected, where);
    }
    const kills = results.filter((r) => r.killed.signal === "SIGKILL").length;
    console.log(
      `random kills: ${kills} of ${results.length} runs killed mid-way (at ${delays.join(", ")} ms of a ${Math.round(span)} ms run), all resumed to the same end`,
    );
  }, 600_000);
});
