import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { parse as parseYaml } from "yaml";
import { AnthropicProvider } from "../agents/anthropic.js";
import { OpenAIProvider } from "../agents/openai.js";
import { costOf } from "../agents/prices.js";
import { ProviderError, type Provider, type Usage } from "../agents/provider.js";
import { keyFor } from "../agents/providers.js";
import { Recorder, RecordingProvider } from "../agents/record.js";
import { loadScript, ScriptError, ScriptedProvider } from "../agents/scripted.js";
import { renderSummary } from "../diagnostics/render-summary.js";
import { draftMission, draftStateDir } from "../draft/draft.js";
import { DraftJournal } from "../draft/journal.js";
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
  force?: boolean;
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
  const stateDir = draftStateDir(out);
  const journaled = DraftJournal.unfinished(stateDir);
  if (journaled && (journaled.goal !== goal || journaled.from !== from?.file))
    throw new InputError(
      `a drafting session of ${basename(out)} is journaled for another request ("${journaled.goal}"${journaled.from ? `, from ${journaled.from}` : ""}): run it again with that request to resume it, or remove ${stateDir} to start over`,
    );
  if (!journaled && !from && existsSync(out) && !flags.force)
    throw new InputError(
      `${basename(out)} exists: drafting would replace it; revise it with --from, write another file with -o, or replace it with --force`,
    );
  const provider = chooseProvider(model, flags, scriptPath);
  const ask = flags.answers ? answersFrom(flags.answers) : askInTerminal();
  if (journaled) write(`resuming the drafting journaled in ${stateDir}\n`);
  let drafted;
  try {
    drafted = await draftMission({ goal, out, ...(from ? { from } : {}), provider, stateDir, ask: ask.ask });
  } catch (e) {
    // the model could not go on (a script that ran out, a key refused): the journal keeps what was done
    if (e instanceof ProviderError)
      throw new InputError(`the drafting stopped: ${e.message}; its journal is in ${stateDir}, and \`missionc draft\` again resumes it`);
    throw e;
  } finally {
    ask.close();
  }
  if (drafted.kind === "gave_up") {
    if (drafted.last) writeError(drafted.last);
    writeError(`error: the draft was not finished: ${drafted.reason}; its journal is in ${stateDir}`);
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
    try {
      return new ScriptedProvider(loadScript(scriptPath), scriptPath);
    } catch (e) {
      if (e instanceof ScriptError) throw new InputError(e.message);
      throw e;
    }
  }
  const key = keyFor(model, process.env);
  if (!key?.value && !(model.provider === "openai" && typeof model.options["base_url"] === "string"))
    throw new InputError(
      `drafting with ${model.provider} "${model.id}" needs the environment variable ${key?.name ?? "for its key"}: it is not set (or draft offline from a script: --offline --script FILE)`,
    );
  const value = key?.value ?? "missionc-local";
  const live = model.provider === "anthropic" ? new AnthropicProvider(model, value) : new OpenAIProvider(model, value);
  return flags.record
    ? new RecordingProvider(live, new Recorder(scriptPath, "missionc draft --record; replay with missionc draft --offline --script"))
    : live;
}

interface Asker {
  ask: (questions: string[], before: number) => Promise<string[]>;
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
    list.some((a) => typeof a !== "string") ||
    Object.keys(value as object).some((k) => k !== "format" && k !== "answers")
  )
    throw new InputError(
      `${path} is not an answers file: format: missionc.answers/1, answers: a list of strings (specs/answers.schema.json)`,
    );
  return {
    // `before`: the answers the journaled session already used, so a resumed session goes on from there
    ask: (questions, before) =>
      Promise.resolve(
        questions.map((q, i) => {
          const at = before + i;
          if (at >= list.length) throw new InputError(`the answers file ${path} has no answer for question ${at + 1}: ${q}`);
          return list[at] as string;
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
