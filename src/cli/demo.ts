import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "./errors.js";
import { finish, runAndReport } from "./run.js";
import { write } from "./output.js";
import { findBubblewrap, SandboxUnavailable } from "../sandbox/sandbox.js";

/**
 * `missionc demo`: examples/hello, copied into a new scratch git repository outside the checkout,
 * run offline from its script. The missionc checkout is never touched; the path is printed.
 */
export async function demoCommand(): Promise<number> {
  const source = fileURLToPath(new URL("../../examples/hello", import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), "missionc-demo-"));
  cpSync(source, dir, { recursive: true });
  const git = (...args: string[]): void => {
    execFileSync(
      "git",
      ["-c", "user.name=missionc demo", "-c", "user.email=demo@missionc.invalid", "-c", "core.hooksPath=/dev/null", ...args],
      { cwd: dir, stdio: "ignore" },
    );
  };
  try {
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "The hello example");
  } catch (e) {
    throw new InputError(`cannot make a git repository in ${dir}: ${(e as Error).message}`);
  }
  // its agents are a script that ships with missionc: without a sandbox it still runs, saying so
  let sandbox = true;
  try {
    findBubblewrap();
  } catch (e) {
    if (!(e instanceof SandboxUnavailable)) throw e;
    sandbox = false;
    write(`demo: no sandbox here (${e.message.split(";")[0]}); the demo's scripted agents run without one\n`);
  }
  write(`demo: examples/hello copied to ${dir} (a new git repository); running it offline\n\n`);
  const outcome = await runAndReport(join(dir, "hello.mission"), { offline: true, ...(sandbox ? {} : { sandbox: false }) });
  const code = finish(outcome);
  write(
    `\nthe result: ${dir}\n  git -C ${dir} log --oneline mission/hello     the commits\n  missionc status ${dir}                         where the mission stands\n`,
  );
  return code;
}
