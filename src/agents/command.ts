import { isSecretName } from "./secrets.js";
import { spawn } from "node:child_process";

/**
 * Runs a shell command the way every agent tool and validator does: in its own process group (so a
 * timeout or a resumed runner can kill everything it started), stdin closed, output capped, and an
 * environment without API keys.
 */

export interface CommandResult {
  command: string;
  exitCode: number;
  /** the last `cap` characters of stdout and stderr interleaved */
  output: string;
  truncated: boolean;
  timedOut: boolean;
  durationMs: number;
  pgid?: number;
}

/** The environment commands get: the runner's, minus anything that looks like a credential. */
export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (isSecretName(k) || k.startsWith("MISSIONC_CRASH")) continue;
    out[k] = v;
  }
  return out;
}

export function runCommand(
  command: string,
  options: { cwd: string; timeoutMs: number; cap?: number; onStart?: (pgid: number) => void; signal?: AbortSignal },
): Promise<CommandResult> {
  const cap = options.cap ?? 16_000;
  const started = Date.now();
  return new Promise((resolveResult) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd: options.cwd,
      env: scrubbedEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let truncated = false;
    let timedOut = false;
    const take = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (output.length > cap * 2) {
        output = output.slice(-cap);
        truncated = true;
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    };
    if (child.pid) options.onStart?.(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = (): void => killGroup();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (exitCode: number): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      killGroup(); // whatever it left running in its group goes with it
      if (output.length > cap) {
        output = output.slice(-cap);
        truncated = true;
      }
      resolveResult({
        command,
        exitCode,
        output,
        truncated,
        timedOut,
        durationMs: Date.now() - started,
        ...(child.pid ? { pgid: child.pid } : {}),
      });
    };
    child.on("error", (e) => {
      output += String(e.message);
      finish(127);
    });
    child.on("close", (code, signal) => finish(timedOut ? 124 : (code ?? (signal ? 128 + 9 : 1))));
  });
}
