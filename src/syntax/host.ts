import { readdirSync, readFileSync, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";

/** The file system as the compiler sees it: a small interface so tests and tools can hand in another. */
export interface SourceHost {
  /** The file's text, or why it cannot be read, as a predicate: "does not exist", "is a directory, …". */
  read(absPath: string): { text: string } | { error: string };
  exists(absPath: string): boolean;
  /** The names of the files in a directory (none when it cannot be read). */
  list(absDir: string): string[];
  /** The name a user knows the file by: relative to the working directory, with `/`. */
  display(absPath: string): string;
}

/**
 * Larger than any real mission; keeps a mistaken `check` of a huge file from exhausting memory. A
 * check needs up to about 20 times the file's size at its peak (1.1 GB for a 62 MB, 100,000-feature
 * mission), within the heap Node grants by default (2 GiB and more); MISSIONC_MAX_FILE_MB raises it.
 */
export const MAX_SOURCE_BYTES = 128 * 1024 * 1024;

/** The limit in force: MISSIONC_MAX_FILE_MB when it is a positive number, else MAX_SOURCE_BYTES. */
export function maxSourceBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env["MISSIONC_MAX_FILE_MB"]);
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : MAX_SOURCE_BYTES;
}

export function describeSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${bytes} bytes`;
}

export function nodeHost(cwd = process.cwd()): SourceHost {
  return {
    read(absPath) {
      let size: number;
      try {
        const st = statSync(absPath);
        if (st.isDirectory()) return { error: "is a directory, not a .mission file" };
        // a FIFO or a device would be read forever (its size says 0)
        if (!st.isFile()) return { error: "is not a regular file" };
        size = st.size;
      } catch {
        return { error: "does not exist" };
      }
      const limit = maxSourceBytes();
      if (size > limit)
        return {
          error: `is too large (${describeSize(size)}; the limit is ${describeSize(limit)}: set MISSIONC_MAX_FILE_MB to raise it, and NODE_OPTIONS=--max-old-space-size to give Node about 20 times the file's size)`,
        };
      let bytes: Buffer;
      try {
        bytes = readFileSync(absPath);
      } catch (e) {
        return { error: `cannot be read (${(e as NodeJS.ErrnoException).code ?? "I/O error"})` };
      }
      if (bytes.includes(0)) return { error: "is a binary file, not a .mission file" };
      try {
        return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "") };
      } catch {
        return { error: "is not valid UTF-8 text" };
      }
    },
    exists(absPath) {
      try {
        return statSync(absPath).isFile();
      } catch {
        return false;
      }
    },
    list(absDir) {
      try {
        return readdirSync(absDir, { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name);
      } catch {
        return [];
      }
    },
    display(absPath) {
      const rel = relative(cwd, absPath);
      return (rel === "" ? absPath : rel).split(sep).join("/");
    },
  };
}

export function absolute(path: string, cwd = process.cwd()): string {
  return resolve(cwd, path);
}
