// Shared by the benchmarks: an interleaved runner (the contenders take turns run by run, so that a
// change of load on the machine falls on all of them alike) that reports the minimum and the median
// of each, and a whole-process run of `node` that says how it ended: ok, refused, failed or timed out.
import { spawnSync } from "node:child_process";

/**
 * How one run ended. A contender whose run does not end `ok` is not run again. `stderr` is what a
 * whole-process run wrote there.
 * @typedef {{ ok: true, stderr?: string } | { ok: false, status: "refused" | "failed" | "timed out", message: string }} Outcome
 */

/**
 * @typedef {object} Contender
 * @property {string} name
 * @property {number} runs timed runs
 * @property {number} [warmups] untimed runs first (0 by default)
 * @property {() => Outcome | void} run one run; a throw counts as `failed`
 */

/**
 * @typedef {object} Timing
 * @property {string} name
 * @property {number[]} times the timed runs, in ms, in the order run
 * @property {number} min NaN when there are no timed runs or a run did not end ok
 * @property {number} median NaN likewise
 * @property {Exclude<Outcome, { ok: true }> & { afterMs: number }} [failure] why it stopped, and how long that run took
 */

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (!s.length) return Number.NaN;
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Runs the contenders in rounds, each round every contender that still has a run due, in the order
 * given. A contender with fewer runs than the longest is spread evenly over the rounds (its
 * warm-ups first), so that every contender's runs span the whole measurement. Each run starts from
 * a collected heap when node runs with --expose-gc.
 * @param {Contender[]} contenders
 * @returns {Timing[]} in the order of `contenders`
 */
export function interleaved(contenders) {
  const total = contenders.map((c) => (c.warmups ?? 0) + c.runs);
  const rounds = Math.max(0, ...total);
  /** @type {Timing[]} */
  const timings = contenders.map((c) => ({ name: c.name, times: [], min: Number.NaN, median: Number.NaN }));
  const done = contenders.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    contenders.forEach((c, k) => {
      const t = timings[k];
      const n = total[k] ?? 0;
      // this contender's share of the rounds so far, rounded down: a run is due when it grows
      if (!t || t.failure || Math.floor(((round + 1) * n) / rounds) <= (done[k] ?? 0)) return;
      globalThis.gc?.();
      const started = performance.now();
      /** @type {Outcome} */
      let outcome;
      try {
        outcome = c.run() ?? { ok: true };
      } catch (e) {
        outcome = { ok: false, status: "failed", message: e instanceof Error ? e.message : String(e) };
      }
      const ms = performance.now() - started;
      if (!outcome.ok) t.failure = { ...outcome, afterMs: ms };
      else if ((done[k] ?? 0) >= (c.warmups ?? 0)) t.times.push(ms);
      done[k] = (done[k] ?? 0) + 1;
    });
  }
  // a contender that stopped short has no figures: its table cells say why
  for (const t of timings) {
    if (!t.times.length || t.failure) continue;
    t.min = Math.min(...t.times);
    t.median = median(t.times);
  }
  return timings;
}

/** The line of a child's stderr that says what went wrong, shortened. @param {string} stderr */
function reason(stderr) {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? "";
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/**
 * One run of `node ARGS` to its exit; its stdout goes to /dev/null. Ok when it exits 0; `refused`
 * when it fails and its stderr matches `refused`; `timed out` after `timeoutMs`; `failed` otherwise.
 * @param {string[]} args
 * @param {{ cwd?: string, timeoutMs?: number, refused?: RegExp, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Outcome}
 */
export function runNode(args, options = {}) {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const r = spawnSync(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error && "code" in r.error && r.error.code === "ETIMEDOUT")
    return { ok: false, status: "timed out", message: `no exit after ${(timeoutMs / 1000).toFixed(0)} s` };
  if (r.error) return { ok: false, status: "failed", message: r.error.message };
  if (r.status === 0) return { ok: true, stderr: r.stderr };
  const why = reason(r.stderr);
  if (options.refused?.test(r.stderr)) return { ok: false, status: "refused", message: why };
  return { ok: false, status: "failed", message: `${r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`}: ${why}` };
}

/** A time for a table: `1,234` from 100 ms up, `12.3` below. @param {number} ms */
export function ms(ms) {
  if (Number.isNaN(ms)) return "—";
  return ms >= 100 ? Math.round(ms).toLocaleString("en") : ms.toFixed(1);
}

/** What a contender's cells say: min and median, or why it has none. @param {Timing} t */
export function cells(t) {
  if (t.failure) return { min: t.failure.status, median: "—" };
  return { min: ms(t.min), median: ms(t.median) };
}

/**
 * Prints rows as columns: the first and the last (a note or a goal) left-aligned, the others right-aligned.
 * @param {string[]} headers
 * @param {string[][]} rows
 * @param {string} [indent]
 */
export function printTable(headers, rows, indent = "  ") {
  const last = headers.length - 1;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  /** @param {string[]} r */
  const line = (r) =>
    indent +
    widths
      .map((w, i) => (i === 0 || i === last ? (r[i] ?? "").padEnd(w) : (r[i] ?? "").padStart(w)))
      .join("   ")
      .trimEnd();
  console.log(line(headers));
  for (const r of rows) console.log(line(r));
}

/** `2.39x`, or `—` when either side has no time. @param {number} a @param {number} b */
export function ratio(a, b) {
  const r = a / b;
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : "—";
}

/** @param {boolean} met */
export const verdict = (met) => (met ? "MET" : "MISSED");
