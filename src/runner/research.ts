import type { AgentHost } from "../agents/loop.js";
import { systemPrompt } from "../agents/prompts.js";
import { permissionFor } from "../plan/lower.js";
import { ALL_TOOLS } from "../agents/toolbox.js";
import type { RunContext } from "./context.js";

/** The `research` tool: a worker (or the orchestrator) asks a read-only researcher agent a question. */

export function researchTool(ctx: RunContext): NonNullable<AgentHost["extraTool"]> {
  return async (run, turn, call) => {
    if (call.name !== "research") return undefined;
    const question = (call.input as { question?: unknown } | null)?.question;
    if (typeof question !== "string" || question === "")
      return { content: "bad arguments for research: input must have a non-empty `question`", isError: true };
    const sub = `research:${run}/${turn}/${call.id}`;
    const model = ctx.plan.roles.researcher;
    const outcome = await ctx.agent("researcher", model, {
      run: sub,
      system: ctx.system("researcher", () => systemPrompt("researcher", ctx.plan)),
      prompt: `# Question\n\n${question}`,
      tools: ALL_TOOLS,
      permission: permissionFor(ctx.plan, "researcher", model),
      terminal: "answer",
      accept: (input) => {
        const a = (input as { answer?: unknown } | null)?.answer;
        return typeof a === "string" && a !== ""
          ? { ok: true, value: a, reply: "answer received" }
          : { ok: false, error: "give `answer` as a non-empty string" };
      },
      maxTurns: ctx.settings.maxTurns,
      maxInvalid: ctx.settings.maxInvalid,
    });
    return outcome.kind === "done"
      ? { content: outcome.value, isError: false }
      : { content: `the researcher gave no answer: ${outcome.reason}`, isError: true };
  };
}
