import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { Dashboard } from "../src/control/dashboard.js";
import { timelineOf } from "../src/control/timeline.js";
import { Journal, loadJournal } from "../src/runner/journal.js";
import { layoutOf } from "../src/runner/layout.js";
import { Redactor } from "../src/runner/redact.js";
import { MissionView } from "../src/serve/mission-view.js";
import { ROOT } from "./helpers/cases.js";
import { knownMission } from "./helpers/known-mission.js";
import { runCli } from "./helpers/missions.js";

/**
 * Issue 18: Mission Control's figures are `report --format json`'s (one computation, two renderings),
 * and its timeline is the journal's steps with their durations — worked out by hand from the
 * known journal (test/helpers/known-mission.ts), whose clock the test controls.
 */

describe("Mission Control's dashboard of a journal with known numbers", () => {
  it("has exactly the figures `missionc report --format json` prints, in the published shape", async () => {
    const repo = knownMission();
    const view = new MissionView("known", layoutOf(repo, "known"));
    const printed = JSON.parse((await runCli(["report", "--format", "json"], repo)).stdout) as unknown;
    const dashboard = await view.dashboard();
    expect(dashboard.report).toEqual(printed);
    const valid = new Ajv({ strict: false, allErrors: true }).compile(
      JSON.parse(readFileSync(join(ROOT, "specs/dashboard.schema.json"), "utf8")),
    );
    expect(valid(dashboard), JSON.stringify(valid.errors)).toBe(true);
  });

  it("shows the timeline of steps with their durations; a step cut by a stop goes on without the hours between", () => {
    const repo = knownMission();
    const { events } = loadJournal(join(repo, ".missions/known/journal.jsonl"));
    const shown = timelineOf(events).map((s) => [s.kind, s.label, s.seconds ?? null, s.outcome ?? null]);
    expect(shown).toEqual([
      ["session", "the runner started (pid 1, offline)", null, null],
      ["implement", "implement a (attempt 1)", 9, "committed c1"], // 1 → 10
      ["validate", "validate m1, round 1", 14, "passed"], // 10 → 24
      ["retry", "j: HTTP 529; retry 1 after 1000 ms", null, null],
      ["gate", "orchestrator: gate:m1#1", 2, "accept: all passed"], // 25 → 27
      ["accepted", "milestone m1 accepted (round 1)", null, null],
      ["session", "the runner started (pid 2, offline)", null, null],
      // 3631 → 3634 in session 2, then 7200 → 7208 in session 3: 3 + 8 s
      ["implement", "implement a (attempt 2)", 11, "committed c2"],
      ["session", "the runner started (pid 3, offline)", null, null],
      ["message", "hi", null, "interrupting the turn under way"],
      ["gate", "orchestrator: message:1", 3, "accept: carry on"], // 7202 → 7205
      ["answer", "carry on", null, null],
    ]);
  });

  it("follows the journal as it grows: a step appended is in the next dashboard, under way until it ends", async () => {
    const repo = knownMission();
    const view = new MissionView("known", layoutOf(repo, "known"));
    const before: Dashboard = await view.dashboard();
    expect(view.refresh()).toBe(false); // nothing new
    // what a runner appends next: a validation round starts (the line written as the runner writes it)
    const journal = join(repo, ".missions/known/journal.jsonl");
    const { events } = loadJournal(journal);
    const writer = new Journal(journal, events, new Redactor([]), { now: () => new Date("2026-01-01T02:00:09.000Z") });
    writer.append("validation_started", { milestone: "m1", round: 2 });
    appendFileSync(journal, '{"seq":'); // and a line still being written: left for the next look
    writer.close();
    expect(view.refresh()).toBe(true);
    const after = await view.dashboard();
    expect(after.report.journal_events).toBe(before.report.journal_events + 1);
    expect(after.timeline.steps.at(-1)).toMatchObject({ kind: "validate", label: "validate m1, round 2", outcome: "under way" });
    expect(readFileSync(journal, "utf8").endsWith('{"seq":')).toBe(true); // a reader never truncates
  });
});
