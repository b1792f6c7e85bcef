import { existsSync, mkdirSync, readFileSync, rmSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";

/**
 * Git as the runner uses it, through simple-git: the mission branch, a worktree for it that agents
 * work in (the user's own working tree is never touched), and commits made with plumbing and a
 * compare-and-swap of the branch ref, hooks off, each carrying a `Missionc-Step` trailer so that a
 * commit is never made twice however often the runner is killed and resumed.
 */

export const STEP_TRAILER = "Missionc-Step";
const SAFE = ["core.hooksPath=/dev/null", "core.fsmonitor=false", "commit.gpgSign=false"];
const IDENTITY = { name: "missionc", email: "missionc@localhost" };

export class GitError extends Error {}

/*
 * SILENT: simple-git waits 50 ms after every git process that printed nothing (its heuristic for
 * output still in flight; no option turns it off), which was half a second of an offline `hello`
 * run. Calls are written to print something where git can say what it did (`add --verbose`, a
 * `worktree add` that reports, `branch` that refuses an existing branch), and none is made twice.
 */

/**
 * Git as the runner runs it: hooks pointed at nothing (simple-git must be told that this is allowed),
 * and an environment with nothing secret in it, since a filter an agent planted in the repository's
 * config would run inside the runner's own `git add`.
 */
function gitAt(baseDir: string): SimpleGit {
  return simpleGit({ baseDir, config: SAFE, unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true } }).env(gitEnv());
}

function gitEnv(): Record<string, string> {
  return { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/", LANG: "C" };
}

export async function repositoryRoot(dir: string): Promise<string> {
  try {
    return (await simpleGit({ baseDir: dir }).revparse(["--show-toplevel"])).trim();
  } catch {
    throw new GitError(`${dir} is not in a git repository; a mission works on a git repository (init one with \`git init\` and commit)`);
  }
}

/** Keeps `.missions/` out of `git status` without touching the user's .gitignore. */
export function excludeStateDir(root: string): void {
  const gitDir = join(root, ".git");
  if (!existsSync(gitDir)) return;
  const exclude = join(gitDir, "info", "exclude");
  mkdirSync(join(gitDir, "info"), { recursive: true });
  const text = existsSync(exclude) ? readFileSync(exclude, "utf8") : "";
  if (!text.split("\n").includes(".missions/")) appendFileSync(exclude, `${text && !text.endsWith("\n") ? "\n" : ""}.missions/\n`);
}

/** What the runner needs of git; MissionGit is the real one (a benchmark hands in a stand-in to measure the rest). */
export interface Workspace {
  prepare(): Promise<string>;
  head(): Promise<string>;
  resetTo(commit: string): Promise<void>;
  findStepCommit(step: string, base: string): Promise<string | undefined>;
  commit(message: string, step: string, date: string): Promise<{ commit: string; tree: string } | undefined>;
  diff(from: string, to: string): Promise<string>;
}

export class MissionGit implements Workspace {
  private readonly repo: SimpleGit;

  constructor(
    readonly root: string,
    readonly worktree: string,
    readonly branch: string,
  ) {
    this.repo = gitAt(root);
  }

  /** The branch (from the repository's HEAD when new) and its worktree; returns the branch's head. */
  async prepare(): Promise<string> {
    const head = (
      await this.repo.raw(["rev-parse", "--verify", "--quiet", "HEAD"]).catch((e: Error) => {
        if (/not permitted|unsafe/i.test(e.message)) throw e;
        return "";
      })
    ).trim();
    if (!head)
      throw new GitError(`the repository at ${this.root} has no commit yet; commit something first (the mission branch starts from HEAD)`);
    // made when missing; git refuses, saying so, when it is there (one call, and never a silent one: see SILENT)
    await this.repo.raw(["branch", this.branch, head]).catch((e: Error) => {
      if (!/already exists/.test(e.message)) throw e;
    });
    if (!existsSync(join(this.worktree, ".git"))) {
      await this.repo.raw(["worktree", "prune"]);
      rmSync(this.worktree, { recursive: true, force: true });
      await this.repo.raw(["worktree", "add", this.worktree, this.branch]).catch((e: Error) => {
        const already = /already (checked out|used by worktree) at '([^']+)'/.exec(e.message);
        if (already)
          throw new GitError(
            `the mission branch \`${this.branch}\` is checked out at ${already[2]}; check out another branch there (the runner works on the branch in its own worktree)`,
          );
        throw new GitError(`git could not make the mission's worktree: ${e.message.trim().split("\n")[0]}`);
      });
    }
    return this.head();
  }

  private get wt(): SimpleGit {
    return gitAt(this.worktree);
  }

  async head(): Promise<string> {
    return (await this.repo.raw(["rev-parse", `refs/heads/${this.branch}`])).trim();
  }

  /** A crash mid-git leaves index.lock behind; the runner holds the mission lock, so it is ours to remove. */
  private clearStaleIndexLock(): void {
    const gitFile = join(this.worktree, ".git");
    if (!existsSync(gitFile)) return;
    const pointer = readFileSync(gitFile, "utf8")
      .match(/gitdir:\s*(.+)/)?.[1]
      ?.trim();
    if (pointer) rmSync(join(pointer, "index.lock"), { force: true });
  }

  /** Puts the worktree back at `commit`: tracked files reset, untracked ones removed (ignored ones kept). */
  async resetTo(commit: string): Promise<void> {
    this.clearStaleIndexLock();
    await this.wt.raw(["update-ref", `refs/heads/${this.branch}`, commit]);
    await this.wt.raw(["reset", "--hard", "--quiet", commit]);
    await this.wt.raw(["clean", "-fdq"]);
  }

  /** The commit whose trailer names `step`, on the branch since `base`, if one was made. */
  async findStepCommit(step: string, base: string): Promise<string | undefined> {
    const log = await this.repo.raw([
      "log",
      `--format=%H%x00%(trailers:key=${STEP_TRAILER},valueonly)%x01`,
      `${base}..refs/heads/${this.branch}`,
    ]);
    for (const entry of log.split("\x01")) {
      const [sha, value] = entry.trim().split("\x00");
      if (sha && value?.trim() === step) return sha;
    }
    return undefined;
  }

  /** Commits everything in the worktree; `undefined` when nothing changed. */
  async commit(message: string, step: string, date: string): Promise<{ commit: string; tree: string } | undefined> {
    this.clearStaleIndexLock();
    const parent = await this.head();
    await this.wt.raw(["add", "-A", "--verbose"]);
    const tree = (await this.wt.raw(["write-tree"])).trim();
    const parentTree = (await this.wt.raw(["rev-parse", `${parent}^{tree}`])).trim();
    if (tree === parentTree) return undefined;
    const env = {
      ...gitEnv(),
      GIT_AUTHOR_NAME: IDENTITY.name,
      GIT_AUTHOR_EMAIL: IDENTITY.email,
      GIT_COMMITTER_NAME: IDENTITY.name,
      GIT_COMMITTER_EMAIL: IDENTITY.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
    const commit = (
      await this.wt.env(env).raw(["commit-tree", tree, "-p", parent, "-m", message, "-m", `${STEP_TRAILER}: ${step}`])
    ).trim();
    // compare-and-swap: refused if the branch moved since `parent` was read
    // (the index already holds `tree`, written from it: the branch's move is the whole commit)
    await this.wt.raw(["update-ref", `refs/heads/${this.branch}`, commit, parent]);
    return { commit, tree };
  }

  async diff(from: string, to: string): Promise<string> {
    return this.repo.raw(["diff", "--no-color", "--no-ext-diff", from, to]);
  }

  async log(base: string): Promise<{ sha: string; subject: string; tree: string }[]> {
    const out = await this.repo.raw(["log", "--reverse", "--format=%H%x00%s%x00%T", `${base}..refs/heads/${this.branch}`]);
    return out
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [sha, subject, tree] = l.split("\x00");
        return { sha: sha, subject: subject, tree: tree };
      });
  }
}
