import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { absolute, nodeHost, type SourceHost } from "../syntax/host.js";
import { InputError } from "./errors.js";

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Mission files as commands are given them: `-` is the text on stdin, a directory every `.mission` file under it. */
export function missionArguments(args: string[], cwd: string): { paths: string[]; host: SourceHost } {
  const base = nodeHost(cwd);
  const stdinPath = absolute(STDIN, cwd);
  let stdin: string | undefined;
  const host: SourceHost = {
    ...base,
    read: (abs) => (abs === stdinPath ? { text: (stdin ??= readFileSync(0, "utf8")) } : base.read(abs)),
    exists: (abs) => abs === stdinPath || base.exists(abs),
    display: (abs) => (abs === stdinPath ? STDIN : base.display(abs)),
  };
  const paths = args.flatMap((a) => {
    if (a === "-" || a === STDIN) return [STDIN];
    const abs = absolute(a, cwd);
    return isDirectory(abs) ? missionFilesUnder(abs).map((f) => relative(cwd, f) || f) : [a];
  });
  return { paths, host };
}

export const STDIN = "<stdin>";
const SKIPPED = new Set(["node_modules", ".git", ".missions"]);

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

function missionFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...missionFilesUnder(path));
    else if (entry.name.endsWith(".mission")) out.push(path);
  }
  return out;
}
