import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import type { Script } from "../src/agents/scripted.js";
import type { Status } from "../src/control/status.js";
import type { ValidationReport } from "../src/validators/validate.js";
import { ROOT } from "./helpers/cases.js";
import { exampleRepo, git, journalEvents, runCli, toolResult } from "./helpers/missions.js";

/**
 * Issue 14: nothing passes without evidence. Each case is the offline hello mission with one thing
 * changed, run through the real CLI; what it must not do is what the issue saw it do.
 */

function helloWith(edit: (mission: string) => string): string {
  return exampleRepo("hello", (dir) => {
    const file = join(dir, "hello.mission");
    writeFileSync(file, edit(readFileSync(file, "utf8")));
  });
}

const report = (repo: string, round: number): ValidationReport =>
  JSON.parse(readFileSync(join(repo, `.missions/hello/validation/greeting-round${round}.json`), "utf8")) as ValidationReport;

describe("a failing procedure fails its milestone", () => {
  it("a test suite that fails blocks the gate although every assertion passes; the report, the gate and status say so", async () => {
    const repo = helloWith((m) =>
      m.replace('procedure test = "node --test" { timeout 2m }', 'procedure test = "node --test && exit 1" { timeout 2m }'),
    );
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).not.toContain("mission complete");
    const second = report(repo, 2);
    expect(second.failing).toEqual([]); // every assertion passed…
    expect(second.failing_procedures).toEqual(["test"]); // …and the milestone did not
    expect(second.passed).toBe(false);
    expect(second.procedures.find((p) => p.name === "test")).toMatchObject({ passed: false, exit_code: 1 });
    const events = journalEvents(repo, "hello");
    expect(events.some((e) => e.type === "milestone_accepted")).toBe(false);
    // two failed rounds (max_rounds 2): a human looks, where before the milestone was accepted
    expect(events.at(-1)).toMatchObject({ type: "paused", data: { kind: "rounds" } });
    const prompt = readFileSync(join(repo, ".missions/hello/logs/progress.log"), "utf8");
    expect(prompt).toMatch(/did not pass: procedure test \(exit 1\)/);
    const status = JSON.parse((await runCli(["status", "--json"], repo)).stdout) as Status;
    expect(status.last_validation).toMatchObject({ passed: false, failing: [], failing_procedures: ["test"] });
    expect((await runCli(["status"], repo)).stdout).toMatch(/failed \(procedure test\)/);
  });

  it("at the gate, the orchestrator's accept is refused while a procedure fails", async () => {
    const repo = helloWith((m) =>
      m
        .replace("policy { max_rounds 2 }", "policy { max_rounds 3 }")
        .replace('procedure test = "node --test" { timeout 2m }', 'procedure test = "node --test && exit 1" { timeout 2m }'),
    );
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const gate = journalEvents(repo, "hello").filter((e) => e.type === "tool_result" && e.data["run"] === "gate:greeting#2");
    expect(gate.map((e) => toolResult(repo, "hello", e))).toEqual([
      {
        id: expect.any(String) as unknown,
        is_error: true,
        content: expect.stringMatching(/^rejected: the milestone cannot be accepted: procedure test \(exit 1\) did not pass/) as unknown,
      },
    ]);
  });

  it("an advisory procedure is reported but does not block", async () => {
    const repo = helloWith((m) =>
      m.replace('procedure test = "node --test" { timeout 2m }', 'procedure test = "node --test && exit 1" { timeout 2m  advisory true }'),
    );
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("mission complete");
    const second = report(repo, 2);
    expect(second).toMatchObject({ passed: true, failing: [], failing_procedures: [] });
    expect(second.procedures.find((p) => p.name === "test")).toMatchObject({ passed: false, advisory: true });
  });
});

describe("a mission that can do no work", () => {
  it("is refused by check (M0208) and by run, which never says it completed", async () => {
    const repo = helloWith((m) => m.replace(/\n  milestone greeting[\s\S]*\n  }\n/, "\n").replace(/\n  contract \{[\s\S]*?\n  }\n/, "\n"));
    expect(readFileSync(join(repo, "hello.mission"), "utf8")).not.toContain("feature");
    const check = await runCli(["check", "hello.mission"], repo);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toMatch(/error\[M0208\]: mission `hello` has no feature: it can do no work/);
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("mission complete");
    expect(existsSync(join(repo, ".missions/hello/journal.jsonl"))).toBe(false);
  });
});

describe("a command agent plays any role", () => {
  it("a command orchestrator, reviewer and worker complete the demo mission, each answering with its own role's tool", async () => {
    const repo = exampleRepo("hello", (dir) => {
      copyFileSync(join(ROOT, "test/fixtures/fake-any-agent.mjs"), join(dir, "fake-any-agent.mjs"));
      const file = join(dir, "hello.mission");
      writeFileSync(
        file,
        readFileSync(file, "utf8")
          .replace(/model lead[^\n]*\n/, 'model lead = command "node fake-any-agent.mjs" { timeout 1m }\n')
          .replace(/model coder[^\n]*\n/, "")
          .replace(/model judge[^\n]*\n/, 'model judge = command "node fake-any-agent.mjs --judge" { timeout 1m }\n')
          .replace("role worker       = coder", "role worker       = lead"),
      );
    });
    const r = await runCli(["run", "hello.mission"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("mission complete");
    const events = journalEvents(repo, "hello");
    expect(events.filter((e) => e.type === "decision").map((e) => (e.data["decision"] as { action: string }).action)).toEqual(["accept"]);
    const verdicts = events
      .filter((e) => e.type === "verdicts")
      .flatMap((e) => e.data["verdicts"] as { assertion: string; verdict: string; evidence: string }[]);
    expect(verdicts.map((v) => [v.assertion, v.verdict])).toEqual([["greet.readme", "pass"]]);
    // each agent was told its role's permissions: the reviewer reads, its worktree read-only
    expect(verdicts[0].evidence).toContain('{"network":"full","tools":["read"]}');
    expect(readFileSync(join(repo, ".missions/hello/handoffs/greeter-1.json"), "utf8")).toContain(
      'permissions: {\\"network\\":\\"full\\",\\"tools\\":[\\"read\\",\\"write\\",\\"run\\",\\"research\\"]}',
    );
  });
});

describe("the journal and the branch agree, or the runner stops", () => {
  const commits = (repo: string): string[] => git(repo, "log", "--format=%s", "mission/hello").trim().split("\n");

  it.each([
    ["emptied", (j: string) => writeFileSync(j, "")],
    ["deleted", (j: string) => rmSync(j)],
  ])("a journal %s after a complete run: run refuses (exit 2) and adds no commit", async (_, lose) => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const before = commits(repo);
    lose(join(repo, ".missions/hello/journal.jsonl"));
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /the journal \(.*journal\.jsonl\) is (empty|missing), but this mission has done work: 2 commit\(s\) of missionc on mission\/hello and 2 handoff\(s\)/,
    );
    expect(r.stderr).toMatch(/git branch -D mission\/hello/);
    expect(commits(repo)).toEqual(before);
    // the refusal leaves the state as it was: a deleted journal is not made again, empty
    expect(existsSync(join(repo, ".missions/hello/journal.jsonl"))).toBe(_ === "emptied");
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).stderr).toMatch(_ === "emptied" ? /is empty/ : /is missing/);
    // status says "not started", and why that is not the whole story
    expect((await runCli(["status"], repo)).stdout).toMatch(
      /warning: the journal is missing or empty, but 2 handoff\(s\) in .* and 2 commit\(s\) of missionc on mission\/hello show/,
    );
    // with the handoffs gone too, the branch alone still shows the work
    rmSync(join(repo, ".missions/hello/handoffs"), { recursive: true, force: true });
    expect((await runCli(["status"], repo)).stdout).toMatch(
      /warning: the journal is missing or empty, but 2 commit\(s\) of missionc on mission\/hello show/,
    );
  });

  it("status reads the branch without running what the repository's config names (a signature check's gpg.program)", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    rmSync(join(repo, ".missions/hello/journal.jsonl"));
    // the branch's tip made to look signed, and a signature program that leaves a mark
    const marker = join(repo, "..", `gpg-ran-${process.pid}`);
    const program = join(repo, "..", `gpg-${process.pid}.sh`);
    writeFileSync(program, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    const signed = git(repo, "cat-file", "commit", "mission/hello").replace(
      /^(committer .*)$/m,
      "$1\ngpgsig -----BEGIN PGP SIGNATURE-----\n -----END PGP SIGNATURE-----",
    );
    const forged = execFileSync("git", ["hash-object", "-t", "commit", "-w", "--stdin"], {
      cwd: repo,
      input: signed,
      encoding: "utf8",
    }).trim();
    git(repo, "update-ref", "refs/heads/mission/hello", forged);
    git(repo, "config", "gpg.program", program);
    git(repo, "config", "log.showSignature", "true");
    git(repo, "log", "-1", "mission/hello");
    expect(existsSync(marker)).toBe(true); // a plain `git log` here runs it: the attack is real
    rmSync(marker);
    expect((await runCli(["status"], repo)).stdout).toMatch(/2 commit\(s\) of missionc on mission\/hello/);
    expect(existsSync(marker)).toBe(false);
  });

  it("a plan.json alone (a kill before the first journal line) is a fresh start", async () => {
    const repo = exampleRepo();
    mkdirSync(join(repo, ".missions/hello"), { recursive: true });
    writeFileSync(join(repo, ".missions/hello/plan.json"), (await runCli(["plan", "hello.mission", "--json"], repo)).stdout);
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("a commit missionc did not make on the mission branch is refused; --adopt takes it over, journaled", async () => {
    const repo = exampleRepo();
    const first = await runCli(["run", "hello.mission", "--offline", "--until", "greeting"], repo);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    // someone commits to the mission branch, in its worktree
    const worktree = join(repo, ".missions/hello/worktree");
    writeFileSync(join(worktree, "NOTES.md"), "a human's notes\n");
    git(worktree, "add", "NOTES.md");
    git(worktree, "commit", "-qm", "notes by hand");
    // a finished mission runs nothing more; an edit makes the runner look again
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /since the mission started, mission\/hello has received 1 commit\(s\) missionc did not make \(the first: [0-9a-f]{10} "notes by hand"\)/,
    );
    expect(r.stderr).toMatch(/--adopt/);
    const adopted = await runCli(["run", "hello.mission", "--offline", "--adopt"], repo);
    expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
    expect(
      journalEvents(repo, "hello")
        .filter((e) => e.type === "adopted")
        .map((e) => e.data["subjects"]),
    ).toEqual([["notes by hand"]]);
    // adopted once, it is the mission's: the next run does not ask again
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
  });

  it("an existing mission branch with someone else's commits is not adopted silently", async () => {
    const repo = exampleRepo();
    git(repo, "checkout", "-q", "-b", "mission/hello");
    writeFileSync(join(repo, "other.txt"), "someone else's work\n");
    git(repo, "add", "other.txt");
    git(repo, "commit", "-qm", "someone else's work");
    git(repo, "checkout", "-q", "main");
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mission\/hello exists already and holds 1 commit\(s\) missionc did not make .*"someone else's work"/);
    expect(existsSync(join(repo, ".missions/hello/journal.jsonl"))).toBe(false); // nothing journaled, not even an empty file
    const adopted = await runCli(["run", "hello.mission", "--offline", "--adopt"], repo);
    expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
    expect(git(repo, "log", "--format=%s", "mission/hello")).toContain("someone else's work");
  });
});

describe("one runner per mission, and signals only to it", () => {
  it("50 processes starting at once over a stale lock: exactly one holds it, round after round", async () => {
    const script = `
      const { existsSync, appendFileSync } = require("node:fs");
      const { MissionLock, LockHeld } = require(${JSON.stringify(join(ROOT, "dist/runner/lock.js"))});
      const [lock, ready, go, done, log] = process.argv.slice(1);
      const nap = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      appendFileSync(ready, process.pid + "\\n");
      while (!existsSync(go)) nap();
      try {
        MissionLock.acquire(lock);
        appendFileSync(log, "held " + process.pid + "\\n");
        while (!existsSync(done)) nap(); // holds it while the others try
      } catch (e) {
        appendFileSync(log, (e instanceof LockHeld ? "refused " : "error " + e.message + " ") + process.pid + "\\n");
      }
    `;
    const count = (file: string): number => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").length : 0);
    const until = async (what: () => boolean): Promise<void> => {
      while (!what()) await new Promise((r) => setTimeout(r, 20));
    };
    // a race shows some rounds and not others: three of them (the lock before issue 14 lost about one in two)
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), "missionc-lock-race-"));
      const lock = join(dir, "lock");
      // a runner that died: its pid is no process now
      writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: "2026-01-01T00:00:00Z", start: "1" }));
      const files = { ready: join(dir, "ready"), go: join(dir, "go"), done: join(dir, "done"), log: join(dir, "log") };
      const children = Array.from({ length: 50 }, () =>
        spawn(process.execPath, ["--input-type=commonjs", "-e", script, lock, files.ready, files.go, files.done, files.log], {
          stdio: "ignore",
        }),
      );
      const exited = children.map((c) => new Promise<void>((r) => c.on("exit", () => r())));
      // every process at the line (an event, not a time: a busy machine starts 50 processes slowly), then all go at once
      await until(() => count(files.ready) === 50);
      writeFileSync(files.go, "");
      await until(() => count(files.log) === 50);
      writeFileSync(files.done, "");
      await Promise.all(exited);
      const log = readFileSync(files.log, "utf8").trim().split("\n");
      expect(
        log.filter((l) => l.startsWith("error")),
        `round ${round}`,
      ).toEqual([]);
      expect(
        log.filter((l) => l.startsWith("held")),
        `round ${round}`,
      ).toHaveLength(1);
      expect(
        log.filter((l) => l.startsWith("refused")),
        `round ${round}`,
      ).toHaveLength(49);
    }
  }, 180_000);

  it("a lock naming a live process that is no runner of this mission: pause and msg leave it alone", async () => {
    const repo = exampleRepo();
    // a mission under way: killed after its fifth event
    await runCli(["run", "hello.mission", "--offline"], repo, { MISSIONC_CRASH_AFTER_APPEND: "5" });
    const bystander = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const start = readFileSync(`/proc/${bystander.pid}/stat`, "utf8").split(") ")[1].split(" ")[19];
      // what an agent run with --no-sandbox could write: a lock naming someone else's process, start time and all
      writeFileSync(
        join(repo, ".missions/hello/lock"),
        JSON.stringify({ pid: bystander.pid, host: hostname(), started: new Date().toISOString(), start }),
      );
      for (const args of [["pause"], ["msg", "stop and look"]]) {
        const r = await runCli([...args, "hello.mission"], repo);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).not.toMatch(/runner \d+ will act/);
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
    } finally {
      bystander.kill("SIGKILL");
    }
  });
});

describe("damaged state and failed output are one clear line, exit 2", () => {
  it("a damaged plan.json: status, log, report and run each say so, without 'internal error'", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    for (const damage of ['{"format": "missionc.plan/3", "bro', '{"format":"missionc.plan/3"}', "[]"]) {
      writeFileSync(join(repo, ".missions/hello/plan.json"), damage);
      for (const args of [["status"], ["status", "--json"], ["log"], ["report"], ["run", "hello.mission", "--offline"]]) {
        const r = await runCli(args, repo);
        expect([r.code, r.stderr.trim().split("\n").length], `${args.join(" ")} on ${damage}`).toEqual([2, 1]);
        expect(r.stderr).toMatch(/^error: .*plan\.json (is damaged|cannot be read)/);
        expect(r.stderr).not.toMatch(/internal error|    at /);
      }
    }
  });

  it("a damaged or missing blob: report says which file and why, in one line, without 'internal error'", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const dir = join(repo, ".missions/hello/blobs");
    const names = readdirSync(dir);
    expect(names.length).toBeGreaterThan(0);
    for (const [damage, said] of [
      ["{x", /is damaged: its content is not the one the journal names/],
      ["{}", /is damaged: its content is not the one the journal names/],
      [undefined, /which the journal names, cannot be read \(ENOENT\)/],
    ] as const) {
      for (const name of names) {
        if (damage === undefined) rmSync(join(dir, name), { force: true });
        else writeFileSync(join(dir, name), damage);
      }
      const r = await runCli(["report"], repo);
      expect([r.code, r.stderr.trim().split("\n").length], String(damage)).toEqual([2, 1]);
      expect(r.stderr).toMatch(said);
      expect(r.stderr).not.toMatch(/internal error|    at /);
    }
  });

  it("output to a full disk: one line on stderr, exit 2, no stack trace", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    for (const args of [["status"], ["log"], ["check", "hello.mission"], ["plan", "hello.mission", "--json"]]) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin/missionc.js"), ...args], {
        cwd: repo,
        stdio: ["ignore", openSync("/dev/full", "w"), "pipe"],
        encoding: "utf8",
      });
      expect([r.status, r.stderr], args.join(" ")).toEqual([2, "error: cannot write the output: ENOSPC\n"]);
    }
  });

  it("a 10 MB handoff is refused back to the worker; no journal line holds it", async () => {
    const repo = exampleRepo("hello", (dir) => {
      const path = join(dir, "hello.script.yaml");
      const script = parseYaml(readFileSync(path, "utf8")) as Script;
      const turns = script.runs["implement:greeter#1"];
      const done = turns.at(-1)!;
      const call = done.tools![0];
      const huge = { ...call, input: { ...(call.input as object), notes: "x".repeat(10 * 1024 * 1024) } };
      script.runs["implement:greeter#1"] = [...turns.slice(0, -1), { ...done, tools: [huge] }, done];
      writeFileSync(path, stringify(script, { lineWidth: 0 }));
      // its tokens are counted (estimated) like any answer's: a budget that affords it
      const mission = join(dir, "hello.mission");
      writeFileSync(mission, readFileSync(mission, "utf8").replace("tokens 2M", "tokens 100M"));
    });
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const refused = journalEvents(repo, "hello").filter(
      (e) => e.type === "tool_result" && e.data["name"] === "submit_handoff" && e.data["is_error"],
    );
    expect(refused.map((e) => toolResult(repo, "hello", e).content)).toEqual([
      expect.stringMatching(/^rejected: the handoff is 10240 KB; keep it under 64 KB/) as unknown,
    ]);
    const longest = Math.max(
      ...readFileSync(join(repo, ".missions/hello/journal.jsonl"), "utf8")
        .split("\n")
        .map((l) => l.length),
    );
    expect(longest).toBeLessThan(64 * 1024);
  });
});

describe("second review of issue 14", () => {
  it("a run whose output reader goes away exits 2, saying so, and resumes later", async () => {
    const repo = exampleRepo();
    const direct = spawnSync(
      "bash",
      [
        "-c",
        `node ${JSON.stringify(join(ROOT, "bin/missionc.js"))} run hello.mission --offline --no-sandbox | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      {
        cwd: repo,
        encoding: "utf8",
      },
    );
    expect(direct.stdout.trim()).toBe("2");
    expect(direct.stderr).toMatch(/^error: cannot write the output: EPIPE/m);
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
  });

  it("pause leaves alone a process that only reads the journal (tail -f), whatever the lock says", async () => {
    const repo = exampleRepo();
    await runCli(["run", "hello.mission", "--offline"], repo, { MISSIONC_CRASH_AFTER_APPEND: "5" });
    const reader = spawn("tail", ["-f", join(repo, ".missions/hello/journal.jsonl")], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const start = readFileSync(`/proc/${reader.pid}/stat`, "utf8").split(") ")[1].split(" ")[19];
      writeFileSync(
        join(repo, ".missions/hello/lock"),
        JSON.stringify({ pid: reader.pid, host: hostname(), started: new Date().toISOString(), start }),
      );
      const r = await runCli(["pause", "hello.mission"], repo);
      expect(r.stdout).not.toMatch(/will act/);
      await new Promise((res) => setTimeout(res, 300));
      expect([reader.exitCode, reader.signalCode]).toEqual([null, null]);
      // and run says what the lock is, instead of sending the person to pause
      const locked = await runCli(["run", "hello.mission", "--offline"], repo);
      expect(locked.code).toBe(4);
      expect(locked.stderr).toMatch(/that process is not `missionc run`: if no runner of this mission is running, remove .*lock/);
    } finally {
      reader.kill("SIGKILL");
    }
  });

  it("a journal line that is JSON but no event, and an edited plan.json, are damage: one line, exit 2", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline", "--until", "greeting"], repo)).code).toBe(0);
    const journal = join(repo, ".missions/hello/journal.jsonl");
    const kept = readFileSync(journal, "utf8");
    writeFileSync(journal, `${kept}null\n`);
    for (const args of [["status"], ["log"], ["report"], ["run", "hello.mission", "--offline"]]) {
      const r = await runCli(args, repo);
      expect([r.code, r.stderr], args.join(" ")).toEqual([
        2,
        expect.stringMatching(/^error: the journal is damaged at line \d+: not an event/) as unknown,
      ]);
    }
    writeFileSync(journal, kept);
    const planPath = join(repo, ".missions/hello/plan.json");
    const plan = JSON.parse(readFileSync(planPath, "utf8")) as { milestones: unknown[] };
    writeFileSync(planPath, JSON.stringify({ ...plan, milestones: [] }));
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringMatching(/plan\.json is damaged: its content does not match its digest/) as unknown,
    ]);
  });

  it("a journal cut short after a complete run: run refuses rather than doing the steps again", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const commits = git(repo, "log", "--format=%H", "mission/hello");
    const journal = join(repo, ".missions/hello/journal.jsonl");
    writeFileSync(journal, `${readFileSync(journal, "utf8").split("\n").slice(0, 5).join("\n")}\n`);
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the journal \(.*\) ends before the work on mission\/hello: 2 commit\(s\) of missionc are not in it/);
    expect(git(repo, "log", "--format=%H", "mission/hello")).toBe(commits);
  });
});
