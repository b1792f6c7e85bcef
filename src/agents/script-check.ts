import type { Plan } from "../plan/types.js";
import { nearest } from "../semantics/suggest.js";
import type { Script } from "./scripted.js";
import { ALL_TOOLS, TERMINAL_TOOLS } from "./toolbox.js";

/**
 * An offline script checked against the plan before any work: a misspelled tool or a run the plan
 * can never reach would otherwise surface hours in as "the script ran out". A run of a feature whose
 * name is a near miss of one the plan has or the script's own orchestrator creates (a `decide` with
 * `features`) is a typo; the kind of run, its milestone and the validator it needs are checked too.
 */

const KINDS = ["implement", "handoff", "review", "user_test", "gate", "message", "research"];

/** The tool that ends a run of each kind (the runner's agents: implement.ts, gates.ts, validate.ts, user-test.ts, research.ts). */
const ENDS_WITH: Record<string, string> = {
  implement: "submit_handoff",
  handoff: "decide",
  gate: "decide",
  message: "decide",
  review: "submit_verdicts",
  user_test: "submit_verdicts",
  research: "answer",
};

export function scriptProblems(script: Script, plan: Plan, path: string): string[] {
  const tools = ALL_TOOLS.map((t) => t.name);
  const milestones = new Map(plan.milestones.map((m) => [m.name, m]));
  const problems: string[] = [];
  const features = new Set([...plan.features.map((f) => f.name), ...followUps(script)]);
  for (const [run, turns] of Object.entries(script.runs)) {
    const kind = /^([a-z_]+):/.exec(run)?.[1];
    if (!kind || !KINDS.includes(kind)) {
      const guess = nearest(kind ?? run, KINDS);
      problems.push(
        `run \`${run}\` is no run of a mission${guess ? ` (did you mean \`${guess}:…\`?)` : ""}; runs: ${KINDS.map((k) => `${k}:…`).join(", ")} (specs/scripts.md)`,
      );
      continue;
    }
    const milestone = /^(?:review|gate|user_test):([^#:]+)#/.exec(run)?.[1];
    if (milestone !== undefined) {
      const m = milestones.get(milestone);
      if (!m) {
        const guess = nearest(milestone, [...milestones.keys()]);
        problems.push(
          `run \`${run}\` names milestone \`${milestone}\`, which the plan does not have${guess ? ` (did you mean \`${guess}\`?)` : ""}`,
        );
      } else if (kind === "review" && !m.validators.includes("scrutiny"))
        problems.push(`run \`${run}\` is a review, but milestone \`${milestone}\` does not run \`scrutiny\`: the plan never reaches it`);
      else if (kind === "user_test" && !m.validators.includes("user_testing"))
        problems.push(
          `run \`${run}\` is a user test, but milestone \`${milestone}\` does not run \`user_testing\`: the plan never reaches it`,
        );
    }
    const feature = /^(?:implement|handoff):([^#]+)#/.exec(run)?.[1] ?? /^review:[^#:]+#\d+:(.+)$/.exec(run)?.[1];
    // a name close to one the plan or the script has is a typo; another may be a follow-up the
    // script's orchestrator names some other way (or a run a test keeps for later), and is left
    const guess = feature !== undefined && !features.has(feature) ? nearest(feature, [...features]) : undefined;
    if (guess)
      problems.push(
        `run \`${run}\` names feature \`${feature}\`, which neither the plan nor a follow-up of this script has (did you mean \`${guess}\`?)`,
      );
    turns.forEach((turn, i) => {
      for (const call of turn.tools ?? []) {
        // another kind of run's ending: the runner would refuse it to the agent, and the script run out
        if (TERMINAL_TOOLS.includes(call.name) && call.name !== ENDS_WITH[kind]) {
          problems.push(
            `run \`${run}\` turn ${i + 1} calls \`${call.name}\`, which ends another kind of run: a \`${kind}\` run ends with \`${ENDS_WITH[kind]}\``,
          );
          continue;
        }
        if (tools.includes(call.name)) continue;
        const guess = nearest(call.name, tools);
        problems.push(
          `run \`${run}\` turn ${i + 1} calls \`${call.name}\`, which is no tool${guess ? `: did you mean \`${guess}\`?` : ""}`,
        );
      }
    });
  }
  return problems.map((p) => `${path}: ${p}`);
}

/** The names of the follow-up features the script's orchestrator creates. */
function followUps(script: Script): string[] {
  const names: string[] = [];
  for (const turns of Object.values(script.runs))
    for (const turn of turns)
      for (const call of turn.tools ?? []) {
        if (call.name !== "decide") continue;
        const features = (call.input as { features?: unknown } | undefined)?.features;
        if (Array.isArray(features))
          for (const f of features) if (typeof (f as { name?: unknown }).name === "string") names.push((f as { name: string }).name);
      }
  return names;
}
