import { constants, createReadStream, lstatSync, openSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * Whether any file a commit would add holds a secret: every new or changed file of the worktree,
 * read from disk before `git add` (so that a refused key never reaches git's object store), in chunks
 * (a 1.5 GB file is never in memory at once), each chunk searched with the end of the one before it
 * so that a key across a boundary is found. Files are read as bytes (latin1): a key in a binary
 * file is still a key; a symbolic link is its target's name, as git stores it.
 */

/** The longest text a finder must see whole: longer than any key in any of its forms. */
const OVERLAP = 4096;

export type Finder = (text: string) => boolean;

/** Streams the files (worktree-relative paths) through `find`; true at the first hit. */
export async function filesHold(root: string, paths: string[], find: Finder): Promise<boolean> {
  for (const path of paths) {
    const abs = join(root, path);
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink()) {
      if (find(readlinkSync(abs, "latin1"))) return true;
      continue;
    }
    if (!st.isFile()) continue; // git adds no pipe, socket or device
    let carry = "";
    // O_NOFOLLOW | O_NONBLOCK: the file was plain a moment ago; if it was swapped since, it fails here
    const fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stream = createReadStream(abs, { fd, encoding: "latin1", highWaterMark: 1 << 20 });
    try {
      for await (const chunk of stream) {
        const text = carry + (chunk as string);
        if (find(text)) return true;
        carry = text.slice(-OVERLAP);
      }
    } finally {
      stream.destroy();
    }
  }
  return false;
}
