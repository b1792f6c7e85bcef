import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan, PlanPermission, RoleName } from "../plan/types.js";
import { toolsOf } from "./toolbox.js";
import type { Handoff } from "./toolbox.js";

/**
 * Prompts. The system prompt of a role is its stable prefix, the same for every call of that role:
 * the role's skill from skills/, the mission goal, the contract and the procedures. What differs per
 * run (the feature, its skills, earlier handoffs, the report) goes in the first user message.
 */

function roleSkill(role: string): string {
  const file = new URL(`../../skills/${role.replace("_", "-")}.md`, import.meta.url);
  return readFileSync(file, "utf8")
    .replace(/^---[\s\S]*?---\s*/, "")
    .trim();
}

const ROLE_FILES = ["orchestrator", "worker", "reviewer", "user_tester", "researcher"];

/**
 * The system prompt in two parts. The first is the same for every agent of the mission: the goal,
 * the contract, the procedures and every role's instructions (each agent knows its team), so it is
 * cached once and read by every call of every role. The second only says which role this agent plays.
 */
export function systemPrompt(role: string, plan: Plan): string[] {
  const contract = plan.contract
    .map((a) => `- ${a.id} (${a.by}, milestone ${a.milestone}): ${a.text}${a.check ? `\n  check: \`${a.check}\`` : ""}`)
    .join("\n");
  const procedures =
    Object.entries(plan.procedures)
      .map(([n, p]) => `- ${n}: \`${p.command}\``)
      .join("\n") || "(none)";
  const mission = [
    "You are one of the agents of a mission run by missionc. The mission, its contract and the instructions of every role follow; the last part of this prompt says which role is yours.",
    `# The mission: ${plan.mission.name}${plan.mission.title ? ` — ${plan.mission.title}` : ""}`,
    plan.mission.goal,
    "# The validation contract",
    contract || "(no assertions)",
    "# Procedures",
    procedures,
    "# The roles",
    ...ROLE_FILES.map((r) => `## The ${r.replace("_", " ")}\n\n${roleSkill(r).replace(/^#+ /gm, "### ")}`),
  ].join("\n\n");
  const granted = plan.permissions[role as RoleName];
  return [
    mission,
    `# Your role\n\nYou are the ${role.replace("_", " ")} of this mission: follow the instructions of "The ${role.replace("_", " ")}" above.${granted ? `\n\n${permissionText(granted)}` : ""}`,
  ];
}

const REACH: Record<PlanPermission["network"], string> = {
  none: "no network at all",
  loopback: "a loopback of their own (servers they start themselves)",
  full: "the internet",
};

/** What this mission lets the role do, as the runner enforces it: other tools are refused. */
export function permissionText(p: PlanPermission): string {
  const tools = toolsOf(p);
  const run = p.tools.includes("run")
    ? ` Your commands reach ${REACH[p.network]}${p.tools.includes("write") ? "" : ", and see the worktree read-only"}.`
    : "";
  return `Your tools (this mission's permissions): ${tools.length ? tools.join(", ") : "none"}, and the one that ends your run; any other is refused.${run}`;
}

/** A short summary of a handoff, built from its fields (no model call), for later workers. */
export function handoffSummary(h: Handoff): string {
  const parts = [`${h.feature}: ${h.status}`];
  if (h.implemented.length) parts.push(`implemented ${h.implemented.join("; ")}`);
  if (h.left_undone.length) parts.push(`left undone ${h.left_undone.join("; ")}`);
  if (h.issues.length) parts.push(`issues ${h.issues.map((i) => `[${i.severity}] ${i.text}`).join("; ")}`);
  return parts.join(" — ");
}

/** The latest handoffs, summarised; a long mission's first ones are counted, not repeated. */
const RECENT = 30;
function recent(earlier: Handoff[]): string {
  if (earlier.length === 0) return "(none: you are the first)";
  const shown = earlier.slice(-RECENT).map((h) => `- ${handoffSummary(h)}`);
  return `${earlier.length > RECENT ? `(${earlier.length - RECENT} earlier handoffs not shown)\n` : ""}${shown.join("\n")}`;
}

/** Each assertion's place in the contract, a plan at a time: an estimate asks for every feature's assertions. */
const contractPlaces = new WeakMap<Plan, Map<string, number>>();

/** The feature's assertions, in the contract's order. */
function assertionsOf(plan: Plan, ids: readonly string[]): Plan["contract"] {
  let places = contractPlaces.get(plan);
  if (!places) contractPlaces.set(plan, (places = new Map(plan.contract.map((a, i) => [a.id, i]))));
  const found = new Set<number>();
  for (const id of ids) {
    const i = places.get(id);
    if (i !== undefined) found.add(i);
  }
  return [...found].sort((a, b) => a - b).map((i) => plan.contract[i]);
}

/** The feature a worker is given, as the runner's state holds it. */
export interface FeatureBrief {
  name: string;
  title?: string;
  spec?: string;
  fulfills: string[];
  skills: string[];
}

export function workerPrompt(plan: Plan, f: FeatureBrief, root: string, skillText: (name: string) => string, earlier: Handoff[]): string {
  const assertions = assertionsOf(plan, f.fulfills);
  const agents = join(root, "AGENTS.md");
  return [
    `# Your feature: ${f.name}${f.title ? ` — ${f.title}` : ""}`,
    f.spec ? `## Spec\n\n${f.spec}` : "## Spec\n\n(no spec beyond its title and assertions)",
    `## Assertions it must make true\n\n${assertions.map((a) => `- ${a.id}: ${a.text}${a.check ? ` (check: \`${a.check}\`)` : ""}`).join("\n") || "(none)"}` +
      (assertions.length < f.fulfills.length
        ? `\n- also: ${f.fulfills.filter((id) => !assertions.some((a) => a.id === id)).join(", ")}`
        : ""),
    ...f.skills.map((s) => `## Skill: ${s}\n\n${skillText(s)}`),
    existsSync(agents) ? `## AGENTS.md\n\n${readFileSync(agents, "utf8")}` : "",
    `## Earlier handoffs\n\n${recent(earlier)}`,
    `End by calling submit_handoff with "feature": "${f.name}".`,
  ]
    .filter(Boolean)
    .join("\n\n");
}
