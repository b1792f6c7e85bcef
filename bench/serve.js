// bench/serve: `missionc serve` over a mission with a 100,000-event journal (issue 18): the time
// until the page's first figures arrive (the first server-sent `report` event after connecting, what
// the page paints from), the server's memory while it serves them, and beside them, in the same run,
// `missionc report --format json` of the same mission in a new process.
import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../dist/plan/canonical.js";
import { serve } from "../dist/serve/server.js";
import { bigJournal } from "./run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** @param {string} url */
function firstReport(url) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (/** @type {string} */ d) => {
        buffer += d;
        if (buffer.includes("\n\n")) {
          const ms = performance.now() - started;
          req.destroy();
          resolve({ ms, bytes: buffer.length });
        }
      });
    });
    req.on("error", (e) => (/** @type {NodeJS.ErrnoException} */ (e).code === "ECONNRESET" ? undefined : reject(e)));
    req.end();
  });
}

/** @param {string} url */
function json(url) {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (/** @type {string} */ d) => (text += d));
      res.on("end", () => resolve(JSON.parse(text)));
    })
      .on("error", reject)
      .end();
  });
}

export async function benchServe() {
  console.log("bench/serve — Mission Control over a 100,000-event journal, against `missionc report --format json`");
  const { dir, path, plan } = bigJournal();
  const repo = join(dir, "repo");
  const state = join(repo, ".missions", "bench");
  mkdirSync(state, { recursive: true });
  renameSync(path, join(state, "journal.jsonl"));
  writeFileSync(join(state, "plan.json"), canonicalJson(plan));
  global.gc?.();
  const before = process.memoryUsage().rss;
  const serving = await serve({ repos: [repo], host: "127.0.0.1", port: 0 });
  try {
    const base = serving.url.replace(/\/\?token=.*$/, "");
    const list = /** @type {{ id: string }[]} */ (await json(`${base}/api/missions?token=${serving.token}`));
    /** @type {number[]} */
    const times = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const r = /** @type {{ ms: number, bytes: number }} */ (
        await firstReport(`${base}/api/missions/${list[0].id}/events?token=${serving.token}`)
      );
      times.push(r.ms);
      bytes = r.bytes;
    }
    const peak = process.memoryUsage().rss;
    /** @type {number[]} */
    const cli = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      spawnSync(process.execPath, [join(ROOT, "bin/missionc.js"), "report", state, "--format", "json"], { stdio: "ignore" });
      cli.push(performance.now() - started);
    }
    const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[1];
    console.log(
      `  first figures on the page: median ${median(times).toFixed(0)} ms of 3 (${(bytes / 1024).toFixed(1)} KB event); \`missionc report --format json\` in a new process ${median(cli).toFixed(0)} ms (${(median(cli) / median(times)).toFixed(1)}x); ` +
        `the server's memory grew ${((peak - before) / 1024 / 1024).toFixed(0)} MB (RSS ${(peak / 1024 / 1024).toFixed(0)} MB); a journal event reaches the page within the 300 ms poll (test/serve.test.ts holds it under 1 s)`,
    );
  } finally {
    await serving.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchServe();
