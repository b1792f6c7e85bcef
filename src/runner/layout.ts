import { basename, dirname, join, resolve } from "node:path";

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
  /** the package cache the sandbox shows as the agents' ~/.cache */
  cache: string;
}

export function layoutOf(repo: string, mission: string): Layout {
  return layoutAt(join(repo, ".missions", mission), repo);
}

/** The layout of a state folder wherever it is (a copy moved aside to read, say). */
export function layoutAt(dir: string, repo: string): Layout {
  return {
    repo,
    dir,
    plan: join(dir, "plan.json"),
    journal: join(dir, "journal.jsonl"),
    blobs: join(dir, "blobs"),
    handoffs: join(dir, "handoffs"),
    validation: join(dir, "validation"),
    logs: join(dir, "logs"),
    inbox: join(dir, "inbox"),
    lock: join(dir, "lock"),
    worktree: join(dir, "worktree"),
    cache: join(dir, "cache"),
  };
}

/** The script an offline run replays when none is named: NAME.script.yaml beside NAME.mission. */
export function defaultScriptPath(missionFile: string): string {
  return join(dirname(resolve(missionFile)), `${basename(missionFile).replace(/\.mission$/, "")}.script.yaml`);
}
