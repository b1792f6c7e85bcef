import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type { Declaration, Field, Setting } from "./ast.js";
import { nearest } from "../semantics/suggest.js";
import { headSpan } from "./source-span.js";

/**
 * What each block allows. A statement the block does not allow, or a field given twice, is one
 * M0206 naming the fields the block does allow. Model options are not listed: which options a
 * model takes depends on its provider, so the checker reports those (M0401).
 */
export const BLOCK_FIELDS = {
  file: ["mission", "include", "contract", "milestone", "skill", "procedure", "model"],
  fragment: ["include", "contract", "milestone", "skill", "procedure", "model"],
  mission: [
    "goal",
    "branch",
    "repo",
    "budget",
    "policy",
    "permissions",
    "model",
    "role",
    "procedure",
    "skill",
    "contract",
    "milestone",
    "include",
  ],
  contract: ["assert"],
  assert: ["check", "by"],
  milestone: ["feature", "validate"],
  feature: ["spec", "fulfills", "needs", "skills", "worker"],
  budget: ["tokens", "time", "cost"],
  policy: ["max_rounds", "concurrency"],
  procedure: ["timeout", "ready", "network", "advisory"],
  permission: ["network", "tools"],
  price: ["input", "output", "cache_read", "cache_write"],
} as const;

export type Block = keyof typeof BLOCK_FIELDS;

/** Statements that may appear any number of times in their block. */
const REPEATABLE = new Set(["feature", "assert", "model", "role", "procedure", "skill", "contract", "milestone", "include", "mission"]);

const BLOCK_NAMES: Record<Block, string> = {
  file: "at the top level of a file",
  fragment: "in an included file",
  mission: "in a mission",
  contract: "in a contract",
  assert: "in an assertion",
  milestone: "in a milestone",
  feature: "in a feature",
  budget: "in a budget",
  policy: "in a policy",
  procedure: "in procedure options",
  permission: "in a role's permissions",
  price: "in a price",
};

/** A statement the grammar knows and parsed, recorded only so that a second one can be found. */
export interface Marker {
  kind: "marker";
  name: Field["name"];
}

export type Statement = Declaration | Field | Setting | Marker;

/** How each known statement is written, for the message when one is malformed. */
const SHAPES: Record<string, string> = {
  mission: 'mission NAME ["title"] { ... }',
  include: 'include "path"',
  goal: 'goal "text"  or  goal """text"""',
  branch: 'branch "name"',
  repo: 'repo "path"',
  budget: "budget { tokens 800M  time 24h  cost $600 }",
  policy: "policy { max_rounds 3  concurrency 2 }",
  model: 'model NAME = PROVIDER "model-id" [{ options }]',
  role: "role ROLE = MODEL",
  permissions: "permissions { worker { network loopback  tools read, write, run } }",
  procedure: 'procedure NAME = "command" [{ timeout 10m  ready "url"  network full  advisory true }]',
  skill: 'skill NAME = "path.md"',
  contract: 'contract { assert ID "text" ... }',
  assert: 'assert ID "text" [{ check "cmd"  by reviewer }]',
  check: 'check "command"',
  by: "by reviewer|user_tester|check",
  milestone: 'milestone NAME ["title"] { feature ... }',
  feature: 'feature NAME ["title"] [{ ... }]',
  validate: "validate scrutiny, user_testing",
  spec: 'spec "text"  or  spec """text"""',
  fulfills: "fulfills ASSERTION, ...",
  needs: "needs FEATURE, ...",
  skills: "skills SKILL, ...",
  worker: "worker MODEL",
};

function headText(s: Statement): string {
  return s.kind === "field" || s.kind === "setting" || s.kind === "marker" ? s.name.text : s.kind;
}

function headOf(s: Statement): { text: string; span: Field["span"] } {
  if (s.kind === "field" || s.kind === "setting" || s.kind === "marker") return s.name;
  if (s.kind === "mission") return { text: "mission", span: s.keyword };
  return { text: s.kind, span: headSpan(s.span, s.kind.length) };
}

export function checkBlockFields(block: Block, statements: readonly Statement[], out: Diagnostic[]): void {
  const allowed: readonly string[] = BLOCK_FIELDS[block];
  const first = new Map<string, Statement>();
  for (const s of statements) {
    // the common case (a known statement, given once or repeatable) makes no span: a contract of
    // 50,000 assertions comes through here
    const text = headText(s);
    if (allowed.includes(text) && REPEATABLE.has(text) && s.kind !== "field") continue;
    const head = headOf(s);
    if (!allowed.includes(head.text)) {
      const guess = nearest(head.text, allowed);
      out.push(
        diagnostic("M0206", head.span, `\`${head.text}\` is not allowed ${BLOCK_NAMES[block]}`, {
          help: `${guess ? `did you mean \`${guess}\`? ` : ""}allowed here: ${allowed.join(", ")}`,
        }),
      );
      continue;
    }
    if (s.kind === "field" && SHAPES[head.text]) {
      // a known statement that its own rule could not read: the generic field caught it
      out.push(diagnostic("M0001", s.span, `malformed \`${head.text}\` statement`, { help: `write it as: ${SHAPES[head.text]}` }));
      continue;
    }
    if (REPEATABLE.has(head.text)) continue;
    const earlier = first.get(head.text);
    if (earlier) {
      out.push(
        diagnostic("M0206", head.span, `\`${head.text}\` is given twice ${BLOCK_NAMES[block]}`, {
          labels: [{ span: headOf(earlier).span, message: "first given here" }],
          help: "remove one of them; only the first is used",
        }),
      );
    } else first.set(head.text, s);
  }
}
