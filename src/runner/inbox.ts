import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";

/**
 * The runner's side of a mission's inbox folder: what `missionc pause`, `msg`, Mission Control and
 * the fleet's worker left there (src/control/inbox.ts writes whole files by an atomic rename), read
 * oldest first, and moved to done/ once the runner has journaled it — a resumed runner never reads
 * an item twice, and never loses one it had not journaled.
 */

export interface InboxItem {
  kind?: string;
  text?: string;
  id?: string;
  interrupt?: boolean;
}

export class InboxFolder {
  constructor(private readonly dir: string) {}

  /** The items waiting, by file name; a file that does not parse is not an item (yet). */
  waiting(): { name: string; item: InboxItem }[] {
    if (!existsSync(this.dir)) return [];
    const out = [];
    for (const name of readdirSync(this.dir)
      .filter((n) => n.endsWith(".json"))
      .sort()) {
      try {
        out.push({ name, item: JSON.parse(readFileSync(join(this.dir, name), "utf8")) as InboxItem });
      } catch {
        continue;
      }
    }
    return out;
  }

  /** Whether a `msg --interrupt` waits (looked at while a model call runs). */
  interruptWaiting(): boolean {
    return this.waiting().some((x) => x.item.kind === "message" && x.item.interrupt === true);
  }

  /** The item is in the journal: out of the way. */
  taken(name: string): void {
    mkdirSync(join(this.dir, "done"), { recursive: true });
    renameSync(join(this.dir, name), join(this.dir, "done", name));
  }
}
