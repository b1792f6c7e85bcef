import { join } from "node:path";
import { runAgent, type AgentHost, type AgentOutcome, type AgentRun } from "../agents/loop.js";
import type { ModelResponse, Provider, ToolCall, ToolResult } from "../agents/provider.js";
import { defaultPolicy, withRetries, type RetryPolicy } from "../agents/retry.js";
import type { Redactor } from "./redact.js";
import { killLeftover, startTime } from "../sandbox/processes.js";
import type { ToolContext, ToolOutcome } from "../agents/tools.js";
import type { Plan } from "../plan/types.js";
import type { Blobs } from "./blobs.js";
import type { Workspace } from "./git.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { Journal } from "./journal.js";
import type { AnyEvent, Event, EventData, EventType } from "./events.js";
import { apply, featuresOf, type FeatureState, type MissionState } from "./state.js";
import { writeAtomic } from "./files.js";
import { budgetReached, spentOf } from "./budget.js";
import { InboxFolder } from "./inbox.js";
import type { ValidationHost } from "../validators/host.js";
import type { ValidationReport } from "../validators/validate.js";
import type { Layout } from "./layout.js";

/** Why the runner stopped before the mission was done; the CLI turns it into exit code 3. */
export class Stop extends Error {
  constructor(
    readonly reason: string,
    readonly kind: "interrupted" | "paused" | "budget" | "rounds" | "provider" | "gate" = "paused",
  ) {
    super(reason);
  }
}

/**
 * `missionc msg --interrupt`: the current agent turn is abandoned (its model call aborted) so that the
 * message is handled now; the step it belonged to resumes afterwards from what the journal holds.
 */
export class TurnInterrupted extends Error {
  constructor(
    readonly run: string,
    readonly turn: number,
  ) {
    super(`turn ${turn} of ${run} interrupted by a message`);
  }
}

export interface Progress {
  (line: string): void;
}

export interface RunSettings {
  /** how many times a check or procedure the runner died during is run again (0: answered as failed) */
  rerunCut: number;
  commandTimeoutMs: number;
  maxTurns: number;
  maxInvalid: number;
}

/** Everything a step needs: the plan, the journal (and the state folded from it), git, the provider. */
export class RunContext implements ValidationHost {
  interrupted = false;
  /**
   * A pause or an interrupting message read by one agent stops all of them: parallel reviewers each
   * stop at their next turn boundary (or their model call is cut), not only the one that read it.
   */
  private halt: Stop | TurnInterrupted | undefined;
  /** the signal that interrupted the run, for the pause reason */
  interruptedBy = "SIGINT";
  readonly started = Date.now();
  private readonly inbox: InboxFolder;

  constructor(
    readonly plan: Plan,
    readonly layout: Layout,
    readonly journal: Journal,
    readonly blobs: Blobs,
    readonly state: MissionState,
    readonly git: Workspace,
    private readonly providers: (model: string) => Provider,
    readonly progress: Progress,
    readonly settings: RunSettings,
    private readonly activeBeforeMs: number,
    private readonly redactor: Redactor,
    /** where every command that runs the worktree's code runs */
    readonly sandbox: Sandbox,
    private readonly retry: RetryPolicy = defaultPolicy(),
  ) {
    this.inbox = new InboxFolder(layout.inbox);
  }

  /** Whether a model's agent is an external CLI, whose own tool calls the runner cannot see. */
  isExternal(model: string): boolean {
    return this.providers(model).name === "command";
  }

  /** The model's provider behind the runner's one retry policy; every retry is journaled. */
  private retrying(model: string, run: string): Provider {
    const inner = this.providers(model);
    return {
      name: inner.name,
      complete: (request) => {
        const abort = new AbortController();
        const watch = setInterval(() => {
          if (this.interrupted || this.halt) abort.abort();
          else if (this.inbox.interruptWaiting()) {
            try {
              this.readInbox();
            } catch {
              /* a pause: halt is set */
            }
            abort.abort();
          }
        }, 100);
        return withRetries(
          () => inner.complete(request, abort.signal),
          this.retry,
          (attempt, failure, delayMs) => {
            this.record("provider_retry", {
              run,
              turn: request.turn,
              model,
              attempt,
              ...(failure.status ? { status: failure.status } : {}),
              reason: failure.message.slice(0, 300),
              delay_ms: delayMs,
            });
            this.progress(
              `  ${model}: ${failure.status ? `HTTP ${failure.status}` : failure.message.slice(0, 80)}; retry ${attempt} in ${Math.round(delayMs / 100) / 10} s`,
            );
          },
          abort.signal,
        )
          .catch((e: unknown) => {
            if (this.halt && !this.interrupted)
              throw this.halt instanceof TurnInterrupted ? new TurnInterrupted(run, request.turn) : this.halt;
            throw e;
          })
          .finally(() => clearInterval(watch));
      },
    };
  }

  /** Journals an event and folds it into the state: the only way state changes. */
  record<K extends EventType>(type: K, data: EventData[K], options?: { durable?: boolean }): Event<K> {
    const e = this.journal.append(type, data, options);
    apply(this.state, e as AnyEvent);
    return e;
  }

  private readonly prompts = new Map<string, string[]>();

  /** A role's system prompt: its stable prefix, built once per run and the same for every call. */
  system(role: string, build: () => string[]): string[] {
    let p = this.prompts.get(role);
    if (p === undefined) {
      p = build();
      this.prompts.set(role, p);
    }
    return p;
  }

  /** Journals a command's process group and its start time, so a resumed runner can kill what is left of it. */
  /** Whether the text holds a key this run loaded, plain or encoded (a diff about to be committed). */
  leaksSecret(text: string): boolean {
    return this.redactor.leaks(text);
  }

  recordCommand(run: string, pgid: number): void {
    const start = startTime(pgid);
    this.record("command_started", { run, pgid, ...(start ? { start } : {}) });
  }

  /** At a resume: whatever a killed runner's commands left running goes now. */
  killLeftovers(): void {
    for (const [run, r] of this.state.runs) {
      for (const p of r.pgids) {
        if (!killLeftover(p.pgid, p.start)) continue;
        this.record("leftover_killed", { run, pgid: p.pgid });
        this.progress(`killed processes left by ${run} (group ${p.pgid})`);
      }
    }
  }

  /** Text for a file the runner writes beside the journal (a handoff, a validation report): no secret value in it. */
  redactValues(text: string): string {
    return this.redactor.redactValues(text);
  }

  features(milestone: string): FeatureState[] {
    return featuresOf(this.state, milestone);
  }

  keepReport(report: ValidationReport): void {
    writeAtomic(
      join(this.layout.validation, `${report.milestone}-round${report.round}.json`),
      this.redactValues(`${JSON.stringify(report, null, 2)}\n`),
    );
  }

  stop(reason: string): never {
    throw new Stop(reason, "paused");
  }

  activeMs(): number {
    return this.activeBeforeMs + (Date.now() - this.started);
  }

  /**
   * Pause requests and messages that `missionc pause` / `msg` left in the inbox, journaled. A pause
   * stops the run; a message with --interrupt ends the current turn when `turn` says where one is.
   */
  readInbox(turn?: { run: string; turn: number }): void {
    if (this.halt && turn) throw this.halt instanceof TurnInterrupted ? new TurnInterrupted(turn.run, turn.turn) : this.halt;
    let interrupt = false;
    for (const { name, item } of this.inbox.waiting()) {
      if (item.kind === "message" && item.text) {
        this.record("message_received", { id: item.id ?? name, text: item.text, ...(item.interrupt ? { interrupt: true } : {}) });
        this.progress(`message received${item.interrupt ? " (interrupt)" : ""}: ${item.text.slice(0, 100)}`);
        if (item.interrupt) interrupt = true;
      }
      if (item.kind === "pause") this.record("pause_requested", { id: item.id ?? name });
      this.inbox.taken(name);
      if (item.kind === "pause") throw (this.halt = new Stop("paused by `missionc pause`", "paused"));
    }
    if (interrupt) this.halt = new TurnInterrupted(turn?.run ?? "", turn?.turn ?? 0);
    if (interrupt && turn) throw new TurnInterrupted(turn.run, turn.turn);
  }

  /** Between steps the interrupted turn is behind us: the message gate comes next. */
  clearInterrupt(): void {
    if (this.halt instanceof TurnInterrupted) this.halt = undefined;
  }

  private checkBudget(): void {
    const reached = budgetReached(this.plan, spentOf(this.plan, this.state, this.activeMs()));
    if (reached) throw new Stop(reached, "budget");
  }

  /**
   * Runs one agent, journaled from its start to its end (whatever the end): the report's time per
   * role and the count of agent runs come from these two events.
   */
  async agent<T>(
    role: string,
    model: string,
    spec: AgentRun<T>,
    extras: { extraTool?: AgentHost["extraTool"]; app?: ToolContext["app"] } = {},
  ): Promise<AgentOutcome<T>> {
    this.record("agent_started", { run: spec.run, role, model }, { durable: false }); // timings: flushed with the next event
    let outcome: AgentOutcome<T> | undefined;
    let end = "stopped";
    try {
      outcome = await runAgent(spec, this.agentHost(role, model, spec, extras.extraTool, extras.app));
      end = outcome.kind;
      return outcome;
    } catch (e) {
      if (e instanceof TurnInterrupted) end = "interrupted";
      throw e;
    } finally {
      // cut short, the run's turns are the answers journaled for it so far
      this.record(
        "agent_finished",
        { run: spec.run, role, model, outcome: end, turns: outcome?.turns ?? this.state.runs.get(spec.run)?.responses.size ?? 0 },
        { durable: false },
      );
    }
  }

  agentHost(
    role: string,
    model: string,
    spec: Pick<AgentRun<unknown>, "run" | "permission">,
    extraTool?: AgentHost["extraTool"],
    app?: ToolContext["app"],
  ): AgentHost {
    const run = spec.run;
    const host: AgentHost = {
      provider: this.retrying(model, run),
      redact: (text) => this.redactor.redact(text),
      tools: {
        root: this.layout.worktree,
        sandbox: this.sandbox,
        network: spec.permission.network,
        // a role that may not write sees the worktree read-only from its commands too
        readOnly: !spec.permission.tools.includes("write"),
        ...(this.git.ensureWorktree ? { restoreRoot: () => this.git.ensureWorktree!() } : {}),
        commandTimeoutMs: this.settings.commandTimeoutMs,
        // journaled so that a resumed runner can kill what a killed one left running
        onCommandStart: (pgid) => this.recordCommand(run, pgid),
        ...(app ? { app } : {}),
      },
      journaledResponse: (run, turn) => {
        const r = this.state.runs.get(run)?.responses.get(turn);
        return r ? this.blobs.json<ModelResponse>(r.blob) : undefined;
      },
      journaledResult: (run, turn, index) => {
        const r = this.state.runs.get(run)?.results.get(`${turn}/${index}`);
        if (!r) return undefined;
        const stored = this.blobs.json<ToolResult>(r.blob);
        return stored;
      },
      recordResponse: (run, turn, response) => {
        this.record("model_response", { run, turn, role, model, blob: this.blobs.put(response), usage: response.usage });
        const total = response.usage.input + response.usage.cache_read + response.usage.cache_write + response.usage.output;
        this.progress(
          `  ${run} turn ${turn}: ${model} · ${total} tokens${response.usage.estimated ? " (estimated)" : ""} · ${Math.round((Date.now() - this.started) / 1000)} s`,
        );
      },
      recordResult: (run, turn, index, call: ToolCall, outcome: ToolOutcome) => {
        const result: ToolResult = { id: call.id, content: outcome.content, is_error: outcome.isError };
        this.record("tool_result", {
          run,
          turn,
          index,
          name: call.name,
          blob: this.blobs.put(result),
          is_error: outcome.isError,
          ...(outcome.command ? { command: { command: outcome.command.command, exit_code: outcome.command.exitCode } } : {}),
        });
      },
      journaledStart: (run, turn, index) => this.state.runs.get(run)?.started.has(`${turn}/${index}`) ?? false,
      recordStart: (run, turn, index, call) => this.record("tool_started", { run, turn, index, name: call.name }),
      beforeModelCall: () => this.checkBudget(),
      atTurnBoundary: (run, turn) => {
        if (this.interrupted) throw new Stop(`interrupted (${this.interruptedBy})`, "interrupted");
        this.readInbox({ run, turn });
      },
    };
    if (extraTool) host.extraTool = extraTool;
    return host;
  }
}
