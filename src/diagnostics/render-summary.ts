import type { ChalkInstance } from "chalk";
import type { CheckResult } from "../semantics/check.js";
import type { Coverage } from "../semantics/coverage.js";

/** The closing lines of a pretty `check`: per-file verdict, contract coverage, totals. */

function percent(part: number, whole: number): string {
  return whole ? `${Math.round((part / whole) * 1000) / 10}%` : "–";
}

export function renderCoverage(cov: Coverage, c: ChalkInstance): string {
  if (cov.assertions === 0) return `${c.bold("coverage")}: no assertions in the contract\n`;
  const lines = [
    `${c.bold("coverage")}: ${cov.fulfilled}/${cov.assertions} assertions fulfilled (${percent(cov.fulfilled, cov.assertions)}), ` +
      `${cov.checked} with a machine check (${percent(cov.checked, cov.assertions)})`,
  ];
  const names = Object.keys(cov.milestones);
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const name of names) {
    const m = cov.milestones[name];
    lines.push(
      `  ${name.padEnd(width)}  ${String(m.assertions).padStart(4)} ${m.assertions === 1 ? "assertion " : "assertions"}  ${String(m.checked).padStart(4)} checked`,
    );
  }
  if (cov.unfulfilled.length) lines.push(`  ${c.red("unfulfilled")}: ${cov.unfulfilled.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

export function renderSummary(result: CheckResult, c: ChalkInstance): string {
  const out: string[] = [];
  for (const f of result.files) out.push(`${f.ok ? c.green("ok") : c.red("failed")}  ${f.file}`);
  const count = (s: string): number => result.diagnostics.filter((d) => d.severity === s).length;
  const errors = count("error");
  const warnings = count("warning");
  const parts = [`${errors} error${errors === 1 ? "" : "s"}`, `${warnings} warning${warnings === 1 ? "" : "s"}`];
  const n = result.files.length;
  const what = n === 0 ? "no mission checked" : `checked ${n} mission${n === 1 ? "" : "s"}`;
  out.push(result.ok ? c.green(`${what}: ${parts.join(", ")}`) : c.red(parts.join(", ")));
  return `${out.join("\n")}\n${result.files.length ? renderCoverage(result.coverage, c) : ""}`;
}
