import { lstatSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Chalk } from "chalk";
import { runAgent, type AgentHost, type Acceptance } from "../agents/loop.js";
import type { Provider, ToolCall, Usage } from "../agents/provider.js";
import type { ToolOutcome } from "../agents/tools.js";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { format } from "../format/format.js";
import { check, type CheckResult } from "../semantics/check.js";
import type { Declaration } from "../syntax/ast.js";
import { nodeHost, type SourceHost } from "../syntax/host.js";
import { parse } from "../syntax/parse.js";
import { Unconfined } from "../sandbox/sandbox.js";
import { DraftJournal } from "./journal.js";
import { draftPrompt, draftSystem } from "./prompts.js";
import { ASK_PERSON, SUBMIT_MISSION, type Drafted, type DraftedSkill } from "./tools.js";

/**
 * `missionc draft`: an orchestrator model interviews the person (`ask_person`) and hands in a
 * mission (`submit_mission`), which is checked as `missionc check` checks it; every diagnostic goes
 * back to the model, for a bounded number of rounds. The mission that checks clean is formatted and
 * written with its skills. The session is journaled, so a crash resumes without asking again.
 */

export const DRAFT_RUN = "draft#1";
/** rounds of diagnostics sent back before the drafting gives up */
export const REPAIR_ROUNDS = 3;
const MAX_TURNS = 24;

export interface DraftOptions {
  /** what the person wants, or the change they ask for (with `from`) */
  goal: string;
  /** where the mission is written; skills go beside it */
  out: string;
  /** the mission to revise */
  from?: { file: string; text: string };
  provider: Provider;
  /** the session's journal folder */
  stateDir: string;
  /** puts questions to the person; the answers in the same order. `before`: how many the session's journal already has */
  ask: (questions: string[], before: number) => Promise<string[]>;
}

export type DraftOutcome =
  | { kind: "written"; mission: string; skills: string[]; checked: CheckResult; usage: Usage; rounds: number; resumed: boolean }
  | { kind: "gave_up"; reason: string; usage: Usage; resumed: boolean; /** why the last mission handed in was refused */ last?: string };

export async function draftMission(o: DraftOptions): Promise<DraftOutcome> {
  const journal = DraftJournal.open(o.stateDir);
  if (!journal.started) journal.start(o.goal, o.from?.file);
  let rejected = 0;
  let lastRejection: string | undefined;
  // an answers file goes on where the journaled session stopped, not from its first answer
  let answered = journal.answersGiven(DRAFT_RUN);
  const host: AgentHost = {
    provider: o.provider,
    tools: { root: dirname(o.out), sandbox: new Unconfined(), network: "none", readOnly: true, commandTimeoutMs: 0 },
    journaledResponse: (run, turn) => journal.response(run, turn),
    journaledResult: (run, turn, index) => journal.result(run, turn, index),
    recordResponse: (run, turn, response) => journal.recordResponse(run, turn, response),
    recordResult: (run, turn, index, call, outcome) =>
      journal.recordResult(run, turn, index, call, { id: call.id, content: outcome.content, is_error: outcome.isError }),
    journaledStart: () => false,
    recordStart: () => undefined,
    beforeModelCall: () => undefined,
    atTurnBoundary: () => undefined,
    extraTool: async (_run, _turn, call) => {
      const outcome = await askPerson(call, (questions) => o.ask(questions, answered));
      if (outcome && !outcome.isError) answered += Math.min(MAX_QUESTIONS, (call.input as { questions: unknown[] }).questions.length);
      return outcome;
    },
  };
  const outcome = await runAgent<Drafted>(
    {
      run: DRAFT_RUN,
      system: draftSystem(),
      prompt: draftPrompt(o.goal, o.from),
      tools: [ASK_PERSON, SUBMIT_MISSION],
      permission: { network: "none", tools: [] },
      ownTools: [ASK_PERSON.name],
      terminal: SUBMIT_MISSION.name,
      accept: (input) => {
        const verdict = acceptMission(input, o.out);
        if (!verdict.ok) {
          rejected++;
          lastRejection = verdict.error;
        }
        return verdict;
      },
      maxTurns: MAX_TURNS,
      maxInvalid: REPAIR_ROUNDS + 1,
    },
    host,
  );
  const usage = totalUsage(journal.responses().map((r) => r.usage));
  if (outcome.kind === "gave_up")
    return { kind: "gave_up", reason: outcome.reason, usage, resumed: journal.resumed, ...(lastRejection ? { last: lastRejection } : {}) };
  const skills = writeDrafted(outcome.value, o.out);
  journal.finish(o.out);
  const checked = check([o.out], { cwd: dirname(o.out) });
  return { kind: "written", mission: o.out, skills, checked, usage, rounds: rejected, resumed: journal.resumed };
}

export const MAX_QUESTIONS = 5;

async function askPerson(call: ToolCall, ask: (questions: string[]) => Promise<string[]>): Promise<ToolOutcome | undefined> {
  if (call.name !== ASK_PERSON.name) return undefined;
  const questions = (call.input as { questions?: unknown } | undefined)?.questions;
  if (!Array.isArray(questions) || questions.length === 0 || questions.some((q) => typeof q !== "string"))
    return { content: "`ask_person` takes { questions: [string, ...] } (one to five questions)", isError: true };
  const asked = (questions as string[]).slice(0, MAX_QUESTIONS);
  const answers = await ask(asked);
  const dropped = questions.length > MAX_QUESTIONS ? `\n\n(only the first ${MAX_QUESTIONS} questions were asked; ask the others next)` : "";
  return { content: asked.map((q, i) => `Q: ${q}\nA: ${answers[i] ?? "(no answer)"}`).join("\n\n") + dropped, isError: false };
}

const SKILL_FILE = /^[A-Za-z0-9_][A-Za-z0-9_./-]*\.md$/;

/** The handed-in mission, checked beside where it will be written: clean, or every diagnostic as the reason. */
export function acceptMission(input: unknown, out: string): Acceptance<Drafted> {
  const given = input as { mission?: unknown; skills?: unknown } | undefined;
  if (typeof given?.mission !== "string" || given.mission.trim() === "")
    return { ok: false, error: "`mission` must be the text of the .mission file" };
  const skills: DraftedSkill[] = [];
  for (const s of Array.isArray(given.skills) ? (given.skills as unknown[]) : []) {
    const skill = s as { file?: unknown; content?: unknown };
    if (
      typeof skill.file !== "string" ||
      typeof skill.content !== "string" ||
      !SKILL_FILE.test(skill.file) ||
      skill.file.split("/").includes("..")
    )
      return { ok: false, error: "each skill is { file: a relative path ending in .md, inside the mission's folder, content }" };
    skills.push({ file: skill.file, content: skill.content });
  }
  const dir = dirname(out);
  const overlay = new Map<string, string>([
    [out, given.mission],
    ...skills.map((s): [string, string] => [resolve(dir, s.file), s.content]),
  ]);
  const result = check([basename(out)], { cwd: dir, host: overlaid(nodeHost(dir), overlay) });
  if (result.diagnostics.length > 0 || result.unreadable.length > 0) {
    const shown = renderPretty(result.diagnostics, (f) => result.sources.get(f), new Chalk({ level: 0 }));
    const unreadable = result.unreadable.map((u) => `${u.file} ${u.error}`).join("\n");
    return {
      ok: false,
      error: `\`missionc check\` reports ${result.diagnostics.length} diagnostic(s); fix every one, and hand in the whole mission again:\n${shown}${unreadable}`,
    };
  }
  const formatted = format(given.mission, out).text ?? given.mission;
  // only the files the mission declares as skills are written: never a README the model hands in besides
  const declared = new Set(skillPaths(given.mission, dir));
  return {
    ok: true,
    value: { mission: formatted, skills: skills.filter((s) => declared.has(resolve(dir, s.file))) },
    reply: "accepted: it checks clean",
  };
}

/** The files the mission's `skill` declarations name, resolved against its folder. */
function skillPaths(mission: string, dir: string): string[] {
  const paths: string[] = [];
  const walk = (decls: readonly Declaration[]): void => {
    for (const d of decls)
      if (d.kind === "mission") walk(d.body);
      else if (d.kind === "skill" && typeof d.path.value === "string") paths.push(resolve(dir, d.path.value));
  };
  walk(parse(mission, "draft.mission").file.declarations);
  return paths;
}

function overlaid(base: SourceHost, files: ReadonlyMap<string, string>): SourceHost {
  return {
    ...base,
    read: (abs) => {
      const text = files.get(abs);
      return text !== undefined ? { text } : base.read(abs);
    },
    exists: (abs) => files.has(abs) || base.exists(abs),
  };
}

/** Writes the skills, then the mission; the skills' paths as written. */
function writeDrafted(d: Drafted, out: string): string[] {
  const dir = dirname(out);
  const written: string[] = [];
  mkdirSync(dir, { recursive: true });
  const inside = realpathSync(dir) + sep;
  for (const s of d.skills) {
    const path = resolve(dir, s.file);
    if (!path.startsWith(dir + sep)) continue;
    mkdirSync(dirname(path), { recursive: true });
    // through a link, the folder may be somewhere else: a skill is written only inside the mission's folder
    if (!(realpathSync(dirname(path)) + sep).startsWith(inside) || isLink(path)) continue;
    writeFileSync(path, s.content);
    written.push(relative(dir, path));
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(out, d.mission);
  return written;
}

function totalUsage(list: Usage[]): Usage {
  const sum: Usage = { input: 0, cache_read: 0, cache_write: 0, output: 0 };
  for (const u of list) {
    sum.input += u.input;
    sum.cache_read += u.cache_read;
    sum.cache_write += u.cache_write;
    sum.output += u.output;
    if (u.estimated) sum.estimated = true;
  }
  return sum;
}

/** The journal folder of a drafting session for the mission file. */
export function draftStateDir(out: string): string {
  // `.drafts`: no mission is named so (a name starts with a letter), so no mission's state is in it
  return join(dirname(out), ".missions", ".drafts", basename(out).replace(/\.mission$/, ""));
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
