import { simpleGit } from "simple-git";
import { COMPLETION } from "../runner/git.js";

/**
 * The code a mission changed, from git: lines added and removed between the mission's base commit
 * and its branch, the share of them in test files, and the size of the code at the branch's head.
 */

export interface FileChange {
  path: string;
  added: number;
  removed: number;
}

export interface CodeFigures {
  files_changed: number;
  lines_added: number;
  lines_removed: number;
  /** added + removed */
  lines_changed: number;
  test_lines_changed: number;
  /** test lines changed / lines changed (0 when nothing changed) */
  test_share: number;
  /** text lines in the branch's files at its head */
  size_lines: number;
  size_files: number;
}

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** DESIGN §8: files under `test/`, `tests/`, `__tests__/`, or named `*.test.*` / `*.spec.*`. */
export function isTestFile(path: string): boolean {
  return /(^|\/)(test|tests|__tests__)\//.test(path) || /\.(test|spec)\.[^/]+$/.test(path);
}

export function codeFigures(changes: readonly FileChange[], tree: readonly FileChange[]): CodeFigures {
  let added = 0,
    removed = 0,
    tests = 0;
  for (const c of changes) {
    added += c.added;
    removed += c.removed;
    if (isTestFile(c.path)) tests += c.added + c.removed;
  }
  const changed = added + removed;
  return {
    files_changed: changes.length,
    lines_added: added,
    lines_removed: removed,
    lines_changed: changed,
    test_lines_changed: tests,
    test_share: changed ? Math.round((tests / changed) * 10000) / 10000 : 0,
    size_lines: tree.reduce((n, f) => n + f.added, 0),
    size_files: tree.length,
  };
}

/** `git diff --numstat -z` as data (paths as they are, not quoted); binary files (`-`) have no lines and are left out. */
function numstat(text: string): FileChange[] {
  return text
    .split("\0")
    .filter(Boolean)
    .flatMap((entry) => {
      const [a, r, path] = entry.split("\t");
      if (a === "-" || r === "-" || path === undefined) return [];
      return [{ path, added: Number(a), removed: Number(r) }];
    });
}

/** The figures of the mission branch against its base; undefined when git cannot say (no branch yet). */
export async function measureCode(repo: string, base: string, branch: string): Promise<CodeFigures | undefined> {
  try {
    const git = simpleGit({ baseDir: repo, completion: COMPLETION });
    const head = (await git.revparse([`refs/heads/${branch}`])).trim();
    const changes = numstat(await git.raw(["diff", "--numstat", "-z", "--no-renames", "--no-textconv", "--no-ext-diff", base, head]));
    const tree = numstat(await git.raw(["diff", "--numstat", "-z", "--no-textconv", "--no-ext-diff", EMPTY_TREE, head]));
    return codeFigures(changes, tree);
  } catch {
    return undefined;
  }
}
