import { Conversation, PrefixCache } from "../agents/prefix-cache.js";
import { costOf } from "../agents/prices.js";
import { systemPrompt, workerPrompt } from "../agents/prompts.js";
import type { Usage } from "../agents/provider.js";
import { ALL_TOOLS } from "../agents/toolbox.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { RecordedTurns } from "./recorded-turns.js";

/**
 * `missionc plan --estimate`: tokens and cost before anything is spent. Each agent run the plan
 * makes (a worker per feature, a reviewer per feature of a scrutiny, a user tester per user
 * testing, the orchestrator at each gate) is simulated turn by turn: the system prompt and the
 * first message are the ones missionc builds (the worker's, with its skills), the conversation grows
 * by the model's answer and the tools' results each turn, and a simulated prefix cache (the
 * provider's, as prefix-cache.ts models it) splits each request's input. How many turns, and how
 * large answers and results are, come from a stated prior, or from a recorded script of the mission
 * (its runs' turns and answers). Not part of the plan: it is an estimate, and says its assumptions.
 * Only the first attempt of each run is counted: follow-ups and failed rounds cost more.
 */

export interface Prior {
  turns: number;
  /** tokens of the model's answer each turn */
  output: number;
  /** tokens the tools return each turn (files read, command output) */
  results: number;
  /** tokens of the first message where missionc's own text is not built here (a diff, a report) */
  first: number;
}

export const PRIORS: Record<"implement" | "review" | "user_test" | "gate", Prior> = {
  implement: { turns: 12, output: 350, results: 900, first: 0 },
  review: { turns: 4, output: 250, results: 700, first: 2500 },
  user_test: { turns: 8, output: 250, results: 800, first: 1500 },
  gate: { turns: 2, output: 300, results: 300, first: 2000 },
};

export interface Tally {
  usage: Usage;
  cost?: number;
}

export interface Estimate {
  runs: { run: string; milestone: string; role: string; model: string; turns: number; recorded: boolean; usage: Usage }[];
  milestones: ({ name: string } & Tally)[];
  total: Tally & { cache_read_share: number };
  unpriced: string[];
  assumptions: string[];
}

interface Run {
  run: string;
  kind: keyof typeof PRIORS;
  milestone: string;
  role: string;
  model: string;
  first: () => string;
}

function runsOf(plan: Plan, step: PlanStep, skillText: (name: string) => string): Run[] {
  if (step.kind === "implement") {
    const f = plan.features.find((x) => x.name === step.feature);
    const feature = {
      name: step.feature,
      milestone: step.milestone,
      fulfills: f?.fulfills ?? [],
      skills: f?.skills ?? [],
      model: step.model,
      origin: "plan" as const,
      attempts: 0,
      inProgress: false,
      done: false,
      gate: "none" as const,
      ...(f?.title !== undefined ? { title: f.title } : {}),
      ...(f?.spec !== undefined ? { spec: f.spec } : {}),
    };
    return [run("implement", `implement:${step.feature}#1`, "worker", () => workerPrompt(plan, feature, "/worktree", skillText, []))];
  }
  if (step.kind === "gate") return [run("gate", `gate:${step.milestone}#1`, "orchestrator")];
  if (step.validator === "scrutiny") return step.features.map((f) => run("review", `review:${step.milestone}#1:${f}`, step.role));
  return [run("user_test", `user_test:${step.milestone}#1`, step.role)];

  /** A run of the step; without `first`, its first message is the prior's size of text missionc does not build here. */
  function run(kind: Run["kind"], id: string, role: string, first: () => string = () => ""): Run {
    return { run: id, kind, milestone: step.milestone, role, model: step.model, first };
  }
}

export function estimatePlan(plan: Plan, options: { recorded?: RecordedTurns; skillText?: (name: string) => string } = {}): Estimate {
  const skillText = options.skillText ?? (() => "");
  const caches = new Map<string, PrefixCache>();
  const starts = new Map<string, Conversation>();
  const runs: Estimate["runs"] = [];
  for (const step of plan.steps)
    for (const r of runsOf(plan, step, skillText)) {
      const prior = PRIORS[r.kind];
      const recorded = options.recorded?.[r.run]?.length ? options.recorded[r.run] : undefined;
      const answers = recorded ?? Array.from({ length: prior.turns }, () => prior.output);
      const kind = plan.models[r.model]?.provider === "openai" ? "openai" : "anthropic";
      const cache = caches.get(r.model) ?? caches.set(r.model, new PrefixCache(kind)).get(r.model)!;
      const role = starts.get(r.role) ?? starts.set(r.role, Conversation.start(ALL_TOOLS, systemPrompt(r.role, plan))).get(r.role)!;
      const conversation = role.fork();
      const first = r.first();
      if (first) conversation.add(first);
      else conversation.addUnique(prior.first);
      const usage: Usage = { input: 0, cache_read: 0, cache_write: 0, output: 0 };
      answers.forEach((output, i) => {
        const u = cache.usageOfBlocks(conversation.request());
        usage.input += u.input;
        usage.cache_read += u.cache_read;
        usage.cache_write += u.cache_write;
        usage.output += output;
        conversation.addUnique(output);
        if (i < answers.length - 1) conversation.addUnique(prior.results);
      });
      runs.push({
        run: r.run,
        milestone: r.milestone,
        role: r.role,
        model: r.model,
        turns: answers.length,
        recorded: recorded !== undefined,
        usage,
      });
    }
  const unpriced = new Set<string>();
  const tally = (list: typeof runs): Tally => {
    const usage: Usage = { input: 0, cache_read: 0, cache_write: 0, output: 0 };
    let cost: number | undefined = 0;
    for (const r of list) {
      usage.input += r.usage.input;
      usage.cache_read += r.usage.cache_read;
      usage.cache_write += r.usage.cache_write;
      usage.output += r.usage.output;
      const c = costOf(plan.models[r.model], r.usage);
      if (c === undefined) unpriced.add(r.model);
      else if (cost !== undefined) cost += c;
    }
    return { usage, ...(cost !== undefined ? { cost } : {}) };
  };
  const milestones = plan.milestones.map((m) => ({ name: m.name, ...tally(runs.filter((r) => r.milestone === m.name)) }));
  const total = tally(runs);
  const read = total.usage.cache_read / Math.max(1, total.usage.input + total.usage.cache_read + total.usage.cache_write);
  const recordedRuns = runs.filter((r) => r.recorded).length;
  return {
    runs,
    milestones,
    total: { ...total, cache_read_share: read },
    unpriced: [...unpriced],
    assumptions: [
      recordedRuns
        ? `turns and answers: ${recordedRuns} of ${runs.length} runs as the recorded script has them, the others from the prior`
        : options.recorded
          ? "turns and answers from the prior (the script given has none of these runs)"
          : "turns and answers from the prior (no recorded script)",
      `prior, per run: ${Object.entries(PRIORS)
        .map(([k, p]) => `${k} ${p.turns} turns, answers ${p.output} tokens, tool results ${p.results} tokens a turn`)
        .join("; ")}`,
      "each feature implemented once, each milestone validated once: follow-ups and failed rounds come on top",
      "tokens are characters / 4; the cache is a provider prefix cache (1,024-token minimum) shared by the runs of a model",
      "a model's `thinking` tokens are not counted (they are output, billed as such, and come on top)",
      "cost from the mission's `price` or the built-in table; a model without a price is not counted",
    ],
  };
}
