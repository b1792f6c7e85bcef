import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { stringify as toYaml } from "yaml";
import { refusal } from "../src/agents/loop.js";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cases.js";
import {
  exampleRepo,
  git,
  helloScript,
  journalEvents,
  journalHas,
  missionCommits,
  runCli,
  startCli,
  toolResult,
} from "./helpers/missions.js";
import { hasStackTrace } from "./helpers/cli.js";
import { parseAs } from "./helpers/json.js";
import type { Status } from "../src/control/status.js";
import type { ValidationReport } from "../src/validators/validate.js";

const ajv = new Ajv({ strict: false, allErrors: true });
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(ROOT, "specs", name), "utf8")));
const journalOf = (repo: string) => journalEvents(repo, "hello");
const script = helloScript;

describe("missionc run on the hello example, offline", () => {
  it("completes: real commits on the mission branch, a real failing check, a follow-up, the user's tree untouched", async () => {
    const repo = exampleRepo();
    const mainBefore = git(repo, "rev-parse", "main");
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mission complete/);
    expect(r.stdout).toMatch(/check greet\.default: .* → exit 1/);
    expect(missionCommits(repo).map((c) => c.subject)).toEqual([
      "The greeting program (feature greeter)",
      "Greet the world by default (feature default_name)",
    ]);
    // the user's branch and working tree are as they were; .missions/ is excluded from git
    expect(git(repo, "rev-parse", "main")).toBe(mainBefore);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(existsSync(join(repo, "hello.js"))).toBe(false);
    expect(readFileSync(join(repo, ".git/info/exclude"), "utf8")).toMatch(/^\.missions\/$/m);
    // the failure came from the program the worker wrote, as anyone can check
    const firstCommit = git(repo, "rev-parse", "mission/hello~1").trim();
    const worktree = join(repo, ".missions/hello/worktree");
    expect(git(worktree, "show", `${firstCommit}:hello.js`)).toMatch(/const name = process.argv\[2\];/);
    const report1 = parseAs<ValidationReport>(readFileSync(join(repo, ".missions/hello/validation/greeting-round1.json"), "utf8"));
    expect(report1.passed).toBe(false);
    expect(report1.assertions.find((a) => a.id === "greet.default")).toMatchObject({ by: "check", verdict: "fail" });
    expect(parseAs<ValidationReport>(readFileSync(join(repo, ".missions/hello/validation/greeting-round2.json"), "utf8")).passed).toBe(
      true,
    );
  });

  it("journals events that satisfy specs/journal.schema.json, hash-chained; status --json satisfies its schema", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const validate = schema("journal.schema.json");
    const events = journalOf(repo);
    expect(events.length).toBeLessThan(100);
    events.forEach((e, i) => {
      expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
      expect(e.seq).toBe(i + 1);
      expect(e.prev).toBe(i === 0 ? "0".repeat(64) : events[i - 1].hash); // the first follows the genesis hash
    });
    const st = await runCli(["status", "--json"], repo);
    const status = parseAs<Status>(st.stdout);
    const vs = schema("status.schema.json");
    expect(vs(status), JSON.stringify(vs.errors)).toBe(true);
    expect(status).toMatchObject({
      state: "done",
      features: { done: 2, pending: 0, total: 2 },
      last_validation: { milestone: "greeting", round: 2, passed: true },
    });
    expect(status.tokens.estimated).toBe(true);
    expect(Object.keys(status.tokens.by_role).sort()).toEqual(["orchestrator", "reviewer", "worker"]);
    const log = await runCli(["log"], repo);
    expect(log.stdout.split("\n")[0]).toBe(`journal of mission hello: ${events.length} events`);
    expect(log.stdout).toMatch(/decision\s+gate:greeting#1: follow_up/);
    const text = await runCli(["status", "hello.mission"], repo);
    expect(text.stdout).toMatch(/mission hello "Hello, missions": done/);
    expect(text.stdout).toMatch(/gate:greeting#1: follow_up/);
  });

  it("a second run of a done mission changes nothing", async () => {
    const repo = exampleRepo();
    await runCli(["run", "hello.mission", "--offline"], repo);
    const commits = missionCommits(repo);
    const again = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(again.code).toBe(0);
    expect(missionCommits(repo)).toEqual(commits);
  });
});

describe("the journal is checked on load", () => {
  it("a torn last line is dropped; damage earlier stops the runner with a clear message", async () => {
    const repo = exampleRepo();
    // after a model's answer (append 11), not inside the command it asks for (12 journals it started)
    await runCli(["run", "hello.mission", "--offline"], repo, { MISSIONC_CRASH_AFTER_APPEND: "11" });
    const path = join(repo, ".missions/hello/journal.jsonl");
    writeFileSync(path, `${readFileSync(path, "utf8")}{"seq":12,"type":"tool_st`);
    const resumed = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/dropped a torn last line/);

    const text = readFileSync(path, "utf8").split("\n");
    text[4] = text[4].replace(/"turn":1/, '"turn":2');
    writeFileSync(path, text.join("\n"));
    const refused = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the journal is damaged at line 5/);
    expect(hasStackTrace(refused.stderr)).toBe(false);
  });
});

describe("one runner per mission", () => {
  it("a second runner is refused with exit 4 while the first runs; a stale lock is taken over", async () => {
    const repo = exampleRepo();
    const held = script();
    held.runs["implement:greeter#1"][0].wait_for = "release"; // the first runner holds its first turn until the test lets it go
    writeFileSync(join(repo, "held.script.yaml"), toYaml(held));
    const first = runCli(["run", "hello.mission", "--offline", "--script", "held.script.yaml"], repo);
    await journalHas(repo, "hello", (e) => e.type === "run_started");
    const second = await runCli(["run", "hello.mission", "--offline", "--script", "held.script.yaml"], repo);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/another runner holds this mission \(pid \d+/);
    writeFileSync(join(repo, "release"), "");
    expect((await first).code).toBe(0);

    // an empty lock (a runner that died writing it), once it is a few seconds old, is taken over too
    const empty = exampleRepo();
    const { mkdirSync: mk, utimesSync } = await import("node:fs");
    mk(join(empty, ".missions/hello"), { recursive: true });
    writeFileSync(join(empty, ".missions/hello/lock"), "");
    utimesSync(join(empty, ".missions/hello/lock"), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect((await runCli(["run", "hello.mission", "--offline"], empty)).code).toBe(0);

    const stale = exampleRepo();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(stale, ".missions/hello"), { recursive: true });
    writeFileSync(
      join(stale, ".missions/hello/lock"),
      JSON.stringify({ pid: 999999, host: (await import("node:os")).hostname(), started: "yesterday" }),
    );
    expect((await runCli(["run", "hello.mission", "--offline"], stale)).code).toBe(0);
  });
});

describe("stopping and resuming", () => {
  it("missionc pause stops a running mission (exit 3); run resumes it to the end", async () => {
    const repo = exampleRepo();
    const held = script();
    held.runs["implement:greeter#1"][1].wait_for = "release"; // turn 2 is answered only once the pause is in
    writeFileSync(join(repo, "held.script.yaml"), toYaml(held));
    const running = runCli(["run", "hello.mission", "--offline", "--script", "held.script.yaml"], repo);
    // once the runner is at work: its first turn answered, the second held
    await journalHas(repo, "hello", (e) => e.type === "model_response" && e.data["run"] === "implement:greeter#1" && e.data["turn"] === 1);
    const pause = await runCli(["pause"], repo);
    expect(pause.code).toBe(0);
    writeFileSync(join(repo, "release"), "");
    const stopped = await running;
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toMatch(/paused: paused by `missionc pause`/);
    expect(parseAs<Status>((await runCli(["status", "--json"], repo)).stdout).state).toBe("paused");
    const resumed = await runCli(["run", "hello.mission", "--offline", "--script", "held.script.yaml"], repo);
    expect(resumed.code).toBe(0);
    expect(missionCommits(repo)).toHaveLength(2);
  });

  it("SIGINT stops after the current turn (exit 3), resumable", async () => {
    const repo = exampleRepo();
    const held = script();
    held.runs["implement:greeter#1"][1].wait_for = "release"; // turn 2 waits: the interrupt lands in it, or just before it
    writeFileSync(join(repo, "held.script.yaml"), toYaml(held));
    const run = startCli(["run", "hello.mission", "--offline", "--script", "held.script.yaml"], repo);
    // once the runner is at work (its handler installed): turn 1 answered
    await journalHas(repo, "hello", (e) => e.type === "model_response" && e.data["run"] === "implement:greeter#1" && e.data["turn"] === 1);
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(3);
    expect(run.stdout()).toMatch(/interrupted/);
    expect(
      journalEvents(repo, "hello").some(
        (e) => e.type === "model_response" && e.data["turn"] === 2 && e.data["run"] === "implement:greeter#1",
      ),
    ).toBe(false);
    writeFileSync(join(repo, "release"), "");
    expect((await runCli(["run", "hello.mission", "--offline", "--script", "held.script.yaml"], repo)).code).toBe(0);
  });

  it("--replan: an edited feature runs again, unchanged done features stay done; without it the run refuses", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const file = join(repo, "hello.mission");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("checks it with node:test.", "checks it with node:test, and says hello politely."),
    );
    const refused = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/changed since this mission started; run again with --replan/);
    const more = script();
    more.runs["implement:greeter#2"] = [
      {
        tools: [
          { name: "edit_file", input: { path: "README.md", old_text: "to be greeted", new_text: "to be greeted politely" } },
          {
            name: "submit_handoff",
            input: {
              feature: "greeter",
              status: "done",
              implemented: ["politer README"],
              left_undone: [],
              commands: [],
              issues: [],
              procedures_followed: true,
              notes: "",
            },
          },
        ],
      },
    ];
    more.runs["review:greeting#3:greeter"] = [
      {
        tools: [
          {
            name: "submit_verdicts",
            input: { verdicts: [{ assertion: "greet.readme", verdict: "pass", evidence: "README.md says how to run it" }] },
          },
        ],
      },
    ];
    more.runs["gate:greeting#3"] = [{ tools: [{ name: "decide", input: { action: "accept", reason: "still passes" } }] }];
    writeFileSync(join(repo, "more.script.yaml"), toYaml(more));
    const replanned = await runCli(["run", "hello.mission", "--offline", "--replan", "--script", "more.script.yaml"], repo);
    expect(replanned.code, replanned.stderr + replanned.stdout).toBe(0);
    expect(replanned.stdout).toMatch(/replanned: greeter will run again/);
    expect(missionCommits(repo).map((c) => c.step)).toEqual([
      "hello/implement:greeter#1",
      "hello/implement:default_name#1",
      "hello/implement:greeter#2",
    ]);
  });

  it("--until stops once the milestone is accepted", async () => {
    const repo = exampleRepo();
    const r = await runCli(["run", "hello.mission", "--offline", "--until", "greeting"], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/stopped after milestone greeting \(--until\)/);
    const bad = await runCli(["run", "hello.mission", "--offline", "--until", "nope"], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no milestone `nope`; milestones: greeting/);
  });
});

describe("exit codes for what cannot run", () => {
  it("no script: exit 2 naming the path looked for; a mission with errors: exit 1; not a git repository: exit 2", async () => {
    const repo = exampleRepo();
    const { rmSync, mkdtempSync, cpSync } = await import("node:fs");
    rmSync(join(repo, "hello.script.yaml"));
    const none = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(join(repo, "hello.script.yaml"));
    const broken = await runCli(["run", join(ROOT, "test/fixtures/broken.mission"), "--offline"], repo);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/M0301/);
    const plain = mkdtempSync(join((await import("node:os")).tmpdir(), "missionc-nogit-"));
    cpSync(join(ROOT, "examples/hello"), plain, { recursive: true });
    const nogit = await runCli(["run", "hello.mission", "--offline"], plain);
    expect(nogit.code).toBe(2);
    expect(nogit.stderr).toMatch(/not in a git repository/);
    for (const r of [none, broken, nogit]) expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe("bad answers from agents go back to them as errors, never a crash", () => {
  it("a handoff missing fields, bad tool arguments, path escapes", async () => {
    const repo = exampleRepo();
    const s = script();
    s.runs["implement:greeter#1"] = [
      {
        tools: [
          { name: "submit_handoff", input: { feature: "greeter", status: "done" } },
          { name: "write_file", input: { path: "x.txt" } },
          { name: "read_file", input: { path: "../../../../etc/passwd" } },
          { name: "write_file", input: { path: "/tmp/escape.txt", content: "x" } },
          { name: "write_file", input: { path: ".git/hooks/pre-commit", content: "x" } },
        ],
      },
      ...s.runs["implement:greeter#1"],
    ];
    writeFileSync(join(repo, "bad.script.yaml"), toYaml(s));
    const r = await runCli(["run", "hello.mission", "--offline", "--script", "bad.script.yaml"], repo);
    expect(r.code, r.stderr).toBe(0);
    const results = journalOf(repo).filter((e) => e.type === "tool_result" && e.data.run === "implement:greeter#1" && e.data.turn === 1);
    expect(results.map((e) => e.data.is_error)).toEqual([true, true, true, true, true]);
    const text = (e: (typeof results)[number]) => toolResult(repo, "hello", e).content;
    expect(text(results[0])).toMatch(
      /rejected: the handoff does not match specs\/handoff\.schema\.json: .*must have required property 'implemented'/,
    );
    expect(text(results[1])).toMatch(/bad arguments for write_file: .*content/);
    expect(text(results[2])).toMatch(/path refused: `\.\.` leads outside the repository/);
    expect(text(results[3])).toMatch(/path refused: absolute paths are refused/);
    expect(text(results[4])).toMatch(/path refused: `\.git` is the runner's/);
    expect(existsSync("/tmp/escape.txt") && readFileSync("/tmp/escape.txt", "utf8") === "x").toBe(false);
    expect(readdirSync(join(repo, ".missions/hello/handoffs"))).toContain("greeter-1.json");
  });

  it("a script is checked against the plan before any work: a misspelled tool, another run's ending, an unknown run, a run the plan never reaches", async () => {
    const repo = exampleRepo();
    const s = script();
    s.runs["implement:greeter#1"] = [{ tools: [{ name: "teleport", input: {} }] }, { tools: [{ name: "red_file", input: { path: "a" } }] }];
    s.runs["gate:greting#1"] = [];
    s.runs["user_test:greeting#1"] = [];
    s.runs["implemnt:x#1"] = [];
    // a real tool, but the ending of another kind of run: the gate's would be refused and the script run out
    s.runs["gate:greeting#1"] = [{ tools: [{ name: "submit_handoff", input: {} }] }, ...(s.runs["gate:greeting#1"] ?? [])];
    // a feature neither the plan nor the script's follow-ups have; a follow-up's own run is fine
    s.runs["implement:greter#2"] = [];
    writeFileSync(join(repo, "bad.script.yaml"), toYaml(s));
    const r = await runCli(["run", "hello.mission", "--offline", "--script", "bad.script.yaml"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run `implement:greeter#1` turn 1 calls `teleport`, which is no tool/);
    expect(r.stderr).toMatch(/run `implement:greeter#1` turn 2 calls `red_file`, which is no tool: did you mean `read_file`\?/);
    expect(r.stderr).toMatch(/run `gate:greting#1` names milestone `greting`, which the plan does not have \(did you mean `greeting`\?\)/);
    expect(r.stderr).toMatch(/run `user_test:greeting#1` is a user test, but milestone `greeting` does not run `user_testing`/);
    expect(r.stderr).toMatch(
      /run `gate:greeting#1` turn 1 calls `submit_handoff`, which ends another kind of run: a `gate` run ends with `decide`/,
    );
    expect(r.stderr).toMatch(/run `implemnt:x#1` is no run of a mission \(did you mean `implement:…`\?\)/);
    expect(r.stderr).toMatch(
      /run `implement:greter#2` names feature `greter`, which neither the plan nor a follow-up of this script has \(did you mean `greeter`\?\)/,
    );
    expect(r.stderr).not.toMatch(/default_name/);
    expect(existsSync(join(repo, ".missions/hello/journal.jsonl"))).toBe(false);
    // a model may still call a tool that does not exist: it is answered, never run
    expect(refusal("teleport", ["read_file"], "submit_handoff")).toBe("unknown tool `teleport`; your tools: read_file, submit_handoff");
  });

  it("a script that runs out names the run and the turn, and pauses the mission (exit 3)", async () => {
    const repo = exampleRepo();
    const s = script();
    delete s.runs["gate:greeting#1"];
    writeFileSync(join(repo, "short.script.yaml"), toYaml(s));
    const r = await runCli(["run", "hello.mission", "--offline", "--script", "short.script.yaml"], repo);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/has no run `gate:greeting#1` \(turn 1 was asked for\)/);
  });
});
