// bench/serve: `missionc serve` over a mission with a 100,000-event journal (issue 18): the time
// until the page's first figures arrive (the first server-sent `report` event after connecting, what
// the page paints from), the server's memory while it serves them, and beside them, in the same run,
// `missionc report --format json` of the same mission in a new process.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../dist/plan/canonical.js";
import { findChromium } from "../dist/agents/browser.js";
import { Journal, loadJournal } from "../dist/runner/journal.js";
import { Redactor } from "../dist/runner/redact.js";
import { serve } from "../dist/serve/server.js";
import { bigJournal } from "./run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** @param {string} url */
function firstFrame(url) {
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

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The mission's figures through a server started anew each time (nothing read yet: the whole journal
 * is read, checked and folded for the first look), three times.
 * @param {string} repo @param {(serving: { url: string, token: string }, id: string) => Promise<unknown>} look
 */
async function cold(repo, look) {
  /** @type {number[]} */
  const times = [];
  for (let i = 0; i < 3; i++) {
    const serving = await serve({ repos: [repo], host: "127.0.0.1", port: 0 });
    try {
      const id = createHash("sha256")
        .update(join(repo, ".missions", "bench"))
        .digest("hex")
        .slice(0, 12);
      const started = performance.now();
      await look(serving, id);
      times.push(performance.now() - started);
    } finally {
      await serving.close();
    }
  }
  return median(times);
}

export async function benchServe() {
  console.log("bench/serve — Mission Control over a 100,000-event journal, against `missionc report --format json`");
  const { dir, path, plan } = bigJournal();
  const repo = join(dir, "repo");
  const state = join(repo, ".missions", "bench");
  mkdirSync(state, { recursive: true });
  renameSync(path, join(state, "journal.jsonl"));
  writeFileSync(join(state, "plan.json"), canonicalJson(plan));
  try {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let bytes = 0;
    const server = await cold(repo, async (s, id) => {
      bytes = /** @type {{ bytes: number }} */ (
        await firstFrame(`${s.url.replace(/\/\?token=.*$/, "")}/api/missions/${id}/events?token=${s.token}`)
      ).bytes;
    });
    const grown = process.memoryUsage().rss - before;
    /** @type {number[]} */
    const cli = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      spawnSync(process.execPath, [join(ROOT, "bin/missionc.js"), "report", state, "--format", "json"], { stdio: "ignore" });
      cli.push(performance.now() - started);
    }
    console.log(
      `  a new server's first dashboard (server-sent event, ${(bytes / 1024).toFixed(1)} KB): median ${server.toFixed(0)} ms of 3; \`missionc report --format json\` in a new process ${median(cli).toFixed(0)} ms (${(median(cli) / server).toFixed(2)}x); ` +
        `the server's memory grew ${(grown / 1024 / 1024).toFixed(0)} MB (RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB)`,
    );
    await inBrowser(repo, state);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * In a real headless Chromium: the time from navigating to the dashboard of a server that has read
 * nothing yet to its figures on the screen; then, five times, from an event's append to the journal
 * (the runner's writer) to its count on the page, with the server's default 300 ms look.
 * @param {string} repo @param {string} state
 */
async function inBrowser(repo, state) {
  const executablePath = findChromium();
  if (!executablePath) {
    console.log("  in a browser: skipped — no Chromium installed (Debian: apt-get install chromium)");
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage();
    const painted = () =>
      page
        .locator("#live")
        .getByText(/journal events/)
        .waitFor({ timeout: 60_000 });
    const paint = await cold(repo, async (s, id) => {
      await page.goto(`${s.url}#${id}`, { waitUntil: "commit" });
      await painted();
    });
    const serving = await serve({ repos: [repo], host: "127.0.0.1", port: 0 });
    const journalPath = join(state, "journal.jsonl");
    const { events } = loadJournal(journalPath);
    const writer = new Journal(journalPath, events, new Redactor([]));
    /** @type {number[]} */
    const lags = [];
    try {
      const id = createHash("sha256").update(state).digest("hex").slice(0, 12);
      await page.goto(`${serving.url}#${id}`, { waitUntil: "commit" });
      await painted();
      for (let i = 1; i <= 5; i++) {
        const started = performance.now();
        writer.append("message_received", { id: `bench-${i}`, text: `event ${i}` });
        await page
          .locator("#live")
          .getByText(`${events.length + i} journal events`)
          .waitFor({ timeout: 10_000 });
        lags.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally {
      writer.close();
      await serving.close();
    }
    console.log(
      `  in Chromium: the dashboard painted ${paint.toFixed(0)} ms after navigating to a new server (median of 3); an event appended to the journal was on the page ${median(lags).toFixed(0)} ms later (median of 5, max ${Math.max(...lags).toFixed(0)} ms)`,
    );
  } finally {
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchServe();
