import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStatus } from "../src/control/status.js";
import { layoutOf } from "../src/runner/layout.js";
import { exampleRepo, missionCommits, pool, runCli, type Exit } from "./helpers/missions.js";

/**
 * Crash safety, exhaustively: the demo mission is killed (SIGKILL) right after each journal append
 * in turn, resumed, and compared with an uninterrupted run. Plus kills at random moments.
 */

interface Outcome { commits: ReturnType<typeof missionCommits>; status: { state: string; features: unknown; changes_of_course: unknown }; handoffs: string[]; requests: Map<string, number> }

function outcome(repo: string): Outcome {
  const status = JSON.parse(readFileSync(join(repo, "status.json"), "utf8"));
  const requests = new Map<string, number>();
  const log = join(repo, "requests.log");
  if (existsSync(log)) for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) requests.set(line, (requests.get(line) ?? 0) + 1);
  const handoffs = ["greeter-1", "default_name-1"].map((h) => readFileSync(join(repo, ".missions/hello/handoffs", `${h}.json`), "utf8"));
  return { commits: missionCommits(repo), status: { state: status.state, features: status.features.items.map((f: { name: string; status: string }) => `${f.name}:${f.status}`), changes_of_course: status.changes_of_course }, handoffs, requests };
}

async function finishRun(repo: string, env: Record<string, string>): Promise<Exit[]> {
  const exits: Exit[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runCli(["run", "hello.mission", "--offline"], repo, env);
    exits.push(r);
    if (r.code === 0) break;
  }
  // read in this process: a CLI start per crash point adds up over every point
  writeFileSync(join(repo, "status.json"), JSON.stringify(readStatus(layoutOf(repo, "hello"))));
  return exits;
}

describe("a mission killed at any point and resumed ends as an uninterrupted run", () => {
  it("after every journal append in turn", async () => {
    const baseRepo = exampleRepo();
    const log = { MISSIONC_SCRIPT_LOG: join(baseRepo, "requests.log") };
    const base = await finishRun(baseRepo, log);
    expect(base.map((e) => e.code)).toEqual([0]);
    const expected = outcome(baseRepo);
    const total = readFileSync(join(baseRepo, ".missions/hello/journal.jsonl"), "utf8").trim().split("\n").length;
    expect(total).toBeLessThan(100);
    expect(expected.commits.map((c) => c.subject)).toEqual(["The greeting program (feature greeter)", "Greet the world by default (feature default_name)"]);
    for (const [turn, n] of expected.requests) expect(n, turn).toBe(1);

    const points = Array.from({ length: total }, (_, i) => i + 1);
    const results = await pool(points.map((n) => async () => {
      const repo = exampleRepo();
      const env = { MISSIONC_SCRIPT_LOG: join(repo, "requests.log") };
      const crashed = await runCli(["run", "hello.mission", "--offline"], repo, { ...env, MISSIONC_CRASH_AFTER_APPEND: String(n) });
      const resumed = await finishRun(repo, env);
      return { n, crashed, resumed, got: outcome(repo) };
    }), 3);
    for (const { n, crashed, resumed, got } of results) {
      expect(crashed.signal, `crash point ${n}: the run should have been killed`).toBe("SIGKILL");
      expect(resumed.map((e) => e.code), `crash point ${n}: ${resumed.map((e) => e.stderr).join("\n")}`).toEqual([0]);
      expect(got.commits.map((c) => [c.subject, c.tree]), `crash point ${n}: commits`).toEqual(expected.commits.map((c) => [c.subject, c.tree]));
      expect(new Set(got.commits.map((c) => c.step)).size, `crash point ${n}: a commit made twice`).toBe(got.commits.length);
      expect(got.status, `crash point ${n}: final state`).toEqual(expected.status);
      expect(got.handoffs, `crash point ${n}: handoffs`).toEqual(expected.handoffs);
      for (const [turn, count] of got.requests) expect(count, `crash point ${n}: model turn ${turn} requested ${count} times`).toBe(1);
      expect([...got.requests.keys()].sort()).toEqual([...expected.requests.keys()].sort());
    }
    console.log(`crash safety: ran ${results.length} crash points (every journal append of the demo mission), all resumed to the same commits and state`);
  }, 600_000);

  it("after SIGKILLs at random moments of a real child process", async () => {
    const baseRepo = exampleRepo();
    await finishRun(baseRepo, {});
    const expected = outcome(baseRepo);
    const delays = [150, 400, 700, 1000, 1300, 1700];
    const results = await pool(delays.map((ms) => async () => {
      const repo = exampleRepo();
      const killed = await runCli(["run", "hello.mission", "--offline"], repo, {}, ms);
      const resumed = await finishRun(repo, {});
      return { ms, killed, resumed, got: outcome(repo) };
    }), 3);
    for (const { ms, resumed, got } of results) {
      expect(resumed[resumed.length - 1]!.code, `killed at ${ms} ms`).toBe(0);
      expect(got.commits.map((c) => [c.subject, c.tree]), `killed at ${ms} ms`).toEqual(expected.commits.map((c) => [c.subject, c.tree]));
      expect(got.status, `killed at ${ms} ms`).toEqual(expected.status);
    }
  }, 300_000);
});
