import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./cases.js";

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (built `bin/missionc.js`) in a child process, as a user would. */
export function missionc(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): CliRun {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: "1",
    GITHUB_ACTIONS: undefined,
    FORCE_COLOR: undefined,
    ...options.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [join(ROOT, "bin/missionc.js"), ...args], {
    cwd: options.cwd ?? ROOT,
    env: env,
    encoding: "utf8",
    input: options.input ?? "",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No stack trace may reach a user: no `at file:line` frames, no internal-error banner. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text) || /internal error/.test(text);
}
