import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { isTestFile } from "../src/control/code-size.js";
import { ROOT } from "./helpers/cases.js";
import { knownMission } from "./helpers/known-mission.js";
import { runCli } from "./helpers/missions.js";
import type { Report } from "../src/control/report.js";
import type { Status } from "../src/control/status.js";
import { parseAs } from "./helpers/json.js";

/**
 * DESIGN §8: the report's figures come from the journal. A journal written with a clock the test
 * controls has known numbers, worked out by hand below; the report must give exactly those, and
 * its JSON (and status's) must satisfy the published schemas.
 */

const ajv = new Ajv({ strict: false, allErrors: true });
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(ROOT, "specs", name), "utf8")));

describe("missionc report: figures from a journal with known numbers", () => {
  it("time split with an `other` share, role time including tools, cache-read share, test share of changed lines", async () => {
    const repo = knownMission();
    const r = await runCli(["report", ".missions/known", "--format", "json"], repo);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = parseAs<Report>(r.stdout);
    const valid = schema("report.schema.json");
    expect(valid(report), JSON.stringify(valid.errors)).toBe(true);

    // active time: 30 s + 4 s + 8 s; the hours between sessions are not in it
    expect(report.wall_seconds).toBe(42);
    // implementation 9 s + 3 s (cut at 3634) + 2 s and 3 s (7200 → 7202, 7205 → 7208, around the message gate);
    // validation 14 s − 1 s back-off; orchestration 2 s + 3 s; other the rest: 42 − 17 − 13 − 5
    expect(report.time.split).toEqual({
      implementation: { seconds: 17, share: 0.4048 },
      validation: { seconds: 13, share: 0.3095 },
      orchestration: { seconds: 5, share: 0.119 },
      other: { seconds: 7, share: 0.1667 },
    });
    // worker: 8 + 2 (cut by the crash) + 1 (interrupted) + 1; reviewer: 4 s of agent + 2 s of its check;
    // orchestrator 2 + 3; all roles 23 s. A run resumed is one run: implement:a#2 counts once
    expect(report.time.by_role).toEqual({
      worker: { seconds: 12, share: 0.5217, agent_seconds: 12, command_seconds: 0, agent_runs: 2 },
      reviewer: { seconds: 6, share: 0.2609, agent_seconds: 4, command_seconds: 2, agent_runs: 1 },
      orchestrator: { seconds: 5, share: 0.2174, agent_seconds: 5, command_seconds: 0, agent_runs: 2 },
    });
    // cache reads / (input + cache read + cache write): (900 + 150 + 1000) / (100 + 900 + 50 + 150 + 50 + 1000 + 0) = 2050 / 2250
    expect(report.cache_read_share.total).toBe(0.9111);
    expect(report.cache_read_share.by_role).toEqual({ worker: 0.95, reviewer: 0.6 }); // worker 1900 / 2000, reviewer 150 / 250
    expect(report.tokens.by_type).toEqual({ input: 150, cache_read: 2050, cache_write: 50, output: 100 });
    // worker 100 + 900 + 50 + 1000 + 40 = 2090 of 2350; reviewer 50 + 150 + 50 + 10 = 260
    expect(report.token_share_by_role).toEqual({ worker: 0.8894, reviewer: 0.1106 });
    expect(report.agent_runs).toEqual({ total: 5, by_role: { worker: 2, reviewer: 1, orchestrator: 2 }, by_outcome: { done: 5 } });
    expect(report.changes_of_course).toEqual([{ gate: "message", action: "answered at message:1: accept", reason: "“hi” → carry on" }]);
    expect(report.milestones).toEqual([{ name: "m1", accepted: true, rounds: 1, assertions: 2, passed: 2, failing: [] }]);
    // $ per million: worker (100·3 + 900·0.3 + 50·15 + 1000·0.3 + 40·15) = 2220; reviewer (50·3 + 150·0.3 + 50·3.75 + 10·15) = 532.5
    expect(report.cost.usd).toBe(0.002753); // 0.0027525, rounded to a millionth of a dollar
    expect(report.budget.tokens).toEqual({ limit: 10000, left: 10000 - 2350 });
    // git: +10 +4 +1 −2 = 17 changed lines, of which 5 are in test files
    expect(report.code).toEqual({
      files_changed: 4,
      lines_added: 15,
      lines_removed: 2,
      lines_changed: 17,
      test_lines_changed: 5,
      test_share: 0.2941,
      size_lines: 16,
      size_files: 4,
    });

    const status = parseAs<Status>((await runCli(["status", ".missions/known", "--json"], repo)).stdout);
    const validStatus = schema("status.schema.json");
    expect(validStatus(status), JSON.stringify(validStatus.errors)).toBe(true);
    expect(status.cache_read_share.total).toBe(report.cache_read_share.total);
  });

  it("markdown and HTML carry the same figures", async () => {
    const repo = knownMission();
    const md = (await runCli(["report", ".missions/known"], repo)).stdout;
    expect(md).toContain("| implementation | 17 | 40.5% |");
    expect(md).toContain("| other | 7 | 16.7% |");
    expect(md).toContain("cache reads are 91.1% of input tokens");
    expect(md).toContain("test share of the changed lines 29.4% (5 of 17)");
    const html = (await runCli(["report", ".missions/known", "--format", "html"], repo)).stdout;
    expect(html).toContain("<b>91.1%</b>");
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).not.toMatch(/<script|<link|src=|href=/); // one file: nothing fetched, nothing run
  });

  it("test files are the ones DESIGN §8 names", () => {
    for (const p of ["test/a.js", "tests/x/y.py", "src/__tests__/b.ts", "a.test.ts", "src/b.spec.js", "pkg/test/c.go"])
      expect(isTestFile(p), p).toBe(true);
    for (const p of ["src/testing.js", "latest/a.js", "contest.ts", "src/spec.ts", "README.md"]) expect(isTestFile(p), p).toBe(false);
  });

  it("a bad --format is exit 2; a folder with no mission is exit 2 with a message", async () => {
    const repo = knownMission();
    const bad = await runCli(["report", ".missions/known", "--format", "pdf"], repo);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format must be one of md, html, json");
    const none = await runCli(["report", "--mission", "nope"], repo);
    expect(none.code).toBe(2);
    expect(none.stderr).not.toContain("    at ");
    const empty = await runCli(["report", ".missions/known", "--format", ""], repo);
    expect(empty.stderr).toBe("error: --format must be one of md, html, json\n");
    // a state folder copied out of its repository is still a target (the code figures need the repository)
    const aside = mkdtempSync(join(tmpdir(), "missionc-aside-"));
    cpSync(join(repo, ".missions/known"), join(aside, "known"), { recursive: true });
    const log = await runCli(["log", join(aside, "known")], aside);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain("journal of mission known: 34 events");
    const moved = parseAs<Report>((await runCli(["report", join(aside, "known"), "--format", "json"], aside)).stdout);
    expect(moved.wall_seconds).toBe(42);
    expect(moved.code).toBeUndefined();
    const nothing = await runCli(["log", aside], aside);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).not.toContain("internal error");
  });
});
