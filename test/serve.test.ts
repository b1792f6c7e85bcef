import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../src/agents/browser.js";
import type { Dashboard } from "../src/control/dashboard.js";
import { serve, type Serving } from "../src/serve/server.js";
import { ROOT } from "./helpers/cases.js";
import { exampleRepo, git, journalEvents, journalHas, runCli, startCli } from "./helpers/missions.js";

/**
 * Issue 18 (its first part): `missionc serve`'s server. Every request needs the token; a foreign
 * Host or Origin is refused; the figures are `report --format json`'s; the page's events carry a
 * step the moment the journal has it; steering goes through the mission's inbox.
 */

interface Answer {
  status: number;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}, method = "GET", body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let repo: string;
let server: Serving;
let base: string;
const withToken = (path: string) => `${base}${path}${path.includes("?") ? "&" : "?"}token=${server.token}`;

beforeAll(async () => {
  repo = exampleRepo();
  const ran = await runCli(["run", "hello.mission", "--offline"], repo);
  if (ran.code !== 0) throw new Error(`the offline run failed: ${ran.stderr}`);
  server = await serve({ repos: [repo], host: "127.0.0.1", port: 0 });
  base = server.url.replace(/\/\?token=.*$/, "");
});
afterAll(async () => {
  await server.close();
});

describe("missionc serve: the server", () => {
  it("needs the token on every request, reads included; refuses a foreign Host or Origin", async () => {
    expect((await get(`${base}/`)).status).toBe(401);
    expect((await get(`${base}/api/missions`)).status).toBe(401);
    expect((await get(`${base}/api/missions?token=wrong`)).status).toBe(401);
    const page = await get(withToken("/"));
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<title>Mission Control/);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i); // no CDN: nothing fetched from elsewhere
    expect((await get(withToken("/api/missions"), { host: "evil.example:80" })).status).toBe(403);
    expect((await get(withToken("/api/missions"), { origin: "http://evil.example" })).status).toBe(403);
    expect((await get(`${base}/api/missions`, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await get(`${base}/api/missions`, { authorization: `Bearer ${server.token}` })).status).toBe(200);
  });

  it("bound to every address, answers a Host that is an address, localhost or this machine, never another name", async () => {
    const wide = await serve({ repos: [repo], host: "0.0.0.0", port: 0 });
    try {
      const port = new URL(wide.url).port;
      expect(wide.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const at = `http://127.0.0.1:${port}/api/missions?token=${wide.token}`;
      expect((await get(at)).status).toBe(200);
      expect((await get(at, { host: `localhost:${port}` })).status).toBe(200);
      expect((await get(at, { host: `192.0.2.7:${port}` })).status).toBe(200);
      expect((await get(at, { host: `rebound.example:${port}` })).status).toBe(403);
      expect((await get(at, { host: `127.0.0.1:${Number(port) + 1}` })).status).toBe(403);
    } finally {
      await wide.close();
    }
  });

  it("a port in use is a usage error (exit 2), and nothing is left running", async () => {
    const port = new URL(server.url).port;
    const r = await runCli(["serve", "--port", port], repo, {}, 20_000);
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      `error: port ${port} is in use: choose another with --port, or --port 0 for any free one`,
    ]);
  });

  it("shows only the journal's commits and the mission's own screenshots", async () => {
    const [m] = JSON.parse((await get(withToken("/api/missions"))).body) as { id: string }[];
    const base = git(repo, "rev-parse", "main").trim(); // a commit of the repository, not of the mission
    expect((await get(withToken(`/api/missions/${m.id}/commits/${base}`))).status).toBe(404);
    const dashboard = JSON.parse((await get(withToken(`/api/missions/${m.id}/dashboard`))).body) as Dashboard;
    const valid = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, "specs/dashboard.schema.json"), "utf8")));
    expect(valid(dashboard), JSON.stringify(valid.errors)).toBe(true);
    const made = dashboard.features.find((f) => f.commit)?.commit ?? "";
    const diff = await get(withToken(`/api/missions/${m.id}/commits/${made}`));
    expect(diff.status).toBe(200);
    expect(diff.body).toContain("diff --git");
    for (const path of ["..%2F..%2Fplan.json", "../../journal.jsonl", "%2e%2e%2fplan.json", ".hidden.png", "x.txt"])
      expect((await get(withToken(`/api/missions/${m.id}/files/validation/screenshots/${path}`))).status, path).toBe(404);
  });

  it("lists the missions, and gives each one's figures as `missionc report --format json` does", async () => {
    const list = JSON.parse((await get(withToken("/api/missions"))).body) as { id: string; mission: string; state: string }[];
    expect(list.map((m) => [m.mission, m.state])).toEqual([["hello", "done"]]);
    const served = JSON.parse((await get(withToken(`/api/missions/${list[0].id}/report`))).body) as unknown;
    const printed = JSON.parse((await runCli(["report", "--format", "json"], repo)).stdout) as unknown;
    expect(served).toEqual(printed);
  });

  it("refuses to steer a finished mission: a pause or a message has no one to reach", async () => {
    const [m] = JSON.parse((await get(withToken("/api/missions"))).body) as { id: string }[];
    const pause = await get(withToken(`/api/missions/${m.id}/pause`), {}, "POST");
    expect([pause.status, JSON.parse(pause.body)]).toEqual([409, { error: "the mission is done: there is nothing to pause" }]);
    expect(
      existsSync(join(repo, ".missions/hello/inbox"))
        ? readdirSync(join(repo, ".missions/hello/inbox")).filter((n) => n.endsWith(".json"))
        : [],
    ).toEqual([]);
    const message = await get(
      withToken(`/api/missions/${m.id}/message`),
      { "content-type": "application/json" },
      "POST",
      JSON.stringify({ text: "hi" }),
    );
    expect([message.status, JSON.parse(message.body)]).toEqual([
      409,
      { error: "the mission is done: no orchestrator is left to answer a message" },
    ]);
  });

  it("pushes the figures again as soon as the journal of a running mission grows", async () => {
    const live = exampleRepo();
    const scriptPath = join(live, "hello.script.yaml");
    const script = parseYaml(readFileSync(scriptPath, "utf8")) as { runs: Record<string, Record<string, unknown>[]> };
    script.runs["implement:greeter#1"][1]["wait_for"] = "release"; // held at its second turn
    writeFileSync(scriptPath, stringify(script));
    const run = startCli(["run", "hello.mission", "--offline"], live);
    await journalHas(live, "hello", (e) => e.type === "model_response");
    const watching = await serve({ repos: [live], host: "127.0.0.1", port: 0, pollMs: 100 });
    try {
      const at = watching.url.replace(/\/\?token=.*$/, "");
      const [m] = JSON.parse((await get(`${at}/api/missions?token=${watching.token}`)).body) as { id: string }[];
      const reports: { journal_events: number }[] = [];
      const steps: string[][] = [];
      const stream = request(`${at}/api/missions/${m.id}/events?token=${watching.token}`);
      stream.on("response", (res) => {
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (d: string) => {
          buffer += d;
          for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
            const event = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const data = /^data: (.*)$/m.exec(event)?.[1];
            if (/^event: dashboard$/m.test(event) && data) {
              const d = JSON.parse(data) as Dashboard;
              reports.push(d.report);
              steps.push(d.timeline.steps.map((x) => `${x.label}: ${x.outcome ?? ""}`));
            }
          }
        });
      });
      stream.end();
      // waits for events, not for time (the test's time-out is the bound): how soon they come is bench/serve.js's figure
      while (reports.length === 0) await new Promise((r) => setTimeout(r, 25));
      const before = reports[0].journal_events;
      // a pause from the page takes the inbox's path, as `missionc pause` does: the runner stops after this turn
      const paused = await get(`${at}/api/missions/${m.id}/pause?token=${watching.token}`, {}, "POST");
      expect([paused.status, JSON.parse(paused.body)]).toEqual([
        200,
        { note: expect.stringMatching(/^runner \d+ will act at its next turn$/) as unknown as string },
      ]);
      writeFileSync(join(live, "release"), "");
      while (!reports.some((r) => r.journal_events > before)) await new Promise((r) => setTimeout(r, 25));
      expect(steps[0]).toContain("implement greeter (attempt 1): under way");
      stream.destroy();
    } finally {
      await watching.close();
      expect((await run.exited).code).toBe(3); // paused
    }
    expect(journalEvents(live, "hello").some((e) => e.type === "pause_requested")).toBe(true);
  });
});

const chromium = findChromium();
if (!chromium) console.warn("the dashboard in a browser: skipped — no Chromium installed (Debian: apt-get install chromium)");

describe.skipIf(!chromium)("the dashboard in headless Chromium", () => {
  it("follows a running mission: steps appear, a message is answered, a failed assertion's evidence and a feature's diff open; a screenshot is saved", async () => {
    // held at the worker's second turn until the test creates `release`; the orchestrator answers a message
    const live = exampleRepo("hello", (dir) => {
      const path = join(dir, "hello.script.yaml");
      const script = parseYaml(readFileSync(path, "utf8")) as { runs: Record<string, Record<string, unknown>[]> };
      script.runs["implement:greeter#1"][1]["wait_for"] = "release";
      // and again at the follow-up's second turn, until `release-again`
      script.runs["implement:default_name#1"][1]["wait_for"] = "release-again";
      script.runs["message:1"] = [{ tools: [{ name: "decide", input: { action: "accept", reason: "Noted; the greeter carries on." } }] }];
      writeFileSync(path, stringify(script, { lineWidth: 0 }));
    });
    const run = startCli(["run", "hello.mission", "--offline"], live);
    await journalHas(live, "hello", (e) => e.type === "model_response");
    const watching = await serve({ repos: [live], host: "127.0.0.1", port: 0, pollMs: 100 });
    const at = watching.url.replace(/\/\?token=.*$/, "");
    // a plain headless Chromium: the runner's own launch (launchChromium) sends everything to a proxy that answers nothing
    const { chromium: pw } = await import("playwright-core");
    const browser = await pw.launch({ executablePath: chromium!, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const foreign: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(at)) foreign.push(r.url());
      });
      await page.goto(watching.url, { waitUntil: "load" });
      await page.getByRole("link", { name: "hello" }).click();
      const timeline = page.locator("#timeline tbody");
      await timeline.getByText("implement greeter (attempt 1)").waitFor();
      expect(await timeline.locator("tr", { hasText: "implement greeter (attempt 1)" }).textContent()).toContain("under way");

      // steering: a message that stops the turn under way; the orchestrator's answer arrives on the page
      // what people and agents write is shown as text, never as markup
      await page.getByLabel("Message to the orchestrator").fill('Is the greeting English only? <img src=x onerror="window.pwned=1">');
      await page.getByLabel("stop the agent turn in progress first").check();
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText(/^sent: /).waitFor();
      await timeline.getByRole("cell", { name: "Noted; the greeter carries on.", exact: true }).waitFor({ timeout: 20_000 });
      const asked = await timeline.locator("tr", { hasText: "Is the greeting English only?" }).textContent();
      expect(asked).toContain("interrupting the turn under way");
      expect(asked).toContain('<img src=x onerror="window.pwned=1">');
      expect(await page.locator("main img").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

      // the worker goes on: later steps appear without a reload
      writeFileSync(join(live, "release"), "");
      await timeline.getByText("validate greeting, round 1").waitFor({ timeout: 30_000 });
      await timeline.getByText("implement default_name (attempt 1)").waitFor({ timeout: 30_000 });

      // what the reader opened and where they type survive the updates that follow
      const greeter = page.locator("#features tbody tr", { hasText: "greeter" }).locator("details");
      await greeter.locator("summary").click();
      const draft = page.getByLabel("Message to the orchestrator");
      await draft.fill("half a thought");
      await draft.focus();
      const events = async (): Promise<number> => journalEvents(live, "hello").length;
      const before = await events();
      writeFileSync(join(live, "release-again"), "");
      await timeline.getByText("mission complete").waitFor({ timeout: 60_000 });
      expect(await events()).toBeGreaterThan(before + 10); // the page was rebuilt many times meanwhile
      expect(await greeter.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      expect(await draft.evaluate((e) => e === document.activeElement)).toBe(true);
      expect(await draft.inputValue()).toBe("half a thought");
      await greeter.locator("summary").click(); // closed again, for what follows
      expect((await run.exited).code).toBe(0);

      // the failed round's evidence: the check's command and its output
      await page.getByRole("button", { name: "Evidence of greeting round 1" }).click();
      const failed = page.locator('#evidence article[data-id="greet.default"]');
      await failed.waitFor();
      expect(await failed.locator("h4").textContent()).toMatch(/^greet\.default fail — by check$/);
      expect(await failed.locator("pre").first().textContent()).toMatch(/exited [1-9]/);
      expect(await page.locator("#evidence-title").evaluate((e) => e === document.activeElement)).toBe(true); // focus moves there

      // a feature's handoff and the diff of its commit
      await greeter.locator("summary").click();
      expect(await greeter.textContent()).toMatch(/implemented: /);
      await page.getByRole("button", { name: /^Diff of greeter, commit / }).click();
      await page
        .locator("#diff-body")
        .getByText(/diff --git/)
        .waitFor();

      // the page as the figures have it: the orchestration's share is written out, not only drawn
      expect(await page.locator("#split tbody tr", { hasText: "orchestration" }).textContent()).toMatch(/\d+\.\d%/);
      // kept for review after the run (the test's temporary folders are not)
      mkdirSync(join(ROOT, "test-results"), { recursive: true });
      const shot = join(ROOT, "test-results", "dashboard.png");
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);

      // refused: no token, a foreign Origin, a foreign Host (DNS rebinding)
      const list = `${at}/api/missions`;
      expect((await page.request.get(list)).status()).toBe(401);
      expect((await page.request.get(`${list}?token=${watching.token}`, { headers: { origin: "http://evil.example" } })).status()).toBe(
        403,
      );
      expect((await page.request.get(`${list}?token=${watching.token}`, { headers: { host: "evil.example" } })).status()).toBe(403);
      expect((await page.request.get(`${list}?token=${watching.token}`)).status()).toBe(200);
    } finally {
      await browser.close();
      await watching.close();
      if (run.child.exitCode === null) run.child.kill("SIGKILL");
    }
  });
});
