import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PathRefused } from "./sandbox.js";

/**
 * Reading and writing the files an agent names, after `confine` (sandbox.ts) has placed the path in
 * the repository. Only a regular file with one link is read or written: a FIFO would block the
 * runner (and again at every resume), a device never ends, and a file with a second hard link is
 * also a file elsewhere (`ln ../../../t.mission hl`). The checks are made on the open descriptor,
 * so nothing can be swapped in between; reads are capped before they happen (a sparse 1.5 GB file
 * once cost 2.2 GB of memory); writes go to a temporary file beside the target and are renamed over
 * it, so a link planted after the check is replaced, never written through.
 */

const UTF8_MAX = 4; // bytes a character may take

function refuseUnlessPlain(st: { isFile(): boolean; nlink: number }): void {
  if (!st.isFile()) throw new PathRefused("it is not a regular file (a pipe, a device or a folder)");
  if (st.nlink > 1) throw new PathRefused("it has another hard link, so it is also a file elsewhere");
}

/** At most `cap` characters of the file, and whether there was more. */
export function readPlainFile(abs: string, cap: number): { text: string; truncated: boolean } {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer; O_NOFOLLOW: a link swapped in now
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
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

export function writePlainFile(abs: string, content: string): void {
  const mode = existingMode(abs);
  const temp = join(dirname(abs), `.${basename(abs)}.missionc-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temp, content, { flag: "wx", mode: 0o644 });
    if (mode !== undefined) {
      const fd = openSync(temp, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        fchmodSync(fd, mode);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temp, abs);
  } finally {
    rmSync(temp, { force: true });
  }
}
