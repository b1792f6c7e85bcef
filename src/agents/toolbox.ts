import { readFileSync } from "node:fs";
import type { PlanPermission, ToolGroup } from "../plan/types.js";
import { TOOL_SPECS, type ToolSpec } from "./tools.js";

/**
 * Every tool an agent may be shown, in one fixed order: every request of every role carries the
 * same list, so the list is one cached prefix for the whole mission. What a role may really call is
 * the runner's to enforce: its permission's tools (a tool outside them is answered with an error
 * naming its tools, and never runs), which its prompt lists.
 */

const schema = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../specs/${name}.schema.json`, import.meta.url), "utf8")) as Record<string, unknown>;

/** A worker's account of its feature, as specs/handoff.schema.json has it (the runner checks it). */
export interface Handoff {
  feature: string;
  status: "done" | "partial" | "blocked";
  implemented: string[];
  left_undone: string[];
  commands: { command: string; exit_code: number }[];
  issues: { severity: "low" | "medium" | "high"; text: string }[];
  procedures_followed: boolean;
  notes: string;
}

export const SUBMIT_HANDOFF: ToolSpec = {
  name: "submit_handoff",
  description: "Worker: end your work on the feature with a structured handoff (specs/handoff.schema.json).",
  input_schema: schema("handoff"),
};
export const DECIDE: ToolSpec = {
  name: "decide",
  description:
    "Orchestrator: answer the gate: accept, create follow-up features, or rescope pending features (specs/decision.schema.json).",
  input_schema: schema("decision"),
};
export const SUBMIT_VERDICTS: ToolSpec = {
  name: "submit_verdicts",
  description: "Reviewer or user tester: end with one verdict per assertion you were given (specs/verdicts.schema.json).",
  input_schema: schema("verdicts"),
};
export const RESEARCH: ToolSpec = {
  name: "research",
  description:
    "Worker or orchestrator: ask a read-only researcher agent one question about the codebase or the libraries in use; returns its answer.",
  input_schema: {
    type: "object",
    properties: { question: { type: "string", minLength: 1 } },
    required: ["question"],
    additionalProperties: false,
  },
};
export const ANSWER: ToolSpec = {
  name: "answer",
  description: "Researcher: give your answer to the question, citing files.",
  input_schema: {
    type: "object",
    properties: { answer: { type: "string", minLength: 1 } },
    required: ["answer"],
    additionalProperties: false,
  },
};

const GENERIC = [
  "read_file",
  "write_file",
  "edit_file",
  "list_files",
  "search",
  "run_command",
  "http_request",
  "browser_open",
  "browser_click",
  "browser_fill",
  "browser_text",
  "browser_screenshot",
];

/** The tools that end a run, one per kind of role: a worker's handoff, a decision, verdicts, an answer. */
export const TERMINAL_TOOLS = [SUBMIT_HANDOFF.name, DECIDE.name, SUBMIT_VERDICTS.name, ANSWER.name];

export const ALL_TOOLS: ToolSpec[] = [...GENERIC.map((n) => TOOL_SPECS[n]), RESEARCH, SUBMIT_HANDOFF, DECIDE, SUBMIT_VERDICTS, ANSWER];

/** The tools each group of the language's `tools` grants (specs/language.md, permissions). */
export const TOOL_GROUPS: Record<ToolGroup, readonly string[]> = {
  read: ["read_file", "list_files", "search"],
  write: ["write_file", "edit_file"],
  run: ["run_command"],
  research: ["research"],
  http: ["http_request"],
  browser: ["browser_open", "browser_click", "browser_fill", "browser_text", "browser_screenshot"],
};

/** The names of the tools a permission lets an agent call, its terminal tool aside. */
export function toolsOf(permission: PlanPermission): string[] {
  return permission.tools.flatMap((g) => TOOL_GROUPS[g]);
}
