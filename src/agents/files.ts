import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  type Dirent,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { PathRefused } from "./confine.js";

/**
 * Reading and writing the files an agent names, after `confine` (confine.ts) has placed the path in
 * the repository. Only a regular file with one link is read or written: a FIFO would block the
 * runner (and again at every resume), a device never ends, and a file with a second hard link is
 * also a file elsewhere (`ln ../../../t.mission hl`). The checks are made on the open descriptor,
 * so nothing can be swapped in between; reads are capped before they happen (a sparse 1.5 GB file
 * once cost 2.2 GB of memory); writes go to a temporary file beside the target and are renamed over
 * it, so a link planted after the check is replaced, never written through.
 *
 * `confine` resolved the path a moment before it is opened; something running meanwhile (the app,
 * during user testing) can swap a folder on the way for a link out. So the folder is opened first
 * and checked where it really is (/proc/self/fd names it), and the file is then opened, made and
 * renamed through that folder's descriptor (`/proc/self/fd/N/name`, which is `openat`): a swap after
 * the check changes nothing.
 */

const UTF8_MAX = 4; // bytes a character may take

function refuseUnlessPlain(st: { isFile(): boolean; nlink: number }): void {
  if (!st.isFile()) throw new PathRefused("it is not a regular file (a pipe, a device or a folder)");
  if (st.nlink > 1) throw new PathRefused("it has another hard link, so it is also a file elsewhere");
}

const HAS_PROC = existsSync("/proc/self/fd");

/** Refuses an open descriptor that is not in the repository `root` (or is in its `.git` or `.missions`). */
function refuseUnlessInside(fd: number, root: string, folder: boolean): void {
  if (!HAS_PROC) return; // no /proc: confine's check is what there is
  const where = readlinkSync(`/proc/self/fd/${fd}`);
  const rel = relative(realpathSync(root), where);
  const first = rel.split(sep)[0];
  if (rel.startsWith("..") || isAbsolute(rel) || (rel === "" && !folder) || first === ".git" || first === ".missions")
    throw new PathRefused("a folder on its way was swapped for a link out of the repository");
}

/**
 * The folder that holds `abs`, reached from the repository's root one folder at a time, each opened
 * with O_NOFOLLOW through the descriptor of the one before (so no component can be a link, however
 * it is swapped meanwhile), and made where missing when `make` says so; then a way to name a file in
 * it that no later swap can redirect. `close` when done.
 */
function folderOf(abs: string, root: string, make = false): { at: (name: string) => string; close: () => void } {
  return openFolder(dirname(abs), root, make);
}

/** The folder `dir` itself, reached as folderOf reaches a file's. */
function openFolder(dir: string, root: string, make = false): { at: (name: string) => string; close: () => void } {
  if (!HAS_PROC) {
    if (make) mkdirSync(dir, { recursive: true });
    return { at: (name) => join(dir, name), close: () => undefined };
  }
  const top = realpathSync(root);
  const rel = relative(top, dir);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new PathRefused("it leads outside the repository");
  let dfd = openSync(top, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    for (const part of rel.split(sep).filter(Boolean)) {
      const next = `/proc/self/fd/${dfd}/${part}`;
      if (make) {
        try {
          mkdirSync(next);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
      }
      const fd = openSync(next, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      closeSync(dfd);
      dfd = fd;
    }
    refuseUnlessInside(dfd, root, true);
  } catch (e) {
    closeSync(dfd);
    if ((e as NodeJS.ErrnoException).code === "ELOOP" || (e as NodeJS.ErrnoException).code === "ENOTDIR")
      throw new PathRefused("a folder on its way is a link (it was swapped for one)");
    throw e;
  }
  const held = dfd;
  return { at: (name) => `/proc/self/fd/${held}/${name}`, close: () => closeSync(held) };
}

/** The entries of a folder of the repository, read through its descriptor (a swap cannot redirect it). */
export function readFolder(dir: string, root: string): Dirent[] {
  const folder = openFolder(dir, root);
  try {
    return readdirSync(folder.at(""), { withFileTypes: true });
  } finally {
    folder.close();
  }
}

/** At most `cap` characters of the file, and whether there was more. */
export function readPlainFile(abs: string, cap: number, root: string): { text: string; truncated: boolean } {
  const folder = folderOf(abs, root);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer; O_NOFOLLOW: a link swapped in now
    fd = openSync(folder.at(basename(abs)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } finally {
    folder.close();
  }
  try {
    refuseUnlessInside(fd, root, false);
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

/** Whether a write may replace what is at `path`: nothing, or a plain file (its mode is kept). */
function existingMode(path: string): number | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) throw new PathRefused("it is a symbolic link");
  refuseUnlessPlain(st);
  return st.mode & 0o7777;
}

/**
 * The temporary file is made (O_EXCL, a random name) in the checked folder, written, and renamed
 * over the target in the same folder, both named through the folder's descriptor.
 */
export function writePlainFile(abs: string, content: string, root: string): void {
  const folder = folderOf(abs, root, true);
  try {
    const target = folder.at(basename(abs));
    const mode = existingMode(target);
    const temp = folder.at(`.${basename(abs)}.missionc-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
    let made = false;
    try {
      const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      made = true;
      try {
        const bytes = Buffer.from(content, "utf8");
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
        if (mode !== undefined) fchmodSync(fd, mode);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
      made = false;
    } finally {
      if (made) rmSync(temp, { force: true });
    }
  } finally {
    folder.close();
  }
}
