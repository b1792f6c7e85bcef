import { renderPretty } from "../diagnostics/render-pretty.js";
import { runMission, type RunOptions, type RunOutcome } from "../runner/run.js";
import { EXIT } from "./errors.js";
import { colourFor, write, writeError } from "./output.js";
import { readStatus } from "../control/status.js";

export interface RunFlags {
  offline?: boolean;
  script?: string;
  until?: string;
  replan?: boolean;
  adopt?: boolean;
  record?: string;
  /** false with --no-sandbox (cac's negated flag) */
  sandbox?: boolean;
  notifyEnv?: string;
}

function clock(started: number): string {
  const s = Math.floor((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * The hook a test reaches through the environment of a real CLI process: MISSIONC_CRASH_AFTER_APPEND=N
 * kills the process (SIGKILL) once the N-th journal event is on disk (a torn journal is made so).
 */
function testHooks(): Pick<RunOptions, "afterAppend"> {
  const crashAt = Number(process.env["MISSIONC_CRASH_AFTER_APPEND"] ?? 0);
  if (crashAt <= 0) return {};
  return {
    afterAppend: (e) => {
      if (e.seq === crashAt) process.kill(process.pid, "SIGKILL");
    },
  };
}

/** Runs a mission in this process, printing progress; SIGINT stops it after the current turn. */
export async function runAndReport(file: string, flags: RunFlags): Promise<RunOutcome> {
  const started = Date.now();
  const signal: { interrupted: boolean; by?: string } = { interrupted: false };
  // SIGTERM and SIGHUP (kill, timeout, a cancelled CI job, a closed terminal) stop the run like ^C:
  // the model call is abandoned, the app under test and the browser are stopped on the way out
  const onSignal = (name: NodeJS.Signals, code: number) => (): void => {
    if (signal.interrupted) process.exit(code); // a second signal: leave now (started apps are killed at exit); the journal resumes it
    signal.interrupted = true;
    signal.by = name;
    writeError(
      `${name === "SIGINT" ? "interrupt" : name}: stopping after the current turn (${name === "SIGINT" ? "^C" : name} again to leave at once)`,
    );
  };
  const handlers = [
    ["SIGINT", onSignal("SIGINT", 130)],
    ["SIGTERM", onSignal("SIGTERM", 143)],
    ["SIGHUP", onSignal("SIGHUP", 129)],
  ] as const;
  for (const [name, h] of handlers) process.on(name, h);
  const onUsr = (): void => undefined; // `missionc pause` / `msg` wake us; the inbox is read at the next turn
  process.on("SIGUSR2", onUsr);
  try {
    return await runMission({
      ...testHooks(),
      missionFile: file,
      offline: flags.offline === true,
      ...(flags.script ? { script: flags.script } : {}),
      ...(flags.until ? { until: flags.until } : {}),
      replan: flags.replan === true,
      ...(flags.adopt === true ? { adopt: true } : {}),
      signal,
      ...(flags.record ? { record: flags.record } : {}),
      ...(flags.sandbox === false ? { sandbox: false } : {}),
      ...(typeof flags.notifyEnv === "string" ? { notifyEnv: flags.notifyEnv } : {}),
      progress: (line) => write(`[${clock(started)}] ${line}\n`),
    });
  } finally {
    for (const [name, h] of handlers) process.off(name, h);
    process.off("SIGUSR2", onUsr);
  }
}

export function summary(outcome: RunOutcome): string {
  if (!("layout" in outcome)) return "";
  const st = readStatus(outcome.layout);
  const roles = Object.entries(st.cache_read_share.by_role)
    .map(([r, v]) => `${r} ${(v * 100).toFixed(1)}%`)
    .join(", ");
  return (
    `${st.features.done}/${st.features.total} features done · ${st.tokens.total} tokens${st.tokens.estimated ? " (estimated)" : ""} · ${st.elapsed_seconds}s · cost $${st.cost.usd.toFixed(4)}\n` +
    `cache reads: ${(st.cache_read_share.total * 100).toFixed(1)}% of input tokens${roles ? ` (${roles})` : ""}${st.tokens.estimated ? ", simulated: a provider's prefix cache serving the scripted agents' requests" : ""}\n` +
    `worktree ${outcome.layout.worktree}\n`
  );
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const outcome = await runAndReport(file, flags);
  return finish(outcome);
}

export function finish(outcome: RunOutcome): number {
  switch (outcome.status) {
    case "errors":
      writeError(
        renderPretty(
          outcome.diagnostics.filter((d) => d.severity === "error"),
          (f) => outcome.sources.get(f),
          colourFor(process.stderr),
        ),
      );
      writeError(`error: ${outcome.message}`);
      return EXIT.findings;
    case "usage":
      writeError(`error: ${outcome.message}`);
      return EXIT.usage;
    case "locked":
      writeError(`error: ${outcome.message}`);
      return EXIT.locked;
    case "paused":
      write(`paused: ${outcome.message}\nresume with \`missionc run\` on the same mission file\n${summary(outcome)}`);
      return EXIT.paused;
    default:
      write(`${outcome.summary}\n${summary(outcome)}`);
      return EXIT.ok;
  }
}
