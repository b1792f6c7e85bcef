import { existsSync } from "node:fs";
import { readStoredPlan } from "../runner/stored-plan.js";
import { loadJournal } from "../runner/journal.js";
import type { Layout } from "../runner/layout.js";
import { summarize } from "../runner/event-summary.js";

/** `missionc log`: the journal, one readable line an event. */
export function renderLog(layout: Layout): string {
  if (!existsSync(layout.plan)) throw new Error(`no mission state at ${layout.dir}`);
  const { plan } = readStoredPlan(layout.plan);
  const { events, droppedBytes } = loadJournal(layout.journal, { readOnly: true });
  const lines = [
    `journal of mission ${plan.mission.name}: ${events.length} events${droppedBytes ? ` (and a torn last line of ${droppedBytes} bytes)` : ""}`,
  ];
  for (const e of events) {
    const summary = summarize(e);
    lines.push(
      `#${String(e.seq).padStart(5)}  ${e.at.replace("T", " ").replace(/\.\d+Z$/, "Z")}  ${e.type.padEnd(19)} ${summary}`.trimEnd(),
    );
  }
  return `${lines.join("\n")}\n`;
}
