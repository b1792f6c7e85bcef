// bench/startup: `node bin/missionc.js --version` and `node bin/missionc.js check` of a small file
// (examples/hello) beside a bare `node -e 0`, interleaved run by run, so the figure that belongs to
// missionc (its imports, and for check the whole compiler on a small file) is visible apart from
// Node's own start-up. `node bench/startup.js` runs it alone.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cells, interleaved, ms, printTable, ratio, runNode, verdict } from "./timing.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/missionc.js");
const RUNS = 15;

export function benchStartup() {
  const rows = /** @type {const} */ ([
    ["node -e 0", ["-e", "0"]],
    ["node bin/missionc.js --version", [BIN, "--version"]],
    ["node bin/missionc.js check examples/hello/hello.mission", [BIN, "check", "examples/hello/hello.mission"]],
  ]);
  const [bare, version, check] = interleaved(
    rows.map(([name, args]) => ({ name, warmups: 1, runs: RUNS, run: () => runNode([...args], { cwd: ROOT, timeoutMs: 30_000 }) })),
  );
  if (!bare || !version || !check) throw new Error("missing timings");
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
    ],
  );
  for (const t of [bare, version, check]) if (t.failure) console.log(`  ${t.name}: ${t.failure.status} — ${t.failure.message}`);
  return { bare, version, check };
}

if (import.meta.url === `file://${process.argv[1]}`) benchStartup();
