// bench/startup: `node bin/missionc.js --version` beside a bare `node -e ""`, so the figure that
// belongs to missionc (its imports) is visible apart from Node's own start-up.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/missionc.js", import.meta.url));

/** @param {string[]} args */
function median(args, runs = 15) {
  /** @type {number[]} */
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

export function benchStartup() {
  const bare = median(["-e", ""]);
  const version = median([bin, "--version"]);
  console.log("bench/startup — process start to exit (median of 15, ms)");
  console.log(`node -e ""                 ${bare.toFixed(1)}`);
  console.log(
    `node bin/missionc.js --version  ${version.toFixed(1)}  (${(version / bare).toFixed(2)}x bare node; target under 200 ms) ${version < 200 ? "MET" : "MISSED"}`,
  );
  return { bare, version };
}

if (import.meta.url === `file://${process.argv[1]}`) benchStartup();
