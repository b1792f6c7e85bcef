import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cases.js";
import { exampleRepo, missionCommits, runCli } from "./helpers/missions.js";
import { startMockAnthropic, type MockAnthropic } from "./helpers/mock-anthropic.js";
import type { Status } from "../src/control/status.js";
import { parseAs } from "./helpers/json.js";

const script = parseYaml(readFileSync(join(ROOT, "examples/hello/hello.script.yaml"), "utf8")) as {
  runs: Record<string, { text?: string; tools?: { name: string; input?: unknown }[] }[]>;
};
const FAKE_KEY = "sk-ant-api03-FAKEKEYFAKEKEYFAKEKEY-0123456789abcdef";

/** The hello mission with every role on one Anthropic model whose base_url is the mock. */
function anthropicRepo(url: string, edit?: (dir: string) => void): string {
  const repo = exampleRepo("hello", edit);
  const file = join(repo, "hello.mission");
  const text = readFileSync(file, "utf8")
    .replace(/model lead\s*=\s*anthropic\s+"claude-opus-5-5"/, `model lead = anthropic "claude-opus-5-5" { base_url "${url}" }`)
    .replace(/model coder\s*=\s*anthropic\s+"claude-sonnet-5-5"/, `model coder = anthropic "claude-sonnet-5-5" { base_url "${url}" }`)
    .replace(/model judge\s*=\s*openai\s+"gpt-5"/, `model judge = anthropic "claude-sonnet-5-5" { base_url "${url}" }`);
  writeFileSync(file, text);
  return repo;
}

let mock: MockAnthropic;
beforeAll(async () => {
  mock = await startMockAnthropic((run, turn) => script.runs[run]?.[turn - 1]);
});
afterAll(async () => {
  await mock.close();
});

describe("the demo mission with every role on a mock Anthropic server, through @anthropic-ai/sdk", () => {
  it("makes the same commits as the scripted run; reads the cache for at least 90% of its input; never writes the key anywhere", async () => {
    const scripted = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], scripted)).code).toBe(0);
    const repo = anthropicRepo(mock.url);
    const r = await runCli(["run", "hello.mission"], repo, { ANTHROPIC_API_KEY: FAKE_KEY });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(missionCommits(repo).map((c) => [c.subject, c.tree])).toEqual(missionCommits(scripted).map((c) => [c.subject, c.tree]));
    const status = parseAs<Status>((await runCli(["status", "--json"], repo)).stdout);
    const t = status.tokens.by_type;
    const share = t.cache_read / (t.input + t.cache_read + t.cache_write);
    console.log(
      `cache-read share of input tokens on the demo mission (mock Anthropic): ${(share * 100).toFixed(1)}% (${t.cache_read} of ${t.input + t.cache_read + t.cache_write})`,
    );
    expect(share).toBeGreaterThanOrEqual(0.9);
    expect(status.cache_read_share.total).toBeCloseTo(share, 3);
    expect(Object.keys(status.cache_read_share.by_role).sort()).toEqual(["orchestrator", "reviewer", "worker"]);
    expect(status.tokens.estimated).toBe(false);
    expect(status.cost.usd).toBeGreaterThan(0);
    expect(status.cost.unpriced_models).toEqual([]);
    expect(r.stdout).toMatch(/cache reads: \d+\.\d% of input tokens \(worker/);
    // the SDK sends the key as the mock sees it, and nothing else keeps it
    expect(mock.requests.some((q) => String(q.headers["authorization"] ?? q.headers["x-api-key"]).includes(FAKE_KEY))).toBe(true);
    const { execFileSync } = await import("node:child_process");
    const grep = (args: string[]) => {
      try {
        return execFileSync("grep", args, { encoding: "utf8" });
      } catch {
        return "";
      }
    };
    expect(grep(["-r", "-l", FAKE_KEY, join(repo, ".missions")])).toBe("");
    expect(grep(["-r", "-l", "--exclude-dir=.missions", FAKE_KEY, repo])).toBe("");
    expect(execFileSync("git", ["-C", repo, "log", "-p", "--all"], { encoding: "utf8" })).not.toContain(FAKE_KEY);
    expect(r.stdout + r.stderr).not.toContain(FAKE_KEY);
  });
});

describe("--record, then --offline replay", () => {
  it("a run through the mock, recorded, replays offline to the same commits; after a prompt change the replay names the turn", async () => {
    const repo = anthropicRepo(mock.url);
    const recorded = await runCli(["run", "hello.mission", "--record", "recorded.script.yaml"], repo, { ANTHROPIC_API_KEY: FAKE_KEY });
    expect(recorded.code, recorded.stderr).toBe(0);
    const { readFileSync: read, cpSync, rmSync } = await import("node:fs");
    expect(read(join(repo, "recorded.script.yaml"), "utf8")).toMatch(/request: sha256:[0-9a-f]{64}/);
    expect(read(join(repo, "recorded.script.yaml"), "utf8")).not.toContain(FAKE_KEY);
    // a fresh copy of the same repository replays the recording without a model
    const replay = exampleRepo();
    cpSync(join(repo, "hello.mission"), join(replay, "hello.mission"));
    cpSync(join(repo, "recorded.script.yaml"), join(replay, "recorded.script.yaml"));
    // as in the recorded repository, the edited mission file is not committed: the branch starts from the same tree
    const again = await runCli(["run", "hello.mission", "--offline", "--script", "recorded.script.yaml"], replay);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(missionCommits(replay).map((c) => [c.subject, c.tree])).toEqual(missionCommits(repo).map((c) => [c.subject, c.tree]));
    // change what the worker is asked: the replay stops at that turn, naming it
    const changed = exampleRepo();
    cpSync(join(repo, "recorded.script.yaml"), join(changed, "recorded.script.yaml"));
    const mission = read(join(repo, "hello.mission"), "utf8").replace("checks it with node:test.", "checks it with node:test, politely.");
    writeFileSync(join(changed, "hello.mission"), mission);
    rmSync(join(changed, ".missions"), { recursive: true, force: true });
    const diverged = await runCli(["run", "hello.mission", "--offline", "--script", "recorded.script.yaml"], changed);
    expect(diverged.code).toBe(3);
    expect(diverged.stdout).toMatch(/run `implement:greeter#1` turn 1 is asked something else now/);
  });
});

describe("keys and external agents", () => {
  it("a missing key is reported before any work starts, naming the role, the model and the variable", async () => {
    const repo = anthropicRepo(mock.url);
    const r = await runCli(["run", "hello.mission"], repo, { ANTHROPIC_API_KEY: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /role orchestrator, role researcher use model `lead` \(anthropic "claude-opus-5-5"\), which needs the environment variable ANTHROPIC_API_KEY: it is not set/,
    );
    // every model without its key, in one run (issue 15): not one a run
    expect(r.stderr).toMatch(/role worker uses model `coder`/);
    expect(r.stderr).toMatch(/role reviewer uses model `judge`/);
    const { existsSync } = await import("node:fs");
    expect(existsSync(join(repo, ".missions/hello/journal.jsonl"))).toBe(false);
  });

  it("a worker bound to an external agent CLI: prompt on stdin, answer in $MISSION_OUTPUT, only its own key, never written down", async () => {
    // the agent CLI is in the repository: the sandbox shows it the worktree and the system, nothing else
    const repo = anthropicRepo(mock.url, (dir) =>
      copyFileSync(join(ROOT, "test/fixtures/fake-any-agent.mjs"), join(dir, "fake-any-agent.mjs")),
    );
    const file = join(repo, "hello.mission");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace("role worker       = coder", "role worker       = agent")
        .replace(
          /(model coder[^\n]*\n)/,
          // a name no secret rule knows: only api_key_env says it holds a key
          `$1  model agent = command "node fake-any-agent.mjs --its-var AGENT_ACCESS --leak" { api_key_env "AGENT_ACCESS"  timeout 1m }\n`,
        ),
    );
    const book = { ...script.runs, "gate:greeting#1": [{ tools: [{ name: "decide", input: { action: "accept", reason: "all pass" } }] }] };
    const own = await startMockAnthropic((run, turn) => (book as typeof script.runs)[run]?.[turn - 1]);
    writeFileSync(file, readFileSync(file, "utf8").split(mock.url).join(own.url));
    try {
      const r = await runCli(["run", "hello.mission"], repo, {
        ANTHROPIC_API_KEY: FAKE_KEY,
        AGENT_ACCESS: "agent-key-123456789",
        OTHER_SERVICE_TOKEN: "other-token-123456789",
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const handoff = parseAs<{ notes: string }>(readFileSync(join(repo, ".missions/hello/handoffs/greeter-1.json"), "utf8"));
      const seen = parseAs<{ keys: string[]; agentKey: string | null; promptHasFeature: boolean }>(handoff.notes.split("saw:")[1]);
      // its own key, under its own name, and no other (ANTHROPIC_API_KEY, OTHER_SERVICE_TOKEN stay out)
      expect(seen).toEqual({ keys: ["AGENT_ACCESS"], agentKey: "[redacted]", promptHasFeature: true });
      // the agent wrote its key into its handoff: no file of the mission's state holds it
      const holding = filesUnder(join(repo, ".missions/hello")).filter(
        (f) => !f.includes("/worktree/") && readFileSync(f).includes("agent-key-123456789"),
      );
      expect(holding).toEqual([]);
      expect(readFileSync(join(repo, ".missions/hello/handoffs/greeter-1.json"), "utf8")).toContain(
        "written by the fake agent with [redacted]",
      );
      expect(missionCommits(repo).map((c) => c.subject)).toEqual(["The greeting program (feature greeter)"]);
      const status = parseAs<Status>((await runCli(["status", "--json"], repo)).stdout);
      expect(status.last_validation).toMatchObject({ passed: true });
      expect(status.cost.usd).toBeGreaterThan(0);
    } finally {
      await own.close();
    }
  });
});

describe("budgets and printed output", () => {
  it("a spent cost budget pauses the mission (exit 3); a key echoed by a model is not printed", async () => {
    const repo = anthropicRepo(mock.url);
    const file = join(repo, "hello.mission");
    writeFileSync(file, readFileSync(file, "utf8").replace("cost $5", "cost $0.0001"));
    const r = await runCli(["run", "hello.mission"], repo, { ANTHROPIC_API_KEY: FAKE_KEY });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/the cost budget is spent \(\$0\.\d+ of \$0\.0001\)/);

    const book = {
      ...script.runs,
      "gate:greeting#1": [
        {
          tools: [
            {
              name: "decide",
              input: {
                action: "follow_up",
                reason: `the key is ${FAKE_KEY}`,
                features: [{ name: "default_name", spec: "Default to world.", fulfills: ["greet.default"] }],
              },
            },
          ],
        },
      ],
    };
    const own = await startMockAnthropic((run, turn) => (book as typeof script.runs)[run]?.[turn - 1]);
    try {
      const echo = anthropicRepo(own.url);
      const out = await runCli(["run", "hello.mission"], echo, { ANTHROPIC_API_KEY: FAKE_KEY });
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(out.stdout).toMatch(/decision: follow_up — the key is \[redacted\]/);
      expect(out.stdout + out.stderr).not.toContain(FAKE_KEY);
    } finally {
      await own.close();
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
