// bench/hello: where the seconds of one offline run of examples/hello go, when the runner's own
// work is milliseconds a step. The run is made in this process with every child process, fsync and
// ajv compile timed as it happens (child_process, fs and ajv are wrapped before the runner loads);
// what is left is the runner itself. Then the CLI's start-up, side by side with the imports it used
// to make (chevrotain's package entry with its ~640 lodash-es files, both AI SDKs at start).
import childProcess, { execFileSync, spawnSync } from "node:child_process";
import fs, { cpSync, mkdtempSync, rmSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** @typedef {{ kind: string, label: string, ms: number }} Cost */

/** @type {Cost[]} */
const costs = [];

/** What a child process is, for the breakdown. @param {string} file @param {readonly string[]} args */
function kindOf(file, args) {
  if (file === "git" || file.endsWith("/git"))
    return { kind: "git", label: `git ${args.find((a) => !a.startsWith("-") && !a.includes("=")) ?? ""}` };
  // a command: its shell, or the sandbox around it (bwrap … -- /bin/sh -c COMMAND)
  if (file === "/bin/sh" || file.endsWith("/bwrap")) return { kind: "command", label: args[args.length - 1] ?? "" };
  return { kind: "other process", label: file };
}

/** Times every child process, fsync and ajv compile from here on (the runner imports them after this). */
function instrument() {
  const spawn = childProcess.spawn;
  /** @param {Parameters<typeof spawn>} args */
  const timedSpawn = (...args) => {
    const started = performance.now();
    const child = spawn(...args);
    const { kind, label } = kindOf(args[0], Array.isArray(args[1]) ? args[1] : []);
    let printed = false;
    for (const stream of [child.stdout, child.stderr]) stream?.once("data", () => (printed = true));
    child.once("exit", () => {
      costs.push({ kind, label, ms: performance.now() - started });
      // simple-git waits 50 ms after a git process that printed nothing (src/runner/git.ts, SILENT)
      // (the runner's listings run through execFile, which passes maxBuffer and does not wait)
      const viaExecFile = typeof args[2] === "object" && args[2] !== null && "maxBuffer" in args[2];
      if (kind === "git" && !printed && !viaExecFile) costs.push({ kind: "simple-git wait", label, ms: 50 });
    });
    return child;
  };
  // the overloads of `spawn` all take these arguments and return a ChildProcess: one signature serves them
  childProcess.spawn = /** @type {typeof spawn} */ (timedSpawn);
  for (const name of /** @type {const} */ (["fdatasyncSync", "fsyncSync"])) {
    const original = fs[name];
    fs[name] = (fd) => {
      const started = performance.now();
      original(fd);
      costs.push({ kind: "fsync", label: name, ms: performance.now() - started });
    };
  }
  syncBuiltinESMExports();
  const compile = Reflect.get(Ajv.prototype, "compile"); // the method itself, called below with its own `this`
  Object.defineProperty(Ajv.prototype, "compile", {
    configurable: true,
    writable: true,
    value: function (/** @type {unknown[]} */ ...args) {
      const started = performance.now();
      /** @type {unknown} */
      const validate = Reflect.apply(compile, this, args);
      costs.push({ kind: "ajv compile", label: "", ms: performance.now() - started });
      return validate;
    },
  });
}

/** examples/hello in a new git repository, as `missionc demo` makes it. */
function helloRepo() {
  const dir = mkdtempSync(join(tmpdir(), "missionc-bench-hello-"));
  cpSync(join(ROOT, "examples/hello"), dir, { recursive: true });
  /** @param {string[]} a */
  const git = (...a) => execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...a], { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-qm", "hello");
  return dir;
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Median wall time of a command, in ms. @param {string[]} args @param {number} runs */
function timedNode(args, runs = 9) {
  /** @type {number[]} */
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8", cwd: ROOT });
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${r.stderr}`);
    t.push(performance.now() - s);
  }
  return median(t);
}

export async function benchHello() {
  instrument();
  const { runMission } = await import("../dist/runner/run.js");
  const { loadJournal } = await import("../dist/runner/journal.js");
  /** @type {{ total: number, events: number, costs: Cost[] }[]} */
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const dir = helloRepo();
    costs.length = 0;
    const started = performance.now();
    const outcome = await runMission({ missionFile: join(dir, "hello.mission"), offline: true, progress: () => {} });
    const total = performance.now() - started;
    if (outcome.status !== "done") throw new Error(`the hello run did not complete: ${outcome.status}`);
    runs.push({ total, events: loadJournal(join(dir, ".missions/hello/journal.jsonl")).events.length, costs: [...costs] });
    rmSync(dir, { recursive: true, force: true });
  }
  const run = runs.sort((a, b) => a.total - b.total)[1] ?? runs[0];
  if (!run) throw new Error("no run");
  /** @param {string} kind */
  const sum = (kind) => run.costs.filter((c) => c.kind === kind).reduce((n, c) => n + c.ms, 0);
  /** @param {string} kind */
  const count = (kind) => run.costs.filter((c) => c.kind === kind).length;
  const kinds = ["command", "git", "simple-git wait", "other process", "fsync", "ajv compile"];
  const runner = run.total - kinds.reduce((n, k) => n + sum(k), 0);
  /** @type {Map<string, number>} */
  const commands = new Map();
  for (const c of run.costs.filter((x) => x.kind === "command")) commands.set(c.label, (commands.get(c.label) ?? 0) + 1);

  console.log("bench/hello — one offline run of examples/hello, in-process (the median of 3 runs)");
  console.log(`whole run                        ${run.total.toFixed(0).padStart(6)} ms   ${run.events} journal events`);
  const row = (/** @type {string} */ name, /** @type {number} */ ms, /** @type {string} */ note) =>
    console.log(`  ${name.padEnd(31)}${ms.toFixed(0).padStart(6)} ms  ${((ms / run.total) * 100).toFixed(0).padStart(3)}%  ${note}`);
  row(
    "the mission's own commands",
    sum("command"),
    `${count("command")} (${[...commands].map(([c, n]) => `${n}× ${c.length > 28 ? `${c.slice(0, 28)}…` : c}`).join(", ")})`,
  );
  row("git", sum("git"), `${count("git")} calls`);
  row(
    "simple-git's wait after silence",
    sum("simple-git wait"),
    `${count("simple-git wait")} git calls printed nothing (50 ms each: ${[...new Set(costs.filter((c) => c.kind === "simple-git wait").map((c) => c.label))].join(", ")})`,
  );
  if (count("other process")) row("other processes", sum("other process"), `${count("other process")}`);
  row("fsync", sum("fsync"), `${count("fsync")} calls`);
  row("ajv compiles", sum("ajv compile"), `${count("ajv compile")} schemas`);
  row("the runner itself", runner, `${(runner / run.events).toFixed(2)} ms a journal event`);

  const bare = timedNode(["-e", "0"]);
  const now = timedNode(["-e", `import(${JSON.stringify(join(ROOT, "dist/cli/run.js"))})`]);
  const before = timedNode([
    "-e",
    `Promise.all(["chevrotain", "@anthropic-ai/sdk", "openai", ${JSON.stringify(join(ROOT, "dist/cli/run.js"))}].map((m) => import(m)))`,
  ]);
  console.log("start-up of `missionc run` before its first step (median of 9 processes)");
  console.log(`  node -e 0                      ${bare.toFixed(0).padStart(6)} ms`);
  console.log(`  imports now                    ${now.toFixed(0).padStart(6)} ms  (${(now - bare).toFixed(0)} ms above bare node)`);
  console.log(
    `  imports as they were           ${before.toFixed(0).padStart(6)} ms  (chevrotain's package entry, both SDKs at start: ${(before / now).toFixed(2)}x now)`,
  );
  return { total: run.total, commands: sum("command"), git: sum("git"), runner, startNow: now, startBefore: before };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHello();
