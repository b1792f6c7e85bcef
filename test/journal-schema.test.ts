import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventShapeError, eventFault } from "../src/runner/event-schema.js";
import { EVENT_TYPES, type EventData } from "../src/runner/events.js";
import { Journal } from "../src/runner/journal.js";
import { Redactor } from "../src/runner/redact.js";
import { ROOT } from "./helpers/cases.js";
import { exampleRepo, runCli } from "./helpers/missions.js";

/**
 * Issue 14: the journal is typed. src/runner/events.ts gives each kind its data's type; the schema
 * states the same shapes; every event written under the test suite is checked against the schema
 * (test/setup.ts), and these cases show the two agree and that a misspelled field is refused.
 */
const schema = JSON.parse(readFileSync(join(ROOT, "specs/journal.schema.json"), "utf8")) as {
  properties: { type: { enum: string[] } };
  definitions: { events: Record<string, { required?: string[]; additionalProperties: boolean }> };
};

describe("the journal's events: typed, and checked against the schema", () => {
  it("the schema lists exactly the kinds events.ts types, each with its data's shape and no other fields", () => {
    expect([...schema.properties.type.enum].sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(schema.definitions.events).sort()).toEqual([...EVENT_TYPES].sort());
    for (const kind of EVENT_TYPES) expect(schema.definitions.events[kind].additionalProperties, kind).toBe(false);
  });

  it("a misspelled field is refused as it is written (the types let a cast through; the schema does not)", () => {
    const journal = new Journal(join(mkdtempSync(join(tmpdir(), "missionc-journal-")), "journal.jsonl"), [], new Redactor([]));
    journal.append("validation_started", { milestone: "m", round: 1 });
    const misspelled = { milestone: "m", roud: 2 } as unknown as EventData["validation_started"];
    expect(() => journal.append("validation_started", misspelled)).toThrow(EventShapeError);
    expect(() => journal.append("validation_started", misspelled)).toThrow(/must have required property 'round'/);
    const extra = { milestone: "m", round: 2, rounds: 3 } as unknown as EventData["validation_started"];
    expect(() => journal.append("validation_started", extra)).toThrow(/must NOT have additional properties: rounds/);
    journal.close();
  });

  it("every event of a whole mission (the demo: two rounds, a follow-up, a gate) fits the schema", async () => {
    const repo = exampleRepo();
    expect((await runCli(["run", "hello.mission", "--offline"], repo)).code).toBe(0);
    const lines = readFileSync(join(repo, ".missions/hello/journal.jsonl"), "utf8").trim().split("\n");
    const kinds = new Set<string>();
    for (const line of lines) {
      const event = JSON.parse(line) as { type: string };
      kinds.add(event.type);
      expect(eventFault(event), line.slice(0, 200)).toBeUndefined();
    }
    expect(kinds.size).toBeGreaterThan(15);
  });
});
