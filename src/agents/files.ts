import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { PathRefused } from "./sandbox.js";

/**
 * Reading and writing the files an agent names, after `confine` (sandbox.ts) has placed the path in
 * the repository. Only a regular file with one link is read or written: a FIFO would block the
 * runner (and again at every resume), a device never ends, and a file with a second hard link is
 * also a file elsewhere (`ln ../../../t.mission hl`). The checks are made on the open descriptor,
 * so nothing can be swapped in between; reads are capped before they happen (a sparse 1.5 GB file
 * once cost 2.2 GB of memory); writes go to a temporary file beside the target and are renamed over
 * it, so a link planted after the check is replaced, never written through.
 *
 * `confine` resolved the path a moment before it is opened; something running meanwhile (the app,
 * during user testing) can swap a folder on the way for a link out. So what was opened is checked
 * too: /proc/self/fd names where the descriptor really is, and it must be inside the repository.
 */

const UTF8_MAX = 4; // bytes a character may take

function refuseUnlessPlain(st: { isFile(): boolean; nlink: number }): void {
  if (!st.isFile()) throw new PathRefused("it is not a regular file (a pipe, a device or a folder)");
  if (st.nlink > 1) throw new PathRefused("it has another hard link, so it is also a file elsewhere");
}

/** Refuses an open descriptor that is not in the repository `root` (or is in its `.git` or `.missions`). */
function refuseUnlessInside(fd: number, root: string): void {
  if (!existsSync("/proc/self/fd")) return; // no /proc: confine's check is what there is
  const where = readlinkSync(`/proc/self/fd/${fd}`);
  const top = realpathSync(root);
  const rel = relative(top, where);
  const first = rel.split(sep)[0];
  if (rel.startsWith("..") || rel === "" || where === rel || first === ".git" || first === ".missions")
    throw new PathRefused("a folder on its way was swapped for a link out of the repository while it was opened");
}

/** At most `cap` characters of the file, and whether there was more. */
export function readPlainFile(abs: string, cap: number, root: string): { text: string; truncated: boolean } {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer; O_NOFOLLOW: a link swapped in now
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    refuseUnlessInside(fd, root);
    const st = fstatSync(fd);
    refuseUnlessPlain(st);
    const limit = Math.min(st.size, cap * UTF8_MAX);
    const buf = Buffer.alloc(limit);
    let read = 0;
    while (read < limit) {
      const n = readSync(fd, buf, read, limit - read, read);
      if (n === 0) break;
      read += n;
    }
    const text = buf.subarray(0, read).toString("utf8");
    return text.length > cap || st.size > read ? { text: text.slice(0, cap), truncated: true } : { text, truncated: false };
  } finally {
    closeSync(fd);
  }
}

/** Whether a write may replace what is at `abs`: nothing, or a plain file (its mode is kept). */
function existingMode(abs: string): number | undefined {
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) throw new PathRefused("it is a symbolic link");
  refuseUnlessPlain(st);
  return st.mode & 0o7777;
}

/**
 * The temporary file is made (O_EXCL, a random name) and checked to be in the repository before a
 * byte is written; the rename then finds it only where it was made, so a folder swapped after the
 * check makes the rename fail rather than land elsewhere.
 */
export function writePlainFile(abs: string, content: string, root: string): void {
  const mode = existingMode(abs);
  const temp = join(dirname(abs), `.${basename(abs)}.missionc-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  let made = false;
  try {
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    made = true;
    try {
      refuseUnlessInside(fd, root);
      const bytes = Buffer.from(content, "utf8");
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      if (mode !== undefined) fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, abs);
    made = false;
  } finally {
    if (made) rmSync(temp, { force: true });
  }
}
