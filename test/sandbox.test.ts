import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCommand } from "../src/agents/command.js";
import type { Network } from "../src/sandbox/policy.js";
import type { Sandbox } from "../src/sandbox/sandbox.js";
import { canaries, canaryForms, canarySightings, outsideWorktree, running } from "./helpers/containment.js";
import {
  exampleRepo,
  freePort,
  git,
  helloScript,
  journalEvents,
  missionCommits,
  runCli,
  runCliExactly,
  sandboxFallback,
  startCli,
  journalHas,
  toolResult,
} from "./helpers/missions.js";
import { bwrapPath, describeSandboxed, sandboxFor } from "./helpers/sandbox.js";

/**
 * The sandbox, proven from inside (test 1) and attacked as an agent would (the rest): each attack is
 * a scripted worker's tool call in a real run of examples/hello, with canary keys in the runner's
 * environment, and each ends with the same checks: the mission completes (or resumes to the end),
 * nothing outside the worktree changed, no canary in any file, git object or output, no process left.
 */

describeSandboxed("the sandbox is real", () => {
  let repo: string;
  let worktree: string;
  let sandbox: Sandbox;
  let hostServer: ReturnType<typeof createServer>;
  let hostPort: number;
  const inside = (command: string, network: Network = "loopback") =>
    runCommand(command, { cwd: worktree, sandbox, network, timeoutMs: 30_000 });

  beforeAll(async () => {
    repo = exampleRepo("hello");
    writeFileSync(join(repo, "users-own-file.txt"), "the user's\n");
    const state = join(repo, ".missions", "hello");
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, "journal.jsonl"), "{}\n");
    worktree = join(state, "worktree");
    git(repo, "worktree", "add", "-q", "-b", "mission/hello", worktree);
    // what a CI checkout leaves in the config: a token in a header, a password in a remote's URL
    git(repo, "config", "http.https://github.com/.extraheader", "AUTHORIZATION: basic CONFIGTOKEN123456");
    git(repo, "remote", "add", "origin", "https://someone:CONFIGPASSWORD987@example.com/r.git");
    sandbox = sandboxFor(worktree, join(repo, ".git"));
    hostPort = await freePort();
    hostServer = createServer((_, res) => res.end("host"));
    await new Promise<void>((r) => hostServer.listen(hostPort, "127.0.0.1", () => r()));
  });
  afterAll(() => {
    hostServer.close();
  });

  it("holds no capability, cannot remount, has an empty home, its own /proc, and sees neither the state folder nor the user's tree", async () => {
    const caps = await inside("grep CapEff /proc/self/status");
    expect(caps.output).toMatch(/CapEff:\s*0+\s*$/);
    const remount = await inside("mount -o remount,rw / 2>&1; echo status=$?");
    expect(remount.output).toMatch(/status=[1-9]/);
    expect((await inside("ls ~; echo end")).output.trim()).toBe("end");
    const init = await inside("tr '\\0' ' ' < /proc/1/cmdline");
    expect(init.output).not.toBe(readFileSync("/proc/1/cmdline", "utf8").split("\0").join(" "));
    expect(Number((await inside("ls /proc | grep -c '^[0-9]'")).output.trim())).toBeLessThan(10);
    const seen = await inside(
      `ls -a ${repo}; ls -a ${join(repo, ".missions", "hello")}; test -e ${join(repo, "users-own-file.txt")}; echo user=$?`,
    );
    expect(seen.output).not.toContain("users-own-file.txt");
    expect(seen.output).not.toContain("journal.jsonl");
    expect(seen.output).toContain("user=1");
    expect((await inside("id -u")).output.trim()).not.toBe("0");
    // its memory-backed folders are bounded: /tmp at 2 GiB, the home at 256 MiB
    expect((await inside("df -k /tmp ~ 2>/dev/null | tail -2 | tr -s ' ' | cut -d' ' -f2")).output.trim().split("\n")).toEqual([
      "2097152",
      "262144",
    ]);
  });

  it("shows the repository's git config without the credentials in it; git still works", async () => {
    const r = await inside('cat "$(git rev-parse --git-common-dir)/config"; git log --oneline | head -1; git remote -v');
    expect(r.output).not.toContain("CONFIGTOKEN");
    expect(r.output).not.toContain("CONFIGPASSWORD");
    expect(r.output).toContain("start");
    expect(r.output).toContain("https://example.com/r.git");
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).toContain("CONFIGTOKEN"); // the real one is the user's, untouched
  });

  it("writes the worktree and nothing else; reads git history, cannot write it", async () => {
    const r = await inside(
      [
        "echo ok > in-worktree.txt && echo wrote-worktree",
        `echo x > ${join(repo, "planted.txt")} || echo refused-repo`,
        `echo x >> ${join(repo, ".git", "config")} || echo refused-config`,
        "echo x > /etc/planted || echo refused-etc",
        "echo x > /usr/planted || echo refused-usr",
        "echo x > /tmp/private && echo wrote-tmp",
        "git log --oneline | head -1 | grep -q start && echo git-reads",
        "git stash 2>/dev/null || echo git-writes-refused",
      ].join("; "),
    );
    for (const word of [
      "wrote-worktree",
      "refused-repo",
      "refused-config",
      "refused-etc",
      "refused-usr",
      "wrote-tmp",
      "git-reads",
      "git-writes-refused",
    ])
      expect(r.output).toContain(word);
    expect(existsSync(join(worktree, "in-worktree.txt"))).toBe(true);
    expect(existsSync(join(repo, "planted.txt"))).toBe(false);
    expect(existsSync("/tmp/private")).toBe(false);
    expect(readFileSync(join(repo, ".git", "config"), "utf8")).not.toContain("\nx\n");
  });

  it("networks: a server of the same command answers under loopback, not under none; the host's loopback answers under neither", async () => {
    const own = `node -e "require('http').createServer((q,s)=>s.end('inside')).listen(7311,'127.0.0.1',()=>fetch('http://127.0.0.1:7311/').then(r=>r.text()).then(t=>{console.log('got',t);process.exit(0)},e=>{console.log('failed',e.cause?.code??e.message);process.exit(0)}))" 2>&1 | grep -o 'got inside\\|EACCES' | head -1`;
    expect((await inside(own, "loopback")).output).toContain("got inside");
    expect((await inside(own, "none")).output).toMatch(/EACCES|failed/);
    const host = `node -e "fetch('http://127.0.0.1:${hostPort}/').then(r=>r.text()).then(t=>console.log('got',t),e=>console.log('failed',e.cause?.code??e.message))"`;
    expect((await inside(host, "loopback")).output).toContain("failed");
    expect((await inside(host, "none")).output).toContain("failed");
  });
});

// --- attacks, through the runner -----------------------------------------------------------------

interface Attack {
  /** the worker's extra turns before it does its job */
  turns: { text: string; tools: { name: string; input: Record<string, unknown> }[] }[];
  flags?: string[];
}

interface Attacked {
  repo: string;
  outside: string;
  runs: { code: number | null; stdout: string; stderr: string }[];
  before: Map<string, string>;
  outsideBefore: Map<string, string>;
  keys: Record<string, string>;
}

/** A hello run whose worker first performs the attack, run (and resumed) until it ends. */
async function attack(a: Attack): Promise<Attacked> {
  const script = helloScript();
  script.runs["implement:greeter#1"] = [...a.turns, ...script.runs["implement:greeter#1"]];
  const repo = exampleRepo("hello", (dir) => writeFileSync(join(dir, "hello.script.yaml"), stringify(script)));
  const outside = mkdtempSync(join(tmpdir(), "missionc-outside-"));
  writeFileSync(join(outside, "neighbour.txt"), "another project's file\n");
  const before = outsideWorktree(repo);
  const outsideBefore = outsideWorktree(outside);
  const keys = canaries();
  const runs: Attacked["runs"] = [];
  for (let i = 0; i < 4; i++) {
    const r = await runCli(["run", "hello.mission", "--offline", ...(a.flags ?? [])], repo, keys);
    runs.push(r);
    if (r.code === 0) break;
  }
  return { repo, outside, runs, before, outsideBefore, keys };
}

/** The checks every attack ends with. */
function contained(r: Attacked, markers: string[] = []): void {
  expect(r.runs.at(-1)!.code, r.runs.map((x) => x.stdout + x.stderr).join("\n---\n")).toBe(0);
  expect(missionCommits(r.repo).length).toBeGreaterThan(0);
  expect(outsideWorktree(r.repo)).toEqual(r.before);
  expect(outsideWorktree(r.outside)).toEqual(r.outsideBefore);
  const texts: Record<string, string> = {};
  r.runs.forEach((x, i) => {
    texts[`run ${i + 1} stdout`] = x.stdout;
    texts[`run ${i + 1} stderr`] = x.stderr;
  });
  expect(canarySightings(canaryForms(Object.values(r.keys)), [r.repo, r.outside], r.repo, texts)).toEqual([]);
  for (const m of markers) expect(running(m), `a process with ${m} is left`).toEqual([]);
  // no sandbox left either: every bwrap of the run names the worktree on its command line
  expect(running(join(r.repo, ".missions")), "a process of the run is left").toEqual([]);
}

const cmd = (command: string) => ({ text: `run ${command}`, tools: [{ name: "run_command", input: { command } }] });

/** The worker's tool results for the attack's turns, as the journal holds them. */
function results(repo: string): { content: string; is_error: boolean }[] {
  return journalEvents(repo, "hello")
    .filter((e) => e.type === "tool_result" && e.data["run"] === "implement:greeter#1")
    .map((e) => toolResult(repo, "hello", e));
}

describeSandboxed("attacks by a worker's commands, with canary keys in the runner's environment", () => {
  it("reading the runner's environment through /proc, reversed and encoded, and writing it into a file to be committed", async () => {
    const r = await attack({
      turns: [
        cmd("tr '\\0' '\\n' < /proc/$PPID/environ; cat /proc/*/environ | tr '\\0' '\\n' | rev; env | rev; env | base64"),
        cmd("(cat /proc/$PPID/environ; env; env | rev; env | base64) > leak.txt 2>&1; ls /proc"),
      ],
    });
    contained(r);
    expect(results(r.repo)[0].content).not.toContain("ANTHROPIC");
  });

  it("planting core.fsmonitor, core.hooksPath, a filter and a hook in the repository's git config", async () => {
    const marker = join(tmpdir(), `missionc-pwned-${process.pid}-config`);
    const r = await attack({
      turns: [
        cmd(
          [
            `git config core.fsmonitor 'touch ${marker}'`,
            `git config core.hooksPath .hooks`,
            `git config filter.x.clean 'touch ${marker}; cat'`,
            "printf '* filter=x\\n' > .gitattributes",
            `printf '#!/bin/sh\\ntouch ${marker}\\n' > "$(git rev-parse --git-common-dir)/hooks/post-commit"`,
            "echo done",
          ].join("; "),
        ),
      ],
    });
    contained(r);
    expect(existsSync(marker)).toBe(false);
    git(r.repo, "status"); // the user's next git status runs nothing planted
    expect(existsSync(marker)).toBe(false);
  });

  it("rewriting the worktree's .git file to a git directory of its own, with a filter the runner's `git add` would run", async () => {
    const marker = join(tmpdir(), `missionc-pwned-${process.pid}-gitfile`);
    const r = await attack({
      turns: [
        cmd(
          [
            "git init -q --bare evil",
            `git --git-dir=evil config filter.x.clean 'touch ${marker}; cat'`,
            "printf '* filter=x\\n' > .gitattributes",
            "printf 'gitdir: evil\\n' > .git",
            "echo planted",
          ].join(" && "),
        ),
      ],
    });
    contained(r);
    expect(existsSync(marker)).toBe(false);
  });

  it("a nested repository of the agent's, with a filter in its own config that the runner's `git add` would run", async () => {
    const marker = join(tmpdir(), `missionc-pwned-${process.pid}-nested`);
    const r = await attack({
      turns: [
        cmd(
          [
            "git init -q sub && cd sub",
            `git config filter.y.clean 'touch ${marker}; tr "\\0" "\\n" < /proc/$PPID/environ > ${marker}; cat'`,
            "printf '* filter=y\\n' > .gitattributes && echo hi > f && git add -A && git -c user.name=a -c user.email=a@b commit -qm x",
            "echo more >> f && echo planted",
          ].join(" && "),
        ),
      ],
    });
    contained(r);
    expect(existsSync(marker)).toBe(false);
    expect(r.runs.at(-1)!.stdout).toContain("not committed: sub");
  });

  it("a 400 MB sparse file in the worktree: committed, checked for keys in chunks, the mission completes", async () => {
    const r = await attack({ turns: [cmd("truncate -s 400M big.bin && echo made")] });
    contained(r);
    const tree = git(r.repo, "ls-tree", "-r", "-l", "mission/hello");
    expect(tree).toMatch(/419430400\tbig\.bin/);
  }, 120_000);

  it("processes that try to outlive their command: setsid, and a background job that holds the tool", async () => {
    const r = await attack({ turns: [cmd("setsid sleep 300.31 >/dev/null 2>&1 &"), cmd("sleep 300.32 & echo started")] });
    contained(r, ["sleep 300.31", "sleep 300.32"]);
    const held = results(r.repo)[1];
    expect(held.content).toContain("started");
    expect(held.content).not.toContain("timed out");
  });

  it("a hard link to the user's mission file, then write_file through it; a FIFO behind a symlink", async () => {
    const r = await attack({
      turns: [
        cmd("ln ../../../hello.mission hl; mkfifo fifo; ln -s fifo fl; ls"),
        { text: "write", tools: [{ name: "write_file", input: { path: "hl", content: "overwritten\n" } }] },
        { text: "write", tools: [{ name: "write_file", input: { path: "fl", content: "blocked?\n" } }] },
        { text: "read", tools: [{ name: "read_file", input: { path: ".git" } }] },
        cmd("rm -f fifo fl hl"),
      ],
    });
    contained(r);
    expect(readFileSync(join(r.repo, "hello.mission"), "utf8")).not.toContain("overwritten");
    const [, , fifo, dotGit] = results(r.repo);
    expect(fifo.is_error).toBe(true);
    expect(dotGit.is_error).toBe(true);
  });

  it("kill -9 $PPID: the runner is out of reach", async () => {
    const r = await attack({ turns: [cmd("kill -9 $PPID; kill -9 -1; echo still-here")] });
    contained(r);
    expect(r.runs).toHaveLength(1);
  });

  it("cd .. && rm -rf worktree: its files go (the mount point stays), the runner puts its .git pointer back, the mission completes", async () => {
    const r = await attack({ turns: [cmd("cd .. && rm -rf worktree; echo gone")] });
    contained(r);
    expect(existsSync(join(r.repo, ".missions/hello/worktree/hello.js"))).toBe(true);
  });
});

describe("without the sandbox (--no-sandbox)", () => {
  it("says what it gives up", async () => {
    const repo = exampleRepo("hello");
    const r = await runCli(["run", "hello.mission", "--offline", "--no-sandbox"], repo);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain("running without a sandbox (--no-sandbox)");
  });

  it("kill -9 $PPID kills the runner once: resumed, the call is not run again but answered 'the runner stopped'", async () => {
    const r = await attack({ turns: [cmd("kill -9 $PPID; sleep 5")], flags: ["--no-sandbox"] });
    expect(r.runs[0].code).toBe(null); // killed
    contained(r);
    expect(r.runs).toHaveLength(2);
    expect(results(r.repo)[0].content).toContain("the runner stopped while this call ran");
  });

  it("cd .. && rm -rf worktree removes it whole: the next tool call makes it again from the mission branch", async () => {
    const r = await attack({ turns: [cmd("cd .. && rm -rf worktree; echo gone")], flags: ["--no-sandbox"] });
    contained(r);
    expect(r.runs).toHaveLength(1);
    expect(existsSync(join(r.repo, ".missions/hello/worktree/hello.js"))).toBe(true);
  });

  it("a validation procedure that kills the runner kills it once a round: resumed, it counts as failed, not run again", async () => {
    const repo = exampleRepo("hello", (dir) => {
      const file = join(dir, "hello.mission");
      writeFileSync(
        file,
        // advisory: a procedure that failed would fail the milestone (issue 14); here the subject is that it is not run again
        readFileSync(file, "utf8").replace(
          'procedure test = "node --test" { timeout 2m }',
          'procedure test = "node --test; kill -9 $PPID" { timeout 2m  advisory true }',
        ),
      );
    });
    const codes: (number | null)[] = [];
    for (let i = 0; i < 5 && codes.at(-1) !== 0; i++)
      codes.push((await runCli(["run", "hello.mission", "--offline", "--no-sandbox"], repo)).code);
    // the demo validates twice (round 1 fails, round 2 passes): each round's run of `test` kills the runner once
    expect(codes).toEqual([null, null, 0]);
    const answered = journalEvents(repo, "hello").filter((e) => e.type === "check_result" && e.data["name"] === "test");
    expect(answered.map((e) => (e.data["check"] as { exit_code: number }).exit_code)).toEqual([137, 137]);
  });

  it("a planted filter (config and .gitattributes) never runs in the runner's git, is put back, and the run goes on", async () => {
    const marker = join(tmpdir(), `missionc-pwned-${process.pid}-filter`);
    const r = await attack({
      turns: [
        cmd(
          [
            `git config filter.x.clean 'sh -c "cat /proc/$PPID/environ > ${marker}.env; touch ${marker}; cat"'`,
            `git config filter.x.smudge 'touch ${marker}; cat'`,
            "git config filter.x.required true",
            "printf '* filter=x\\n' > .gitattributes",
            "echo planted",
          ].join("; "),
        ),
      ],
      flags: ["--no-sandbox"],
    });
    contained(r);
    expect(results(r.repo)[0].content).toContain("planted");
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${marker}.env`)).toBe(false);
    expect(git(r.repo, "config", "--local", "--list")).not.toMatch(/^filter\./m);
    git(r.repo, "status");
    expect(existsSync(marker)).toBe(false);
  });

  it("a planted filter is put back when the step is cut short by a pause, too", async () => {
    const marker = join(tmpdir(), `missionc-pwned-${process.pid}-paused`);
    const script = helloScript();
    const turns = script.runs["implement:greeter#1"];
    script.runs["implement:greeter#1"] = [
      cmd(`git config filter.x.clean 'touch ${marker}; cat'; printf '* filter=x\\n' > .gitattributes; echo planted`),
      { ...turns[0], wait_for: "release" }, // held until the pause is in the inbox
      ...turns.slice(1),
    ];
    const repo = exampleRepo("hello", (dir) => writeFileSync(join(dir, "hello.script.yaml"), stringify(script)));
    const run = startCli(["run", "hello.mission", "--offline", "--no-sandbox"], repo);
    await journalHas(repo, "hello", (e) => e.type === "tool_result");
    expect((await runCli(["pause"], repo)).code).toBe(0);
    writeFileSync(join(repo, "release"), "");
    expect((await run.exited).code, run.stdout()).toBe(3);
    expect(git(repo, "config", "--local", "--list")).not.toMatch(/^filter\./m);
    expect(journalEvents(repo, "hello").some((e) => e.type === "repository_restored")).toBe(true);
    git(join(repo, ".missions/hello/worktree"), "status");
    expect(existsSync(marker)).toBe(false);
  });

  it("a planted config is put back after the step, and journaled", async () => {
    const marker = join(tmpdir(), `missionc-pwned-${process.pid}-unconfined`);
    const r = await attack({
      turns: [cmd(`git config core.fsmonitor 'touch ${marker}'`)],
      flags: ["--no-sandbox"],
    });
    contained(r);
    expect(journalEvents(r.repo, "hello").some((e) => e.type === "repository_restored")).toBe(true);
    git(r.repo, "status");
    expect(existsSync(marker)).toBe(false);
  });
});

/** A folder to be all of PATH: node, git and sh, and no bwrap (the machine's may well have one). */
function pathWithoutBwrap(): string {
  const bin = mkdtempSync(join(tmpdir(), "missionc-nobwrap-"));
  for (const tool of ["git", "node", "sh"]) {
    const where = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    symlinkSync(where, join(bin, tool));
  }
  return bin;
}

describe("a repository whose config defines filters (what `git lfs install` writes)", () => {
  it("runs the mission with the filters off: nothing of theirs runs, the files are committed as written", async () => {
    const marker = join(tmpdir(), `missionc-lfs-${process.pid}`);
    const repo = exampleRepo("hello", (dir) => writeFileSync(join(dir, ".gitattributes"), "*.md filter=lfs diff=lfs merge=lfs -text\n"));
    // git-lfs's own lines, with commands that leave a mark (git-lfs itself is not installed here)
    git(repo, "config", "filter.lfs.clean", `touch ${marker}; git-lfs clean -- %f`);
    git(repo, "config", "filter.lfs.smudge", `touch ${marker}; git-lfs smudge -- %f`);
    git(repo, "config", "filter.lfs.process", `sh -c 'touch ${marker}; git-lfs filter-process'`);
    git(repo, "config", "filter.lfs.required", "true");
    const r = await runCli(sandboxFallback(["run", "hello.mission", "--offline"]), repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(git(repo, "show", "mission/hello:README.md")).toContain("node hello.js NAME");
    expect(git(repo, "config", "filter.lfs.required").trim()).toBe("true"); // the user's config is theirs
  });
});

describe("run refuses without a sandbox it can start", () => {
  it("exits 2 naming bubblewrap and --no-sandbox when bwrap is not on PATH", async () => {
    const repo = exampleRepo("hello");
    const bin = pathWithoutBwrap();
    const r = await runCliExactly(["run", "hello.mission", "--offline"], repo, { PATH: bin });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bwrap");
    expect(r.stderr).toContain("apt-get install bubblewrap");
    expect(r.stderr).toContain("--no-sandbox");
    expect(existsSync(join(repo, ".missions"))).toBe(false); // refused before anything was made
    rmSync(bin, { recursive: true, force: true });
  });
});

if (!bwrapPath) console.warn("sandbox attack tests skipped: bubblewrap cannot start here (CI installs it)");

describe("the runner's own defences, sandbox or not", () => {
  it("a commit whose files hold a loaded key, plain, reversed or base64, is refused; the branch does not move", async () => {
    const { MissionGit } = await import("../src/runner/git.js");
    const { Redactor } = await import("../src/runner/redact.js");
    const key = "sk-ant-api03-REFUSEDKEY0123456789";
    const redactor = new Redactor([key]);
    for (const [i, form] of [key, key.split("").reverse().join(""), Buffer.from(key).toString("base64")].entries()) {
      // the key far into a file: found across the chunks it is read in
      const repo = exampleRepo("hello");
      const g = new MissionGit(repo, join(repo, ".missions", "hello", "worktree"), "mission/hello");
      const head = await g.prepare();
      writeFileSync(join(g.worktree, `config-${i}.txt`), `${"x".repeat(70_000 + i * 4093)}token = ${form}\n`);
      const refusal = (text: string) => redactor.leaks(text);
      const refused = await g.commit("leak", "s", "2026-01-01T00:00:00Z", refusal);
      expect(refused && "refused" in refused ? refused.refused : "committed").toContain("hold the value of a key");
      expect(await g.head()).toBe(head);
      // checked before `git add`: the refused file never reached the object store
      const objects = execFileSync("git", ["cat-file", "--batch-all-objects", "--batch"], { cwd: repo, maxBuffer: 1 << 28 }).toString(
        "latin1",
      );
      expect(objects.includes(form)).toBe(false);
      writeFileSync(join(g.worktree, `config-${i}.txt`), "token = from the environment\n");
      expect(await g.commit("clean", "s", "2026-01-01T00:00:00Z", refusal)).toHaveProperty("commit");
    }
  });

  it("the guard puts back a changed config, a new hook and a removed attributes file", async () => {
    const { RepositoryGuard } = await import("../src/runner/repo-guard.js");
    const repo = exampleRepo("hello");
    const gitDir = join(repo, ".git");
    mkdirSync(join(gitDir, "info"), { recursive: true });
    writeFileSync(join(gitDir, "info", "attributes"), "* -text\n");
    const config = readFileSync(join(gitDir, "config"), "utf8");
    const guard = RepositoryGuard.take(gitDir);
    writeFileSync(join(gitDir, "config"), `${config}[core]\n\tfsmonitor = touch /tmp/x\n`);
    writeFileSync(join(gitDir, "hooks", "post-checkout"), "#!/bin/sh\ntouch /tmp/x\n", { mode: 0o755 });
    rmSync(join(gitDir, "info", "attributes"));
    expect(guard.restore()).toEqual(["config", "hooks/post-checkout", "info/attributes"]);
    expect(readFileSync(join(gitDir, "config"), "utf8")).toBe(config);
    expect(existsSync(join(gitDir, "hooks", "post-checkout"))).toBe(false);
    expect(readFileSync(join(gitDir, "info", "attributes"), "utf8")).toBe("* -text\n");
    expect(guard.restore()).toEqual([]);
  });

  it("http_request and the browser accept the app's origin only: not another port of this machine", async () => {
    const { appUrl, AddressRefused } = await import("../src/agents/loopback.js");
    const base = "http://127.0.0.1:4317/health";
    expect(appUrl("/notes", base).href).toBe("http://127.0.0.1:4317/notes");
    expect(appUrl("http://localhost:4317/x", base).href).toBe("http://127.0.0.1:4317/x");
    expect(() => appUrl("http://127.0.0.1:11434/api/generate", base)).toThrow(AddressRefused); // a local model server
    expect(() => appUrl("http://127.0.0.1:5432/", base)).toThrow(AddressRefused);
    expect(() => appUrl("https://127.0.0.1:4317/", base)).toThrow(AddressRefused);
    expect(() => appUrl("http://example.com:4317/", base)).toThrow(AddressRefused);
  });
});

describe("the demo without a sandbox", () => {
  it("runs its scripted agents unconfined where bwrap is missing, saying so, and completes", async () => {
    const bin = pathWithoutBwrap();
    const r = await runCliExactly(["demo"], tmpdir(), { PATH: bin });
    rmSync(bin, { recursive: true, force: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("demo: no sandbox here (`bwrap` is not on PATH)");
    expect(r.stdout).toContain("mission complete");
  });
});
