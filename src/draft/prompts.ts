import { readFileSync } from "node:fs";

/**
 * What the drafting orchestrator is told: its job, the rules of a good mission, and the language
 * (specs/language.md's first example and quick reference, read from the package so that the two
 * never disagree). The system prompt is the same for every session: one cached prefix.
 */

function languageReference(): string {
  const page = readFileSync(new URL("../../specs/language.md", import.meta.url), "utf8");
  const section = (heading: string): string => {
    const start = page.indexOf(`## ${heading}`);
    if (start < 0) return "";
    const next = page.indexOf("\n## ", start + 3);
    return page.slice(start, next < 0 ? undefined : next).trim();
  };
  return [section("A first mission"), section("Quick reference")].join("\n\n");
}

const ROLE = `You are the orchestrator of a software mission, drafting it with the person who wants the software.

First interview them with \`ask_person\`: a few questions at a time (at most five), about who uses the software, what it must do, what it must not, the stack and constraints, and what "done" means to them. Stop asking when you can write the mission; two or three rounds are usually enough.

Then write the mission and hand it in with \`submit_mission\`:
- a goal in their words; milestones in the order they can be built and validated, each a set of features small enough for one worker on a clean context; each feature with a spec a worker can act on, and \`needs\` naming the earlier features it builds on;
- the validation contract before any code: assertions that are concrete and checkable (one behaviour each, observable from outside), with a \`check "command"\` wherever a machine can decide (a test command, a script), judged \`by reviewer\` only where reading the code is the only way; every assertion fulfilled by a feature;
- role bindings: orchestrator and worker, and validators (reviewer, user_tester) on a different provider from the worker's, so that they catch what the worker's model misses;
- the skills the workers will need for this mission (how to run and test this stack, its conventions): Markdown files with front matter \`name\` and \`description\`, declared with \`skill NAME = "skills/FILE.md"\` and attached to the features that need them (\`skills NAME\`).

Your mission is checked with \`missionc check\`; every diagnostic comes back to you: fix them all and hand it in again. Nothing runs until the person says so.`;

export function draftSystem(): string[] {
  return [ROLE, `The .mission language:\n\n${languageReference()}`];
}

export function draftPrompt(goal: string, from?: { file: string; text: string }): string {
  if (!from) return `The person wants: ${goal}\n\nInterview them, then hand in the mission.`;
  return `The mission in ${from.file} is:\n\n\`\`\`mission\n${from.text}\`\`\`\n\nThe person asks for this change: ${goal}\n\nAsk what you need to know, then hand in the whole revised mission (and any skills it adds or changes).`;
}
