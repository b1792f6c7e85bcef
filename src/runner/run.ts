import { appendFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { canonicalJson } from "../plan/canonical.js";
import { planFromMission } from "../plan/load.js";
import { readStoredPlan } from "./stored-plan.js";
import type { Plan } from "../plan/types.js";
import { nodeHost } from "../syntax/host.js";
import { loadScript, ScriptError, ScriptedProvider } from "../agents/scripted.js";
import { ProviderError, type Provider } from "../agents/provider.js";
import { buildProviders, MissingKey } from "../agents/providers.js";
import { Recorder, RecordingProvider } from "../agents/record.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { runCommand } from "../agents/command.js";
import { startProblem } from "../validators/user-test.js";
import { validateMilestone } from "../validators/validate.js";
import { Blobs, type BlobSink } from "./blobs.js";
import { RunContext, Stop, TurnInterrupted, type Progress, type RunSettings } from "./context.js";
import { writeDurable } from "./files.js";
import { handoffGate, messageGate, milestoneGate } from "./gates.js";
import { commonDirOf, excludeStateDir, GitError, MissionGit, repositoryRoot, type Workspace } from "./git.js";
import { Bubblewrap, findBubblewrap, SandboxUnavailable, Unconfined, UNCONFINED_WARNING, type Sandbox } from "../sandbox/sandbox.js";
import { implement } from "./implement.js";
import { checkProvenance } from "./provenance.js";
import { scriptProblems } from "../agents/script-check.js";
import { isMissionRunner } from "../sandbox/processes.js";
import { hostname } from "node:os";
import { RepositoryGuard } from "./repo-guard.js";
import { Journal, JournalCorrupt, loadJournal, type JournalEvent, type JournalSink } from "./journal.js";
import { defaultScriptPath, layoutOf, type Layout } from "./layout.js";
import { LockHeld, MissionLock, type RunnerProcess } from "./lock.js";
import { nextAction } from "./next.js";
import { Redactor } from "./redact.js";
import { secretValues } from "../agents/secrets.js";
import { fold } from "./state.js";
import { noticeOf, Notifier, owedNotices, webhookOf } from "./notify.js";

/**
 * `missionc run`: starts or resumes a mission. Everything it knows comes from the journal; each
 * action is chosen from the folded state, done, and journaled, until the mission is done, `--until`
 * is reached, or something stops it (pause, SIGINT, budget, rounds) — then it can be resumed.
 */

export interface RunOptions {
  missionFile: string;
  offline: boolean;
  script?: string;
  until?: string;
  replan?: boolean;
  /** take over commits on the mission branch that missionc did not make (journaled) */
  adopt?: boolean;
  progress: Progress;
  settings?: Partial<RunSettings>;
  /** set by the CLI's SIGINT / SIGTERM / SIGHUP handler */
  signal?: { interrupted: boolean; by?: string };
  /** --record: write every model turn to this script */
  record?: string;
  /** the git workspace; the real one unless a benchmark measures the runner without git */
  workspace?: (layout: Layout, branch: string) => Workspace;
  /** the process the lock and the journal name as the runner (default: this one; see RunnerProcess) */
  runner?: RunnerProcess;
  /** called once each journal event is on disk: where a crash harness stops the runner */
  afterAppend?: (event: JournalEvent) => void;
  /**
   * false: `--no-sandbox`, the person running the mission chose to run the agents' commands
   * unconfined (never the mission file's to choose)
   */
  sandbox?: boolean;
  /** called as each model call is made: a test counts that no journaled turn is asked for twice */
  onModelRequest?: (run: string, turn: number) => void;
  /** --notify-env: the environment variable that holds a webhook's URL (runner/notify.ts) */
  notifyEnv?: string;
  /** more variables whose values are secrets (the fleet's database URL): redacted, kept from commands */
  secretEnv?: string[];
  /** the fleet: the journal and the blobs are written to its database too, first */
  journalSink?: JournalSink;
  blobSink?: BlobSink;
}

export type RunOutcome =
  | { exit: 0; status: "done" | "until"; summary: string; layout: Layout }
  | { exit: 1; status: "errors"; diagnostics: Diagnostic[]; sources: Map<string, string>; message: string }
  | { exit: 2; status: "usage"; message: string }
  | { exit: 3; status: "paused"; message: string; layout: Layout }
  | { exit: 4; status: "locked"; message: string };

const DEFAULTS: RunSettings = { commandTimeoutMs: 120_000, maxTurns: 40, maxInvalid: 3, rerunCut: 0 };

/** The providers of a run: the script for every model offline, else one per model with its key. */
function providers(options: RunOptions, plan: Plan, worktree: string, sandbox: Sandbox): ((model: string) => Provider) | string {
  if (!options.offline) {
    try {
      const built = buildProviders(plan, worktree, sandbox);
      return (model) => {
        const p = built.get(model);
        if (!p) throw new ProviderError(`model \`${model}\` has no provider (a \`scripted\` model runs only with --offline)`);
        return p;
      };
    } catch (e) {
      if (e instanceof MissingKey) return e.message;
      throw e;
    }
  }
  const path = options.script ? resolve(options.script) : defaultScriptPath(options.missionFile);
  if (!existsSync(path)) return `--offline needs a script: none at ${path}${options.script ? "" : " (give one with --script FILE)"}`;
  try {
    const script = loadScript(path);
    const problems = scriptProblems(script, plan, path);
    if (problems.length) return `the script does not fit the mission:\n${problems.join("\n")}`;
    // one a model, each with the prefix cache its model's provider would have: no model reads what another wrote
    const scripted = new Map<string, ScriptedProvider>();
    return (model) => {
      let p = scripted.get(model);
      if (!p)
        scripted.set(model, (p = new ScriptedProvider(script, path, plan.models[model]?.provider === "openai" ? "openai" : "anthropic")));
      return p;
    };
  } catch (e) {
    if (e instanceof ScriptError) return e.message;
    throw e;
  }
}

export async function runMission(options: RunOptions): Promise<RunOutcome> {
  const loaded = planFromMission(options.missionFile, nodeHost());
  if (!loaded.ok) {
    if (loaded.diagnostics)
      return {
        exit: 1,
        status: "errors",
        diagnostics: loaded.diagnostics,
        sources: loaded.sources ?? new Map<string, string>(),
        message: loaded.reason,
      };
    return { exit: 2, status: "usage", message: loaded.reason };
  }
  const plan = loaded.plan;
  // `check` reports it (M0208); a run of it would call doing nothing a success
  if (plan.features.length === 0) return { exit: 2, status: "usage", message: `${options.missionFile} has no feature: nothing to do` };
  const start = startProblem(plan);
  if (start) return { exit: 2, status: "usage", message: `${options.missionFile}: ${start}` };
  if (options.until && !plan.milestones.some((m) => m.name === options.until)) {
    return {
      exit: 2,
      status: "usage",
      message: `--until: there is no milestone \`${options.until}\`; milestones: ${plan.milestones.map((m) => m.name).join(", ")}`,
    };
  }
  let root: string;
  try {
    root = await repositoryRoot(resolve(dirname(resolve(options.missionFile)), plan.mission.repo));
  } catch (e) {
    return { exit: 2, status: "usage", message: (e as Error).message };
  }
  const layout = layoutOf(root, plan.mission.name);
  // the values of every secret the run loaded: keys named like keys, and whatever api_key_env names
  const keyNames = Object.values(plan.models).flatMap((m) =>
    typeof m.options["api_key_env"] === "string" ? [m.options["api_key_env"]] : [],
  );
  const webhook = options.notifyEnv !== undefined ? webhookOf(options.notifyEnv) : undefined;
  if (typeof webhook === "object") return webhook;
  // a secret like a key: out of the agents' commands, out of everything written
  if (options.notifyEnv !== undefined) keyNames.push(options.notifyEnv);
  keyNames.push(...(options.secretEnv ?? []));
  let sandbox: Sandbox;
  if (options.sandbox === false) {
    sandbox = new Unconfined(keyNames);
    options.progress(UNCONFINED_WARNING);
  } else {
    try {
      sandbox = new Bubblewrap(findBubblewrap(), {
        worktree: layout.worktree,
        gitDir: commonDirOf(root),
        cache: layout.cache,
        private: join(layout.dir, "sandbox"),
      });
    } catch (e) {
      if (e instanceof SandboxUnavailable)
        return { exit: 2, status: "usage", message: `no sandbox for the agents' commands: ${e.message}` };
      throw e;
    }
  }
  const built = providers(options, plan, layout.worktree, sandbox);
  if (typeof built === "string") return { exit: 2, status: "usage", message: built };
  const recording = new Map<string, Provider>();
  const recorder = options.record ? new Recorder(resolve(options.record)) : undefined;
  const recorded = recorder
    ? (model: string) => {
        let p = recording.get(model);
        if (!p) {
          p = new RecordingProvider(built(model), recorder);
          recording.set(model, p);
        }
        return p;
      }
    : built;
  const observe = options.onModelRequest;
  const chosen = observe
    ? (model: string): Provider => {
        const p = recorded(model);
        return {
          name: p.name,
          complete: (request, signal) => {
            observe(request.run, request.turn);
            return p.complete(request, signal);
          },
        };
      }
    : recorded;
  mkdirSync(layout.dir, { recursive: true });
  excludeStateDir(root);
  let lock: MissionLock;
  try {
    lock = MissionLock.acquire(layout.lock, options.runner);
  } catch (e) {
    if (e instanceof LockHeld)
      return {
        exit: 4,
        status: "locked",
        message:
          e.holder.host === hostname() && e.holder.pid > 0 && !isMissionRunner(e.holder.pid)
            ? `${e.message}, but that process is not \`missionc run\`: if no runner of this mission is running, remove ${layout.lock}`
            : `${e.message}; wait for it, or stop it with \`missionc pause\``,
      };
    throw e;
  }
  try {
    return await drive(plan, layout, chosen, options, { sandbox, keyNames }, webhook);
  } finally {
    lock.release();
  }
}

async function drive(
  plan: Plan,
  layout: Layout,
  provider: (model: string) => Provider,
  options: RunOptions,
  confinement: { sandbox: Sandbox; keyNames: string[] },
  webhook: string | undefined,
): Promise<RunOutcome> {
  let journalEvents;
  try {
    const loaded = loadJournal(layout.journal);
    journalEvents = loaded.events;
    if (loaded.droppedBytes) options.progress(`journal: dropped a torn last line (${loaded.droppedBytes} bytes) left by a crash`);
  } catch (e) {
    if (e instanceof JournalCorrupt)
      return { exit: 2, status: "usage", message: `${e.message} (${layout.journal}); the runner will not guess past damage` };
    throw e;
  }
  const redactor = new Redactor(secretValues(process.env, confinement.keyNames));
  const journalExisted = existsSync(layout.journal); // before the Journal makes it
  let notifier: Notifier | undefined;
  const journal = new Journal(layout.journal, journalEvents, redactor, {
    ...(options.journalSink ? { sink: options.journalSink } : {}),
    afterAppend: (e) => {
      options.afterAppend?.(e);
      const notice = notifier && noticeOf(plan.mission.name, e);
      if (notice) notifier!.send(notice);
    },
  });
  const blobs = new Blobs(layout.blobs, redactor, options.blobSink);
  const git = options.workspace
    ? options.workspace(layout, plan.mission.branch)
    : new MissionGit(layout.repo, layout.worktree, plan.mission.branch);
  try {
    const storedPlan = existsSync(layout.plan) ? readStoredPlan(layout.plan) : undefined;
    const stored = storedPlan?.plan;
    let active = stored ?? plan;
    const state = fold(active, journalEvents);
    if (stored && stored.digest !== plan.digest) {
      if (!options.replan)
        return {
          exit: 2,
          status: "usage",
          message: `${options.missionFile} changed since this mission started; run again with --replan to accept the edit (features whose digest is unchanged stay done)`,
        };
      active = plan;
    }
    const log = (raw: string): void => {
      const line = redactor.redact(raw); // printed output passes the same filter as the journal
      options.progress(line);
      try {
        mkdirSync(layout.logs, { recursive: true });
        appendFileSync(join(layout.logs, "progress.log"), `${new Date().toISOString()} ${line}\n`);
      } catch {
        /* the log is a convenience */
      }
    };
    const ctx = new RunContext(
      active,
      layout,
      journal,
      blobs,
      fold(active, journalEvents),
      git,
      provider,
      log,
      { ...DEFAULTS, ...options.settings },
      state.activeMs,
      redactor,
      confinement.sandbox,
    );
    if (options.signal) {
      Object.defineProperty(ctx, "interrupted", { get: () => options.signal!.interrupted });
      Object.defineProperty(ctx, "interruptedBy", { get: () => options.signal!.by ?? "SIGINT" });
    }
    const provenance = await checkProvenance(
      git,
      layout,
      plan.mission.branch,
      {
        started: ctx.state.started,
        base: ctx.state.base,
        adopted: ctx.state.adopted,
        journalExists: journalExisted,
        // as the trailers write them (implement.ts): mission/step
        intents: new Set([...ctx.state.commitIntents].map((step) => `${plan.mission.name}/${step}`)),
      },
      options.adopt === true,
    );
    if (!provenance.ok) {
      // a refusal leaves the state as it found it: no empty journal where none was (the next
      // refusal would call it "empty" instead of "missing")
      if (!journalExisted) {
        journal.close();
        if (statSync(layout.journal).size === 0) rmSync(layout.journal, { force: true });
      }
      return { exit: 2, status: "usage", message: provenance.message };
    }
    const head = await git.prepare();
    const resuming = ctx.state.started;
    if (!resuming) {
      writeDurable(layout.plan, canonicalJson(plan));
      ctx.record("mission_started", { plan_digest: plan.digest, branch: plan.mission.branch, base: head });
    }
    // first, before anything this session journals: the mission's active time starts a new stretch
    // here, and an event before it would count the hours the mission lay stopped (state.ts, fold)
    const owed = webhook ? owedNotices(plan.mission.name, journalEvents) : [];
    ctx.record("run_started", { pid: options.runner?.pid ?? process.pid, offline: options.offline, ...(webhook ? { notify: true } : {}) });
    if (webhook) {
      notifier = new Notifier({ url: webhook, record: (d) => ctx.record("notified", d) });
      for (const n of owed) notifier.send(n);
    }
    if (provenance.adopted.length) {
      ctx.record("adopted", { commits: provenance.adopted.map((c) => c.commit), subjects: provenance.adopted.map((c) => c.subject) });
      ctx.progress(`adopted ${provenance.adopted.length} commit(s) missionc did not make on ${plan.mission.branch} (--adopt)`);
    }
    if (resuming && storedPlan?.upgradedFrom) {
      // started by a missionc that wrote an older plan format: the same plan, stored in today's format
      // journaled first: a crash before the write leaves /1 on disk, upgraded (and journaled) again next time
      ctx.record("plan_upgraded", { from: storedPlan.upgradedFrom, to: storedPlan.plan.digest, format: storedPlan.plan.format });
      writeDurable(layout.plan, canonicalJson(storedPlan.plan));
    }
    if (resuming && stored && stored.digest !== plan.digest) {
      replan(ctx, stored, plan);
      writeDurable(layout.plan, canonicalJson(plan));
    }
    const guard = git instanceof MissionGit ? RepositoryGuard.take(git.commonDir) : undefined;
    ctx.killLeftovers();
    if (nextAction(ctx.plan, ctx.state).kind !== "done") await installBeforeWork(ctx);
    const outcome = await loop(ctx, guard ? { ...options, guard } : options);
    return "message" in outcome ? { ...outcome, message: redactor.redact(outcome.message) } : outcome;
  } catch (e) {
    if (e instanceof GitError) return { exit: 2, status: "usage", message: e.message };
    throw e;
  } finally {
    const owed = (await notifier?.drain()) ?? 0;
    if (owed)
      options.progress(
        `webhook: ${owed} notice(s) not delivered yet; the next \`missionc run ${basename(options.missionFile)} --notify-env ${options.notifyEnv}\` sends them`,
      );
    journal.close();
  }
}

/**
 * DESIGN §2: `install` runs before work, at the start of every session of the runner (a resumed
 * mission may find a fresh machine). A failure is journaled and shown, not fatal: before the first
 * feature there is often nothing to install yet, and the workers see the procedures and can run it.
 */
async function installBeforeWork(ctx: RunContext): Promise<void> {
  const install = ctx.plan.procedures["install"];
  if (!install) return;
  const r = await runCommand(install.command, {
    cwd: ctx.layout.worktree,
    sandbox: ctx.sandbox,
    network: install.network,
    timeoutMs: (install.timeout_seconds ?? 600) * 1000,
    cap: 2000,
    onStart: (pgid) => ctx.recordCommand("install", pgid),
  });
  ctx.record("procedure_finished", {
    name: "install",
    command: install.command,
    exit_code: r.exitCode,
    duration_ms: r.durationMs,
    blob: ctx.blobs.put(r.output),
  });
  ctx.progress(
    `install: \`${install.command}\` → exit ${r.exitCode}${r.exitCode === 0 ? "" : " (the work goes on; the workers can run it themselves)"}`,
  );
}

function replan(ctx: RunContext, before: Plan, after: Plan): void {
  const old = new Map(before.features.map((f) => [f.name, f.digest]));
  const changed = after.features.filter((f) => old.has(f.name) && old.get(f.name) !== f.digest);
  const reset = changed.filter((f) => ctx.state.features.get(f.name)?.done).map((f) => f.name);
  const specs = changed.map((f) => ({
    feature: f.name,
    ...(f.spec !== undefined ? { spec: f.spec } : {}),
    fulfills: f.fulfills,
    skills: f.skills,
    model: f.model,
    digest: f.digest,
  }));
  ctx.record("replanned", { from: before.digest, to: after.digest, reset, specs });
  ctx.progress(`replanned: ${reset.length ? `${reset.join(", ")} will run again` : "no done feature changed"}`);
}

/**
 * After each step: the repository's config, hooks and attributes as the run found them. A change is
 * put back and journaled (a sandboxed agent cannot make one: this is for `--no-sandbox`, and for
 * anything the runner itself got wrong).
 */
function guardRepository(ctx: RunContext, guard: RepositoryGuard | undefined): void {
  const changed = guard?.restore() ?? [];
  if (changed.length === 0) return;
  ctx.record("repository_restored", { files: changed });
  ctx.progress(
    `the repository's ${changed.join(", ")} changed during the step and ${changed.length > 1 ? "were" : "was"} put back as the run found ${changed.length > 1 ? "them" : "it"}`,
  );
}

async function loop(ctx: RunContext, options: RunOptions & { guard?: RepositoryGuard }): Promise<RunOutcome> {
  try {
    for (;;) {
      ctx.readInbox();
      ctx.clearInterrupt();
      if (ctx.interrupted) throw new Stop(`interrupted (${ctx.interruptedBy})`, "interrupted");
      const action = nextAction(ctx.plan, ctx.state);
      try {
        // a message is answered between steps, unless the next step is a gate, which answers it itself;
        // in the middle of a validation round it waits for the milestone's gate: a follow-up made
        // now would be judged on checks that ran before it
        const midRound = action.kind === "validate" && ctx.state.milestones.get(action.milestone)!.validating.has(action.round);
        if ((action.kind === "implement" || (action.kind === "validate" && !midRound)) && ctx.state.messages.some((m) => !m.delivered)) {
          await messageGate(ctx);
          continue;
        }
        switch (action.kind) {
          case "implement":
            await implement(ctx, action.feature);
            guardRepository(ctx, options.guard);
            break;
          case "handoff_gate":
            await handoffGate(ctx, action.feature);
            break;
          case "validate":
            await validateMilestone(ctx, action.milestone, action.round);
            guardRepository(ctx, options.guard);
            break;
          case "milestone_gate":
            await milestoneGate(ctx, action.milestone, action.round);
            if (options.until === action.milestone && ctx.state.milestones.get(action.milestone)!.accepted) {
              return { exit: 0, status: "until", summary: `stopped after milestone ${action.milestone} (--until)`, layout: ctx.layout };
            }
            break;
          case "done":
            guardRepository(ctx, options.guard);
            if (!ctx.state.completed) ctx.record("mission_completed", {});
            return { exit: 0, status: "done", summary: "mission complete", layout: ctx.layout };
        }
      } catch (e) {
        if (!(e instanceof TurnInterrupted)) throw e;
        // the step resumes later from its journal, like after a crash; the message is answered first
        ctx.record("turn_interrupted", { run: e.run, turn: e.turn });
        ctx.progress(`interrupted ${e.run} at turn ${e.turn} for a message`);
      }
    }
  } catch (e) {
    if (e instanceof Stop || e instanceof ProviderError) {
      const interrupted = ctx.interrupted && !(e instanceof Stop);
      const reason = interrupted ? `interrupted (${ctx.interruptedBy})` : e.message;
      if (!(e instanceof Stop && e.kind === "rounds"))
        ctx.record("paused", { reason, kind: e instanceof Stop ? e.kind : interrupted ? "interrupted" : "provider" });
      return { exit: 3, status: "paused", message: reason, layout: ctx.layout };
    }
    throw e;
  } finally {
    // a step cut short (a pause, an interrupt, a failure) is still a step the repository is put back
    // after; the files are put back before the event is journaled, so a journal that fails here
    // loses only the event, not the restoration, and not the outcome being reported
    try {
      guardRepository(ctx, options.guard);
    } catch {
      /* the outcome above is what the caller needs */
    }
  }
}
