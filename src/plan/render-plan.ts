import type { ChalkInstance } from "chalk";
import { groupBy } from "./group.js";
import { duration, quantity } from "./units.js";
import type { Plan, PlanStep, RoleName, ValidateStep } from "./types.js";

const modelText = (p: Plan, model: string): string => {
  const m = p.models[model];
  return `${model}${m ? ` (${m.provider} "${m.id}")` : ""}`;
};

/** `missionc plan` without --json: the plan as a tree, in the spirit of `terraform plan`. */

function budgetLine(p: Plan): string {
  const b = p.budget;
  const parts = [
    b.tokens !== undefined ? `${quantity(b.tokens)} tokens` : "",
    b.time_seconds !== undefined ? duration(b.time_seconds) : "",
    b.cost_usd !== undefined ? `$${b.cost_usd}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "no limit";
}

/** `earlierChecks`: how many machine checks the milestones before this step's have; they run again here. */
function validateLine(s: ValidateStep, c: ChalkInstance, width: number, earlierChecks: number): string[] {
  const head = `${c.yellow("~ validate")}  ${s.validator.padEnd(width)} ${s.role} ${c.bold(s.model)}`;
  const lines = [head];
  if (s.procedures.length) lines.push(`      procedures: ${s.procedures.join(", ")}`);
  if (s.checks.length) lines.push(`      checks: ${s.checks.join(", ")}`);
  // a count, not the list: listing every earlier check at every milestone is quadratic in the mission
  if (s.regressions && earlierChecks)
    lines.push(`      regression checks: the ${earlierChecks} machine check${earlierChecks === 1 ? "" : "s"} of earlier milestones`);
  if (s.assertions.length) lines.push(`      assertions: ${s.assertions.join(", ")}`);
  if (s.features.length) lines.push(`      reviews: ${s.features.join(", ")}`);
  return lines;
}

export function renderPlanTree(p: Plan, c: ChalkInstance): string {
  const out: string[] = [];
  out.push(`${c.bold(`mission ${p.mission.name}`)}${p.mission.title ? ` "${p.mission.title}"` : ""}  ${c.dim(p.digest.slice(0, 19))}`);
  out.push(
    `  branch ${p.mission.branch} · budget ${budgetLine(p)} · max_rounds ${p.policy.max_rounds} · concurrency ${p.policy.concurrency}`,
  );
  const roleWidth = Math.max(...Object.entries(p.roles).map(([, model]) => modelText(p, model).length));
  for (const [role, model] of Object.entries(p.roles) as [RoleName, string][]) {
    const m = p.models[model];
    const granted = p.permissions[role];
    const shown = `${c.bold(model)}${m ? c.dim(` (${m.provider} "${m.id}")`) : ""}`;
    out.push(
      `  ${role.padEnd(12)} ${shown}${" ".repeat(roleWidth - modelText(p, model).length)}  network ${granted.network} · tools ${granted.tools.join(", ") || "none"}`,
    );
  }
  const procedureWidth = Math.max(0, ...Object.entries(p.procedures).map(([n, x]) => `${n} ${JSON.stringify(x.command)}`.length));
  for (const [name, proc] of Object.entries(p.procedures)) {
    const pad = " ".repeat(procedureWidth - `${name} ${JSON.stringify(proc.command)}`.length);
    out.push(`  procedure    ${name} ${c.dim(JSON.stringify(proc.command))}${pad}  network ${proc.network}`);
  }
  const features = new Map(p.features.map((f) => [f.name, f]));
  const width = Math.max(13, ...p.features.map((f) => f.name.length));
  const stepsOf = groupBy<PlanStep>(p.steps, (s) => s.milestone);
  const checksOf = new Map<string, number>();
  for (const a of p.contract) if (a.check !== undefined) checksOf.set(a.milestone, (checksOf.get(a.milestone) ?? 0) + 1);
  let earlierChecks = 0;
  for (const ms of p.milestones) {
    out.push("", `  ${c.bold(`milestone ${ms.name}`)}${ms.title ? ` "${ms.title}"` : ""}`);
    for (const step of stepsOf.get(ms.name) ?? []) {
      if (step.kind === "implement") {
        const f = features.get(step.feature)!;
        out.push(
          `    ${c.green("+ implement")} ${f.name.padEnd(width)} worker ${c.bold(step.model)}${step.permission.network !== p.permissions.worker.network ? ` (network ${step.permission.network})` : ""}${f.needs.length ? `  needs ${f.needs.join(", ")}` : ""}`,
        );
        if (f.fulfills.length) out.push(`      fulfills: ${f.fulfills.join(", ")}`);
      } else if (step.kind === "validate") {
        out.push(...validateLine(step, c, width, earlierChecks).map((l, i) => (i === 0 ? `    ${l}` : l)));
      } else {
        out.push(`    ${c.cyan("? gate")}      ${"".padEnd(width)} orchestrator ${c.bold(step.model)}`);
      }
    }
    earlierChecks += checksOf.get(ms.name) ?? 0;
  }
  const checked = p.contract.filter((a) => a.check).length;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
  out.push(
    "",
    `Plan: ${n(p.features.length, "feature")} in ${n(p.milestones.length, "milestone")}, ${n(p.contract.length, "assertion")} (${checked} with a machine check), ${n(p.steps.length, "step")}.`,
  );
  return `${out.join("\n")}\n`;
}
