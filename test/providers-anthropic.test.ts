import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cases.js";
import { exampleRepo, missionCommits, runCli } from "./helpers/missions.js";
import { startMockAnthropic, type MockAnthropic } from "./helpers/mock-anthropic.js";

const script = parseYaml(readFileSync(join(ROOT, "examples/hello/hello.script.yaml"), "utf8")) as { runs: Record<string, { text?: string; tools?: { name: string; input?: unknown }[] }[]> };
const FAKE_KEY = "sk-ant-api03-FAKEKEYFAKEKEYFAKEKEY-0123456789abcdef";

/** The hello mission with every role on one Anthropic model whose base_url is the mock. */
function anthropicRepo(url: string): string {
  const repo = exampleRepo();
  const file = join(repo, "hello.mission");
  const text = readFileSync(file, "utf8")
    .replace(/model lead\s*= anthropic "claude-opus-4-1"/, `model lead = anthropic "claude-opus-4-1" { base_url "${url}" }`)
    .replace(/model coder\s*= anthropic "claude-sonnet-4-5"/, `model coder = anthropic "claude-sonnet-4-5" { base_url "${url}" }`)
    .replace(/model judge\s*= openai "gpt-5"/, `model judge = anthropic "claude-sonnet-4-5" { base_url "${url}" }`);
  writeFileSync(file, text);
  return repo;
}

let mock: MockAnthropic;
beforeAll(async () => { mock = await startMockAnthropic((run, turn) => script.runs[run]?.[turn - 1]); });
afterAll(async () => { await mock.close(); });

describe("the demo mission with every role on a mock Anthropic server, through @anthropic-ai/sdk", () => {
  it("makes the same commits as the scripted run; reads the cache for at least 90% of its input; never writes the key anywhere", async () => {
    const scripted = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], scripted)).code).toBe(0);
    const repo = anthropicRepo(mock.url);
    const r = await runCli(["run", "hello.mission"], repo, { ANTHROPIC_API_KEY: FAKE_KEY });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(missionCommits(repo).map((c) => [c.subject, c.tree])).toEqual(missionCommits(scripted).map((c) => [c.subject, c.tree]));
    const status = JSON.parse((await runCli(["status", "--json"], repo)).stdout);
    const t = status.tokens.by_type;
    const share = t.cache_read / (t.input + t.cache_read + t.cache_write);
    console.log(`cache-read share of input tokens on the demo mission (mock Anthropic): ${(share * 100).toFixed(1)}% (${t.cache_read} of ${t.input + t.cache_read + t.cache_write})`);
    expect(share).toBeGreaterThanOrEqual(0.9);
    expect(status.tokens.estimated).toBe(false);
    // the SDK sends the key as the mock sees it, and nothing else keeps it
    expect(mock.requests.some((q) => String(q.headers["authorization"] ?? q.headers["x-api-key"]).includes(FAKE_KEY))).toBe(true);
    const { execFileSync } = await import("node:child_process");
    const grep = (args: string[]) => { try { return execFileSync("grep", args, { encoding: "utf8" }); } catch { return ""; } };
    expect(grep(["-r", "-l", FAKE_KEY, join(repo, ".missions")])).toBe("");
    expect(grep(["-r", "-l", "--exclude-dir=.missions", FAKE_KEY, repo])).toBe("");
    expect(execFileSync("git", ["-C", repo, "log", "-p", "--all"], { encoding: "utf8" })).not.toContain(FAKE_KEY);
    expect(r.stdout + r.stderr).not.toContain(FAKE_KEY);
  });
});
