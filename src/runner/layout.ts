import { join } from "node:path";

/** Where a mission's state lives: `<repo>/.missions/<mission>/`. */
export interface Layout {
  repo: string;
  dir: string;
  plan: string;
  journal: string;
  blobs: string;
  handoffs: string;
  validation: string;
  logs: string;
  inbox: string;
  lock: string;
  worktree: string;
}

export function layoutOf(repo: string, mission: string): Layout {
  const dir = join(repo, ".missions", mission);
  return {
    repo, dir, plan: join(dir, "plan.json"), journal: join(dir, "journal.jsonl"), blobs: join(dir, "blobs"), handoffs: join(dir, "handoffs"),
    validation: join(dir, "validation"), logs: join(dir, "logs"), inbox: join(dir, "inbox"), lock: join(dir, "lock"), worktree: join(dir, "worktree"),
  };
}
