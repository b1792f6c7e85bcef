// bench/sandbox: what the sandbox costs each command. `true` started the way the runner starts a
// command (its own process group, output piped), unconfined and in bubblewrap with each network,
// interleaved run by run; the difference is what every run_command, procedure and check pays.
// `node bench/sandbox.js` runs it alone.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bubblewrap, findBubblewrap, SandboxUnavailable, Unconfined } from "../dist/sandbox/sandbox.js";
import { cells, interleaved, ms, printTable } from "./timing.js";

const RUNS = 200;

/**
 * One start of `true` through a launch, as a whole process.
 * @param {import("../dist/sandbox/sandbox.js").Launch} launch @param {string} cwd @param {string} seccompFile
 * @returns {import("./timing.js").Outcome}
 */
function once(launch, cwd, seccompFile) {
  const fd = launch.seccomp ? openSync(seccompFile, "r") : undefined;
  try {
    const r = spawnSync(launch.file, launch.args, {
      cwd,
      env: launch.env,
      stdio: ["ignore", "pipe", "pipe", ...(fd === undefined ? [] : [fd])],
    });
    if (r.status === 0) return { ok: true };
    return { ok: false, status: "failed", message: `exit ${r.status}: ${String(r.stderr).trim().slice(0, 200)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function benchSandbox() {
  let bwrap;
  try {
    bwrap = findBubblewrap();
  } catch (e) {
    if (!(e instanceof SandboxUnavailable)) throw e;
    console.log(`bench/sandbox — skipped: ${e.message}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "missionc-bench-sandbox-"));
  const worktree = join(dir, "worktree");
  mkdirSync(worktree);
  const sandbox = new Bubblewrap(bwrap, { worktree, cache: join(dir, "cache") });
  const unconfined = new Unconfined();
  const seccompFile = join(dir, "seccomp.bpf");
  const none = sandbox.launch("true", { network: "none" });
  if (none.seccomp) writeFileSync(seccompFile, none.seccomp);
  /** @type {[string, import("../dist/sandbox/sandbox.js").Launch][]} */
  const rows = [
    ["unconfined (--no-sandbox)", unconfined.launch("true", { network: "full" })],
    ["bubblewrap, network full", sandbox.launch("true", { network: "full" })],
    ["bubblewrap, network loopback", sandbox.launch("true", { network: "loopback" })],
    ["bubblewrap, network none (seccomp)", none],
  ];
  const timings = interleaved(
    rows.map(([name, launch]) => ({ name, warmups: 3, runs: RUNS, run: () => once(launch, worktree, seccompFile) })),
  );
  rmSync(dir, { recursive: true, force: true });
  const base = timings[0];
  console.log(`bench/sandbox — \`true\` as a confined command, start to exit, interleaved, ms (${RUNS} runs each after 3 warm-ups)`);
  printTable(
    ["command", "min", "median", "cost over unconfined (median)"],
    timings.map((t) => {
      const c = cells(t);
      return [t.name, c.min, c.median, t === base || !base ? "" : `+${ms(t.median - base.median)} ms`];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) benchSandbox();
