import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { parse as parseYaml } from "yaml";
import { AnthropicProvider } from "../agents/anthropic.js";
import { OpenAIProvider } from "../agents/openai.js";
import { costOf } from "../agents/prices.js";
import type { Provider, Usage } from "../agents/provider.js";
import { keyFor } from "../agents/providers.js";
import { Recorder, RecordingProvider } from "../agents/record.js";
import { loadScript, ScriptedProvider } from "../agents/scripted.js";
import { renderSummary } from "../diagnostics/render-summary.js";
import { draftMission, draftStateDir } from "../draft/draft.js";
import { diffPlans } from "../plan/diff.js";
import { planFromMission, planFromMissionText } from "../plan/load.js";
import { renderDiffText } from "../plan/render-diff.js";
import type { PlanModel } from "../plan/types.js";
import { absolute, nodeHost } from "../syntax/host.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { colourFor, write, writeError } from "./output.js";

/** The orchestrator that drafts when neither `--model` nor the revised mission names one. */
export const DEFAULT_DRAFT_MODEL: PlanModel = { provider: "anthropic", id: "claude-opus-5-5", options: {} };

interface DraftFlags {
  output?: string;
  model?: string;
  answers?: string;
  from?: string;
  offline?: boolean;
  script?: string;
  record?: boolean;
}

export async function draftCommand(goal: string | undefined, flags: DraftFlags): Promise<number> {
  if (!goal?.trim())
    throw new UsageError(
      flags.from ? "say what to change" : "say what the software should do",
      'missionc draft "a todo service with a web page"',
    );
  const from = flags.from ? readMission(flags.from) : undefined;
  const out = absolute(flags.output ?? flags.from ?? `${slug(goal)}.mission`);
  const model = flags.model ? parseModel(flags.model) : from ? orchestratorOf(from.file) : DEFAULT_DRAFT_MODEL;
  const scriptPath = absolute(flags.script ?? out.replace(/\.mission$/, "") + ".draft.yaml");
  const provider = chooseProvider(model, flags, scriptPath);
  const ask = flags.answers ? answersFrom(flags.answers) : askInTerminal();
  const drafted = await draftMission({ goal, out, ...(from ? { from } : {}), provider, stateDir: draftStateDir(out), ask: ask.ask });
  ask.close();
  if (drafted.resumed) write(`resumed the drafting journaled in ${draftStateDir(out)}\n`);
  if (drafted.kind === "gave_up") {
    writeError(
      `error: the draft was not finished: ${drafted.reason}; its journal is in ${draftStateDir(out)}, and \`missionc draft\` again resumes it`,
    );
    write(usageLine(drafted.usage, model));
    return EXIT.findings;
  }
  const c = colourFor(process.stdout);
  write(
    `wrote ${basename(out)}${drafted.skills.length ? ` and ${drafted.skills.join(", ")}` : ""}${drafted.rounds ? ` (after ${drafted.rounds} round${drafted.rounds === 1 ? "" : "s"} of repairs)` : ""}\n`,
  );
  write(`${renderSummary(drafted.checked, c)}\n`);
  if (from) {
    const before = planFromMissionText(from.file, from.text, nodeHost());
    const after = planFromMission(out, nodeHost());
    if (before.ok && after.ok) write(renderDiffText(diffPlans(before.plan, after.plan), c));
  }
  write(usageLine(drafted.usage, model));
  write(`nothing has run: \`missionc run ${basename(out)}\` starts it\n`);
  return EXIT.ok;
}

function readMission(path: string): { file: string; text: string } {
  const file = absolute(path);
  const read = nodeHost().read(file);
  if ("error" in read) throw new InputError(`cannot revise ${path}: it ${read.error}`);
  return { file, text: read.text };
}

const slug = (goal: string): string =>
  goal
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .split("_")
    .slice(0, 3)
    .join("_") || "mission";

function parseModel(given: string): PlanModel {
  const m = /^(anthropic|openai):(.+)$/.exec(given);
  if (!m)
    throw new UsageError(`--model ${given} is not PROVIDER:ID`, "for example --model anthropic:claude-opus-5-5 or --model openai:gpt-5");
  return { provider: m[1], id: m[2], options: {} };
}

/** The revised mission's own orchestrator, when it is one drafting can talk to. */
function orchestratorOf(file: string): PlanModel {
  const loaded = planFromMission(file, nodeHost());
  if (!loaded.ok) throw new InputError(`cannot revise ${file}: ${loaded.reason}`);
  const model = loaded.plan.models[loaded.plan.roles.orchestrator];
  return model && (model.provider === "anthropic" || model.provider === "openai") ? model : DEFAULT_DRAFT_MODEL;
}

function chooseProvider(model: PlanModel, flags: DraftFlags, scriptPath: string): Provider {
  if (flags.offline) {
    if (!existsSync(scriptPath))
      throw new InputError(`no drafting script at ${scriptPath}: give one with --script FILE (specs/scripts.md)`);
    return new ScriptedProvider(loadScript(scriptPath), scriptPath);
  }
  const key = keyFor(model, process.env);
  if (!key?.value && !(model.provider === "openai" && typeof model.options["base_url"] === "string"))
    throw new InputError(
      `drafting with ${model.provider} "${model.id}" needs the environment variable ${key?.name ?? "for its key"}: it is not set (or draft offline from a script: --offline --script FILE)`,
    );
  const value = key?.value ?? "missionc-local";
  const live = model.provider === "anthropic" ? new AnthropicProvider(model, value) : new OpenAIProvider(model, value);
  return flags.record ? new RecordingProvider(live, new Recorder(scriptPath)) : live;
}

interface Asker {
  ask: (questions: string[]) => Promise<string[]>;
  close: () => void;
}

/** Answers from a file (specs/answers.schema.json), taken in order; running out is an error naming the question. */
function answersFrom(path: string): Asker {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(absolute(path), "utf8"));
  } catch (e) {
    throw new InputError(`cannot read the answers ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
  const list = (value as { format?: unknown; answers?: unknown } | null)?.answers;
  if (
    (value as { format?: unknown } | null)?.format !== "missionc.answers/1" ||
    !Array.isArray(list) ||
    list.some((a) => typeof a !== "string")
  )
    throw new InputError(
      `${path} is not an answers file: format: missionc.answers/1, answers: a list of strings (specs/answers.schema.json)`,
    );
  let next = 0;
  return {
    ask: (questions) =>
      Promise.resolve(
        questions.map((q) => {
          if (next >= list.length) throw new InputError(`the answers file ${path} has no answer for question ${next + 1}: ${q}`);
          return list[next++] as string;
        }),
      ),
    close: () => undefined,
  };
}

/** The questions in the terminal, an answer a line. */
function askInTerminal(): Asker {
  let rl: ReturnType<typeof createInterface> | undefined;
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let closed = false;
  const open = (): void => {
    if (rl) return;
    rl = createInterface({ input: process.stdin });
    rl.on("line", (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
    rl.on("close", () => {
      closed = true;
      for (const w of waiting.splice(0)) w(undefined);
    });
  };
  const line = (): Promise<string | undefined> =>
    lines.length ? Promise.resolve(lines.shift()) : closed ? Promise.resolve(undefined) : new Promise((r) => waiting.push(r));
  return {
    ask: async (questions) => {
      open();
      const answers: string[] = [];
      for (const q of questions) {
        write(`? ${q}\n> `);
        const a = await line();
        if (a === undefined) throw new InputError(`no answer to "${q}": the input ended (give answers with --answers FILE)`);
        answers.push(a);
      }
      return answers;
    },
    close: () => rl?.close(),
  };
}

function usageLine(u: Usage, model: PlanModel): string {
  const total = u.input + u.cache_read + u.cache_write + u.output;
  const cost = costOf(model, u);
  const priced =
    cost !== undefined
      ? `, $${cost.toFixed(2)}`
      : u.estimated
        ? " (estimated: a scripted model, no cost)"
        : `, no price known for ${model.id}`;
  return `drafting: ${total} tokens (input ${u.input}, cache reads ${u.cache_read}, cache writes ${u.cache_write}, output ${u.output})${priced}\n`;
}
