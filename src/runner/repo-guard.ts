import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * The parts of a repository's git directory that run code for whoever uses it next: its config
 * (`core.fsmonitor`, `core.hooksPath`, `filter.*`), its hooks, its attributes. No agent has a reason
 * to change them, and the sandbox shows them read-only; without a sandbox an agent could plant a
 * command the user's next `git status` runs. The guard remembers them as the run found them and,
 * after each step, puts back whatever changed, naming it.
 */

interface Entry {
  bytes: Buffer;
  mode: number;
}

function watched(commonDir: string): string[] {
  const out = ["config", "config.worktree", "info/attributes"].map((p) => join(commonDir, p));
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (st) out.push(p);
    }
  };
  walk(join(commonDir, "hooks"), 0);
  try {
    for (const w of readdirSync(join(commonDir, "worktrees"))) out.push(join(commonDir, "worktrees", w, "config.worktree"));
  } catch {
    /* no linked worktree yet */
  }
  return out;
}

function read(path: string): Entry | undefined {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return { bytes: Buffer.from(`symlink`), mode: -1 };
    return { bytes: readFileSync(path), mode: st.mode & 0o7777 };
  } catch {
    return undefined;
  }
}

export class RepositoryGuard {
  private constructor(
    private readonly commonDir: string,
    private readonly saved: Map<string, Entry>,
  ) {}

  static take(commonDir: string): RepositoryGuard {
    const saved = new Map<string, Entry>();
    for (const p of watched(commonDir)) {
      const e = read(p);
      if (e) saved.set(p, e);
    }
    return new RepositoryGuard(commonDir, saved);
  }

  /** The watched files changed since `take`, each put back as it was (or removed when new). */
  restore(): string[] {
    const changed: string[] = [];
    const now = new Set(watched(this.commonDir));
    for (const p of new Set([...now, ...this.saved.keys()])) {
      const before = this.saved.get(p);
      const after = read(p);
      if (before === undefined && after === undefined) continue;
      if (before && after && before.mode === after.mode && before.bytes.equals(after.bytes)) continue;
      changed.push(relative(this.commonDir, p));
      rmSync(p, { force: true, recursive: true });
      if (before && before.mode >= 0) {
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, before.bytes);
        chmodSync(p, before.mode);
      }
    }
    return changed.sort();
  }
}
