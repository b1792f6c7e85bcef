import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { ROOT } from "./helpers/cases.js";
import { answersHttp, exampleRepo, freePort, groupAlive, journalEvents, journalHas, runCli, startCli } from "./helpers/missions.js";
import type { Status } from "../src/control/status.js";
import type { ValidationReport } from "../src/validators/validate.js";
import { parseAs } from "./helpers/json.js";
import { bwrapPath } from "./helpers/sandbox.js";

/**
 * Issue 6: user testing against the running app. The notes example is a real HTTP server written by
 * the (scripted) worker; the user tester's requests are real, so the failure it reports in round 1
 * is a response the server really gave, and the fix is a response the fixed server really gives.
 */

/** The notes example on a port of its own, so that runs never meet each other's app. */
async function notesRepo(editScript?: (script: { runs: Record<string, unknown[]> }) => void): Promise<{ repo: string; port: number }> {
  const port = await freePort();
  const repo = exampleRepo("notes", (dir) => {
    for (const f of ["notes.mission", "notes.script.yaml"])
      writeFileSync(join(dir, f), readFileSync(join(dir, f), "utf8").replaceAll("4317", String(port)));
    if (editScript) {
      const path = join(dir, "notes.script.yaml");
      const script = parseYaml(readFileSync(path, "utf8")) as { runs: Record<string, unknown[]> };
      editScript(script);
      writeFileSync(path, stringify(script, { lineWidth: 0 }));
    }
  });
  return { repo, port };
}

function toolOutputs(repo: string, run: string): string[] {
  const blobs = join(repo, ".missions/notes/blobs");
  return journalEvents(repo, "notes")
    .filter((e) => e.type === "tool_result" && e.data["run"] === run && e.data["name"] === "http_request")
    .map((e) => {
      const ref = String(e.data["blob"]);
      const raw = ref.startsWith("=") ? ref.slice(1) : readFileSync(join(blobs, ref), "utf8");
      return (JSON.parse(raw) as { content: string }).content;
    });
}

function appGroups(repo: string): number[] {
  return journalEvents(repo, "notes")
    .filter((e) => e.type === "command_started" && String(e.data["run"]).startsWith("app:"))
    .map((e) => e.data["pgid"] as number);
}

describe("user testing drives the running app", () => {
  it("finds a real failure through http_request; a follow-up fixes it; the re-run passes; no app is left", async () => {
    const { repo, port } = await notesRepo();
    const r = await runCli(["run", "notes.mission", "--offline"], repo);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("mission complete");

    // round 1: the server really answered 201 to an empty title
    const first = toolOutputs(repo, "user_test:api#1");
    expect(first).toHaveLength(4);
    expect(first[2]).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/notes\n\{"title":""\}\n→ HTTP 201 Created/);
    const round1 = parseAs<ValidationReport>(readFileSync(join(repo, ".missions/notes/validation/api-round1.json"), "utf8"));
    expect(round1.passed).toBe(false);
    expect(round1.failing).toEqual(["notes.reject_empty"]);
    const rejected = round1.assertions.find((a) => a.id === "notes.reject_empty");
    expect(rejected?.verdict).toBe("fail");
    // the verdict carries the exchanges that back it: the request and the response excerpt
    expect((rejected?.exchanges ?? []).map((x) => x.output).join("\n")).toContain("→ HTTP 201 Created");
    expect(round1.procedures.map((p: { name: string; exit_code: number }) => `${p.name}:${p.exit_code}`)).toEqual(
      expect.arrayContaining(["install:0", "start:0", "test:0"]),
    );

    // round 2: after the follow-up, the same request really gets 400
    const second = toolOutputs(repo, "user_test:api#2");
    expect(second[0]).toMatch(/→ HTTP 400 Bad Request/);
    // every assertion is tested again in round 2, not only the one that failed: adding still works
    expect(second[2]).toMatch(/^POST .*\n\{"title":"qa-bread-2"\}\n→ HTTP 201 Created/);
    const round2 = parseAs<ValidationReport>(readFileSync(join(repo, ".missions/notes/validation/api-round2.json"), "utf8"));
    expect(round2.passed).toBe(true);

    // the app ran in its own process group, once per round, and nothing of it is left
    const groups = appGroups(repo);
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(groupAlive(g)).toBe(false);
    expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(false);
    const events = journalEvents(repo, "notes").map((e) => e.type);
    expect(events.filter((t) => t === "app_started")).toHaveLength(2);
    expect(events.filter((t) => t === "app_stopped")).toHaveLength(2);
    expect(readFileSync(join(repo, ".missions/notes/logs/app-api-round1.log"), "utf8")).toContain(`notes on http://127.0.0.1:${port}`);
  });

  it("stops the app when the user tester's agent fails midway (the mission pauses), and resumes to the end", async () => {
    let full: unknown[] = [];
    const { repo, port } = await notesRepo((script) => {
      full = script.runs["user_test:api#1"]!;
      script.runs["user_test:api#1"] = full.slice(0, 2); // the script runs out at turn 3: a provider failure
    });
    const paused = await runCli(["run", "notes.mission", "--offline"], repo);
    expect(paused.code).toBe(3);
    expect(paused.stdout).toContain("user_test:api#1");
    expect(paused.stdout).toContain("the app is stopped");
    const groups = appGroups(repo);
    expect(groups).toHaveLength(1);
    expect(groupAlive(groups[0])).toBe(false);
    expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(false);

    // the whole script again: the run resumes, the two journaled turns are not asked again
    const path = join(repo, "notes.script.yaml");
    const script = parseYaml(readFileSync(path, "utf8")) as { runs: Record<string, unknown[]> };
    script.runs["user_test:api#1"] = full;
    writeFileSync(path, stringify(script, { lineWidth: 0 }));
    const resumed = await runCli(["run", "notes.mission", "--offline"], repo);
    expect(resumed.code).toBe(0);
    // the journaled POST of turn 1 was not sent again to the restarted app: the empty note is note 2, not 3
    expect(toolOutputs(repo, "user_test:api#1")[2]).toContain('{"id":2,"title":""}');
    for (const g of appGroups(repo)) expect(groupAlive(g)).toBe(false);
    expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(false);
  });

  it("an app that never answers at `ready` fails clearly, naming its log file; its verdicts are unverified", async () => {
    const { repo, port } = await notesRepo();
    const mission = join(repo, "notes.mission");
    writeFileSync(
      mission,
      replaced(
        readFileSync(mission, "utf8"),
        new RegExp(`"PORT=${port} node server.js" \\{\\n(\\s+)timeout(\\s+)20s`),
        `"node -e 'setInterval(() => {}, 1000)'" {\n$1timeout$21s`,
      ),
    );
    const r = await runCli(["run", "notes.mission", "--offline", "--until", "api"], repo);
    const report = parseAs<ValidationReport>(readFileSync(join(repo, ".missions/notes/validation/api-round1.json"), "utf8"));
    const start = report.procedures.find((p) => p.name === "start");
    expect(start?.exit_code).toBe(1);
    expect(start?.output_tail).toContain("did not answer within 1 s");
    expect(start?.output_tail).toContain("logs/app-api-round1.log");
    const judged = report.assertions.filter((a: { by: string }) => a.by === "user_tester");
    expect(judged.map((a: { verdict: string }) => a.verdict)).toEqual(["unverified", "unverified", "unverified"]);
    expect(judged[0].evidence).toContain("app-api-round1.log");
    for (const g of appGroups(repo)) expect(groupAlive(g)).toBe(false);
    expect([0, 3]).toContain(r.code); // the scripted gate then asks for a follow-up the script does not have: a pause
  });

  it("SIGTERM to the runner during user testing stops the app too; the mission pauses, resumable", async () => {
    const { repo, port } = await notesRepo((script) => {
      script.runs["user_test:api#1"][2] = { ...(script.runs["user_test:api#1"][2] as object), wait_for: "release" };
    });
    const run = startCli(["run", "notes.mission", "--offline"], repo);
    await journalHas(repo, "notes", (e) => e.type === "model_response" && e.data["run"] === "user_test:api#1" && e.data["turn"] === 2);
    expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(true);
    // meanwhile status names the agent at work, and satisfies its schema while running
    const status = parseAs<Status>((await runCli(["status", "notes.mission", "--json"], repo)).stdout);
    expect(status.state).toBe("running");
    expect(status.agents).toEqual([{ run: "user_test:api#1", role: "user_tester", model: "judge" }]);
    const validStatus = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, "specs/status.schema.json"), "utf8")));
    expect(validStatus(status), JSON.stringify(validStatus.errors)).toBe(true);
    run.child.kill("SIGTERM");
    expect((await run.exited).code).toBe(3);
    expect(run.stdout()).toContain("the app is stopped");
    expect(run.stdout()).toContain("interrupted (SIGTERM)");
    for (const g of appGroups(repo)) expect(groupAlive(g)).toBe(false);
    expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(false);
  });

  it("an address already taken before the start pauses the mission for a human: no verdict, no round spent", async () => {
    const { repo, port } = await notesRepo();
    const squatter = createServer((_, res) => res.end("not the notes app"));
    await new Promise<void>((r) => squatter.listen(port, "127.0.0.1", () => r()));
    try {
      const r = await runCli(["run", "notes.mission", "--offline"], repo);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(
        `something already listens at 127.0.0.1:${port} (http://127.0.0.1:${port}/health) before the app was started`,
      );
      const events = journalEvents(repo, "notes");
      expect(events.filter((e) => e.type === "validation_finished")).toHaveLength(0);
      expect(events.filter((e) => e.type === "verdicts" && String(e.data["run"]).startsWith("user_test:"))).toHaveLength(0);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // freed, the run resumes and completes
    expect((await runCli(["run", "notes.mission", "--offline"], repo)).code).toBe(0);
  });

  it("a `ready` address user testing could not reach is refused before any work (exit 2)", async () => {
    const { repo } = await notesRepo();
    const mission = join(repo, "notes.mission");
    writeFileSync(mission, replaced(readFileSync(mission, "utf8"), /ready(\s+)"http:\/\/127\.0\.0\.1:/, `ready$1"http://0.0.0.0:`));
    const r = await runCli(["run", "notes.mission", "--offline"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the `ready` address of `start` must be an http(s) URL on this machine");
    expect(existsSync(join(repo, ".missions/notes/journal.jsonl"))).toBe(false);
  });

  it("a port held by something that is not an HTTP server is found too: the mission pauses, no round spent", async () => {
    const { repo, port } = await notesRepo();
    const { createServer: tcpServer } = await import("node:net");
    const squatter = tcpServer(() => {
      /* accepts, never answers */
    });
    await new Promise<void>((r) => squatter.listen(port, "127.0.0.1", () => r()));
    try {
      const r = await runCli(["run", "notes.mission", "--offline"], repo);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(`something already listens at 127.0.0.1:${port}`);
      expect(journalEvents(repo, "notes").filter((e) => e.type === "validation_finished")).toHaveLength(0);
    } finally {
      squatter.close();
    }
  });

  it("--no-sandbox: SIGKILL of the runner during user testing orphans the app; it is killed when the mission resumes, which completes", async () => {
    const { repo, port } = await notesRepo((script) => {
      script.runs["user_test:api#1"][2] = { ...(script.runs["user_test:api#1"][2] as object), wait_for: "release" };
    });
    const run = startCli(["run", "notes.mission", "--offline", "--no-sandbox"], repo);
    await journalHas(repo, "notes", (e) => e.type === "model_response" && e.data["run"] === "user_test:api#1" && e.data["turn"] === 2);
    run.child.kill("SIGKILL");
    expect((await run.exited).signal).toBe("SIGKILL");
    const [group] = appGroups(repo);
    expect(groupAlive(group)).toBe(true); // nothing could stop it: the runner died at once
    writeFileSync(join(repo, "release"), ""); // the resumed user tester's held turn may be answered now
    try {
      const resumed = await runCli(["run", "notes.mission", "--offline", "--no-sandbox"], repo);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain(`killed processes left by app:api-round1 (group ${group})`);
      const killed = journalEvents(repo, "notes").filter((e) => e.type === "leftover_killed");
      expect(killed.map((e) => e.data["pgid"])).toContain(group);
      for (const g of appGroups(repo)) expect(groupAlive(g)).toBe(false);
      expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(false);
    } finally {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        /* gone, as it should be */
      }
    }
  });

  it.skipIf(!bwrapPath)(
    "sandboxed, the app dies with a SIGKILLed runner (bubblewrap's --die-with-parent): nothing is orphaned; the resume completes",
    async () => {
      const { repo, port } = await notesRepo((script) => {
        script.runs["user_test:api#1"][2] = { ...(script.runs["user_test:api#1"][2] as object), wait_for: "release" };
      });
      const run = startCli(["run", "notes.mission", "--offline"], repo);
      await journalHas(repo, "notes", (e) => e.type === "model_response" && e.data["run"] === "user_test:api#1" && e.data["turn"] === 2);
      run.child.kill("SIGKILL");
      expect((await run.exited).signal).toBe("SIGKILL");
      const [group] = appGroups(repo);
      const until = Date.now() + 5000;
      while (groupAlive(group) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(groupAlive(group)).toBe(false);
      expect(await answersHttp(`http://127.0.0.1:${port}/health`)).toBe(false);
      writeFileSync(join(repo, "release"), "");
      const resumed = await runCli(["run", "notes.mission", "--offline"], repo);
      expect(resumed.code).toBe(0);
      for (const g of appGroups(repo)) expect(groupAlive(g)).toBe(false);
    },
  );

  it.skipIf(!bwrapPath)(
    "the app runs sandboxed; the user tester's commands reach it through the runner's relay; http_request reaches only the app's origin",
    async () => {
      const decoy = createServer((_, res) => res.end("a local service of the user's"));
      const decoyPort = await freePort();
      await new Promise<void>((r) => decoy.listen(decoyPort, "127.0.0.1", () => r()));
      // a Unix-socket service of the host's (docker.sock, an ssh agent): nothing may reach it
      const hostSocket = join(mkdtempSync(join(tmpdir(), "missionc-hostsvc-")), "svc.sock");
      let hostSocketReached = false;
      const hostService = createServer((_, res) => {
        hostSocketReached = true;
        res.end("host unix service");
      });
      await new Promise<void>((r) => hostService.listen(hostSocket, () => r()));
      try {
        let port = 0;
        const made = await notesRepo((script) => {
          const probe = (command: string) => ({ tools: [{ name: "run_command", input: { command } }] });
          script.runs["user_test:api#1"] = [
            probe(
              `node -e "fetch('http://127.0.0.1:APP_PORT_HERE/health').then(r=>console.log('app answered', r.status),e=>console.log('no app', e.cause?.code))"`,
            ),
            probe(
              `node -e "fetch('http://127.0.0.1:${decoyPort}/').then(r=>console.log('decoy answered'),e=>console.log('no decoy', e.cause?.code))"`,
            ),
            // the relay's folder is read-only: its socket cannot be swapped for a link to one of the host's
            probe(`rm -f /run/missionc-app/reach.sock && ln -s ${hostSocket} /run/missionc-app/reach.sock && echo swapped || echo refused`),
            { tools: [{ name: "http_request", input: { url: `http://127.0.0.1:${decoyPort}/` } }] },
            { tools: [{ name: "http_request", input: { url: `http://localhost:APP_PORT_HERE/health` } }] },
            ...script.runs["user_test:api#1"],
          ];
        });
        ({ port } = made);
        const { repo } = made;
        // the placeholder is the app's port, which notesRepo chose
        const scriptPath = join(repo, "notes.script.yaml");
        writeFileSync(scriptPath, readFileSync(scriptPath, "utf8").replaceAll("APP_PORT_HERE", String(port)));
        const r = await runCli(["run", "notes.mission", "--offline"], repo);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const results = journalEvents(repo, "notes")
          .filter((e) => e.type === "tool_result" && e.data["run"] === "user_test:api#1")
          .map((e) => {
            const ref = String(e.data["blob"]);
            const raw = ref.startsWith("=") ? ref.slice(1) : readFileSync(join(repo, ".missions/notes/blobs", ref), "utf8");
            return JSON.parse(raw) as { content: string; is_error: boolean };
          });
        expect(results[0].content).toContain("app answered 200");
        expect(results[1].content).toContain("no decoy");
        expect(results[2].content).toContain("refused");
        expect(results[3].is_error).toBe(true);
        expect(results[3].content).toContain("is not the app");
        expect(results[4].content).toContain("HTTP 200");
        expect(hostSocketReached).toBe(false);
        expect(r.stdout).not.toContain("without a sandbox"); // (that the app's sandbox is real: the SIGKILL test above)
      } finally {
        decoy.close();
        hostService.close();
      }
    },
  );
});

/** The text with the pattern replaced; a pattern that no longer matches the example fails here, not later. */
function replaced(text: string, pattern: RegExp, by: string): string {
  expect(pattern.test(text), `${pattern} is not in the mission`).toBe(true);
  return text.replace(pattern, by);
}
