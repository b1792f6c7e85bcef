import type { PlanPermission } from "../plan/types.js";
import type { Message, ModelResponse, Provider, ToolCall, ToolResult } from "./provider.js";
import { ALL_TOOLS, TERMINAL_TOOLS, toolsOf } from "./toolbox.js";
import { runTool, type ToolContext, type ToolOutcome, type ToolSpec } from "./tools.js";

/**
 * The agent loop: model → tool calls → results → model, until the agent calls its terminal tool
 * (submit_handoff, decide, submit_verdicts) with an answer that is accepted, or gives up.
 *
 * Durable by construction: a turn whose response is in the journal is not asked of the model again,
 * and its tool calls are executed again in order (rebuilding the worktree after a reset) while the
 * model's context gets the journaled results. Only turns never journaled reach the provider.
 */

export type Acceptance<T> = { ok: true; value: T; reply?: string } | { ok: false; error: string };

export interface AgentRun<T> {
  run: string;
  system: string[];
  prompt: string;
  /** tools the agent is shown, terminal one included */
  tools: ToolSpec[];
  /** what it may do: the tools among them it may call, and what its commands reach (the plan step's) */
  permission: PlanPermission;
  terminal: string;
  /** tools of this run's own, beyond the permission's, which the host's `extraTool` serves (drafting's `ask_person`) */
  ownTools?: string[];
  accept: (input: unknown) => Acceptance<T>;
  maxTurns: number;
  /** invalid terminal answers allowed before the run gives up */
  maxInvalid: number;
}

export interface AgentHost {
  provider: Provider;
  tools: ToolContext;
  journaledResponse(run: string, turn: number): ModelResponse | undefined;
  journaledResult(run: string, turn: number, index: number): ToolResult | undefined;
  recordResponse(run: string, turn: number, response: ModelResponse): void;
  recordResult(run: string, turn: number, index: number, call: ToolCall, outcome: ToolOutcome): void;
  /** whether a call was journaled as started (one without a result is the call the runner died in) */
  journaledStart(run: string, turn: number, index: number): boolean;
  /** journals, durably, that a side-effecting call is about to run */
  recordStart(run: string, turn: number, index: number, call: ToolCall): void;
  /** called before each model call that is not replayed: may throw to stop (pause, budget) */
  beforeModelCall(run: string, turn: number): void;
  /** called at each turn boundary, replayed or not: may throw to stop (SIGINT, pause) */
  atTurnBoundary(run: string, turn: number): void;
  /** the secret filter every tool output passes before a model sees it */
  redact?: (text: string) => string;
  /** tools beyond the generic ones (research), when the run has them */
  extraTool?(run: string, turn: number, call: ToolCall): Promise<ToolOutcome | undefined>;
}

/**
 * Tools whose effect lies outside the worktree: replaying them would act a second time on a running
 * app (a POST stored twice), or ask a person again what they answered, without rebuilding anything
 * the resumed run needs, so their journaled result is used as it is.
 */
const NOT_REPEATED = new Set(["http_request", "ask_person"]);

/**
 * Tools that run the worktree's code: each call is journaled, durably, as started before it runs. A
 * call started and never finished may be what killed the runner (`kill -9 $PPID` without a sandbox,
 * a fork bomb, the memory it took), and a command can do that before the runner has written another
 * line; running it again would kill every resume, so it gets a result saying so instead. (The file
 * tools run in the runner, bounded, and replay as they ran.)
 */
const ACTING = new Set(["run_command"]);

export const STOPPED_DURING =
  "the runner stopped while this call ran (it was killed, or the machine went down), so it has no result and was not run again; check what it did before repeating it";

export type AgentOutcome<T> = { kind: "done"; value: T; turns: number } | { kind: "gave_up"; reason: string; turns: number };

export async function runAgent<T>(agent: AgentRun<T>, host: AgentHost): Promise<AgentOutcome<T>> {
  const messages: Message[] = [{ role: "user", content: agent.prompt }];
  const callable = [...toolsOf(agent.permission), ...(agent.ownTools ?? [])];
  let invalid = 0;
  for (let turn = 1; turn <= agent.maxTurns; turn++) {
    host.atTurnBoundary(agent.run, turn);
    let response = host.journaledResponse(agent.run, turn);
    const replayed = response !== undefined;
    if (!response) {
      host.beforeModelCall(agent.run, turn);
      response = await host.provider.complete({
        run: agent.run,
        turn,
        system: agent.system,
        messages: [...messages],
        tools: agent.tools,
        permission: agent.permission,
        terminal: agent.terminal,
      });
      host.recordResponse(agent.run, turn, response);
    }
    messages.push({
      role: "assistant",
      content: response.content,
      tool_calls: response.tool_calls,
      ...(response.provider_content !== undefined ? { provider_content: response.provider_content } : {}),
    });
    if (response.tool_calls.length === 0) {
      messages.push({ role: "user", content: `Continue. Your run ends when you call \`${agent.terminal}\`.` });
      continue;
    }
    const results: ToolResult[] = [];
    let answer: T | undefined;
    let answered = false;
    for (const [index, call] of response.tool_calls.entries()) {
      if (answered) {
        results.push({ id: call.id, content: "ignored: the run ended with the call before", is_error: true });
        continue;
      }
      let outcome: ToolOutcome;
      const earlier = host.journaledResult(agent.run, turn, index);
      if (earlier && NOT_REPEATED.has(call.name)) {
        results.push(earlier);
        continue;
      }
      const acting = ACTING.has(call.name) && call.name !== agent.terminal;
      if (acting && !earlier && host.journaledStart(agent.run, turn, index)) {
        outcome = { content: STOPPED_DURING, isError: true };
        host.recordResult(agent.run, turn, index, call, outcome);
        results.push({ id: call.id, content: outcome.content, is_error: true });
        continue;
      }
      if (acting && !earlier) host.recordStart(agent.run, turn, index, call);
      if (call.name === agent.terminal) {
        const verdict = agent.accept(call.input);
        if (verdict.ok) {
          answer = verdict.value;
          answered = true;
          outcome = { content: verdict.reply ?? "accepted", isError: false };
        } else {
          // a resumed run gets a fresh allowance: the answers that stopped it before are history
          if (!replayed) invalid++;
          outcome = { content: `rejected: ${verdict.error}. Fix it and call \`${agent.terminal}\` again.`, isError: true };
        }
      } else if (!callable.includes(call.name)) {
        // refused before anything runs, the runner's own tools (research) included
        outcome = { content: refusal(call.name, callable, agent.terminal), isError: true };
      } else {
        outcome = (await host.extraTool?.(agent.run, turn, call)) ?? (await runTool(call.name, call.input, callable, host.tools));
      }
      if (host.redact) outcome = { ...outcome, content: host.redact(outcome.content) };
      const journaled = host.journaledResult(agent.run, turn, index);
      if (!journaled) host.recordResult(agent.run, turn, index, call, outcome);
      results.push(journaled ?? { id: call.id, content: outcome.content, is_error: outcome.isError });
    }
    messages.push({ role: "user", content: "", tool_results: results });
    if (answered) return { kind: "done", value: answer as T, turns: turn };
    if (invalid >= agent.maxInvalid) return { kind: "gave_up", reason: `${invalid} invalid answers to \`${agent.terminal}\``, turns: turn };
  }
  return { kind: "gave_up", reason: `no answer within ${agent.maxTurns} turns`, turns: agent.maxTurns };
}

export function refusal(name: string, callable: readonly string[], terminal: string): string {
  const yours = [...callable, terminal].join(", ");
  if (TERMINAL_TOOLS.includes(name)) return `\`${name}\` ends another role's run; yours ends with \`${terminal}\`. Your tools: ${yours}`;
  return ALL_TOOLS.some((t) => t.name === name)
    ? `\`${name}\` is not one of your tools (this mission's permissions do not grant it); your tools: ${yours}`
    : `unknown tool \`${name}\`; your tools: ${yours}`;
}
