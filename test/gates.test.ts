import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { describe, expect, it } from "vitest";
import type { Status } from "../src/control/status.js";
import { parseAs } from "./helpers/json.js";
import { exampleRepo, helloScript, journalEvents, missionCommits, runCli, toolResult } from "./helpers/missions.js";

const script = helloScript;
const journalOf = (repo: string) => journalEvents(repo, "hello");

describe("gates", () => {
  async function gateAnswers(first: unknown[]): Promise<{ is_error: boolean; content: string }[]> {
    const repo = exampleRepo();
    const s = script();
    s.runs["gate:greeting#1"] = [...first.map((input) => ({ tools: [{ name: "decide", input }] })), s.runs["gate:greeting#1"].at(-1)!];
    writeFileSync(join(repo, "s.script.yaml"), toYaml(s));
    const r = await runCli(["run", "hello.mission", "--offline", "--script", "s.script.yaml"], repo);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return journalOf(repo)
      .filter((e) => e.type === "tool_result" && e.data.run === "gate:greeting#1" && e.data.name === "decide")
      .map((e) => toolResult(repo, "hello", e));
  }

  it("a decision naming an assertion that did not fail, or accepting a failed milestone, goes back to the orchestrator as an error", async () => {
    const answers = await gateAnswers([
      { action: "follow_up", reason: "x", features: [{ name: "fix", spec: "fix it", fulfills: ["greet.name"] }] },
      { action: "accept", reason: "looks fine" },
    ]);
    expect(answers.map((a) => a.is_error)).toEqual([true, true, false]);
    expect(answers[0].content).toMatch(/greet\.name did not fail here; a follow-up may fulfil only greet\.default/);
    expect(answers[1].content).toMatch(/cannot be accepted: greet\.default did not pass/);
  });

  it("a follow-up named like an existing feature, or using a model that does not exist, goes back as an error", async () => {
    const answers = await gateAnswers([
      { action: "follow_up", reason: "x", features: [{ name: "greeter", spec: "again", fulfills: ["greet.default"] }] },
      { action: "follow_up", reason: "x", features: [{ name: "fix", spec: "again", fulfills: ["greet.default"], worker: "gpt9" }] },
    ]);
    expect(answers.map((a) => a.is_error)).toEqual([true, true, false]);
    expect(answers[0].content).toMatch(/a feature named `greeter` exists already/);
    expect(answers[1].content).toMatch(/there is no model `gpt9`/);
  });

  it("an orchestrator that gave up pauses the mission; resumed, it gets a fresh allowance and decides", async () => {
    const repo = exampleRepo();
    const s = script();
    const bad = { tools: [{ name: "decide", input: { action: "accept", reason: "no" } }] };
    const good = s.runs["gate:greeting#1"].at(-1)!;
    s.runs["gate:greeting#1"] = [bad, bad, bad];
    writeFileSync(join(repo, "s.script.yaml"), toYaml(s));
    const stopped = await runCli(["run", "hello.mission", "--offline", "--script", "s.script.yaml"], repo);
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toMatch(/the orchestrator could not decide at gate:greeting#1: 3 invalid answers/);
    s.runs["gate:greeting#1"] = [bad, bad, bad, good];
    writeFileSync(join(repo, "s.script.yaml"), toYaml(s));
    const resumed = await runCli(["run", "hello.mission", "--offline", "--script", "s.script.yaml"], repo);
    expect(resumed.code, resumed.stdout).toBe(0);
  });

  it("a handoff whose claimed exit code the journal contradicts gets a runner issue and waits for the orchestrator", async () => {
    const repo = exampleRepo();
    const s = script();
    const turns = s.runs["implement:greeter#1"] as { tools: { name: string; input: Record<string, unknown> }[] }[];
    const tool = (name: string) => turns.flatMap((t) => t.tools).find((t) => t.name === name)!;
    tool("run_command").input["command"] = "node --test && exit 1"; // really exits 1
    const handoff = tool("submit_handoff").input;
    handoff.commands = [
      { command: "node --test && exit 1", exit_code: 0 },
      { command: "npm run lint", exit_code: 0 },
    ];
    s.runs["handoff:greeter#1"] = [{ tools: [{ name: "decide", input: { action: "accept", reason: "the tests pass when run alone" } }] }];
    writeFileSync(join(repo, "s.script.yaml"), toYaml(s));
    const r = await runCli(["run", "hello.mission", "--offline", "--script", "s.script.yaml"], repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gate: handoff of greeter/);
    const saved = parseAs<{ issues: { text: string }[]; procedures_followed: boolean }>(
      readFileSync(join(repo, ".missions/hello/handoffs/greeter-1.json"), "utf8"),
    );
    expect(saved.issues.map((i: { text: string }) => i.text)).toEqual([
      "runner: the handoff claims `node --test && exit 1` exited 0, but the journal shows exit 1",
      "runner: the handoff claims `npm run lint` was run, but the journal shows no such command",
    ]);
    // procedures_followed is the runner's: the test procedure (`node --test`) itself never ran
    expect(saved.procedures_followed).toBe(false);
  });

  it("after policy.max_rounds failed rounds the mission pauses for a human (exit 3); run resumes", async () => {
    const repo = exampleRepo();
    const s = script();
    // the follow-up changes nothing, so round 2 fails as round 1 did; max_rounds is 2
    s.runs["implement:default_name#1"] = [
      {
        tools: [
          {
            name: "submit_handoff",
            input: {
              feature: "default_name",
              status: "done",
              implemented: ["nothing, it turns out"],
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
    s.runs["review:greeting#2:default_name"] = [{ tools: [{ name: "submit_verdicts", input: { verdicts: [] } }] }];
    writeFileSync(join(repo, "s.script.yaml"), toYaml(s));
    const r = await runCli(["run", "hello.mission", "--offline", "--script", "s.script.yaml"], repo);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/milestone greeting failed 2 round\(s\) \(max_rounds 2\)/);
    const status = parseAs<Status>((await runCli(["status", "--json"], repo)).stdout);
    expect(status.state).toBe("paused");
    expect(status.last_validation).toMatchObject({ round: 2, passed: false, failing: ["greet.default"] });
    // the follow-up that changed nothing is not counted as done (issue 14)
    expect(status.features.items.find((f) => f.name === "default_name")?.status).toBe("no_change");
    expect(status.features).toMatchObject({ done: 1, no_change: 1, pending: 0 });
    expect((await runCli(["status"], repo)).stdout).toMatch(/features: 1 done, 1 finished without a change, 0 pending of 2/);
    // a human looked; resuming hands the report to the orchestrator
    s.runs["gate:greeting#2"] = [
      {
        tools: [
          {
            name: "decide",
            input: {
              action: "follow_up",
              reason: "really fix it",
              features: [{ name: "default_name_2", spec: "Default to world.", fulfills: ["greet.default"] }],
            },
          },
        ],
      },
    ];
    s.runs["implement:default_name_2#1"] = script().runs["implement:default_name#1"].map((t) => ({
      ...t,
      tools: (t.tools ?? []).map((x) =>
        x.name === "submit_handoff" ? { ...x, input: { ...(x.input as object), feature: "default_name_2" } } : x,
      ),
    }));
    s.runs["review:greeting#3:default_name_2"] = [{ tools: [{ name: "submit_verdicts", input: { verdicts: [] } }] }];
    s.runs["gate:greeting#3"] = [{ tools: [{ name: "decide", input: { action: "accept", reason: "fixed" } }] }];
    writeFileSync(join(repo, "s.script.yaml"), toYaml(s));
    const resumed = await runCli(["run", "hello.mission", "--offline", "--script", "s.script.yaml"], repo);
    expect(resumed.code, resumed.stdout).toBe(0);
    expect(missionCommits(repo).map((c) => c.step)).toEqual(["hello/implement:greeter#1", "hello/implement:default_name_2#1"]);
  });

  it("a spent token budget pauses the mission before the next agent call (exit 3)", async () => {
    const repo = exampleRepo();
    const file = join(repo, "hello.mission");
    writeFileSync(file, readFileSync(file, "utf8").replace("tokens 2M", "tokens 5k"));
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/the token budget is spent \(\d+ of 5000\)/);
  });
});
