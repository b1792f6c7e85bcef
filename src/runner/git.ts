import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  appendFileSync,
  lstatSync,
  writeFileSync,
} from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { execFile } from "node:child_process";
import { simpleGit, type SimpleGit } from "simple-git";
import { filesHold, type Finder } from "./commit-scan.js";
import { STEP_TRAILER } from "./branch-work.js";

/**
 * Git as the runner uses it, through simple-git: the mission branch, a worktree for it that agents
 * work in (the user's own working tree is never touched), and commits made with plumbing and a
 * compare-and-swap of the branch ref, hooks off, each carrying a `Missionc-Step` trailer so that a
 * commit is never made twice however often the runner is killed and resumed.
 *
 * The worktree is the agents': everything in it is untrusted, its `.git` file included. So the
 * runner names the git directory and the work tree itself (never discovering them from the
 * worktree), and runs git with hooks, fsmonitor and every filter the configuration defines turned
 * off: a `.gitattributes` naming a filter would otherwise run a command inside the runner's `git add`.
 */

export { STEP_TRAILER };
const SAFE = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "commit.gpgSign=false",
  "log.showSignature=false",
  "core.sshCommand=false",
];
const IDENTITY = { name: "missionc", email: "missionc@localhost" };

export class GitError extends Error {}

/**
 * simple-git by default takes a git process as finished 50 ms after it exits, with whatever output
 * it read by then; on a loaded machine (a stalled event loop) that can be none of it, and an empty
 * `rev-parse` became "the current folder". Finished means closed: all its output read.
 */
export const COMPLETION = { onClose: true, onExit: false } as const;

/*
 * SILENT: simple-git waits 50 ms after every git process that printed nothing (its heuristic for
 * output still in flight; no option turns it off), which was half a second of an offline `hello`
 * run. Calls that print something go through simple-git; those that may print nothing (update-ref,
 * a new branch, worktree prune, listings that can be empty) run through `listing`, directly.
 */

/**
 * Git as the runner runs it: hooks pointed at nothing, the configuration's filters off (simple-git
 * must be told that configuring these is allowed: it refuses `-c filter.*` and the like by default,
 * and a filter in the user's own config, as `git lfs install` writes, then stopped every run), and
 * an environment with nothing secret in it, in case a filter an agent planted slipped through.
 */
function gitAt(baseDir: string, dirs: { gitDir: string; workTree?: string }, config: readonly string[] = []): SimpleGit {
  return simpleGit({
    baseDir,
    completion: COMPLETION,
    config: [...SAFE, ...config],
    unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true, allowUnsafeSshCommand: true, allowUnsafeFilter: true },
  }).env(gitEnv(dirs));
}

/**
 * Git for the calls that often print nothing (a listing of no untracked file, no filter in the
 * config): run directly, since simple-git waits 50 ms after each silent one (see SILENT).
 */
function listing(
  cwd: string,
  dirs: { gitDir: string; workTree?: string },
  args: string[],
  config: readonly string[] = [],
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...[...SAFE, ...config].flatMap((c) => ["-c", c]), ...args],
      { cwd, env: gitEnv(dirs), maxBuffer: 1 << 30, encoding: "utf8" },
      (error, stdout, stderr) => {
        // `git config --get-regexp` exits 1 when nothing matches: an empty answer, not a failure
        if (error && !(error.code === 1 && stdout === "" && stderr === "")) reject(new GitError(stderr.trim() || error.message));
        else resolve(stdout);
      },
    );
  });
}

function gitEnv(dirs?: { gitDir: string; workTree?: string }): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: process.env["HOME"] ?? "/",
    LANG: "C",
    ...(dirs ? { GIT_DIR: dirs.gitDir } : {}),
    ...(dirs?.workTree ? { GIT_WORK_TREE: dirs.workTree } : {}),
  };
}

/**
 * `-c filter.<name>.{clean,smudge,process}=` for every filter the configuration names (an empty
 * command is no filter): config-defined filters are commands, and none of them is the runner's.
 */
function filtersOff(configListing: string): string[] {
  const names = new Set<string>();
  for (const line of configListing.split("\n")) {
    const m = /^filter\.(.+)\.[^.\s]+(\s|$)/i.exec(line);
    if (m) names.add(m[1]);
  }
  return [...names].flatMap((n) => [`filter.${n}.clean=`, `filter.${n}.smudge=`, `filter.${n}.process=`, `filter.${n}.required=false`]);
}

export async function repositoryRoot(dir: string): Promise<string> {
  try {
    const root = (await simpleGit({ baseDir: dir, completion: COMPLETION }).revparse(["--show-toplevel"])).trim();
    if (root) return root;
  } catch {
    /* below */
  }
  throw new GitError(`${dir} is not in a git repository; a mission works on a git repository (init one with \`git init\` and commit)`);
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

/** The repository's git directory (shared by its worktrees), read from the user's repository. */
export function commonDirOf(root: string): string {
  const dotGit = join(root, ".git");
  let dir = dotGit;
  // a repository that is itself a linked worktree or a submodule has a `.git` file
  if (existsSync(dotGit) && !statSync(dotGit).isDirectory()) {
    const pointer = /gitdir:\s*(.+)/.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim() ?? dotGit;
    dir = isAbsolute(pointer) ? pointer : resolve(root, pointer);
    const common = join(dir, "commondir");
    if (existsSync(common)) dir = resolve(dir, readFileSync(common, "utf8").trim());
  }
  return realpathSync(dir);
}

/** A commit made, nothing to commit (undefined), or a diff the runner refused to commit. */
export type Committed = { commit: string; tree: string; nested?: string[] } | { refused: string } | undefined;

/** What the runner needs of git; MissionGit is the real one (a benchmark hands in a stand-in to measure the rest). */
export interface Workspace {
  prepare(): Promise<string>;
  /** makes the worktree again if an agent removed it (a stand-in without one need not) */
  ensureWorktree?(): Promise<void>;
  head(): Promise<string>;
  resetTo(commit: string): Promise<void>;
  findStepCommit(step: string, base: string): Promise<string | undefined>;
  /** `secret`: finds a secret in text; a commit whose new files hold one is refused */
  commit(message: string, step: string, date: string, secret?: Finder): Promise<Committed>;
  diff(from: string, to: string): Promise<string>;
  /** what the mission branch holds beyond `base` (before the mission starts, beyond the repository's HEAD) */
  history?(base?: string): Promise<BranchHistory>;
}

/** The mission branch's commits beyond a point, by who made them: the runner's carry a step trailer. */
export interface BranchHistory {
  exists: boolean;
  /** commits with a `Missionc-Step` trailer, oldest first, and the step each names */
  steps: { commit: string; step: string }[];
  /** commits without a `Missionc-Step` trailer, oldest first */
  foreign: { commit: string; subject: string }[];
}

export class MissionGit implements Workspace {
  private commonDirCache: string | undefined;

  constructor(
    readonly root: string,
    readonly worktree: string,
    readonly branch: string,
  ) {}

  get commonDir(): string {
    this.commonDirCache ??= commonDirOf(this.root);
    return this.commonDirCache;
  }

  /** Git on the repository itself (branches, refs, log): no work tree. */
  private get repo(): SimpleGit {
    return gitAt(this.root, { gitDir: this.commonDir });
  }

  /**
   * The worktree's administrative folder, found from the repository's side: the worktree whose
   * `gitdir` file names our worktree. Its own `.git` file is the agents' to rewrite.
   */
  worktreeGitDir(): string | undefined {
    const admin = join(this.commonDir, "worktrees");
    const wanted = join(this.worktree, ".git");
    let names: string[];
    try {
      names = readdirSync(admin);
    } catch {
      return undefined;
    }
    for (const name of names) {
      try {
        if (readFileSync(join(admin, name, "gitdir"), "utf8").trim() === wanted) return join(admin, name);
      } catch {
        /* a half-made entry */
      }
    }
    return undefined;
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
    await this.quiet(["branch", this.branch, head]).catch((e: Error) => {
      if (!/already exists/.test(e.message)) throw e;
    });
    await this.ensureWorktree();
    return this.head();
  }

  /**
   * Makes the worktree again when it is gone (an agent's `rm -rf` of it, with or without its
   * `.git` file): from the mission branch, which holds every step that was committed.
   */
  async ensureWorktree(): Promise<void> {
    const admin = this.worktreeGitDir();
    if (admin && existsSync(this.worktree)) {
      // the runner's git never reads it, but the agents' `git log` does: put back a pointer they broke
      const pointer = join(this.worktree, ".git");
      const wanted = `gitdir: ${admin}\n`;
      let now: string | undefined;
      try {
        now = lstatSync(pointer).isFile() ? readFileSync(pointer, "utf8") : undefined;
      } catch {
        now = undefined;
      }
      if (now !== wanted) {
        rmSync(pointer, { recursive: true, force: true });
        writeFileSync(pointer, wanted);
      }
      return;
    }
    await this.quiet(["worktree", "prune"]);
    const stale = this.worktreeGitDir();
    if (stale) rmSync(stale, { recursive: true, force: true });
    rmSync(this.worktree, { recursive: true, force: true });
    const config = filtersOff(await this.configListing());
    await gitAt(this.root, { gitDir: this.commonDir }, config)
      .raw(["worktree", "add", this.worktree, this.branch])
      .catch((e: Error) => {
        const already = /already (checked out|used by worktree) at '([^']+)'/.exec(e.message);
        if (already)
          throw new GitError(
            `the mission branch \`${this.branch}\` is checked out at ${already[2]}; check out another branch there (the runner works on the branch in its own worktree)`,
          );
        throw new GitError(`git could not make the mission's worktree: ${e.message.trim().split("\n")[0]}`);
      });
  }

  /** Git on the repository for a call that prints nothing when it succeeds (see `listing`). */
  private quiet(args: string[]): Promise<string> {
    return listing(this.root, { gitDir: this.commonDir }, args);
  }

  private async configListing(): Promise<string> {
    return listing(this.root, { gitDir: this.commonDir }, ["config", "--get-regexp", "^filter\\."]);
  }

  /**
   * A listing in the worktree (ls-files), run without simple-git's wait after silence, with the
   * filters off: `ls-files -m` runs a file's clean filter to see whether it changed.
   */
  private async worktreeListing(args: string[]): Promise<string> {
    const gitDir = this.worktreeGitDir();
    if (!gitDir) throw new GitError(`the mission's worktree at ${this.worktree} is not registered with the repository`);
    return listing(this.worktree, { gitDir, workTree: this.worktree }, args, filtersOff(await this.configListing()));
  }

  /** Git on the worktree, with its git directory named and the configuration's filters off. */
  private async wt(): Promise<SimpleGit> {
    await this.ensureWorktree();
    const gitDir = this.worktreeGitDir();
    if (!gitDir) throw new GitError(`the mission's worktree at ${this.worktree} is not registered with the repository`);
    return gitAt(this.worktree, { gitDir, workTree: this.worktree }, filtersOff(await this.configListing()));
  }

  async head(): Promise<string> {
    return (await this.repo.raw(["rev-parse", `refs/heads/${this.branch}`])).trim();
  }

  /** A crash mid-git leaves index.lock behind; the runner holds the mission lock, so it is ours to remove. */
  private clearStaleIndexLock(): void {
    const gitDir = this.worktreeGitDir();
    if (gitDir) rmSync(join(gitDir, "index.lock"), { force: true });
  }

  /** Puts the worktree back at `commit`: tracked files reset, untracked ones removed (ignored ones kept). */
  async resetTo(commit: string): Promise<void> {
    const wt = await this.wt();
    this.clearStaleIndexLock();
    await this.quiet(["update-ref", `refs/heads/${this.branch}`, commit]);
    await wt.raw(["reset", "--hard", "--quiet", commit]);
    await wt.raw(["clean", "-fdq"]);
  }

  async history(base?: string): Promise<BranchHistory> {
    const ref = `refs/heads/${this.branch}`;
    const exists = (await this.quiet(["for-each-ref", "--format=%(refname)", ref])).trim() === ref;
    if (!exists) return { exists, steps: [], foreign: [] };
    // before the mission: what the branch has that the repository's HEAD does not
    const from = base ?? (await this.quiet(["rev-parse", "--verify", "--quiet", "HEAD"]).catch(() => "")).trim();
    const log = await this.quiet([
      "log",
      "--reverse",
      `--format=%H%x00%s%x00%(trailers:key=${STEP_TRAILER},valueonly)%x01`,
      from ? `${from}..${ref}` : ref,
    ]);
    const steps: BranchHistory["steps"] = [];
    const foreign: BranchHistory["foreign"] = [];
    for (const entry of log.split("\x01")) {
      const [commit, subject, step] = entry.trim().split("\x00");
      if (!commit) continue;
      if (step?.trim()) steps.push({ commit, step: step.trim() });
      else foreign.push({ commit, subject: subject ?? "" });
    }
    return { exists, steps, foreign };
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
  async commit(message: string, step: string, date: string, secret?: Finder): Promise<Committed> {
    const wt = await this.wt();
    this.clearStaleIndexLock();
    const parent = await this.head();
    const nested = await this.nestedRepositories();
    if (secret) {
      const refused = await this.refusal(nested, secret);
      if (refused) return { refused };
    }
    // the pathspecs in a file: an agent's 50,000 nested repositories would not fit on a command line
    const pathspecs = join(this.worktreeGitDir() ?? this.commonDir, "missionc-pathspecs");
    writeFileSync(pathspecs, [".", ...nested.map((p) => `:(exclude,literal)${p}`)].join("\0"));
    try {
      await wt.raw(["add", "-A", "--verbose", `--pathspec-from-file=${pathspecs}`, "--pathspec-file-nul"]);
    } finally {
      rmSync(pathspecs, { force: true });
    }
    const tree = (await wt.raw(["write-tree"])).trim();
    const parentTree = (await wt.raw(["rev-parse", `${parent}^{tree}`])).trim();
    if (tree === parentTree) return undefined;
    const env = {
      ...gitEnv({ gitDir: this.commonDir }),
      GIT_AUTHOR_NAME: IDENTITY.name,
      GIT_AUTHOR_EMAIL: IDENTITY.email,
      GIT_COMMITTER_NAME: IDENTITY.name,
      GIT_COMMITTER_EMAIL: IDENTITY.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
    const commit = (
      await this.repo.env(env).raw(["commit-tree", tree, "-p", parent, "-m", message, "-m", `${STEP_TRAILER}: ${step}`])
    ).trim();
    // compare-and-swap: refused if the branch moved since `parent` was read
    // (the index already holds `tree`, written from it: the branch's move is the whole commit)
    await this.quiet(["update-ref", `refs/heads/${this.branch}`, commit, parent]);
    return { commit, tree, ...(nested.length ? { nested } : {}) };
  }

  /** Why the worktree's new and changed files may not be committed, if one of them holds a secret. */
  private async refusal(nested: string[], secret: Finder): Promise<string | undefined> {
    const inNested = (p: string) => nested.some((n) => p === n || p.startsWith(`${n}/`));
    const changed = (await this.worktreeListing(["ls-files", "-z", "-m", "-o", "--exclude-standard"]))
      .split("\0")
      .filter((p) => p && !p.endsWith("/") && !inNested(p));
    try {
      if (!(await filesHold(this.worktree, [...new Set(changed)], secret))) return undefined;
      return "the commit was refused: its files hold the value of a key this run loaded (plain, reversed or encoded); the work stays uncommitted";
    } catch (e) {
      return `the commit was refused: its files could not be checked for keys (${(e as Error).message.split("\n")[0]}); the work stays uncommitted`;
    }
  }

  /**
   * Git repositories inside the worktree (gitlinks in the index, and untracked folders with a `.git`
   * of their own), which `git add` would look into by running git there, with their config — a
   * filter an agent planted in one would run in the runner. They are left out of every commit.
   */
  private async nestedRepositories(): Promise<string[]> {
    const links = (await this.worktreeListing(["ls-files", "-s", "-z"]))
      .split("\0")
      .filter((l) => l.startsWith("160000 "))
      .map((l) => l.slice(l.indexOf("\t") + 1));
    const untracked = (await this.worktreeListing(["ls-files", "-o", "--exclude-standard", "-z"]))
      .split("\0")
      .filter((p) => p.endsWith("/"))
      .map((p) => p.slice(0, -1));
    return [...new Set([...links, ...untracked])].filter(Boolean).sort();
  }

  async diff(from: string, to: string): Promise<string> {
    return this.repo.raw(["diff", "--no-color", "--no-ext-diff", "--no-textconv", from, to]);
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
