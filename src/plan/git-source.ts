import { join, posix, relative, sep } from "node:path";
import { simpleGit } from "simple-git";
import type { SourceHost } from "../syntax/host.js";

/**
 * `REV:path`: a mission as it was at a git revision, read through simple-git. The compiler's host is
 * synchronous, so files are fetched ahead: a pass over the mission records the files it asked for
 * and did not have (includes, skills), they are fetched, and the pass runs again until none is missing.
 */

export class GitSideError extends Error {}

export interface GitSide {
  abs: string;
  text: string;
  host: SourceHost;
  /** run `pass` until it asks for no file that has not been fetched */
  settle<T>(pass: (host: SourceHost) => T): Promise<T>;
}

export function isRevSpec(arg: string): boolean {
  // `C:\...` is a Windows path, not a revision
  return /^[^:\\/][^:]*:/.test(arg) && !/^[A-Za-z]:[\\/]/.test(arg);
}

export async function openGitSide(spec: string, cwd = process.cwd()): Promise<GitSide> {
  const colon = spec.indexOf(":");
  const rev = spec.slice(0, colon);
  const given = spec.slice(colon + 1);
  const git = simpleGit({ baseDir: cwd, completion: { onClose: true, onExit: false } }); // all its output read (runner/git.ts, COMPLETION);
  let root: string;
  let prefix: string;
  try {
    root = (await git.revparse(["--show-toplevel"])).trim();
    prefix = (await git.revparse(["--show-prefix"])).trim();
  } catch {
    throw new GitSideError(`cannot read ${spec}: ${cwd} is not in a git repository`);
  }
  try {
    await git.revparse(["--verify", `${rev}^{commit}`]);
  } catch {
    throw new GitSideError(`cannot read ${spec}: \`${rev}\` is not a revision in this repository`);
  }
  // like git: `REV:./x` and `REV:../x` are relative to the working directory, `REV:x` to the top
  const inRepo = /^\.\.?\//.test(given) ? posix.normalize(posix.join(prefix, given)) : posix.normalize(given);
  const abs = join(root, ...inRepo.split("/"));
  const cache = new Map<string, { text: string } | { error: string }>();
  const fetch = async (file: string): Promise<void> => {
    const rel = relative(root, file).split(sep).join("/");
    if (rel.startsWith("..")) {
      cache.set(file, { error: `is outside the repository` });
      return;
    }
    try {
      cache.set(file, { text: await git.show([`${rev}:${rel}`]) });
    } catch {
      cache.set(file, { error: `does not exist at ${rev}` });
    }
  };
  await fetch(abs);
  const first = cache.get(abs)!;
  if ("error" in first) throw new GitSideError(`cannot read ${spec}: ${inRepo} ${first.error}`);
  const missing = new Set<string>();
  const host: SourceHost = {
    read: (file) => cache.get(file) ?? (missing.add(file), { error: "is being fetched" }),
    exists: (file) => {
      const c = cache.get(file);
      if (!c) missing.add(file);
      return c !== undefined && "text" in c;
    },
    list: () => [],
    display: (file) => `${rev}:${relative(root, file).split(sep).join("/")}`,
  };
  return {
    abs,
    text: first.text,
    host,
    async settle(pass) {
      for (let round = 0; round < 64; round++) {
        missing.clear();
        const result = pass(host);
        if (missing.size === 0) return result;
        await Promise.all([...missing].map(fetch));
      }
      throw new GitSideError(`cannot read ${spec}: too many files to fetch`);
    },
  };
}
