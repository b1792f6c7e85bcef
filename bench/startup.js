// bench/startup: `node bin/missionc.js --version` and `node bin/missionc.js check` of a small file
// (examples/hello) beside a bare `node -e 0`, interleaved run by run, so the figure that belongs to
// missionc (its imports, and for check the whole compiler on a small file) is visible apart from
// Node's own start-up. The same check is also timed without the code cache (MISSIONC_CACHE_DIR
// empty) and from tsc's modules with chevrotain loaded by path (bench/unbundled.js), so the two ways
// of reaching chevrotain's single-file build are measured side by side. `node bench/startup.js` runs it alone.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cells, interleaved, ms, printTable, ratio, runNode, verdict } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/missionc.js");
const RUNS = 15;

export function benchStartup() {
  const hello = ["check", "examples/hello/hello.mission"];
  const noCache = { ...process.env, MISSIONC_CACHE_DIR: "" };
  /** @type {[string, string[], NodeJS.ProcessEnv][]} */
  const rows = [
    ["node -e 0", ["-e", "0"], process.env],
    ["node bin/missionc.js --version", [BIN, "--version"], process.env],
    ["node bin/missionc.js check examples/hello/hello.mission", [BIN, ...hello], process.env],
    ["  the same, bundle without its code cache", [BIN, ...hello], noCache],
    ["  the same, tsc's modules, chevrotain by path", [join(ROOT, "bench/unbundled.js"), ...hello], process.env],
  ];
  const [bare, version, check, uncached, unbundled] = interleaved(
    rows.map(([name, args, env]) => ({ name, warmups: 1, runs: RUNS, run: () => runNode(args, { cwd: ROOT, env, timeoutMs: 30_000 }) })),
  );
  if (!bare || !version || !check || !uncached || !unbundled) throw new Error("missing timings");
  console.log(`bench/startup — process start to exit, interleaved, ms (${RUNS} runs each after a warm-up)`);
  const overBare = check.median - bare.median;
  printTable(
    ["command", "min", "median", ""],
    [
      [bare.name, cells(bare).min, cells(bare).median, ""],
      [
        version.name,
        cells(version).min,
        cells(version).median,
        `${ratio(version.median, bare.median)} bare node (target: under 200 ms) ${verdict(version.median < 200)}`,
      ],
      [
        check.name,
        cells(check).min,
        cells(check).median,
        `${ms(overBare)} ms over node -e 0 (min: ${ms(check.min - bare.min)} ms; goal: within 60 ms) ${verdict(overBare <= 60)}`,
      ],
      ...[uncached, unbundled].map((t) => [t.name, cells(t).min, cells(t).median, `${ms(t.median - bare.median)} ms over node -e 0`]),
    ],
  );
  for (const t of [bare, version, check, uncached, unbundled])
    if (t.failure) console.log(`  ${t.name}: ${t.failure.status} — ${t.failure.message}`);
  return { bare, version, check };
}

if (import.meta.url === `file://${process.argv[1]}`) benchStartup();
