import type { ToolSpec } from "../agents/tools.js";

/** The drafting orchestrator's two tools: ask the person, and hand in the mission. */

export const ASK_PERSON: ToolSpec = {
  name: "ask_person",
  description:
    "Ask the person who wants the software a few questions (at most five at a time) about scope, users, constraints and what 'done' means; returns their answers.",
  input_schema: {
    type: "object",
    properties: { questions: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1, maxItems: 5 } },
    required: ["questions"],
    additionalProperties: false,
  },
};

export interface DraftedSkill {
  /** a path relative to the mission file, ending in .md */
  file: string;
  content: string;
}

export interface Drafted {
  mission: string;
  skills: DraftedSkill[];
}

export const SUBMIT_MISSION: ToolSpec = {
  name: "submit_mission",
  description:
    "Hand in the mission: the whole .mission file, and the skill files it declares (Markdown with front matter `name` and `description`). It is checked with `missionc check`; every diagnostic comes back to you to fix.",
  input_schema: {
    type: "object",
    properties: {
      mission: { type: "string", minLength: 1 },
      skills: {
        type: "array",
        items: {
          type: "object",
          properties: { file: { type: "string", pattern: "^[A-Za-z0-9_][A-Za-z0-9_./-]*\\.md$" }, content: { type: "string" } },
          required: ["file", "content"],
          additionalProperties: false,
        },
      },
    },
    required: ["mission"],
    additionalProperties: false,
  },
};
