import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cases.js";
import { parse as parseYaml } from "yaml";
import type { Script } from "../../src/agents/scripted.js";
import { bwrapPath } from "./sandbox.js";

/** A scratch git repository holding a copy of an example, committed once, as a user would have it. */
export function exampleRepo(example = "hello", edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), `missionc-${example}-`));
  cpSync(join(ROOT, "examples", example), dir, { recursive: true });
  edit?.(dir);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "commit", "-qm", "start");
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, encoding: "utf8" });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `run` gets `--no-sandbox` where no sandbox can start (bubblewrap missing: a user's clone, not CI),
 * so that the runner's tests run everywhere; the sandbox's own tests are skipped there, saying so.
 */
export function sandboxFallback(args: string[]): string[] {
  return args[0] === "run" && !bwrapPath && !args.includes("--no-sandbox") ? [...args, "--no-sandbox"] : args;
}

/** The real CLI in a child process, asynchronously (so several can run at once). */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}, killAfterMs?: number): Promise<Exit> {
  return runCliExactly(sandboxFallback(args), cwd, env, killAfterMs);
}

/** runCli without the fallback: the arguments as given. */
export function runCliExactly(args: string[], cwd: string, env: Record<string, string> = {}, killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = killAfterMs !== undefined ? setTimeout(() => child.kill("SIGKILL"), killAfterMs) : undefined;
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The mission branch's commits: subject, tree and step trailer, oldest first. */
export function missionCommits(repo: string, branch = "mission/hello"): { subject: string; tree: string; step: string }[] {
  const out = git(repo, "log", "--reverse", "--format=%s%x00%T%x00%(trailers:key=Missionc-Step,valueonly)%x01", `main..${branch}`);
  return out
    .split("\x01")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [subject, tree, step] = l.split("\x00");
      return { subject: subject, tree: tree, step: step.trim() };
    });
}

/** Runs `tasks` with at most `limit` at once. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/** A TCP port nobody listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Whether anything answers HTTP at the address now (a refused connection answers at once; the time-out is only a backstop for a busy machine). */
export async function answersHttp(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return true;
  } catch {
    return false;
  }
}

export { groupAlive } from "../../src/sandbox/processes.js";

/** Journal events are untyped until the honest-gates issue types them: their data is read as unknown. */
type EventData = Record<string, unknown>;

/** A journal line as the tests read it: the envelope typed, the data loose. */
export interface JournalLine {
  seq: number;
  type: string;
  at: string;
  data: EventData;
  prev: string;
  hash: string;
}

/** The journal's events, parsed. */
export function journalEvents(repo: string, mission: string): JournalLine[] {
  const text = readFileSync(join(repo, ".missions", mission, "journal.jsonl"), "utf8");
  // read while a runner writes, the last line may be half there: only whole lines count
  const whole = text.endsWith("\n") ? text : text.slice(0, text.lastIndexOf("\n") + 1);
  return whole
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalLine);
}

/** `missionc ARGS` in the background: its exit (code and signal) when it ends, and its output so far. */
export function startCli(
  args: string[],
  cwd: string,
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stdout: () => string } {
  const child = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), ...sandboxFallback(args)], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout };
}

type Event = ReturnType<typeof journalEvents>[number];

/** Waits until the mission's journal holds an event the predicate accepts (polled; the test's time-out bounds it). */
export async function journalHas(repo: string, mission: string, accept: (e: Event, all: Event[]) => boolean): Promise<void> {
  const path = join(repo, ".missions", mission, "journal.jsonl");
  for (;;) {
    if (existsSync(path)) {
      const all = journalEvents(repo, mission);
      if (all.some((e) => accept(e, all))) return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The hello example's script (specs/script.schema.json), to edit before a run. */
export function helloScript(): Script {
  return parseYaml(readFileSync(join(ROOT, "examples/hello/hello.script.yaml"), "utf8")) as Script;
}

/** What a journaled tool result holds: its blob (inline `=…` or a file under blobs/), parsed. */
export function toolResult(repo: string, mission: string, e: JournalLine): { content: string; is_error: boolean } {
  const ref = String(e.data["blob"]);
  const text = ref.startsWith("=") ? ref.slice(1) : readFileSync(join(repo, ".missions", mission, "blobs", ref), "utf8");
  return JSON.parse(text) as { content: string; is_error: boolean };
}
