import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { stringify } from "yaml";
import { CommandProvider } from "../src/agents/external.js";
import type { Script } from "../src/agents/scripted.js";
import { ANSWER } from "../src/agents/toolbox.js";
import { parse as parseYaml } from "yaml";
import { exampleRepo, freePort, helloScript, journalEvents, missionCommits, runCli, toolResult, type Exit } from "./helpers/missions.js";
import { describeSandboxed, sandboxFor } from "./helpers/sandbox.js";

/**
 * Issue 13: what the mission's `permissions` say is what the agents can do, through the sandbox.
 * Each run is the offline hello mission with a `permissions` block and probes prepended to the
 * agents' scripts; the journal's tool results say what each probe met. The server on the host's
 * loopback stands for this machine's services: only `full` reaches it, and only where declared.
 */

const TOKEN = `host-service-${process.pid}`;
let host: Server;
let port = 0;

beforeAll(async () => {
  host = createServer((_q, r) => r.end(TOKEN));
  await new Promise<void>((ok) => host.listen(0, "127.0.0.1", ok));
  port = (host.address() as AddressInfo).port;
});
afterAll(() => host.close());

/** A server the command starts itself, then asks: what its own loopback lets it do. */
const SELF = `node -e "const s=require('http').createServer((q,r)=>r.end('pong'));s.on('error',e=>{console.log('self: '+e.code);process.exit(0)});s.listen(0,'127.0.0.1',async()=>{try{console.log('self: '+await (await fetch('http://127.0.0.1:'+s.address().port)).text())}catch(e){console.log('self: '+(e.cause&&e.cause.code||e.message))}process.exit(0)})"`;
const hostProbe = (): string =>
  `node -e "fetch('http://127.0.0.1:${port}/').then(r=>r.text()).then(t=>console.log('host: '+t),e=>console.log('host: '+(e.cause&&e.cause.code||e.message)))"`;

type Turn = Script["runs"][string][number];
const call = (name: string, input: Record<string, unknown>): Turn => ({ text: `try ${name}`, tools: [{ name, input }] });
const cmd = (command: string): Turn => call("run_command", { command });

interface Permitted {
  repo: string;
  exit: Exit;
  /** the results of the probes of a run, in order */
  results: (run: string) => { content: string; is_error: boolean }[];
}

async function permitted(block: string, probes: Record<string, Turn[]>, procedure?: string): Promise<Permitted> {
  const script = helloScript();
  for (const [run, turns] of Object.entries(probes)) script.runs[run] = [...turns, ...script.runs[run]];
  const repo = exampleRepo("hello", (dir) => {
    writeFileSync(join(dir, "hello.script.yaml"), stringify(script));
    const mission = join(dir, "hello.mission");
    let text = readFileSync(mission, "utf8").replace("  procedure test", `  permissions {\n${block}\n  }\n\n  procedure test`);
    if (procedure) text = text.replace('procedure test = "node --test" { timeout 2m }', procedure);
    writeFileSync(mission, text);
  });
  const exit = await runCli(["run", "hello.mission", "--offline"], repo);
  const results = (run: string) =>
    journalEvents(repo, "hello")
      .filter((e) => e.type === "tool_result" && e.data["run"] === run)
      .map((e) => toolResult(repo, "hello", e))
      .slice(0, probes[run]?.length ?? 0);
  return { repo, exit, results };
}

/** A command that asks the notes app for its list: what a user tester's command reaches. */
const appProbe = (port: number): string =>
  `node -e "fetch('http://127.0.0.1:${port}/notes').then(r=>console.log('app: '+r.status),e=>console.log('app: '+(e.cause&&e.cause.code||e.message)))"`;

/**
 * The notes example (user testing a real app, on a port of its own) with the user tester's
 * permissions and probes put before its script's turns; the user test's tool results.
 */
async function userTested(permission: string, probes: (port: number) => Turn[]): Promise<{ content: string; is_error: boolean }[]> {
  const port = await freePort();
  const repo = exampleRepo("notes", (dir) => {
    const mission = join(dir, "notes.mission");
    writeFileSync(
      mission,
      readFileSync(mission, "utf8")
        .replaceAll("4317", String(port))
        .replace("  procedure install", `  permissions { user_tester { ${permission} } }\n\n  procedure install`),
    );
    const path = join(dir, "notes.script.yaml");
    const script = parseYaml(readFileSync(path, "utf8").replaceAll("4317", String(port))) as Script;
    script.runs["user_test:api#1"] = [...probes(port), ...script.runs["user_test:api#1"]];
    writeFileSync(path, stringify(script, { lineWidth: 0 }));
  });
  await runCli(["run", "notes.mission", "--offline"], repo);
  return journalEvents(repo, "notes")
    .filter((e) => e.type === "tool_result" && e.data["run"] === "user_test:api#1")
    .map((e) => toolResult(repo, "notes", e));
}

const WORKER = "implement:greeter#1";
const REVIEWER = "review:greeting#1:greeter";

describeSandboxed("permissions: the runner enforces what the mission grants", () => {
  it("network none: no server of its own, nothing of the host's; a reviewer without write cannot write; full only where declared", async () => {
    const r = await permitted(
      "    worker   { network none  tools read, write, run }\n    reviewer { tools read, run }",
      {
        [WORKER]: [cmd(SELF), cmd(hostProbe()), call("research", { question: "what is here?" })],
        [REVIEWER]: [
          call("write_file", { path: "planted.txt", content: "a reviewer's edit" }),
          call("edit_file", { path: "hello.js", old_text: "Hello", new_text: "Pwned" }),
          cmd("echo planted > planted-by-command.txt; touch hello.js && echo touched"),
          cmd("cat README.md"),
          cmd(hostProbe()),
          // nor in the package cache the next step's commands see
          cmd("echo x > ~/.cache/planted && echo cached || echo refused"),
        ],
      },
      `procedure test = "${hostProbe().replace(/"/g, '\\"')}" { network full }`,
    );
    expect(r.exit.code, r.exit.stdout + r.exit.stderr).toBe(0);
    const [self, hostSeen, research] = r.results(WORKER);
    // seccomp refuses the internet socket the server would listen on: nothing to start, nothing to reach
    expect(self.content).toMatch(/self: (EACCES|EPERM)/);
    expect(hostSeen.content).toMatch(/host: (EACCES|EPERM)/);
    expect(research).toMatchObject({ is_error: true });
    expect(research.content).toMatch(/`research` is not one of your tools/);
    const [write, edit, written, read, reviewerHost, cached] = r.results(REVIEWER);
    // (the shell's error and the echo come through two pipes: their order is not fixed)
    expect(cached.content).toContain("Read-only file system");
    expect(cached.content).toMatch(/^refused$/m);
    expect(cached.content).not.toMatch(/^cached$/m);
    for (const refused of [write, edit]) {
      expect(refused.is_error).toBe(true);
      expect(refused.content).toMatch(/is not one of your tools .*your tools: read_file, list_files, search, run_command, submit_verdicts/);
    }
    // granted run but not write: its commands see the worktree read-only
    expect(written.content).toMatch(/Read-only file system/);
    expect(written.content).not.toContain("touched");
    expect(read.content).toContain("node hello.js NAME");
    // the reviewer's network is its default, loopback: full went to the test procedure alone
    expect(reviewerHost.content).not.toContain(TOKEN);
    expect(reviewerHost.content).toMatch(/ECONNREFUSED/);
    const worktree = join(r.repo, ".missions/hello/worktree");
    for (const f of ["planted.txt", "planted-by-command.txt"]) expect(existsSync(join(worktree, f))).toBe(false);
    expect(readFileSync(join(worktree, "hello.js"), "utf8")).not.toContain("Pwned");
    // the refused calls never ran: no command of them was journaled as started
    const started = journalEvents(r.repo, "hello").filter((e) => e.type === "tool_started" && e.data["run"] === REVIEWER);
    expect(started).toHaveLength(4);
    // the test procedure, declared `network full`, reached the host's service
    const procedureOutputs = journalEvents(r.repo, "hello")
      .filter((e) => e.type === "check_result" && (e.data["check"] as { name: string }).name === "test")
      .map((e) => {
        const ref = (e.data["check"] as { blob: string }).blob;
        return ref.startsWith("=") ? ref.slice(1) : readFileSync(join(r.repo, ".missions/hello/blobs", ref), "utf8");
      });
    expect(procedureOutputs.length).toBeGreaterThan(0);
    for (const out of procedureOutputs) expect(out).toContain(`host: ${TOKEN}`);
    expect(missionCommits(r.repo).length).toBeGreaterThan(0);
  });

  it("network loopback (the default): a server of its own, nothing of the host's; tools none refuses even reading", async () => {
    const r = await permitted("    worker   { network loopback }\n    reviewer { tools none }", {
      [WORKER]: [cmd(SELF), cmd(hostProbe())],
      [REVIEWER]: [call("read_file", { path: "README.md" })],
    });
    expect(r.exit.code, r.exit.stdout + r.exit.stderr).toBe(0);
    const [self, hostSeen] = r.results(WORKER);
    expect(self.content).toContain("self: pong");
    expect(hostSeen.content).toMatch(/host: ECONNREFUSED/);
    const [read] = r.results(REVIEWER);
    expect(read).toMatchObject({ is_error: true });
    expect(read.content).toMatch(/your tools: submit_verdicts$/);
  });

  it("network full, declared: the host's network, this machine's services included", async () => {
    const r = await permitted("    worker { network full }", { [WORKER]: [cmd(SELF), cmd(hostProbe())] });
    expect(r.exit.code, r.exit.stdout + r.exit.stderr).toBe(0);
    const [self, hostSeen] = r.results(WORKER);
    expect(self.content).toContain("self: pong");
    expect(hostSeen.content).toContain(`host: ${TOKEN}`);
  });

  it("a command agent whose role has no write: its process sees the worktree read-only, and MISSION_PERMISSIONS says what it may do", async () => {
    const worktree = mkdtempSync(join(tmpdir(), "missionc-cmd-agent-"));
    // an external agent CLI stand-in: tries to write, then answers with what it was told and what happened
    writeFileSync(
      join(worktree, "agent.mjs"),
      `import { writeFileSync } from "node:fs";
let wrote = "written";
try { writeFileSync("planted.txt", "x"); } catch (e) { wrote = e.code; }
writeFileSync(process.env.MISSION_OUTPUT, JSON.stringify({ answer: JSON.stringify({ permissions: process.env.MISSION_PERMISSIONS, wrote }) }));
`,
    );
    const ask = async (tools: ("read" | "write" | "run")[]) => {
      const agent = new CommandProvider({ provider: "command", id: "node agent.mjs", options: {} }, worktree, sandboxFor(worktree));
      const r = await agent.complete({
        run: "research:x",
        turn: 1,
        system: ["a researcher"],
        messages: [{ role: "user", content: "a question" }],
        tools: [ANSWER],
        terminal: "answer",
        permission: { network: "full", tools },
      });
      return JSON.parse(String((r.tool_calls[0].input as { answer: string }).answer)) as { permissions: string; wrote: string };
    };
    const reader = await ask(["read"]);
    expect(reader.wrote).toBe("EROFS");
    expect(JSON.parse(reader.permissions)).toEqual({ network: "full", tools: ["read"] });
    expect(existsSync(join(worktree, "planted.txt"))).toBe(false);
    const writer = await ask(["read", "write", "run"]);
    expect(writer.wrote).toBe("written");
    expect(existsSync(join(worktree, "planted.txt"))).toBe(true);
  });

  it("a user tester without network, http or browser: its requests are refused and its commands cannot reach the app", async () => {
    const results = await userTested("network none  tools read, run", (port) => [
      call("http_request", { url: "/notes" }),
      call("browser_open", { url: "/" }),
      cmd(appProbe(port)),
    ]);
    expect(results.length).toBeGreaterThan(3);
    const [http, browser, command, later] = results;
    for (const refused of [http, browser]) {
      expect(refused.is_error).toBe(true);
      expect(refused.content).toMatch(
        /is not one of your tools .*your tools: read_file, list_files, search, run_command, submit_verdicts$/,
      );
    }
    expect(command.content).toMatch(/app: (EACCES|EPERM)/);
    // the script's own requests, after the probes, are refused the same way
    expect(later.content).toMatch(/`http_request` is not one of your tools/);
  });

  it("a user tester given network full reaches the app on this machine's network, without the relay", async () => {
    const [command] = await userTested("network full", (port) => [cmd(appProbe(port))]);
    expect(command.content).toMatch(/^exit code 0\napp: 200/);
  });
});
