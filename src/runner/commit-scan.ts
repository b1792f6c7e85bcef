import { spawn } from "node:child_process";

/**
 * Whether any blob a commit adds holds a secret: every new or changed file, read whole from git's
 * object store through one `git cat-file --batch`, in chunks (a 1.5 GB file is never in memory at
 * once), each chunk searched with the end of the one before it so that a key across a boundary is
 * found. Files are read as bytes (latin1): a key in a binary file is still a key.
 */

/** The longest text a finder must see whole: longer than any key in any of its forms. */
const OVERLAP = 4096;

export type Finder = (text: string) => boolean;

/** `git diff-tree -r -z` output: the blobs the second tree has that the first did not. */
export function addedBlobs(diffTree: string): string[] {
  const blobs: string[] = [];
  const fields = diffTree.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // ":100644 100644 <old> <new> M" then the path
    const meta = (fields[i] ?? "").replace(/^:/, "").split(" ");
    const [, newMode, , newSha, status] = meta;
    if (!newSha || (status ?? "").startsWith("D") || newMode === "160000" || /^0+$/.test(newSha)) continue;
    blobs.push(newSha);
  }
  return blobs;
}

/** Streams the blobs through `find`; resolves true at the first hit (and stops reading). */
export function blobsHold(blobs: string[], find: Finder, git: { cwd: string; env: NodeJS.ProcessEnv }): Promise<boolean> {
  if (blobs.length === 0) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: git.cwd, env: git.env, stdio: ["pipe", "pipe", "pipe"] });
    let header = "";
    let left = 0; // bytes of the current blob still to come (then one newline)
    let carry = "";
    let done = false;
    let stderr = "";
    const finish = (hit: boolean, error?: Error): void => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      if (error) reject(error);
      else resolve(hit);
    };
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length && !done) {
        if (left === 0) {
          const nl = chunk.indexOf(10, at);
          if (nl < 0) {
            header += chunk.toString("latin1", at);
            return;
          }
          header += chunk.toString("latin1", at, nl);
          at = nl + 1;
          if (header === "") continue; // the newline after a blob
          const size = Number(header.split(" ")[2]);
          if (!Number.isFinite(size)) return finish(false, new Error(`git cat-file: ${header}`));
          header = "";
          carry = "";
          left = size;
          continue;
        }
        const take = Math.min(left, chunk.length - at);
        const text = carry + chunk.toString("latin1", at, at + take);
        if (find(text)) return finish(true);
        carry = text.slice(-OVERLAP);
        left -= take;
        at += take;
      }
    });
    child.on("error", (e) => finish(false, e));
    child.on("close", (code) => {
      if (done) return;
      if (code === 0) finish(false);
      else finish(false, new Error(`git cat-file exited ${code}: ${stderr.trim()}`));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(blobs.map((b) => `${b}\n`).join(""));
  });
}
