import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ModelResponse, ToolCall, ToolResult } from "../agents/provider.js";

/**
 * A drafting session's journal (`.missions/.drafts/NAME/journal.jsonl`): what the model answered,
 * turn by turn, and what each tool call returned (the person's answers among them), each line
 * written and synced before the session goes on. A session that stopped (a crash, Ctrl-C, a kill)
 * resumes from it without asking the model or the person again; a finished one is kept beside it
 * and the next session starts a new journal.
 */

type Entry =
  | { type: "started"; at: string; goal: string; from?: string }
  | { type: "response"; run: string; turn: number; response: ModelResponse }
  | { type: "result"; run: string; turn: number; index: number; call: string; result: ToolResult }
  | { type: "finished"; at: string; file: string };

export class DraftJournal {
  private readonly entries: Entry[];
  readonly resumed: boolean;

  private constructor(
    readonly path: string,
    entries: Entry[],
  ) {
    this.entries = entries;
    this.resumed = entries.length > 0;
  }

  /** The journal in the folder: the unfinished session's, or a new one (a finished one is moved aside). */
  static open(dir: string): DraftJournal {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "journal.jsonl");
    const entries = existsSync(path) ? read(path) : [];
    if (entries.some((e) => e.type === "finished")) {
      renameSync(path, join(dir, `journal-${Date.now()}.jsonl`));
      return new DraftJournal(path, []);
    }
    return new DraftJournal(path, entries);
  }

  get started(): { goal: string; from?: string } | undefined {
    const s = this.entries.find((e) => e.type === "started");
    return s?.type === "started" ? s : undefined;
  }

  response(run: string, turn: number): ModelResponse | undefined {
    for (const e of this.entries) if (e.type === "response" && e.run === run && e.turn === turn) return e.response;
    return undefined;
  }

  result(run: string, turn: number, index: number): ToolResult | undefined {
    for (const e of this.entries) if (e.type === "result" && e.run === run && e.turn === turn && e.index === index) return e.result;
    return undefined;
  }

  /** How many of the person's answers the run's journaled `ask_person` calls hold. */
  answersGiven(run: string): number {
    let n = 0;
    for (const e of this.entries)
      if (e.type === "response" && e.run === run)
        e.response.tool_calls.forEach((c, i) => {
          const questions = (c.input as { questions?: unknown } | undefined)?.questions;
          const result = this.result(run, e.turn, i);
          if (c.name === "ask_person" && Array.isArray(questions) && result && !result.is_error) n += Math.min(5, questions.length);
        });
    return n;
  }

  /** The request of the unfinished session journaled in the folder, if there is one. */
  static unfinished(dir: string): { goal: string; from?: string } | undefined {
    const path = join(dir, "journal.jsonl");
    if (!existsSync(path)) return undefined;
    const entries = read(path);
    if (entries.some((e) => e.type === "finished")) return undefined;
    const s = entries.find((e) => e.type === "started");
    return s?.type === "started" ? { goal: s.goal, ...(s.from !== undefined ? { from: s.from } : {}) } : undefined;
  }

  responses(): ModelResponse[] {
    return this.entries.flatMap((e) => (e.type === "response" ? [e.response] : []));
  }

  start(goal: string, from?: string): void {
    this.append({ type: "started", at: new Date().toISOString(), goal, ...(from !== undefined ? { from } : {}) });
  }

  recordResponse(run: string, turn: number, response: ModelResponse): void {
    this.append({ type: "response", run, turn, response });
  }

  recordResult(run: string, turn: number, index: number, call: ToolCall, result: ToolResult): void {
    this.append({ type: "result", run, turn, index, call: call.name, result });
  }

  finish(file: string): void {
    this.append({ type: "finished", at: new Date().toISOString(), file });
  }

  private append(e: Entry): void {
    const fd = openSync(this.path, "a");
    try {
      writeSync(fd, `${JSON.stringify(e)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.entries.push(e);
  }
}

/** The entries, a line cut short by a crash at the end left out. */
function read(path: string): Entry[] {
  const out: Entry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Entry);
    } catch {
      break;
    }
  }
  return out;
}
