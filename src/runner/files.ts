import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A file of a mission's state (the journal, the stored plan) that cannot be used as it is: one clear
 * line and exit 2 for the person, never a guess past the damage and never a stack trace.
 */
export class StateDamaged extends Error {}

/** Durable file writes: the data is on disk, and so is the name that points at it. */

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Temporary file, fsync, rename, fsync of the folder: a reader sees the old file or the new one, never half. */
export function writeDurable(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/**
 * Temporary file and rename, without fsync: for views of the journal (handoffs/, validation/) that a
 * resumed runner writes again, so a reader never sees half a file and the journal stays the truth.
 */
export function writeAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
