import { statSync } from "node:fs";
import { join } from "node:path";
import { buildDashboard, type Dashboard } from "../control/dashboard.js";
import { measureCode, type CodeFigures } from "../control/code-size.js";
import { buildReport } from "../control/report.js";
import { statusOf, type Status } from "../control/status.js";
import type { Plan } from "../plan/types.js";
import { Blobs } from "../runner/blobs.js";
import { JournalTail, type JournalEvent } from "../runner/journal.js";
import type { Layout } from "../runner/layout.js";
import { Redactor } from "../runner/redact.js";
import { readStoredPlan } from "../runner/stored-plan.js";
import { Folding } from "../runner/state.js";
import type { InboxItem } from "../fleet/store.js";

/**
 * One mission as the server follows it: the journal read as it grows (only the new lines each time)
 * and folded on, so that a page of a mission with a journal of days is not a read of the whole file
 * at every event. The figures are then computed as `report` computes them, from the same functions.
 */
export class MissionView {
  private plan: Plan | undefined;
  private planStamp = "";
  private tail!: JournalTail;
  private folding!: Folding;
  private events: JournalEvent[] = [];
  private code: { key: string; figures: CodeFigures | undefined } | undefined;
  private cached: Dashboard | undefined;
  readonly blobs: Blobs;

  constructor(
    readonly id: string,
    readonly layout: Layout,
    /** a fleet mission (a mirror of the database's): who holds it, and where steering goes */
    readonly fleet?: { repo: string; held: () => boolean; post: (item: InboxItem) => Promise<string> },
  ) {
    this.blobs = new Blobs(layout.blobs, new Redactor([]));
  }

  /** Reads what the journal gained; true when there was something (or the plan was replaced). */
  refresh(): boolean {
    const stamp = planStamp(this.layout);
    if (stamp !== this.planStamp) {
      // a new mission in the folder, or a --replan: start over from the first event
      this.plan = readStoredPlan(this.layout.plan).plan;
      this.planStamp = stamp;
      this.tail = new JournalTail(this.layout.journal);
      this.folding = new Folding(this.plan);
      this.events = [];
    } else if (!this.plan) return false;
    const fresh = this.tail.next();
    if (fresh.length === 0 && this.cached) return false;
    for (const e of fresh) this.events.push(e);
    this.folding.add(fresh);
    this.cached = undefined;
    return true;
  }

  status(): Status {
    this.refresh();
    return statusOf(this.layout, this.plan!, this.events, 0, this.folding.state, this.fleet?.held());
  }

  async dashboard(): Promise<Dashboard> {
    this.refresh();
    if (this.cached) return this.cached;
    const plan = this.plan!;
    const s = this.folding.state;
    const report = buildReport(plan, this.events, this.status(), this.blobs, await this.codeFigures(), s);
    this.cached = buildDashboard(plan, this.events, s, report);
    return this.cached;
  }

  /** The journaled commits of the mission: the only ones the server shows a diff of. */
  commits(): Set<string> {
    this.refresh();
    return new Set([...this.folding.state.features.values()].flatMap((f) => (f.commit ? [f.commit] : [])));
  }

  /** The blob of a validation round's report, if the journal has that round. */
  roundBlob(milestone: string, round: number): string | undefined {
    this.refresh();
    return this.folding.state.milestones.get(milestone)?.reports.get(round)?.blob;
  }

  /** git is asked again only when the mission's commits changed */
  private async codeFigures(): Promise<CodeFigures | undefined> {
    const s = this.folding.state;
    if (!s.base) return undefined;
    const key = [...s.features.values()].map((f) => f.commit ?? "").join(",") + [...s.adopted].join(",");
    if (this.code?.key !== key) this.code = { key, figures: await measureCode(this.layout.repo, s.base, this.plan!.mission.branch) };
    return this.code.figures;
  }
}

function planStamp(layout: Layout): string {
  try {
    const st = statSync(join(layout.plan));
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return "";
  }
}
