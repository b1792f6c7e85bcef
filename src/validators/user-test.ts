import { join } from "node:path";
import { systemPrompt } from "../agents/prompts.js";
import type { AppInReach } from "../agents/tools.js";
import { permissionFor } from "../plan/lower.js";
import type { PlanPermission } from "../plan/types.js";
import { ALL_TOOLS } from "../agents/toolbox.js";
import { BrowserSession, findChromium } from "../agents/browser.js";
import { appUrl } from "../agents/loopback.js";
import type { Plan } from "../plan/types.js";
import { logTail, startApp, type RunningApp } from "./app.js";
import type { ValidationHost } from "./host.js";
import { acceptVerdicts, type Verdict } from "./verdicts.js";

/**
 * User testing: with a `start` procedure, the runner runs `install`, starts the app in its own
 * process group, waits for `ready`, and hands the user tester the milestone's assertions with tools
 * that exercise the app (http_request, run_command, browser_* where a Chromium is installed). The app
 * and the browser are stopped afterwards, whatever happened: a failed agent, a pause, an interrupt.
 */

export type ProcedureRunner = (name: string, command: string) => Promise<{ exit_code: number }>;

const DEFAULT_READY_S = 60;

/**
 * What is wrong with the `start` procedure for user testing, if anything: a mission-file problem,
 * reported before any work (`run` refuses it) and again here, never charged to the code as a round.
 */
export function startProblem(plan: Plan): string | undefined {
  const start = plan.procedures["start"];
  if (!start || !plan.steps.some((s) => s.kind === "validate" && s.validator === "user_testing")) return undefined;
  if (!start.ready)
    return 'the `start` procedure has no `ready` address, so the runner cannot tell when the app is up; add `{ ready "http://127.0.0.1:PORT/" }`';
  try {
    appUrl(start.ready, start.ready);
  } catch (e) {
    return `the \`ready\` address of \`start\` must be an http(s) URL on this machine (127.0.0.1, localhost or [::1]), the one user testing may reach: ${(e as Error).message}`;
  }
  return undefined;
}

function assertionList(host: ValidationHost, ids: string[]): string {
  return ids.map((id) => `- ${id}: ${host.plan.contract.find((a) => a.id === id)?.text}`).join("\n");
}

export async function userTest(
  host: ValidationHost,
  milestone: string,
  round: number,
  ids: string[],
  procedure: ProcedureRunner,
): Promise<void> {
  const run = `user_test:${milestone}#${round}`;
  if (ids.length === 0 || host.state.milestones.get(milestone)!.verdicts.get(round)?.has(run)) return;
  const start = host.plan.procedures["start"];
  const give = (verdicts: Verdict[]): void => {
    host.record("verdicts", { milestone, round, run, verdicts });
  };
  if (!start) {
    host.progress(`  user testing — user_tester ${host.plan.roles.user_tester}`);
    const prompt = `# User testing of milestone ${milestone}\n\nExercise the software as a user would (no app is started for you: use run_command) and judge each assertion:\n\n${assertionList(host, ids)}`;
    give(await judge(host, run, prompt, ids));
    return;
  }
  const install = host.plan.procedures["install"];
  if (install && (await procedure("install", install.command)).exit_code !== 0) {
    give(
      ids.map((id) => ({
        assertion: id,
        verdict: "unverified",
        evidence: `the app was not started: its \`install\` procedure (\`${install.command}\`) failed; see the validation report`,
      })),
    );
    return;
  }
  const label = `${milestone}-round${round}`;
  const log = join(host.layout.logs, `app-${label}.log`);
  const problem = startProblem(host.plan);
  if (problem) host.stop(problem);
  const ready = start.ready!;
  host.progress(`  start the app: \`${start.command}\`${ready ? `, waiting for ${ready}` : ""}`);
  let app: RunningApp | undefined;
  let browser: BrowserSession | undefined;
  try {
    const began = Date.now();
    // nothing of the app has run yet when its address is taken: a human frees it, no round is spent
    const started = await startApp({
      command: start.command,
      cwd: host.layout.worktree,
      sandbox: host.sandbox,
      ready,
      timeoutMs: (start.timeout_seconds ?? DEFAULT_READY_S) * 1000,
      log,
      onStart: (pgid) => host.recordCommand(`app:${label}`, pgid),
    });
    if (!started.ok && started.busy) host.stop(`user testing of ${milestone} cannot start the app: ${started.reason}`);
    const check = {
      kind: "procedure" as const,
      name: "start",
      command: start.command,
      exit_code: started.ok ? 0 : 1,
      duration_ms: Date.now() - began,
      blob: host.blobs.put(started.ok ? logTail(log) : `${started.reason}\n${logTail(log)}`),
    };
    host.record("check_result", { milestone, round, kind: "procedure", name: "start", check });
    if (!started.ok) {
      host.progress(`  the app did not start: ${started.reason}`);
      give(ids.map((id) => ({ assertion: id, verdict: "unverified", evidence: `the app could not be tested: ${started.reason}` })));
      return;
    }
    app = started.app;
    host.record("app_started", { milestone, round, pgid: app.pgid, ready, ready_ms: started.readyMs, log: `logs/app-${label}.log` });
    const chromium = findChromium();
    browser = new BrowserSession(chromium, ready, {
      dir: join(host.layout.validation, "screenshots"),
      prefix: label,
      shown: "validation/screenshots",
    });
    host.progress(
      `  user testing at ${new URL(ready).origin} — user_tester ${host.plan.roles.user_tester}${chromium ? " (with a headless browser)" : " (no browser installed)"}`,
    );
    const prompt = [
      `# User testing of milestone ${milestone}`,
      `The app is running at ${ready} (started with \`${start.command}\`). Exercise it as a user would and judge each assertion:`,
      assertionList(host, ids),
      appTools(permissionFor(host.plan, "user_tester", host.plan.roles.user_tester), ready, chromium !== undefined),
    ].join("\n\n");
    give(
      await judge(host, run, prompt, ids, {
        base: ready,
        browser,
        ...(app.socketDir ? { socketDir: app.socketDir } : {}),
      }),
    );
  } finally {
    await browser?.close();
    if (app) {
      await app.stop();
      host.record("app_stopped", { milestone, round, pgid: app.pgid });
      host.progress("  the app is stopped");
    }
  }
}

async function judge(host: ValidationHost, run: string, prompt: string, ids: string[], app?: AppInReach): Promise<Verdict[]> {
  const outcome = await host.agent(
    "user_tester",
    host.plan.roles.user_tester,
    {
      run,
      system: host.system("user_tester", () => systemPrompt("user_tester", host.plan)),
      prompt,
      tools: ALL_TOOLS,
      permission: permissionFor(host.plan, "user_tester", host.plan.roles.user_tester),
      terminal: "submit_verdicts",
      accept: acceptVerdicts(ids),
      maxTurns: host.settings.maxTurns,
      maxInvalid: host.settings.maxInvalid,
    },
    app ? { app } : {},
  );
  return outcome.kind === "done"
    ? outcome.value
    : ids.map((id) => ({ assertion: id, verdict: "unverified" as const, evidence: `the user tester gave no verdict: ${outcome.reason}` }));
}

/** How the user tester reaches the app, in the words of the tools its permission grants. */
function appTools(p: PlanPermission, ready: string, chromium: boolean): string {
  const parts = [
    p.tools.includes("http") ? `http_request (paths are relative to ${new URL(ready).origin})` : "",
    p.tools.includes("run") ? `run_command${p.network === "none" ? " (with no network: it cannot reach the app)" : ""}` : "",
    p.tools.includes("browser")
      ? chromium
        ? "browser_open / browser_click / browser_fill / browser_text / browser_screenshot (a headless Chromium; screenshots are kept as evidence)"
        : "no browser: none is installed on this machine"
      : "",
    p.tools.includes("read") ? "read-only file tools" : "",
  ].filter(Boolean);
  return `Your tools: ${parts.length ? parts.join(", ") : "none but your verdicts"}.`;
}
