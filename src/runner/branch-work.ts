import { execFileSync } from "node:child_process";

/** The trailer that marks a commit as missionc's, naming the step that made it. */
export const STEP_TRAILER = "Missionc-Step";

/**
 * How many of the newest commits on `branch` missionc made (they carry the step trailer): the work
 * `status` can still see when the journal that records it is gone. Git without simple-git (status
 * need not load it), with nothing of the repository's configuration run: `log` runs no filter or
 * hook, and what it could run (fsmonitor, a signature check through `gpg.program`) is turned off,
 * as the runner's own git does; 0 when there is no such branch or no git.
 */
export function stepCommitsOn(repo: string, branch: string, newest = 1000): number {
  try {
    const out = execFileSync(
      "git",
      [
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "log.showSignature=false",
        "log",
        "--no-show-signature",
        `--max-count=${newest}`,
        `--format=%(trailers:key=${STEP_TRAILER},valueonly)%x00`,
        `refs/heads/${branch}`,
        "--",
      ],
      {
        cwd: repo,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: process.env["HOME"] ?? "/", LANG: "C" },
      },
    );
    return out.split("\0").filter((t) => t.trim()).length;
  } catch {
    return 0;
  }
}
