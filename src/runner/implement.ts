import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { systemPrompt, workerPrompt } from "../agents/prompts.js";
import { permissionFor } from "../plan/lower.js";
import { ALL_TOOLS } from "../agents/toolbox.js";
import type { RunContext } from "./context.js";
import { writeAtomic } from "./files.js";
import { acceptHandoff, hasProblems, verifyHandoff } from "./handoff.js";
import type { Handoff } from "../agents/toolbox.js";
import type { FeatureState } from "./state.js";
import { researchTool } from "./research.js";

/**
 * One `implement` step: a worker on a fresh context, its handoff, and one commit on the mission
 * branch. Resumed after a crash, the step starts again from its base commit, replaying what the
 * journal holds; a commit already made (found by its trailer) is recorded, never made again.
 */
export async function implement(ctx: RunContext, f: FeatureState): Promise<void> {
  const attempt = f.inProgress ? f.attempts : f.attempts + 1;
  const run = `implement:${f.name}#${attempt}`;
  const trailer = `${ctx.plan.mission.name}/${run}`;
  let base: string;
  if (!f.inProgress) {
    base = await ctx.git.head();
    ctx.record("step_started", { step: run, run, feature: f.name, attempt, base });
  } else {
    base = f.base!;
    const made = ctx.state.commitIntents.has(run) ? await ctx.git.findStepCommit(trailer, base) : undefined;
    if (made) {
      ctx.record("committed", { feature: f.name, step: run, commit: made, problems: hasProblems(f.handoff!) });
      return;
    }
    await ctx.git.resetTo(base);
  }
  ctx.progress(`implement ${f.name}${attempt > 1 ? ` (attempt ${attempt})` : ""} — worker ${f.model}`);
  const worked = await work(ctx, f, run);
  // the journaled handoff is the one: a resumed step keeps it, and its file is written again if lost
  const handoff = f.handoffAttempt === attempt ? f.handoff! : worked;
  const file = join(ctx.layout.handoffs, `${f.name}-${attempt}.json`);
  writeAtomic(file, ctx.redactValues(`${JSON.stringify(handoff, null, 2)}\n`));
  if (f.handoffAttempt !== attempt) ctx.record("handoff", { feature: f.name, attempt, handoff });
  const intent = ctx.record("commit_intent", { step: run, feature: f.name });
  const commit = await ctx.git.commit(`${f.title ?? f.name} (feature ${f.name})`, trailer, intent.at, (text) => ctx.leaksSecret(text));
  if (commit && "refused" in commit) {
    // an issue of the step (fold adds it to the handoff), so the orchestrator decides what follows
    ctx.record("commit_refused", { feature: f.name, step: run, reason: commit.refused });
    writeAtomic(file, ctx.redactValues(`${JSON.stringify(ctx.state.features.get(f.name)!.handoff, null, 2)}\n`));
  }
  const made = commit && "commit" in commit ? commit : undefined;
  if (made?.nested)
    ctx.progress(
      `  not committed: ${made.nested.join(", ")} (a git repository inside the worktree; its files belong in the worktree itself)`,
    );
  const problems = hasProblems(ctx.state.features.get(f.name)!.handoff ?? handoff);
  ctx.record("committed", { feature: f.name, step: run, commit: made?.commit ?? null, tree: made?.tree ?? null, problems });
  ctx.progress(
    `  handoff ${handoff.status}${problems ? " (with issues: the orchestrator decides)" : ""} · commit ${made ? made.commit.slice(0, 10) : commit ? "refused" : "(no change)"}`,
  );
}

async function work(ctx: RunContext, f: FeatureState, run: string): Promise<Handoff> {
  const earlier = [...ctx.state.features.values()].filter((x) => x.done && x.handoff && x.name !== f.name).map((x) => x.handoff!);
  const missionDir = resolve(ctx.layout.worktree);
  const skillText = (name: string): string => {
    const s = ctx.plan.skills[name];
    try {
      return s ? readFileSync(join(missionDir, s.path), "utf8") : "(unknown skill)";
    } catch {
      return "(the skill file is not in the repository)";
    }
  };
  const outcome = await ctx.agent(
    "worker",
    f.model,
    {
      run,
      system: ctx.system("worker", () => systemPrompt("worker", ctx.plan)),
      prompt: workerPrompt(ctx.plan, f, ctx.layout.worktree, skillText, earlier),
      tools: ALL_TOOLS,
      permission: permissionFor(ctx.plan, "worker", f.model),
      terminal: "submit_handoff",
      accept: acceptHandoff(f.name),
      maxTurns: ctx.settings.maxTurns,
      maxInvalid: ctx.settings.maxInvalid,
    },
    { extraTool: researchTool(ctx) },
  );
  if (outcome.kind === "gave_up") {
    // the step fails to the orchestrator: a blocked handoff it must answer
    return {
      feature: f.name,
      status: "blocked",
      implemented: [],
      left_undone: [f.spec ?? f.name],
      commands: [],
      issues: [{ severity: "high", text: `runner: the worker gave up: ${outcome.reason}` }],
      procedures_followed: false,
      notes: "",
    };
  }
  return verifyHandoff(outcome.value, ctx.state.runs.get(run), ctx.plan, !ctx.isExternal(f.model));
}
