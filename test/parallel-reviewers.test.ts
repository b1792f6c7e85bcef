import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { git, journalEvents, journalHas, runCli, startCli } from "./helpers/missions.js";

/**
 * DESIGN §7: one reviewer per feature, in parallel, up to `policy.concurrency`. The journal says
 * when each reviewer starts and ends (in order, by sequence number, never by the clock), so the
 * number in flight at once is counted from it. Each reviewer's first turn is held open until a file
 * appears (a script's `wait_for`), so the others start while it is busy if the runner lets them; the
 * test lets them go once the journal shows as many in flight as the policy allows.
 */

const FEATURES = ["alpha", "beta", "gamma", "delta"];

/** `holds`: the file each reviewer's first turn waits for (default `go`). */
function missionRepo(concurrency: number, holds: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "missionc-parallel-"));
  const features = FEATURES.map((f) => `    feature ${f} {\n      spec "write ${f}.txt"\n      fulfills r.${f}\n    }`).join("\n");
  writeFileSync(
    join(dir, "p.mission"),
    `mission p {
  goal "Files, reviewed in parallel."
  policy { concurrency ${concurrency} }
  model m = anthropic "claude-sonnet-5-5"
  role orchestrator = m
  role worker = m
  role reviewer = m
  role user_tester = m
  contract {
${FEATURES.map((f) => `    assert r.${f} "${f}.txt says ${f}" { by reviewer }`).join("\n")}
  }
  milestone one {
${features}
    validate scrutiny
  }
}
`,
  );
  const runs: Record<string, unknown[]> = {};
  for (const f of FEATURES) {
    runs[`implement:${f}#1`] = [
      { tools: [{ name: "write_file", input: { path: `${f}.txt`, content: `${f}\n` } }] },
      {
        tools: [
          {
            name: "submit_handoff",
            input: {
              feature: f,
              status: "done",
              implemented: [`${f}.txt`],
              left_undone: [],
              commands: [],
              issues: [],
              procedures_followed: true,
              notes: "",
            },
          },
        ],
      },
    ];
    runs[`review:one#1:${f}`] = [
      { wait_for: holds[f] ?? "go", tools: [{ name: "read_file", input: { path: `${f}.txt` } }] },
      {
        tools: [
          { name: "submit_verdicts", input: { verdicts: [{ assertion: `r.${f}`, verdict: "pass", evidence: `${f}.txt reads ${f}` }] } },
        ],
      },
    ];
  }
  runs["gate:one#1"] = [{ tools: [{ name: "decide", input: { action: "accept", reason: "all pass" } }] }];
  writeFileSync(join(dir, "p.script.yaml"), stringify({ format: "missionc.script/1", runs }));
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "commit", "-qm", "start");
  return dir;
}

/** The most reviewers in flight at once, counted over the journal's order. */
function maxInFlight(repo: string): { max: number; reviewers: number } {
  let now = 0,
    max = 0,
    reviewers = 0;
  for (const e of journalEvents(repo, "p")) {
    if (e.data["role"] !== "reviewer") continue;
    if (e.type === "agent_started") {
      now++;
      reviewers++;
      max = Math.max(max, now);
    }
    if (e.type === "agent_finished") now--;
  }
  return { max, reviewers };
}

describe("reviewers run in parallel up to policy.concurrency", () => {
  for (const limit of [1, 2, 3]) {
    it(`concurrency ${limit}: at most ${limit} in flight, and exactly ${limit} at the peak`, async () => {
      const repo = missionRepo(limit);
      const run = startCli(["run", "p.mission", "--offline"], repo);
      await journalHas(repo, "p", () => maxInFlight(repo).max >= limit);
      writeFileSync(join(repo, "go"), "");
      expect((await run.exited).code).toBe(0);
      expect(maxInFlight(repo)).toEqual({ max: limit, reviewers: FEATURES.length });
    });
  }

  it("a pause read by one reviewer stops the others too: their model calls are cut, none answers", async () => {
    // alpha's first turn ends first and alpha reads the pause at its turn boundary; the others are
    // still in their first model call (held until a file that never comes), which is cut
    const repo = missionRepo(4, { alpha: "alpha-go", beta: "never", gamma: "never", delta: "never" });
    const run = startCli(["run", "p.mission", "--offline"], repo);
    await journalHas(repo, "p", (_, all) => all.filter((e) => e.type === "agent_started" && e.data["role"] === "reviewer").length === 4);
    expect((await runCli(["pause", "p.mission"], repo)).code).toBe(0);
    writeFileSync(join(repo, "alpha-go"), ""); // the pause is in the inbox: alpha's turn may end now
    expect((await run.exited).code).toBe(3);
    const events = journalEvents(repo, "p");
    const answered = events
      .filter((e) => e.type === "model_response" && String(e.data["run"]).startsWith("review:"))
      .map((e) => String(e.data["run"]));
    expect(answered).toEqual(["review:one#1:alpha"]);
    expect(
      events.filter((e) => e.type === "agent_finished" && e.data["role"] === "reviewer").map((e) => String(e.data["outcome"])),
    ).toEqual(["stopped", "stopped", "stopped", "stopped"]);
    expect(events.at(-1)!.type).toBe("paused");
  });
});
