import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Status } from "../src/control/status.js";
import { parse as parseYaml, stringify } from "yaml";
import { ROOT } from "./helpers/cases.js";
import { exampleRepo, journalEvents, journalHas, runCli, startCli } from "./helpers/missions.js";

/**
 * DESIGN §8 / issue 6: `missionc msg` steers a mission like a project manager. The message is
 * journaled, handed to the orchestrator between steps (or at a gate, whichever comes first), and its
 * answer shows in `status` and `log`. `--interrupt` first stops the agent turn in progress.
 */

type Script = { runs: Record<string, Record<string, unknown>[]> };

function helloWith(edit: (script: Script) => void): string {
  return exampleRepo("hello", (dir) => {
    const path = join(dir, "hello.script.yaml");
    const script = parseYaml(readFileSync(path, "utf8")) as Script;
    edit(script);
    writeFileSync(path, stringify(script, { lineWidth: 0 }));
  });
}

const answer = (action: string, reason: string, extra: Record<string, unknown> = {}): Record<string, unknown>[] => [
  { tools: [{ name: "decide", input: { action, reason, ...extra } }] },
];

describe("missionc msg", () => {
  it("a message waiting before the run is answered between steps; the rescope and the answer show in status and log", async () => {
    const repo = helloWith((s) => {
      s.runs["message:1"] = answer("rescope", "Done: the greeter's README will also say how to run the tests.", {
        amendments: [
          {
            feature: "greeter",
            spec: "hello.js greets the name given as its first argument; the README says how to run it and how to run the tests.",
          },
        ],
      });
    });
    const posted = await runCli(["msg", "Please have the README say how to run the tests too.", "hello.mission"], repo);
    expect(posted.code).toBe(0);
    expect(posted.stdout).toContain("not running");
    const r = await runCli(["run", "hello.mission", "--offline"], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("gate: 1 message(s)");

    const events = journalEvents(repo, "hello");
    const received = events.findIndex((e) => e.type === "message_received");
    const decided = events.findIndex((e) => e.type === "decision" && e.data["gate"] === "message:1");
    const firstStep = events.findIndex((e) => e.type === "step_started");
    expect(received).toBeGreaterThan(-1);
    expect(decided).toBeGreaterThan(received);
    expect(firstStep).toBeGreaterThan(decided); // answered before the first step, not at the first gate

    const status = JSON.parse((await runCli(["status", "hello.mission", "--json"], repo)).stdout) as Status;
    const course = status.changes_of_course.find((c) => c.gate === "message");
    expect(course?.action).toBe("answered at message:1: rescope");
    expect(course?.reason).toContain("Please have the README say how to run the tests too.");
    expect(course?.reason).toContain("Done: the greeter's README");
    const text = (await runCli(["status", "hello.mission"], repo)).stdout;
    expect(text).toContain("message: answered at message:1: rescope");
    const log = (await runCli(["log", "hello.mission"], repo)).stdout;
    expect(log).toMatch(/message_received\s+Please have the README/);
    expect(log).toMatch(/decision\s+message:1: rescope — Done: the greeter's README/);
    const late = await runCli(["msg", "One more thing", "hello.mission"], repo);
    expect(late.code).toBe(2); // the mission is done: nobody would answer
    expect(late.stderr).toContain("the mission is done");
    // the amendment is journaled with the decision; the contract and the .mission file are untouched
    const decision = events[decided].data["decision"] as { amendments: { feature: string }[] };
    expect(decision.amendments[0]?.feature).toBe("greeter");
    expect(readFileSync(join(repo, "hello.mission"), "utf8")).toBe(readFileSync(join(ROOT, "examples/hello/hello.mission"), "utf8"));
  });

  it("--interrupt stops the turn in progress; the message is answered; the step resumes from its journal", async () => {
    const repo = helloWith((s) => {
      s.runs["implement:greeter#1"][1]["wait_for"] = "release"; // turn 2 is held open until it has been interrupted
      s.runs["message:1"] = answer("accept", "Noted; the greeter carries on.");
    });
    const run = startCli(["run", "hello.mission", "--offline"], repo);
    await journalHas(repo, "hello", (e) => e.type === "model_response" && e.data["run"] === "implement:greeter#1" && e.data["turn"] === 1);
    const posted = await runCli(["msg", "--interrupt", "Stop a moment: is the greeting English only?", "hello.mission"], repo);
    expect(posted.stdout).toMatch(/runner \d+ will act/);
    await journalHas(repo, "hello", (e) => e.type === "turn_interrupted");
    writeFileSync(join(repo, "release"), ""); // turn 2, asked again after the message, may now be answered
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).toContain("interrupted implement:greeter#1 at turn 2");

    const events = journalEvents(repo, "hello");
    const at = (pred: (e: (typeof events)[number]) => boolean): number => events.findIndex(pred);
    const interrupted = at((e) => e.type === "turn_interrupted");
    expect(events[interrupted].data).toEqual({ run: "implement:greeter#1", turn: 2 });
    const answered = at((e) => e.type === "decision" && e.data["gate"] === "message:1");
    const turnTwo = at((e) => e.type === "model_response" && e.data["run"] === "implement:greeter#1" && e.data["turn"] === 2);
    const handoff = at((e) => e.type === "handoff" && e.data["feature"] === "greeter");
    expect(answered).toBeGreaterThan(interrupted);
    expect(turnTwo).toBeGreaterThan(answered); // the interrupted turn was never journaled before; asked again after
    expect(handoff).toBeGreaterThan(turnTwo);
    expect(
      events.filter((e) => e.type === "model_response" && e.data["run"] === "implement:greeter#1" && e.data["turn"] === 1),
    ).toHaveLength(1);
    expect(events.filter((e) => e.type === "agent_finished" && e.data["outcome"] === "interrupted")).toHaveLength(1);
  });

  it("a message not yet read by a runner shows in status as waiting in the inbox; an empty message is refused", async () => {
    const repo = exampleRepo("hello");
    expect((await runCli(["pause", "hello.mission"], repo)).code).toBe(0);
    const paused = await runCli(["run", "hello.mission", "--offline"], repo); // reads the pause at once
    expect(paused.code).toBe(3);
    expect((await runCli(["msg", "Use British spelling, please.", "hello.mission"], repo)).code).toBe(0);
    const status = JSON.parse((await runCli(["status", "hello.mission", "--json"], repo)).stdout) as Status;
    expect(status.state).toBe("paused");
    expect(status.changes_of_course).toEqual([
      { gate: "message", action: "in the inbox: the runner reads it at its next turn", reason: "“Use British spelling, please.”" },
    ]);
    const empty = await runCli(["msg", "  ", "hello.mission"], repo);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("error: the message is empty\n");
  });
});
