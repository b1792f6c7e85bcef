import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStatus } from "../src/control/status.js";
import { groupAlive } from "../src/sandbox/processes.js";
import { layoutOf } from "../src/runner/layout.js";
import { crashAt, resume, type CrashPoint } from "./helpers/crash.js";
import { exampleRepo, git, journalEvents, missionCommits, pool, runCli } from "./helpers/missions.js";

/**
 * Crash safety, exhaustively: the demo mission is stopped dead right after each journal append in
 * turn (a runner thread frozen and terminated: see helpers/crash.ts), resumed by a fresh runner, and
 * compared with an uninterrupted run; likewise right after each commit reaches the branch, before the
 * journal knows of it (the one side effect the journal learns of only afterwards). Plus real SIGKILLs
 * of a real CLI process at random moments. `npm run test:long` kills at more moments (CRASH_KILLS).
 */

const MISSION = "hello.mission";
const KILLS = Number(process.env["CRASH_KILLS"] ?? 6);

interface Outcome {
  commits: ReturnType<typeof missionCommits>;
  status: { state: string; features: string[]; changes_of_course: unknown };
  handoffs: string[];
  requests: Map<string, number>;
  /** commits the mission branch once pointed at (its reflog) that it no longer holds: work made, dropped and made again */
  abandoned: string[];
}

function outcome(repo: string): Outcome {
  const status = readStatus(layoutOf(repo, "hello"));
  const requests = new Map<string, number>();
  const log = join(repo, "requests.log");
  if (existsSync(log))
    for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) requests.set(line, (requests.get(line) ?? 0) + 1);
  const handoffs = ["greeter-1", "default_name-1"].map((h) => readFileSync(join(repo, ".missions/hello/handoffs", `${h}.json`), "utf8"));
  const held = new Set(git(repo, "rev-list", "mission/hello").split("\n").filter(Boolean));
  const pointedAt = git(repo, "reflog", "show", "--format=%H", "refs/heads/mission/hello").split("\n").filter(Boolean);
  return {
    commits: missionCommits(repo),
    status: {
      state: status.state,
      features: status.features.items.map((f) => `${f.name}:${f.status}`),
      changes_of_course: status.changes_of_course,
    },
    handoffs,
    requests,
    abandoned: [...new Set(pointedAt)].filter((c) => !held.has(c)),
  };
}

/** What must hold after a resume, whatever the point of the crash. */
function expectSameEnd(got: Outcome, expected: Outcome, where: string): void {
  expect(
    got.commits.map((c) => [c.subject, c.tree]),
    `${where}: commits`,
  ).toEqual(expected.commits.map((c) => [c.subject, c.tree]));
  expect(new Set(got.commits.map((c) => c.step)).size, `${where}: a commit made twice`).toBe(got.commits.length);
  expect(got.abandoned, `${where}: a commit made, dropped from the branch and made again`).toEqual([]);
  expect(got.status, `${where}: final state`).toEqual(expected.status);
  expect(got.handoffs, `${where}: handoffs`).toEqual(expected.handoffs);
}

/** The demo, uninterrupted, in this process: what every crashed and resumed run must end as (run once, shared). */
let baseline: Promise<{ expected: Outcome; appends: number }> | undefined;
const uninterrupted = (): Promise<{ expected: Outcome; appends: number }> => (baseline ??= runUninterrupted());

async function runUninterrupted(): Promise<{ expected: Outcome; appends: number }> {
  const repo = exampleRepo();
  const base = await resume(join(repo, MISSION), join(repo, "requests.log"));
  expect(base.status).toBe("done");
  const expected = outcome(repo);
  expect(expected.commits.map((c) => c.subject)).toEqual([
    "The greeting program (feature greeter)",
    "Greet the world by default (feature default_name)",
  ]);
  for (const [turn, n] of expected.requests) expect(n, turn).toBe(1);
  return { expected, appends: journalEvents(repo, "hello").length };
}

/** A crash at the point in a fresh copy of the demo, then a fresh runner to the end; what is left. */
async function crashAndResume(point: CrashPoint) {
  const repo = exampleRepo();
  const log = join(repo, "requests.log");
  const crash = await crashAt(join(repo, MISSION), point, log);
  const cut = cutCommand(repo);
  const resumed = await resume(join(repo, MISSION), log);
  const leftovers = journalEvents(repo, "hello")
    .filter((e) => e.type === "command_started")
    .map((e) => Number(e.data["pgid"]))
    .filter(groupAlive);
  return {
    point,
    crash,
    cut,
    repo,
    resumed,
    leftovers,
    lockLeft: existsSync(join(repo, ".missions/hello/lock")),
    got: cut ? undefined : outcome(repo),
  };
}

/**
 * Whether the crash came while a worker's command ran: a resume does not run that call again (it may
 * be what killed the runner: issue 12's poison pill) but answers it "the runner stopped", so the
 * scripted story goes another way from there. The journal says so: a tool_started without its
 * tool_result (the runner is serial here: a worker's calls run one at a time).
 */
function cutCommand(repo: string): boolean {
  if (!existsSync(join(repo, ".missions/hello/journal.jsonl"))) return false;
  let open = false;
  const checks = new Set<string>();
  for (const e of journalEvents(repo, "hello")) {
    const check = `${String(e.data["milestone"])}#${String(e.data["round"])}:${String(e.data["kind"])}:${String(e.data["name"])}`;
    if (e.type === "tool_started") open = true;
    else if (e.type === "tool_result") open = false;
    else if (e.type === "check_started") checks.add(check);
    else if (e.type === "check_result") checks.delete(check);
  }
  return open || checks.size > 0;
}

/** The text a journaled result holds (a tool's, or a check's output). */
function resultText(repo: string, e: ReturnType<typeof journalEvents>[number]): string {
  const ref = String(e.type === "check_result" ? (e.data["check"] as { blob: string }).blob : e.data["blob"]);
  return ref.startsWith("=") ? ref.slice(1) : readFileSync(join(repo, ".missions/hello/blobs", ref), "utf8");
}

/** After a crash in a command: the command answered, not repeated; the mission resumable. */
function expectCutCommandAnswered(repo: string, resumedStatus: string, where: string): void {
  expect(["done", "paused"], where).toContain(resumedStatus);
  const stopped = journalEvents(repo, "hello").filter(
    (e) => (e.type === "tool_result" || e.type === "check_result") && resultText(repo, e).includes("the runner stopped while this"),
  );
  expect(stopped, `${where}: the call the runner died in is answered, not run again`).toHaveLength(1);
}

function expectResumedAsUninterrupted(r: Awaited<ReturnType<typeof crashAndResume>>, expected: Outcome, where: string): void {
  expect(r.crash.crashedAt, `${where}: the runner should have been stopped there`).toBe(r.point.n);
  expect(r.leftovers, `${where}: process groups still running after the resume`).toEqual([]);
  if (r.cut) return expectCutCommandAnswered(r.repo, r.resumed.status, where);
  expect(r.resumed.status, `${where}: ${"message" in r.resumed ? r.resumed.message : ""}`).toBe("done");
  expectSameEnd(r.got!, expected, where);
  for (const [turn, count] of r.got!.requests) expect(count, `${where}: model turn ${turn} requested ${count} times`).toBe(1);
  expect([...r.got!.requests.keys()].sort(), `${where}: model turns`).toEqual([...expected.requests.keys()].sort());
  expect(r.leftovers, `${where}: process groups still running after the resume`).toEqual([]);
  expect(r.lockLeft, `${where}: the lock outlived the resumed runner`).toBe(false);
}

describe("a mission killed at any point and resumed ends as an uninterrupted run", () => {
  it("after every journal append in turn", async () => {
    const { expected, appends } = await uninterrupted();
    // one crash point per journal line of the uninterrupted run, however many that is
    const points = Array.from({ length: appends }, (_, i): CrashPoint => ({ after: "append", n: i + 1 }));
    const results = await pool(
      points.map((p) => () => crashAndResume(p)),
      3,
    );
    expect(results).toHaveLength(appends);
    for (const r of results) expectResumedAsUninterrupted(r, expected, `crash point ${r.point.n} of ${appends}`);
    console.log(
      `crash safety: ${results.length} crash points (every journal append of the demo mission), all resumed to the same commits and state but ${results.filter((r) => r.cut).length} inside a command (answered "the runner stopped", not run again)`,
    );
  }, 600_000);

  it("after each commit reaches the branch, before the journal knows of it", async () => {
    const { expected } = await uninterrupted();
    const points = expected.commits.map((_, i): CrashPoint => ({ after: "commit", n: i + 1 }));
    const results = await pool(
      points.map((p) => () => crashAndResume(p)),
      3,
    );
    for (const r of results) expectResumedAsUninterrupted(r, expected, `crash after commit ${r.point.n}`);
  });

  it("after SIGKILLs at random moments of a real child process", async () => {
    const baseRepo = exampleRepo();
    const started = performance.now();
    expect((await runCli(["run", MISSION, "--offline"], baseRepo)).code).toBe(0);
    const span = performance.now() - started; // how long a whole run takes here, now
    const expected = outcome(baseRepo);
    // one kill in each of KILLS equal slices of 1.5 runs: runs side by side take longer than one alone
    const delays = Array.from({ length: KILLS }, (_, i) => Math.round(((i + Math.random()) / KILLS) * 1.5 * span));
    const results = await pool(
      delays.map((ms) => async () => {
        const repo = exampleRepo();
        const killed = await runCli(["run", MISSION, "--offline"], repo, {}, ms);
        const cut = killed.code !== 0 && cutCommand(repo);
        const resumed = killed.code === 0 ? killed : await runCli(["run", MISSION, "--offline"], repo);
        return { ms, killed, resumed, repo, cut, got: cut ? undefined : outcome(repo) };
      }),
      3,
    );
    for (const { ms, killed, resumed, repo, cut, got } of results) {
      const where = `killed at ${ms} ms`;
      expect([0, null], where).toContain(killed.code);
      if (cut) {
        expectCutCommandAnswered(repo, resumed.code === 0 ? "done" : resumed.code === 3 ? "paused" : `exit ${resumed.code}`, where);
        continue;
      }
      expect(resumed.code, `${where}: ${resumed.stderr}`).toBe(0);
      expectSameEnd(got!, expected, where);
    }
    const kills = results.filter((r) => r.killed.signal === "SIGKILL").length;
    const cuts = results.filter((r) => r.cut).length;
    expect(kills, "kills that landed before the run's end").toBeGreaterThan(0);
    console.log(
      `random kills: ${kills} of ${results.length} runs killed mid-way (at ${delays.join(", ")} ms; a whole run alone took ${Math.round(span)} ms), all resumed to the same end but ${cuts} that cut a worker's command short (answered "the runner stopped")`,
    );
  }, 600_000);
});
