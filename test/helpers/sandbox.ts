import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe } from "vitest";
import { Bubblewrap, findBubblewrap, SandboxUnavailable, Unconfined, type Sandbox } from "../../src/sandbox/sandbox.js";

/**
 * Where bubblewrap runs (CI installs it: .ci/run), the tests that prove the sandbox run; elsewhere
 * they are skipped with a visible message, and the runner's other tests run `--no-sandbox`.
 */
function probe(): string | { reason: string } {
  try {
    return findBubblewrap();
  } catch (e) {
    if (e instanceof SandboxUnavailable) return { reason: e.message };
    throw e;
  }
}

const found = probe();
export const bwrapPath: string | undefined = typeof found === "string" ? found : undefined;
if (typeof found !== "string") console.warn(`sandbox tests skipped: ${found.reason}`);

export const describeSandboxed = bwrapPath ? describe : describe.skip;

/** The sandbox a run of the runner's would give a worktree (its package cache beside it). */
export function sandboxFor(worktree: string, gitDir?: string): Sandbox {
  if (!bwrapPath) return new Unconfined();
  const cache = join(worktree, "..", ".cache-" + worktree.split("/").pop());
  mkdirSync(cache, { recursive: true });
  return new Bubblewrap(bwrapPath, { worktree, cache, private: `${cache}-private`, ...(gitDir ? { gitDir } : {}) });
}

/** `--no-sandbox` where no sandbox can start, so the CLI tests run everywhere. */
export const SANDBOX_FLAGS: string[] = bwrapPath ? [] : ["--no-sandbox"];
