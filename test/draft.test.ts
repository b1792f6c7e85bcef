import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { format } from "../src/format/format.js";
import { check } from "../src/semantics/check.js";
import { ROOT } from "./helpers/cases.js";
import { missionc } from "./helpers/cli.js";

/**
 * Issue 17: `missionc draft`, offline from recorded scripts: an interview answered from a file, a
 * first draft with an error that the repair loop sends back and the model fixes, a mission that
 * checks clean and is canonical; a session killed mid-way resumes without asking again; `--from`
 * revises a mission and shows the change as `diff` does.
 */

const FIXTURES = join(ROOT, "test/fixtures/draft");
const scratch = (): string => mkdtempSync(join(tmpdir(), "missionc-draft-"));
const journalOf = (dir: string) =>
  readFileSync(join(dir, ".missions/.drafts/todo/journal.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; call?: string; result?: { content: string; is_error: boolean } });

/** `missionc draft "a todo service" -o todo.mission --offline` in `dir`, with a script and an answers file. */
const draftTodo = (dir: string, script: string, answers: string) =>
  missionc(["draft", "a todo service", "-o", "todo.mission", "--offline", "--script", script, "--answers", answers], { cwd: dir });

describe("missionc draft, offline", () => {
  it("interviews from an answers file, repairs its first draft's diagnostic, writes a clean, canonical mission and its skill", () => {
    const dir = scratch();
    const r = draftTodo(dir, join(FIXTURES, "todo.draft.yaml"), join(FIXTURES, "todo.answers.yaml"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote todo\.mission and skills\/node-api\.md \(after 1 round of repairs\)$/m);
    expect(r.stdout).toMatch(/coverage: 2\/2 assertions fulfilled/);
    expect(r.stdout).toMatch(/^drafting: \d+ tokens \(input \d+, .*\) \(estimated: a scripted model, no cost\)$/m);
    expect(r.stdout).toMatch(/nothing has run: `missionc run todo\.mission` starts it/);
    const text = readFileSync(join(dir, "todo.mission"), "utf8");
    expect(check(["todo.mission"], { cwd: dir }).diagnostics).toEqual([]);
    expect(format(text, "todo.mission").text).toBe(text);
    expect(readFileSync(join(dir, "skills/node-api.md"), "utf8")).toMatch(/^---\nname: node_api\n/);
    const journal = journalOf(dir);
    // the person's answers reached the model, and the first draft's diagnostic went back to it
    const asked = journal.find((e) => e.call === "ask_person")!;
    expect(asked.result!.content).toContain("A: Small teams, through a JSON API; no web page yet.");
    const rejected = journal.filter((e) => e.call === "submit_mission" && e.result!.is_error);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].result!.content).toMatch(/error\[M0102\]: unknown assertion `todo\.ad`[\s\S]*did you mean `todo\.add`/);
    expect(journal[journal.length - 1].type).toBe("finished");
  });

  it("gives up after the bounded rounds of repairs, saying so, and writes nothing", () => {
    const dir = scratch();
    const script = parseYaml(readFileSync(join(FIXTURES, "todo.draft.yaml"), "utf8")) as { runs: Record<string, unknown[]> };
    const bad = script.runs["draft#1"][1];
    script.runs["draft#1"] = [script.runs["draft#1"][0], bad, bad, bad, bad, bad];
    writeFileSync(join(dir, "bad.draft.yaml"), stringify(script));
    const r = draftTodo(dir, "bad.draft.yaml", join(FIXTURES, "todo.answers.yaml"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the draft was not finished: 4 invalid answers to `submit_mission`/);
    expect(existsSync(join(dir, "todo.mission"))).toBe(false);
  });

  it("killed mid-way, resumes from its journal without asking the model or the person again", async () => {
    const dir = scratch();
    // the second turn waits for a file: the session is killed while it waits, after the answers are journaled
    const script = parseYaml(readFileSync(join(FIXTURES, "todo.draft.yaml"), "utf8")) as {
      runs: Record<string, Record<string, unknown>[]>;
    };
    script.runs["draft#1"][1]["wait_for"] = "release";
    writeFileSync(join(dir, "todo.draft.yaml"), stringify(script));
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "bin/missionc.js"),
        "draft",
        "a todo service",
        "-o",
        "todo.mission",
        "--offline",
        "--answers",
        join(FIXTURES, "todo.answers.yaml"),
      ],
      {
        cwd: dir,
        stdio: "ignore",
      },
    );
    const journal = join(dir, ".missions/.drafts/todo/journal.jsonl");
    for (let i = 0; i < 200 && !(existsSync(journal) && readFileSync(journal, "utf8").includes('"call":"ask_person"')); i++)
      await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(existsSync(join(dir, "todo.mission"))).toBe(false);
    // the same session again: its first turn (the questions) and the answers come from the journal,
    // so an answers file with none, and a script whose first turn asks something else, are never consulted
    writeFileSync(join(dir, "release"), "");
    script.runs["draft#1"][0] = { text: "Other questions", tools: [{ name: "ask_person", input: { questions: ["Anything else?"] } }] };
    writeFileSync(join(dir, "todo.draft.yaml"), stringify(script));
    writeFileSync(join(dir, "none.yaml"), "format: missionc.answers/1\nanswers: []\n");
    const r = missionc(["draft", "a todo service", "-o", "todo.mission", "--offline", "--answers", "none.yaml"], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^resuming the drafting journaled in .*\.missions\/\.drafts\/todo$/m);
    expect(journalOf(dir).filter((e) => e.call === "ask_person")).toHaveLength(1);
    expect(check(["todo.mission"], { cwd: dir }).diagnostics).toEqual([]);
  });

  it("resumed with an answers file, goes on from the answer the journal stopped at; another request is refused", async () => {
    const dir = scratch();
    const script = parseYaml(readFileSync(join(FIXTURES, "todo.draft.yaml"), "utf8")) as {
      runs: Record<string, Record<string, unknown>[]>;
    };
    const [first, ...rest] = script.runs["draft#1"];
    // one question a turn: the second waits for a file, and the session is killed while it waits
    script.runs["draft#1"] = [
      { tools: [{ name: "ask_person", input: { questions: ["Who uses it?"] } }] },
      { wait_for: "go", tools: [{ name: "ask_person", input: { questions: ["How do you test it?"] } }] },
      ...rest,
    ];
    expect(first).toBeDefined();
    writeFileSync(join(dir, "todo.draft.yaml"), stringify(script));
    writeFileSync(join(dir, "answers.yaml"), "format: missionc.answers/1\nanswers: [teams, node-test]\n");
    const args = ["draft", "a todo service", "-o", "todo.mission", "--offline", "--answers", "answers.yaml"];
    const child = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), ...args], { cwd: dir, stdio: "ignore" });
    const journal = join(dir, ".missions/.drafts/todo/journal.jsonl");
    for (let i = 0; i < 200 && !(existsSync(journal) && readFileSync(journal, "utf8").includes('"call":"ask_person"')); i++)
      await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const other = missionc(["draft", "a chess engine", "-o", "todo.mission", "--offline", "--answers", "answers.yaml"], { cwd: dir });
    expect([other.status, other.stderr]).toEqual([2, expect.stringMatching(/journaled for another request \("a todo service"\)/)]);
    writeFileSync(join(dir, "go"), "");
    const r = missionc(args, { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const answers = journalOf(dir)
      .filter((e) => e.call === "ask_person")
      .map((e) => e.result!.content);
    expect(answers).toEqual(["Q: Who uses it?\nA: teams", "Q: How do you test it?\nA: node-test"]);
  });

  it("writes only the skills the mission declares, never through a link out of its folder, and replaces no file unasked", () => {
    const dir = scratch();
    const script = parseYaml(readFileSync(join(FIXTURES, "todo.draft.yaml"), "utf8")) as {
      runs: Record<string, { tools?: { input?: { skills?: { file: string; content: string }[] } }[] }[]>;
    };
    const last = script.runs["draft#1"][2].tools![0].input!.skills!;
    last.push({ file: "README.md", content: "replaced" });
    writeFileSync(join(dir, "s.draft.yaml"), stringify(script));
    writeFileSync(join(dir, "README.md"), "mine");
    const outside = scratch();
    symlinkSync(outside, join(dir, "skills"));
    const args = [
      "draft",
      "a todo service",
      "-o",
      "todo.mission",
      "--offline",
      "--script",
      "s.draft.yaml",
      "--answers",
      join(FIXTURES, "todo.answers.yaml"),
    ];
    const r = missionc(args, { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("mine");
    expect(readdirSync(outside)).toEqual([]);
    const again = missionc(args, { cwd: dir });
    expect([again.status, again.stderr]).toEqual([2, expect.stringMatching(/todo\.mission exists: drafting would replace it/)]);
  });

  it("refuses a skill path that leaves the mission's folder, and writes nothing outside it", () => {
    const dir = scratch();
    const script = parseYaml(readFileSync(join(FIXTURES, "todo.draft.yaml"), "utf8")) as {
      runs: Record<string, { tools?: { input?: { mission?: string; skills?: { file: string; content: string }[] } }[] }[]>;
    };
    for (const escape of ["../outside.md", "/tmp/outside.md", "skills/../../outside.md"]) {
      const input = script.runs["draft#1"][2].tools![0].input!;
      input.skills = [{ file: escape, content: "x" }];
      input.mission = input.mission!.replace('"skills/node-api.md"', JSON.stringify(escape));
      script.runs["draft#1"] = [
        script.runs["draft#1"][0],
        script.runs["draft#1"][2],
        script.runs["draft#1"][2],
        script.runs["draft#1"][2],
        script.runs["draft#1"][2],
      ];
      writeFileSync(join(dir, "escape.draft.yaml"), stringify(script));
      const r = draftTodo(dir, "escape.draft.yaml", join(FIXTURES, "todo.answers.yaml"));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/each skill is \{ file: a relative path ending in \.md, inside the mission's folder, content \}/);
      expect(existsSync(join(dir, "..", "outside.md"))).toBe(false);
      expect(existsSync("/tmp/outside.md")).toBe(false);
      rmSync(join(dir, ".missions"), { recursive: true, force: true });
      script.runs["draft#1"] = (parseYaml(readFileSync(join(FIXTURES, "todo.draft.yaml"), "utf8")) as typeof script).runs["draft#1"];
    }
  });

  it("a script that runs out or does not read is a clear error, never an internal one", () => {
    const dir = scratch();
    writeFileSync(join(dir, "short.draft.yaml"), "format: missionc.script/1\nruns: {}\n");
    const short = missionc(["draft", "a todo service", "-o", "todo.mission", "--offline", "--script", "short.draft.yaml"], { cwd: dir });
    expect([short.status, short.stderr]).toEqual([2, expect.stringMatching(/the drafting stopped: .*has no run `draft#1`/)]);
    expect(short.stderr).not.toMatch(/internal error/);
    writeFileSync(join(dir, "bad.draft.yaml"), "runs: [\n");
    const bad = missionc(["draft", "a todo service", "-o", "t2.mission", "--offline", "--script", "bad.draft.yaml"], { cwd: dir });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/is not valid YAML/)]);
  });

  it("--from revises a mission and shows the change as `missionc diff` does", () => {
    const dir = scratch();
    cpSync(join(FIXTURES, "todo.draft.yaml"), join(dir, "todo.draft.yaml"));
    expect(
      missionc(["draft", "a todo service", "-o", "todo.mission", "--offline", "--answers", join(FIXTURES, "todo.answers.yaml")], {
        cwd: dir,
      }).status,
    ).toBe(0);
    const r = missionc(
      ["draft", "--from", "todo.mission", "add due dates", "--offline", "--script", join(FIXTURES, "todo.revise.draft.yaml")],
      { cwd: dir },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\+ feature\/due \(added\)$/m);
    expect(r.stdout).toMatch(/^\+ assertion\/todo\.due \(added\)$/m);
    expect(r.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to remove, 0 to move\./);
    expect(readFileSync(join(dir, "todo.mission"), "utf8")).toMatch(/feature due\s+"Due dates"/);
  });

  it("refuses without a request, without a key for a live model, and with an answers file that runs out", () => {
    const dir = scratch();
    expect(missionc(["draft"], { cwd: dir }).status).toBe(2);
    const live = missionc(["draft", "a todo service"], { cwd: dir, env: { ANTHROPIC_API_KEY: undefined } });
    expect([live.status, live.stderr]).toEqual([2, expect.stringMatching(/needs the environment variable ANTHROPIC_API_KEY/)]);
    writeFileSync(join(dir, "one.yaml"), "format: missionc.answers/1\nanswers: [just one]\n");
    const short = draftTodo(dir, join(FIXTURES, "todo.draft.yaml"), "one.yaml");
    expect([short.status, short.stderr]).toEqual([2, expect.stringMatching(/has no answer for question 2: How do you run its tests\?/)]);
  });
});
