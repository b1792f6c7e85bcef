import type { ValidateFunction } from "ajv";
import { compileSchema } from "../agents/json-schema.js";
import type { Acceptance } from "../agents/loop.js";
import { handoffSummary, systemPrompt } from "../agents/prompts.js";
import { permissionFor } from "../plan/lower.js";
import { ALL_TOOLS, DECIDE } from "../agents/toolbox.js";
import { failingText, type ValidationReport } from "../validators/validate.js";
import { Stop, type RunContext } from "./context.js";
import type { FeatureState } from "./state.js";
import { researchTool } from "./research.js";

/**
 * Gates: the orchestrator answers a handoff with problems, or a milestone's validation report, with
 * its `decide` tool. Its decision is checked against specs/decision.schema.json and against the
 * facts (assertions that failed, features that exist) and goes back to it as an error when wrong.
 */

export interface Decision {
  action: "accept" | "follow_up" | "rescope";
  reason: string;
  features?: { name: string; title?: string; spec: string; fulfills: string[]; skills?: string[]; worker?: string }[];
  amendments?: { feature: string; spec: string }[];
}

let validate: ValidateFunction | undefined;

interface GateFacts {
  /** assertions follow-ups may name */
  fixable: string[];
  /** whether `accept` is allowed, and why not */
  acceptable: true | string;
  rescopable: boolean;
}

function acceptDecision(ctx: RunContext, facts: GateFacts): (input: unknown) => Acceptance<Decision> {
  return (input) => {
    validate ??= compileSchema(DECIDE.input_schema, { allErrors: true });
    if (!validate(input))
      return {
        ok: false,
        error: `the decision does not match specs/decision.schema.json: ${(validate.errors ?? []).map((e) => `${e.instancePath || "decision"} ${e.message}`).join("; ")}`,
      };
    const d = input as Decision;
    if (d.action === "accept" && facts.acceptable !== true) return { ok: false, error: facts.acceptable };
    if (d.action === "follow_up") {
      const taken = new Set(ctx.state.features.keys());
      for (const f of d.features ?? []) {
        if (taken.has(f.name)) return { ok: false, error: `a feature named \`${f.name}\` exists already; give the follow-up a new name` };
        taken.add(f.name);
        const wrong = f.fulfills.filter((a) => !facts.fixable.includes(a));
        if (wrong.length)
          return {
            ok: false,
            error: `${wrong.join(", ")} did not fail here; a follow-up may fulfil only ${facts.fixable.join(", ") || "(nothing)"}`,
          };
        if (f.worker && !ctx.plan.models[f.worker])
          return { ok: false, error: `there is no model \`${f.worker}\`; models: ${Object.keys(ctx.plan.models).join(", ")}` };
        const skill = f.skills?.find((s) => !ctx.plan.skills[s]);
        if (skill) return { ok: false, error: `there is no skill \`${skill}\`` };
      }
    }
    if (d.action === "rescope") {
      if (!facts.rescopable) return { ok: false, error: "there are no pending features to rescope here" };
      for (const a of d.amendments ?? []) {
        const f = ctx.state.features.get(a.feature);
        if (!f) return { ok: false, error: `there is no feature \`${a.feature}\`` };
        if (f.done) return { ok: false, error: `\`${a.feature}\` is done; only pending features can be rescoped` };
      }
    }
    return { ok: true, value: d, reply: "decision recorded" };
  };
}

function messagesFor(ctx: RunContext): { text: string; ids: string[] } {
  const pending = ctx.state.messages.filter((m) => !m.delivered);
  return {
    text: pending.length
      ? `\n\n## Messages from the person supervising\n\n${pending.map((m) => `- ${m.text}`).join("\n")}\nAnswer them in your decision's reason.`
      : "",
    ids: pending.map((m) => m.id),
  };
}

/** The decision, and the messages it answers: both go into one `decision` event, so a crash cannot keep one and lose the other. */
async function decide(ctx: RunContext, run: string, prompt: string, facts: GateFacts): Promise<{ d: Decision; messages: string[] }> {
  const messages = messagesFor(ctx);
  const outcome = await ctx.agent(
    "orchestrator",
    ctx.plan.roles.orchestrator,
    {
      run,
      system: ctx.system("orchestrator", () => systemPrompt("orchestrator", ctx.plan)),
      prompt: prompt + messages.text,
      tools: ALL_TOOLS,
      permission: permissionFor(ctx.plan, "orchestrator", ctx.plan.roles.orchestrator),
      terminal: "decide",
      accept: acceptDecision(ctx, facts),
      maxTurns: ctx.settings.maxTurns,
      maxInvalid: ctx.settings.maxInvalid,
    },
    { extraTool: researchTool(ctx) },
  );
  if (outcome.kind === "gave_up") throw new Stop(`the orchestrator could not decide at ${run}: ${outcome.reason}`, "gate");
  return { d: outcome.value, messages: messages.ids };
}

/**
 * Messages from the person supervising, answered between steps when no gate comes first: the
 * orchestrator accepts (its reason is the answer), rescopes pending features, or creates follow-ups
 * in the current milestone.
 */
export async function messageGate(ctx: RunContext): Promise<void> {
  const pending = ctx.state.messages.filter((m) => !m.delivered);
  // numbered in order of arrival, so that a script (and a replay) can name the run
  const run = `message:${ctx.state.messages.indexOf(pending[0]) + 1}`;
  const milestone = ctx.plan.milestones.find((m) => !ctx.state.milestones.get(m.name)?.accepted)?.name ?? ctx.plan.milestones.at(-1)!.name;
  const m = ctx.state.milestones.get(milestone)!;
  const features = [...ctx.state.features.values()];
  const fixable = ctx.plan.contract.filter((a) => a.milestone === milestone).map((a) => a.id);
  ctx.progress(`gate: ${pending.length} message(s) — orchestrator ${ctx.plan.roles.orchestrator}`);
  const prompt = [
    `# Steering between steps (milestone ${milestone})`,
    "The person supervising the mission wrote to you. Answer with `decide`: `accept` (your reason is the answer they will read, and says what happens next), `rescope` pending features, or `follow_up` with new features for this milestone.",
    `Done: ${
      features
        .filter((f) => f.done)
        .map((f) => f.name)
        .join(", ") || "(none)"
    }
Pending: ${
      features
        .filter((f) => !f.done)
        .map((f) => f.name)
        .join(", ") || "(none)"
    }`,
    `Assertions a follow-up here may fulfil: ${fixable.join(", ") || "(none)"}`,
  ].join("\n\n");
  const { d, messages } = await decide(ctx, run, prompt, { fixable, acceptable: true, rescopable: features.some((f) => !f.done) });
  ctx.record("decision", {
    gate: run,
    milestone,
    messages,
    ...(m.round > 1 ? { round: m.round - 1 } : {}),
    decision: d,
    default_model: ctx.plan.roles.worker,
  });
  ctx.progress(`  decision: ${d.action} — ${d.reason}`);
}

export async function handoffGate(ctx: RunContext, f: FeatureState): Promise<void> {
  const run = `handoff:${f.name}#${f.attempts}`;
  ctx.progress(`gate: handoff of ${f.name} — orchestrator ${ctx.plan.roles.orchestrator}`);
  const pending = [...ctx.state.features.values()].some((x) => !x.done);
  const prompt = `# Handoff gate: feature ${f.name}\n\nThe worker's handoff has problems. Accept it (with a reason), create follow-up features for what is missing, or rescope pending features.\n\n\`\`\`json\n${JSON.stringify(f.handoff, null, 2)}\n\`\`\`\n\nSummary: ${handoffSummary(f.handoff!)}`;
  const { d, messages } = await decide(ctx, run, prompt, { fixable: f.fulfills, acceptable: true, rescopable: pending });
  ctx.record("decision", {
    gate: run,
    messages,
    feature: f.name,
    milestone: f.milestone,
    decision: d,
    default_model: ctx.plan.roles.worker,
  });
  ctx.progress(`  decision: ${d.action} — ${d.reason}`);
}

export async function milestoneGate(ctx: RunContext, milestone: string, round: number): Promise<void> {
  const run = `gate:${milestone}#${round}`;
  const m = ctx.state.milestones.get(milestone)!;
  const report = ctx.blobs.json<ValidationReport>(m.reports.get(round)!.blob);
  if (!report.passed && m.failedRounds >= ctx.plan.policy.max_rounds && m.roundsAck < m.failedRounds) {
    ctx.record("paused", {
      reason: `milestone ${milestone} failed ${m.failedRounds} round(s) of validation (max_rounds ${ctx.plan.policy.max_rounds}); a human should look`,
      kind: "rounds",
      milestone,
    });
    throw new Stop(`milestone ${milestone} failed ${m.failedRounds} round(s) (max_rounds ${ctx.plan.policy.max_rounds})`, "rounds");
  }
  ctx.progress(`gate: ${milestone} round ${round} — orchestrator ${ctx.plan.roles.orchestrator}`);
  const failingProcedures = report.failing_procedures ?? [];
  const verdict = report.passed
    ? "Every assertion and every procedure passed. Accept the milestone."
    : `Failing or unverified: ${failingText(report)}. Create follow-up features that fix them.${failingProcedures.length ? " A failing procedure fails the milestone whatever the verdicts: a follow-up that fixes it fulfils the assertions its failure puts in doubt." : ""}`;
  const prompt = `# Milestone gate: ${milestone}, round ${round}\n\n${verdict}\n\n## Validation report\n\n\`\`\`json\n${JSON.stringify(report, null, 2)}\n\`\`\``;
  // a failing procedure (the test suite) puts every assertion of the milestone in doubt
  const own = ctx.plan.contract.filter((a) => a.milestone === milestone).map((a) => a.id);
  const fixable = failingProcedures.length ? [...new Set([...report.failing, ...own])] : report.failing;
  const { d, messages } = await decide(ctx, run, prompt, {
    fixable,
    acceptable: report.passed ? true : `the milestone cannot be accepted: ${failingText(report)} did not pass; create follow-up features`,
    rescopable: false,
  });
  ctx.record("decision", { gate: run, milestone, round, messages, decision: d, default_model: ctx.plan.roles.worker });
  ctx.progress(`  decision: ${d.action} — ${d.reason}`);
  if (d.action === "accept") ctx.record("milestone_accepted", { milestone, round });
}
