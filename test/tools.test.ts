import { execFileSync, spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../src/agents/command.js";
import { groupAlive } from "../src/sandbox/processes.js";
import { runTool } from "../src/agents/tools.js";
import { toolsOf } from "../src/agents/toolbox.js";
import { Unconfined } from "../src/sandbox/sandbox.js";
import { bwrapPath, sandboxFor } from "./helpers/sandbox.js";
import { running } from "./helpers/containment.js";

function workspace(): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), "missionc-tools-"));
  const root = join(base, "repo");
  const outside = join(base, "outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.txt"), "the secret");
  writeFileSync(join(root, "a.txt"), "alpha\nbeta\n");
  mkdirSync(join(root, ".git"));
  return { root, outside };
}

// the commands' time-out is not the subject here: generous, so a busy machine cannot trip it
const ctx = (root: string) => ({
  root,
  sandbox: new Unconfined(),
  network: "loopback" as const,
  readOnly: false,
  commandTimeoutMs: 60_000,
});
// the tool groups of the language (specs/language.md, permissions), as the runner grants them
const WORKER_TOOLS = toolsOf({ network: "loopback", tools: ["read", "write", "run"] });
const READ_ONLY = toolsOf({ network: "loopback", tools: ["read"] });

describe("tools confine every path to the repository", () => {
  it("refuses `..`, absolute paths, symlinks that leave (also dangling ones and links in folders), and the runner's folders", async () => {
    const { root, outside } = workspace();
    symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
    symlinkSync(outside, join(root, "dir-link"));
    symlinkSync(join(outside, "not-yet.txt"), join(root, "dangling.txt"));
    symlinkSync("../outside", join(root, "rel-link"));
    const refused = async (name: string, input: Record<string, string>) => {
      const r = await runTool(name, input, WORKER_TOOLS, ctx(root));
      expect(r.isError, `${name} ${JSON.stringify(input)}: ${r.content}`).toBe(true);
      expect(r.content).toMatch(/^path refused: /);
      expect(r.content).not.toContain(outside);
    };
    await refused("read_file", { path: "../outside/secret.txt" });
    await refused("read_file", { path: join(outside, "secret.txt") });
    await refused("read_file", { path: "link.txt" });
    await refused("read_file", { path: "dir-link/secret.txt" });
    await refused("read_file", { path: "rel-link/secret.txt" });
    await refused("write_file", { path: "dangling.txt", content: "x" });
    await refused("write_file", { path: "dir-link/new.txt", content: "x" });
    await refused("write_file", { path: ".git/config", content: "x" });
    await refused("read_file", { path: ".missions/hello/journal.jsonl" });
    await refused("list_files", { path: "../" });
    expect(existsSync(join(outside, "not-yet.txt"))).toBe(false);
    expect(existsSync(join(outside, "new.txt"))).toBe(false);
  });

  it("list_files and search neither follow links out nor read pipes", async () => {
    const { root, outside } = workspace();
    symlinkSync(outside, join(root, "out"));
    symlinkSync("..", join(root, "up"));
    execFileSync("mkfifo", [join(root, "pipe")]);
    const listed = await runTool("list_files", {}, WORKER_TOOLS, ctx(root));
    expect(listed.content.split("\n").sort()).toEqual(["a.txt", "out", "up"]);
    const found = await runTool("search", { pattern: "secret" }, WORKER_TOOLS, ctx(root));
    expect(found.content).toBe("(no matches)");
  });

  it("edit_file replaces exactly one occurrence, and says why not otherwise", async () => {
    const { root } = workspace();
    writeFileSync(join(root, "b.txt"), "x x");
    expect((await runTool("edit_file", { path: "a.txt", old_text: "beta", new_text: "gamma" }, WORKER_TOOLS, ctx(root))).isError).toBe(
      false,
    );
    expect(readFileSync(join(root, "a.txt"), "utf8")).toBe("alpha\ngamma\n");
    expect((await runTool("edit_file", { path: "b.txt", old_text: "x", new_text: "y" }, WORKER_TOOLS, ctx(root))).content).toMatch(
      /occurs 2 times/,
    );
    expect((await runTool("edit_file", { path: "a.txt", old_text: "zeta", new_text: "y" }, WORKER_TOOLS, ctx(root))).content).toMatch(
      /does not occur/,
    );
  });

  it("reviewers get the read-only subset", async () => {
    const { root } = workspace();
    const r = await runTool("write_file", { path: "c.txt", content: "x" }, READ_ONLY, ctx(root));
    expect(r.isError).toBe(true);
    expect(r.content).toMatch(/unknown tool `write_file`; your tools: read_file, list_files, search/);
    expect((await runTool("search", { pattern: "alp" }, READ_ONLY, ctx(root))).content).toBe("a.txt:1: alpha");
  });
});

describe("files an agent reads and writes (issue 12's attacks on the file tools)", () => {
  it("a hard link to a file outside is neither written through nor read", async () => {
    const { root, outside } = workspace();
    linkSync(join(outside, "secret.txt"), join(root, "hl"));
    const w = await runTool("write_file", { path: "hl", content: "overwritten" }, WORKER_TOOLS, ctx(root));
    expect(w).toMatchObject({ isError: true, content: "path refused: it has another hard link, so it is also a file elsewhere" });
    const e = await runTool("edit_file", { path: "hl", old_text: "the", new_text: "a" }, WORKER_TOOLS, ctx(root));
    expect(e.isError).toBe(true);
    const r = await runTool("read_file", { path: "hl" }, WORKER_TOOLS, ctx(root));
    expect(r.isError).toBe(true);
    expect(readFileSync(join(outside, "secret.txt"), "utf8")).toBe("the secret");
  });

  it("a FIFO, or a link to one, is refused at once: the runner never blocks on it", async () => {
    const { root } = workspace();
    execFileSync("mkfifo", [join(root, "fifo")]);
    symlinkSync("fifo", join(root, "fl"));
    for (const [name, input] of [
      ["write_file", { path: "fl", content: "x" }],
      ["write_file", { path: "fifo", content: "x" }],
      ["read_file", { path: "fl" }],
      ["read_file", { path: "fifo" }],
      ["edit_file", { path: "fifo", old_text: "a", new_text: "b" }],
    ] as const) {
      const r = await runTool(name, input, WORKER_TOOLS, ctx(root));
      expect(r, `${name} ${input.path}`).toMatchObject({
        isError: true,
        content: "path refused: it is not a regular file (a pipe, a device or a folder)",
      });
    }
    expect(lstatSync(join(root, "fifo")).isFIFO()).toBe(true);
  });

  it("a 1.5 GB sparse file is read up to the cap, not whole", async () => {
    const { root } = workspace();
    const fd = openSync(join(root, "huge.bin"), "w");
    ftruncateSync(fd, 1.5 * 1024 * 1024 * 1024);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = await runTool("read_file", { path: "huge.bin" }, WORKER_TOOLS, ctx(root));
    expect(r.isError).toBe(false);
    expect(r.content).toMatch(/\[truncated at 262144 characters\]$/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("`.git` is not readable: a worktree's `.git` file names the host's absolute path", async () => {
    const { root } = workspace();
    const r = await runTool("read_file", { path: ".git" }, WORKER_TOOLS, ctx(root));
    expect(r).toMatchObject({ isError: true, content: "path refused: `.git` is the runner's, not the agent's" });
    expect(r.content).not.toContain(root);
  });

  it("writes replace the file by a rename: its mode is kept and no temporary file stays", async () => {
    const { root } = workspace();
    writeFileSync(join(root, "run.sh"), "#!/bin/sh\necho one\n", { mode: 0o755 });
    await runTool("edit_file", { path: "run.sh", old_text: "one", new_text: "two" }, WORKER_TOOLS, ctx(root));
    expect(readFileSync(join(root, "run.sh"), "utf8")).toBe("#!/bin/sh\necho two\n");
    expect(statSync(join(root, "run.sh")).mode & 0o777).toBe(0o755);
    await runTool("write_file", { path: "new/deep.txt", content: "x" }, WORKER_TOOLS, ctx(root));
    expect(readdirSync(root).sort()).toEqual([".git", "a.txt", "new", "run.sh"]);
    expect(readdirSync(join(root, "new"))).toEqual(["deep.txt"]);
  });

  it("a catastrophic pattern in search is stopped after its time limit, and the next search works", async () => {
    const { root } = workspace();
    // (a+)+$ on 40 a's and a b backtracks 2^40 times: hours, on the runner's own thread, without a limit
    writeFileSync(join(root, "b.txt"), `${"a".repeat(40)}b\n`);
    const r = await runTool("search", { pattern: "(a+)+$" }, WORKER_TOOLS, ctx(root));
    expect(r).toMatchObject({ isError: true, content: "search stopped after 5 s: the pattern backtracks too much; simplify it" });
    expect((await runTool("search", { pattern: "alp" }, WORKER_TOOLS, ctx(root))).content).toBe("a.txt:1: alpha");
  });
});

describe("a folder swapped for a link out while the tools use it (the app runs meanwhile)", () => {
  it("read_file and write_file never reach outside, however the race falls", async () => {
    const { root, outside } = workspace();
    writeFileSync(join(outside, "secret"), "OUTSIDE-SECRET");
    mkdirSync(join(root, "d"));
    writeFileSync(join(root, "d", "secret"), "inside");
    symlinkSync(outside, join(root, "lnk"));
    // a real process turning `d` into a link out and back, as fast as it can (a folder the runner
    // makes at `d` while it is away is moved aside, so that the swapping never stops)
    const swap = `const f=require("fs");let n=0;
      const is=(p,k)=>{try{const s=f.lstatSync(p);return k==="dir"?s.isDirectory():s.isSymbolicLink()}catch{return false}};
      for(;;){try{
        if(is("d","dir")&&is("hold","dir"))f.renameSync("d","stray"+n++);
        if(is("d","dir"))f.renameSync("d","hold");
        if(!is("d","dir")&&!is("d","link"))f.renameSync("lnk","d");
        if(is("d","link"))f.renameSync("d","lnk");
        if(!is("d","dir")&&is("hold","dir"))f.renameSync("hold","d");
      }catch{}}`;
    const swapper = spawn(process.execPath, ["-e", swap], { cwd: root, stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 200)); // under way
    const seen = new Set<string>();
    const listed: string[] = [];
    try {
      // at least 1,500 rounds, and on until the race has shown (a read met the link, or no folder): a
      // busy machine may give the swapper little time
      const until = Date.now() + 20_000;
      for (let i = 0; i < 1500 || (seen.size < 2 && Date.now() < until); i++) {
        seen.add((await runTool("read_file", { path: "d/secret" }, WORKER_TOOLS, ctx(root))).content);
        listed.push((await runTool("list_files", { path: "d" }, WORKER_TOOLS, ctx(root))).content);
        await runTool("write_file", { path: `d/w${i}.txt`, content: "planted" }, WORKER_TOOLS, ctx(root));
        await runTool("write_file", { path: `d/new${i}/deeper/w.txt`, content: "planted" }, WORKER_TOOLS, ctx(root));
      }
    } finally {
      swapper.kill("SIGKILL");
    }
    expect([...seen].filter((c) => c.includes("OUTSIDE-SECRET"))).toEqual([]);
    expect(listed.filter((l) => l.includes("secret.txt"))).toEqual([]); // a name only the outside folder has
    expect(readdirSync(outside).sort()).toEqual(["secret", "secret.txt"]);
    expect(seen.size, [...seen].join(" / ")).toBeGreaterThan(1); // the race did happen: some reads met the link
  });
});

describe("commands", () => {
  it("run without API keys in their environment", async () => {
    const saved = { ...process.env };
    process.env["ANTHROPIC_API_KEY"] = "sk-ant-api03-CANARYCANARYCANARY";
    process.env["MY_SERVICE_TOKEN"] = "token-canary-123456";
    try {
      const r = await runCommand("env", { cwd: tmpdir(), sandbox: new Unconfined(), network: "loopback", timeoutMs: 60_000 });
      expect(r.exitCode).toBe(0);
      expect(r.output).not.toContain("CANARY");
      expect(r.output).not.toContain("token-canary");
      expect(r.output).toContain("PATH=");
    } finally {
      process.env = saved;
    }
  });

  it.each(bwrapPath ? ["unconfined", "sandboxed"] : ["unconfined"])(
    "time out, and their whole process group is killed (%s)",
    async (how) => {
      const dir = mkdtempSync(join(tmpdir(), "missionc-cmd-"));
      // a background job of the command's (in its process group) must die with it
      let group = 0;
      const r = await runCommand("sleep 30.7 & setsid sleep 30.7 & sleep 30", {
        cwd: dir,
        sandbox: how === "unconfined" ? new Unconfined() : sandboxFor(dir),
        network: "loopback",
        timeoutMs: 300,
        onStart: (pgid) => {
          group = pgid;
        },
      });
      expect(r.timedOut).toBe(true);
      expect(r.exitCode).toBe(124);
      expect(group).toBeGreaterThan(0);
      expect(groupAlive(group)).toBe(false); // no process of the group is left, the background sleep included
      // in the sandbox, nor one that left the group (setsid): the pid namespace went with the shell
      const escaped = running("sleep 30.7");
      for (const line of escaped) process.kill(Number(line.split(" ")[0]), "SIGKILL"); // unconfined, it got away
      expect(how === "sandboxed" ? escaped : []).toEqual([]);
    },
  );

  it("keep the end of a long output, and say it was cut", async () => {
    const r = await runCommand("seq 1 100000", {
      cwd: tmpdir(),
      sandbox: new Unconfined(),
      network: "loopback",
      timeoutMs: 60_000,
      cap: 1000,
    });
    expect(r.truncated).toBe(true);
    expect(r.output.length).toBeLessThanOrEqual(1000);
    expect(r.output.trimEnd().endsWith("100000")).toBe(true);
  });
});

describe("the secret filter", () => {
  it("one rule for secret names: what commands do not see is what every file loses", async () => {
    const { scrubbedEnv, secretValues } = await import("../src/agents/secrets.js");
    const { Redactor } = await import("../src/runner/redact.js");
    const env = {
      DB_PASSWORD: "password-canary-1",
      MY_SERVICE_TOKEN: "token-canary-22",
      AWS_SECRET_ACCESS_KEY: "aws-canary-333",
      GH_CREDENTIALS: "cred-canary-4444",
      OPENAI_ORG_ID: "org-canary-55555",
      MY_LLM: "named-by-api-key-env",
      PATH: "/usr/bin:/bin:/usr/sbin",
    };
    const hidden = Object.keys(env).filter((k) => !(k in scrubbedEnv(env)));
    expect(hidden).toEqual(["DB_PASSWORD", "MY_SERVICE_TOKEN", "AWS_SECRET_ACCESS_KEY", "GH_CREDENTIALS", "OPENAI_ORG_ID"]);
    expect(secretValues(env)).toEqual(hidden.map((k) => env[k as keyof typeof env]));
    // a model's api_key_env names a key whatever the variable is called
    expect(secretValues(env, ["MY_LLM"])).toContain("named-by-api-key-env");
    // a database URL's password is a secret of its own: it shows without the rest of the URL
    const fleet = { MISSIONC_FLEET_DB: "postgres://missionc:S3cret%2Fpw_long@db.internal:5432/missions", SHORT: "x" };
    expect(secretValues(fleet, ["MISSIONC_FLEET_DB"])).toEqual([fleet.MISSIONC_FLEET_DB, "S3cret%2Fpw_long", "S3cret/pw_long"]);
    expect(new Redactor(secretValues(fleet, ["MISSIONC_FLEET_DB"])).redactValues("ps: S3cret/pw_long@db.internal:5432/missions")).toBe(
      "ps: [redacted]@db.internal:5432/missions",
    );
  });

  it("the journal loses only known secret values; what models see also loses anything shaped like a key", async () => {
    const { Redactor } = await import("../src/runner/redact.js");
    const r = new Redactor(["the-real-key-0123456789"]);
    const text = "key the-real-key-0123456789 and a fixture sk-abcdefghijklmnopqrstuvwxyz0123";
    expect(r.redactValues(text)).toBe("key [redacted] and a fixture sk-abcdefghijklmnopqrstuvwxyz0123");
    expect(r.redact(text)).toBe("key [redacted] and a fixture [redacted]");
    expect(r.redactValues(Buffer.from("the-real-key-0123456789").toString("base64"))).toBe("[redacted]");
  });
});

describe("processes", () => {
  it("a recorded process group is killed only if its leader is still the process recorded", async () => {
    const { spawn } = await import("node:child_process");
    const { killLeftover, startTime } = await import("../src/sandbox/processes.js");
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    const start = startTime(child.pid!);
    expect(killLeftover(child.pid!, "not-its-start-time")).toBe(false);
    expect(killLeftover(child.pid!, start)).toBe(true);
    await new Promise((r) => child.on("exit", r));
  });
});
