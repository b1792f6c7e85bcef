import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path";

/**
 * Every path an agent names is resolved inside the repository or refused: no absolute paths, no
 * `..` out of it, no symlink (however deep, even a dangling one) that leads out, nothing in `.git`
 * or `.missions`. Messages never echo the host's absolute paths.
 */

export class PathRefused extends Error {}

const FORBIDDEN = [".git", ".missions"];

/** Follows symlinks component by component, as far as the path exists, to where it really leads. */
function realTarget(root: string, candidate: string, hops = 0): string {
  if (hops > 40) throw new PathRefused("too many symbolic links");
  const parts = relative(root, candidate).split(sep).filter(Boolean);
  let current = root;
  for (let i = 0; i < parts.length; i++) {
    const next = join(current, parts[i]);
    let st;
    try {
      st = lstatSync(next);
    } catch {
      return join(next, ...parts.slice(i + 1)); // does not exist yet: nothing further to follow
    }
    if (st.isSymbolicLink()) {
      const link = readlinkSync(next);
      const target = isAbsolute(link) ? normalize(link) : resolve(dirname(next), link);
      const rest = join(target, ...parts.slice(i + 1));
      if (!inside(root, target)) throw new PathRefused("it leads outside the repository through a symbolic link");
      return realTarget(root, rest, hops + 1);
    }
    current = next;
  }
  return current;
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

/** The absolute path for an agent's relative path, or PathRefused saying why. */
export function confine(rootGiven: string, path: string): string {
  if (typeof path !== "string" || path === "") throw new PathRefused("a path is required");
  if (path.includes("\0")) throw new PathRefused("the path holds a NUL byte");
  if (isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path))
    throw new PathRefused("absolute paths are refused; give a path relative to the repository root");
  const root = realpathSync(rootGiven);
  const lexical = resolve(root, path);
  if (!inside(root, lexical)) throw new PathRefused("`..` leads outside the repository");
  const real = realTarget(root, lexical);
  if (!inside(root, real)) throw new PathRefused("it leads outside the repository");
  const top = relative(root, real).split(sep)[0];
  // `.git` too, for reading: a worktree's `.git` file names the repository by its absolute path on
  // the host; history is for `git log` through run_command
  if (top && FORBIDDEN.includes(top)) throw new PathRefused(`\`${top}\` is the runner's, not the agent's`);
  return real;
}

export function shown(root: string, abs: string): string {
  return relative(realpathSync(root), abs).split(sep).join("/") || ".";
}
