import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";

/**
 * Which process is which, so that a pid the kernel has handed to someone else is never signalled:
 * a process is the one recorded only if its start time (field 22 of /proc/<pid>/stat) is the same.
 * Where /proc is not there, the start time is unknown and only liveness is checked.
 */

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
  } catch {
    return undefined;
  }
}

export function startTime(pid: number): string | undefined {
  return stat(pid)?.[19];
}

export function isAlive(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const fields = stat(pid);
  if (fields && fields[0] === "Z") return false; // a zombie has finished; it only waits to be reaped
  return start === undefined || fields === undefined || fields[19] === start;
}

/** Kills a process group a dead runner left running, if its leader is still the process recorded. */
export function killLeftover(pgid: number, start?: string): boolean {
  if (!isAlive(pgid, start)) return false;
  try {
    process.kill(-pgid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group is still running. A zombie has finished (it only waits for its
 * parent to reap it), so a group of zombies is gone; without /proc, the kernel's answer is taken.
 */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    entries = [];
  }
  if (entries.length === 0) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  }
  return entries.some((pid) => {
    const fields = stat(Number(pid));
    return fields !== undefined && fields[2] === String(pgid) && fields[0] !== "Z";
  });
}

/**
 * Whether a process has `file` open: how `pause` and `msg` tell the mission's runner (it holds the
 * journal open from start to end) from any process a lock file might name. Unknown without /proc: no.
 */
export function holdsOpen(pid: number, file: string): boolean {
  let target: string;
  try {
    target = realpathSync(file);
  } catch {
    return false;
  }
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === target;
    } catch {
      return false;
    }
  });
}

/**
 * Whether a process is `missionc run` by its command line (/proc/<pid>/cmdline): node running
 * missionc's entry with the `run` command. With holdsOpen, what tells the runner from a process that
 * merely reads its journal (a `tail -f`) or that a lock file names.
 */
export function isMissionRunner(pid: number): boolean {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return false;
  }
  const entry = args.findIndex((a) => /(^|\/)missionc(\.js)?$/.test(a));
  return entry >= 0 && args.slice(entry + 1).includes("run");
}
