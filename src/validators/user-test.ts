import { join } from "node:path";
import { systemPrompt } from "../agents/prompts.js";
import type { AppInReach } from "../agents/tools.js";
import { permissionFor } from "../plan/lower.js";
import type { PlanPermission } from "../plan/types.js";
import { ALL_TOOLS } from "../agents/toolbox.js";
import { BrowserSession, findChromium } from "../agents/browser.js";
import { appUrl } from "../agents/loopback.js";
import type { Plan } from "../plan/types.js";
import { Stop, type RunContext } from "../runner/context.js";
import type { Verdict } from "../runner/state.js";
import { logTail, startApp, type RunningApp } from "./app.js";
import { acceptVerdicts } from "./verdicts.js";

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

function assertionList(ctx: RunContext, ids: string[]): string {
  return ids.map((id) => `- ${id}: ${ctx.plan.contract.find((a) => a.id === id)?.text}`).join("\n");
}

export async function userTest(
  ctx: RunContext,
  milestone: string,
  round: number,
  ids: string[],
  procedure: ProcedureRunner,
): Promise<void> {
  const run = `user_test:${milestone}#${round}`;
  if (ids.length === 0 || ctx.state.milestones.get(milestone)!.verdicts.get(round)?.has(run)) return;
  const start = ctx.plan.procedures["start"];
  const give = (verdicts: Verdict[]): void => {
    ctx.record("verdicts", { milestone, round, run, verdicts });
  };
  if (!start) {
    ctx.progress(`  user testing — user_tester ${ctx.plan.roles.user_tester}`);
    const prompt = `# User testing of milestone ${milestone}\n\nExercise the software as a user would (no app is started for you: use run_command) and judge each assertion:\n\n${assertionList(ctx, ids)}`;
    give(await judge(ctx, run, prompt, ids));
    return;
  }
  const install = ctx.plan.procedures["install"];
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
  const log = join(ctx.layout.logs, `app-${label}.log`);
  const problem = startProblem(ctx.plan);
  if (problem) throw new Stop(problem, "paused");
  const ready = start.ready!;
  ctx.progress(`  start the app: \`${start.command}\`${ready ? `, waiting for ${ready}` : ""}`);
  let app: RunningApp | undefined;
  let browser: BrowserSession | undefined;
  try {
    const began = Date.now();
    // nothing of the app has run yet when its address is taken: a human frees it, no round is spent
    const started = await startApp({
      command: start.command,
      cwd: ctx.layout.worktree,
      sandbox: ctx.sandbox,
      ready,
      timeoutMs: (start.timeout_seconds ?? DEFAULT_READY_S) * 1000,
      log,
      onStart: (pgid) => ctx.recordCommand(`app:${label}`, pgid),
    });
    if (!started.ok && started.busy) throw new Stop(`user testing of ${milestone} cannot start the app: ${started.reason}`, "paused");
    const check = {
      kind: "procedure" as const,
      name: "start",
      command: start.command,
      exit_code: started.ok ? 0 : 1,
      duration_ms: Date.now() - began,
      blob: ctx.blobs.put(started.ok ? logTail(log) : `${started.reason}\n${logTail(log)}`),
    };
    ctx.record("check_result", { milestone, round, kind: "procedure", name: "start", check });
    if (!started.ok) {
      ctx.progress(`  the app did not start: ${started.reason}`);
      give(ids.map((id) => ({ assertion: id, verdict: "unverified", evidence: `the app could not be tested: ${started.reason}` })));
      return;
    }
    app = started.app;
    ctx.record("app_started", { milestone, round, pgid: app.pgid, ready, ready_ms: started.readyMs, log: `logs/app-${label}.log` });
    const chromium = findChromium();
    browser = new BrowserSession(chromium, ready, {
      dir: join(ctx.layout.validation, "screenshots"),
      prefix: label,
      shown: "validation/screenshots",
    });
    ctx.progress(
      `  user testing at ${new URL(ready).origin} — user_tester ${ctx.plan.roles.user_tester}${chromium ? " (with a headless browser)" : " (no browser installed)"}`,
    );
    const prompt = [
      `# User testing of milestone ${milestone}`,
      `The app is running at ${ready} (started with \`${start.command}\`). Exercise it as a user would and judge each assertion:`,
      assertionList(ctx, ids),
      appTools(permissionFor(ctx.plan, "user_tester", ctx.plan.roles.user_tester), ready, chromium !== undefined),
    ].join("\n\n");
    give(
      await judge(ctx, run, prompt, ids, {
        base: ready,
        browser,
        ...(app.socketDir ? { socketDir: app.socketDir } : {}),
      }),
    );
  } finally {
    await browser?.close();
    if (app) {
      await app.stop();
      ctx.record("app_stopped", { milestone, round, pgid: app.pgid });
      ctx.progress("  the app is stopped");
    }
  }
}

async function judge(ctx: RunContext, run: string, prompt: string, ids: string[], app?: AppInReach): Promise<Verdict[]> {
  const outcome = await ctx.agent(
    "user_tester",
    ctx.plan.roles.user_tester,
    {
      run,
      system: ctx.system("user_tester", () => systemPrompt("user_tester", ctx.plan)),
      prompt,
      tools: ALL_TOOLS,
      permission: permissionFor(ctx.plan, "user_tester", ctx.plan.roles.user_tester),
      terminal: "submit_verdicts",
      accept: acceptVerdicts(ids),
      maxTurns: ctx.settings.maxTurns,
      maxInvalid: ctx.settings.maxInvalid,
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
