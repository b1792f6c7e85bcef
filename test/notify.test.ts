import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exampleRepo, journalEvents, runCli } from "./helpers/missions.js";

/**
 * Issue 18: `missionc run --notify-env NAME` posts milestone results, pauses and completion to the
 * webhook whose URL NAME holds (a Slack-compatible JSON body), retried and journaled by the runner,
 * never waited on. The URL is a secret: nowhere in what the run writes or prints.
 */

interface Received {
  text: string;
  missionc: { event: string; seq: number; mission: string };
}

/** A loopback receiver; `answer` decides each request's status (and may take its time). */
async function receiver(answer: (n: number, body: Received) => Promise<number>): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (text += d));
    req.on("end", () => {
      const body = JSON.parse(text) as Received;
      got.push(body);
      void answer(got.length, body).then((status) => {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end(status === 200 ? "ok" : "no");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // the path is the secret part of a real webhook's URL
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/s3cr3t-hook-path`, got, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** Every file the run wrote under the state folder, as text. */
function everythingWritten(dir: string): string {
  let all = "";
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) all += readFileSync(path, "latin1");
  }
  return all;
}

const notices = (repo: string) =>
  journalEvents(repo, "hello")
    .filter((e) => e.type === "notified")
    .map((e) => {
      const d = e.data as { about: number; attempt: number; outcome: string; status?: number };
      return [d.about, d.attempt, d.outcome, d.status ?? null];
    });

describe("missionc run --notify-env: a webhook told of milestones, pauses and completion", () => {
  it("a receiver that fails twice then accepts gets each notice delivered once, and the runner never waits on it", async () => {
    const repo = exampleRepo();
    const completed = () => journalEvents(repo, "hello").some((e) => e.type === "mission_completed");
    let heldPastCompletion = false;
    const hook = await receiver(async (n) => {
      if (n === 1) {
        // the first notice (the milestone's result) is held unanswered until the mission is complete:
        // a runner that waited on it would never get there
        for (let i = 0; i < 600 && !completed(); i++) await new Promise((r) => setTimeout(r, 50));
        heldPastCompletion = completed();
      }
      return n <= 2 ? 500 : 200;
    });
    servers.push(hook.server);
    const run = await runCli(["run", "hello.mission", "--offline", "--notify-env", "TEAM_WEBHOOK"], repo, { TEAM_WEBHOOK: hook.url });
    expect(run.code).toBe(0);
    expect(heldPastCompletion).toBe(true);

    const events = journalEvents(repo, "hello");
    // hello's first round fails (a follow-up fixes it), its second passes
    const [failed, passed] = events.filter((e) => e.type === "validation_finished").map((e) => e.seq);
    const done = events.find((e) => e.type === "mission_completed")!.seq;
    expect(notices(repo)).toEqual([
      [failed, 1, "failed", 500],
      [failed, 2, "failed", 500],
      [failed, 3, "delivered", 200],
      [passed, 1, "delivered", 200],
      [done, 1, "delivered", 200],
    ]);
    // Slack's incoming webhooks read `text`; the rest is for receivers that want the facts
    const refused = "❌ hello: milestone greeting did not pass validation round 1: greet.default";
    expect(hook.got.map((b) => [b.text, b.missionc.event, b.missionc.seq])).toEqual([
      [refused, "validation_finished", failed],
      [refused, "validation_finished", failed],
      [refused, "validation_finished", failed],
      ["✅ hello: milestone greeting passed validation (round 2)", "validation_finished", passed],
      ["🏁 hello is complete", "mission_completed", done],
    ]);
    expect(events.find((e) => e.type === "run_started")!.data).toMatchObject({ notify: true });
    // the URL is a secret: not in the journal, the blobs, the logs, nor the run's output
    expect(everythingWritten(join(repo, ".missions/hello"))).not.toContain("s3cr3t-hook-path");
    expect(run.stdout + run.stderr).not.toContain("s3cr3t-hook-path");
  });

  it("a notice the runner could not deliver before it left is sent by the next run", async () => {
    const repo = exampleRepo();
    const down = await receiver(async () => 503);
    servers.push(down.server);
    const first = await runCli(["run", "hello.mission", "--offline", "--notify-env", "HOOK_URL"], repo, { HOOK_URL: down.url });
    expect(first.code).toBe(0);
    // still failing when the work was done: the runner gave it a few seconds, then left it owed
    expect(notices(repo).every(([, , outcome]) => outcome === "failed")).toBe(true);
    expect(notices(repo).length).toBeGreaterThan(0);

    const up = await receiver(async () => 200);
    servers.push(up.server);
    const second = await runCli(["run", "hello.mission", "--offline", "--notify-env", "HOOK_URL"], repo, { HOOK_URL: up.url });
    expect(second.code).toBe(0);
    // each owed notice once, in the order of its events
    expect(up.got.map((b) => b.missionc.event)).toEqual(["validation_finished", "validation_finished", "mission_completed"]);
    const delivered = notices(repo).filter(([, , outcome]) => outcome === "delivered");
    expect(delivered.map(([about]) => about)).toEqual(up.got.map((b) => b.missionc.seq));
  });

  it("a pause is told too", async () => {
    const repo = exampleRepo();
    const hook = await receiver(async () => 200);
    servers.push(hook.server);
    expect((await runCli(["pause", "hello.mission"], repo)).code).toBe(0);
    const run = await runCli(["run", "hello.mission", "--offline", "--notify-env", "HOOK_URL"], repo, { HOOK_URL: hook.url });
    expect(run.code).toBe(3);
    expect(hook.got.map((b) => b.text)).toEqual(["⏸ hello paused: paused by `missionc pause`"]);
  });

  it("an unset variable or one that holds no URL is a usage error that never shows the value", async () => {
    const repo = exampleRepo();
    const unset = await runCli(["run", "hello.mission", "--offline", "--notify-env", "NO_SUCH_HOOK"], repo);
    expect([unset.code, unset.stderr.trim()]).toEqual([
      2,
      "error: --notify-env NO_SUCH_HOOK: the variable is not set (it holds the webhook's URL)",
    ]);
    const bad = await runCli(["run", "hello.mission", "--offline", "--notify-env", "HOOK"], repo, { HOOK: "hooks.example/zzsecretzz" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--notify-env HOOK: the variable does not hold a URL");
    expect(bad.stderr).not.toContain("zzsecretzz");
  });
});
