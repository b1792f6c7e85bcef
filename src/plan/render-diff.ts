import type { ChalkInstance } from "chalk";
import type { Change, PlanDiff } from "./diff.js";
import { duration, money, quantity } from "./units.js";

/** The three views of one diff: text for a terminal, Markdown for a pull request, JSON for tools. */

const SIGN = { added: "+", removed: "-", changed: "~", moved: ">" } as const;

function show(v: unknown): string {
  if (v === null || v === undefined) return "(none)";
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** A budget's or a timeout's number as the mission writes it (`20M`, `2h`, `$50`), anything else as `show` does. */
function showIn(entity: string, field: string, v: unknown): string {
  if (typeof v !== "number") return show(v);
  if (entity === "budget/tokens") return quantity(v);
  if (entity === "budget/time" || field.endsWith("_seconds")) return duration(v);
  if (entity === "budget/cost") return money(v);
  return show(v);
}

function describe(c: Change): string[] {
  switch (c.kind) {
    case "added":
      return [c.entity];
    case "removed":
      return [c.entity];
    case "moved": {
      const where = (p: Change["from"]): string => `${p?.milestone ? `milestone ${p.milestone}, ` : ""}position ${p?.position}`;
      return [`${c.entity}: ${where(c.from)} → ${where(c.to)}`];
    }
    case "changed":
      return [
        c.entity,
        // a timeout is written `timeout 10m`, not `timeout_seconds 600`
        ...Object.entries(c.fields ?? {}).map(
          ([k, v]) => `${k.replace(/_seconds$/, "")}: ${showIn(c.entity, k, v.before)} → ${showIn(c.entity, k, v.after)}`,
        ),
      ];
  }
}

export function summaryLine(d: PlanDiff): string {
  const { added, removed, changed, moved } = d.summary;
  if (d.changes.length === 0) return "No changes: the two missions give the same plan.";
  const widening = d.widenings;
  const widens = widening ? ` ${widening} ${widening === 1 ? "change widens" : "changes widen"} permissions.` : "";
  return `Plan: ${added} to add, ${changed} to change, ${removed} to remove, ${moved} to move.${widens}`;
}

export function renderDiffText(d: PlanDiff, c: ChalkInstance): string {
  const colour = { added: c.green, removed: c.red, changed: c.yellow, moved: c.cyan } as const;
  const lines: string[] = [];
  for (const change of d.changes) {
    const [head, ...rest] = describe(change);
    const widens = change.widens ? ` ${c.bold.red(`(widens: ${change.widens.join(", ")})`)}` : "";
    lines.push(
      colour[change.kind](
        `${SIGN[change.kind]} ${head}${change.kind === "changed" || change.kind === "moved" ? "" : ` (${change.kind})`}`,
      ) + widens,
    );
    for (const r of rest) lines.push(`    ${r}`);
  }
  lines.push("", summaryLine(d));
  return `${lines.join("\n")}\n`;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** What an added entity is, in a word or a phrase: an assertion's text and its check, a procedure's command. */
function addedText(c: Change): string {
  const v = c.after as { text?: string; check?: string; by?: string; command?: string; network?: string } | undefined;
  if (c.entity.startsWith("assertion/") && v)
    return `added: ${JSON.stringify(v.text)}${v.check !== undefined ? `, check \`${v.check}\`` : ""} (by ${v.by})`;
  if (c.entity.startsWith("procedure/") && v) return `added: \`${v.command}\`, network ${v.network}`;
  if (c.entity.startsWith("budget/")) return `added: ${showIn(c.entity, "value", c.after)}`;
  return "added";
}

/**
 * The diff as a pull-request comment. `files` names what was compared: the CI recipe concatenates one
 * comment per mission file, and a reader must know which file each is about.
 */
export function renderDiffMarkdown(d: PlanDiff, files?: { before: string; after: string }): string {
  const about = files ? ` \`${files.after}\`${files.before !== files.after ? ` (against \`${files.before}\`)` : ""}` : "";
  const out = [`**missionc diff**${about} — ${summaryLine(d)}`, ""];
  if (d.changes.length) {
    out.push("| | entity | change |", "| --- | --- | --- |");
    for (const change of d.changes) {
      const [, ...rest] = describe(change);
      const what =
        change.kind === "moved"
          ? describe(change)[0].replace(`${change.entity}: `, "moved: ")
          : change.kind === "changed"
            ? rest.join("; ")
            : change.kind === "added"
              ? addedText(change)
              : change.kind;
      const widens = change.widens ? `**⚠ widens: ${cell(change.widens.join(", "))}** — ` : "";
      out.push(`| ${SIGN[change.kind]} | \`${change.entity}\` | ${widens}${cell(what)} |`);
    }
    out.push("");
  }
  out.push(`<sub>plan ${d.before.slice(7, 19)} → ${d.after.slice(7, 19)}</sub>`);
  return `${out.join("\n")}\n`;
}

export function renderDiffJson(d: PlanDiff): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
