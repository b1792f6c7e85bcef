import { dirname } from "node:path";
import { INSIDE, type Network } from "./policy.js";

/**
 * The bubblewrap command line for one confined command: every namespace new (the network shared
 * only when it is `full`), no capability, a non-root uid, the system read-only, a private /tmp, an
 * empty home with the mission's package cache, the worktree read-write, the repository's `.git`
 * read-only (git reads work; `git add` does not), and nothing else of the host: not the user's
 * working tree, not the state folder, not other homes. A pure function of its inputs.
 */

export interface Mount {
  host: string;
  inside: string;
  writable: boolean;
}

export interface BwrapSpec {
  network: Network;
  /** the working directory: read-write, or read-only (the package cache too) for a role without `write` */
  worktree: string;
  readOnlyWorktree?: boolean;
  /** the repository's git directory, read-only */
  gitDir?: string;
  /** a copy of its config without credentials (git-config.ts), shown in the real one's place */
  gitConfig?: string;
  /** the mission's package cache, read-write at INSIDE.cache */
  cache: string;
  mounts?: Mount[];
  /** how the host's top-level system folders are: a symbolic link (usr-merged) or a folder */
  system: { path: string; link?: string }[];
  /** the node installation, when it lies outside the system folders */
  nodePrefix?: string;
  /** the file descriptor the seccomp program is read from (network `none`) */
  seccompFd?: number;
}

/**
 * What of /etc the sandbox's uid could read although it is not the agent's: inside, the uid is the
 * caller's, mapped, so a file only its owner may read is readable when the runner runs as root.
 */
export const MASKED = ["/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/sudoers", "/etc/ssh", "/etc/sudoers.d"];

export interface Masked {
  path: string;
  folder: boolean;
}

const WRITABLE_TOPS = ["/tmp", "/home", INSIDE.home];
const TMP_BYTES = 2 * 1024 ** 3;
const HOME_BYTES = 256 * 1024 ** 2;

/** The ancestors of the bind targets that bwrap would make writable, shallowest first. */
function skeleton(targets: string[], system: BwrapSpec["system"]): string[] {
  const out = new Set<string>();
  for (const t of targets) {
    const parts = t.split("/").filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join("/")}`;
      if (WRITABLE_TOPS.includes(dir) || system.some((s) => dir === s.path || dir.startsWith(`${s.path}/`))) continue;
      out.add(dir);
    }
  }
  return [...out].sort((a, b) => a.split("/").length - b.split("/").length);
}

/** `program`: the argv run inside (a shell and its command, or the relay in front of them) */
export function bwrapArgs(spec: BwrapSpec, program: readonly string[], masked: readonly Masked[] = []): string[] {
  const args = ["--unshare-all", "--unshare-user", "--disable-userns"];
  if (spec.network === "full") args.push("--share-net");
  args.push(
    "--uid",
    String(INSIDE.uid),
    "--gid",
    String(INSIDE.gid),
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    "--new-session",
    "--hostname",
    "missionc",
  );
  for (const s of spec.system) {
    if (s.link !== undefined) args.push("--symlink", s.link, s.path);
    else args.push("--ro-bind", s.path, s.path);
  }
  if (spec.nodePrefix) args.push("--ro-bind", spec.nodePrefix, spec.nodePrefix);
  for (const m of masked) args.push(...(m.folder ? ["--tmpfs", m.path] : ["--ro-bind", "/dev/null", m.path]));
  // the private /tmp and the home are memory: bounded, so that filling them cannot take the machine's
  args.push("--proc", "/proc", "--dev", "/dev", "--size", String(TMP_BYTES), "--tmpfs", "/tmp");
  args.push("--size", String(HOME_BYTES), "--tmpfs", dirname(INSIDE.home), "--dir", INSIDE.home);
  // a role that may not write leaves nothing behind for the next step, in its package cache either
  args.push(spec.readOnlyWorktree ? "--ro-bind" : "--bind", spec.cache, INSIDE.cache);
  // the folders leading to the worktree are made for the binds in a writable tmpfs (/tmp, /home):
  // read-only ones, so that writing beside the worktree fails instead of landing in the sandbox's tmpfs
  const targets = [spec.gitDir, spec.worktree, ...(spec.mounts ?? []).map((m) => m.inside)].filter((t): t is string => !!t);
  for (const dir of skeleton(targets, spec.system)) args.push("--perms", "0555", "--dir", dir);
  if (spec.gitDir) args.push("--ro-bind", spec.gitDir, spec.gitDir);
  if (spec.gitDir && spec.gitConfig) args.push("--ro-bind", spec.gitConfig, `${spec.gitDir}/config`);
  args.push(spec.readOnlyWorktree ? "--ro-bind" : "--bind", spec.worktree, spec.worktree);
  for (const m of spec.mounts ?? []) args.push(m.writable ? "--bind" : "--ro-bind", m.host, m.inside);
  if (spec.seccompFd !== undefined) args.push("--seccomp", String(spec.seccompFd));
  args.push("--remount-ro", "/", "--chdir", spec.worktree, "--", ...program);
  return args;
}
