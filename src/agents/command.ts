import { spawnLaunch, type LaunchOptions, type Sandbox } from "../sandbox/sandbox.js";
import type { Network } from "../sandbox/policy.js";

/**
 * Runs a shell command the way every agent tool and validator does: in the run's sandbox, in its own
 * process group (so a timeout or a resumed runner can kill everything it started), stdin closed,
 * output capped. Under bubblewrap the command's shell is the sandbox's last process: when it exits,
 * the pid namespace goes and everything it left running goes with it.
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

export function runCommand(
  command: string,
  options: {
    cwd: string;
    sandbox: Sandbox;
    network: Network;
    readOnly?: boolean;
    relay?: LaunchOptions["relay"];
    timeoutMs: number;
    cap?: number;
    onStart?: (pgid: number) => void;
    signal?: AbortSignal;
  },
): Promise<CommandResult> {
  const cap = options.cap ?? 16_000;
  const started = Date.now();
  return new Promise((resolveResult) => {
    const launch = options.sandbox.launch(command, {
      network: options.network,
      ...(options.readOnly ? { readOnly: true } : {}),
      ...(options.relay ? { relay: options.relay } : {}),
    });
    const child = spawnLaunch(launch, options.cwd, ["ignore", "pipe", "pipe"]);
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
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
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
