import type * as L from "vscode-languageserver/node";
import { CATALOGUE, isCode } from "../diagnostics/catalogue.js";
import { diagnosticsPage, explanation } from "../diagnostics/explanation.js";
import { validatorsOf } from "../semantics/coverage.js";
import type * as A from "../syntax/ast.js";
import { rangeOf } from "./convert.js";
import { linkAt, symbolAt, within, type MissionSymbol, type Place } from "./symbols.js";
import type { Analysis } from "./workspace.js";

/**
 * What the editor shows under the pointer: an assertion's text, check and judge where its id is
 * written; a model's provider, id and options where a role or a feature names it; a feature's
 * title and spec at a `needs`; the explanation of the diagnostic under the pointer, or of the code
 * a `missionc-ignore` comment names.
 */
export function hoverAt(analysis: Analysis, at: Place, lineText: string): L.Hover | null {
  const diagnosed = analysis.diagnostics.get(at.file)?.find((d) => within(d.span, at))?.code;
  // a diagnostic on a declared name (M0301 at an assertion's id) is explained below what the name is
  const why = diagnosed && isCode(diagnosed) ? `\n\n---\n\n${explained(diagnosed)}` : "";
  const found = symbolAt(analysis.index, at);
  if (found) return { contents: { kind: "markdown", value: describe(found.symbol, analysis) + why }, range: rangeOf(found.span) };
  const link = linkAt(analysis.index, at);
  if (link) return { contents: { kind: "markdown", value: `opens \`${link.target}\`${why}` }, range: rangeOf(link.span) };
  const code = codeUnder(lineText, at.column) ?? diagnosed;
  if (code && isCode(code)) return { contents: { kind: "markdown", value: explained(code) } };
  return null;
}

/** A code written in the line (a `missionc-ignore` comment's) under the 1-based column. */
function codeUnder(line: string, column: number): string | undefined {
  for (const m of line.matchAll(/\bM\d{4}\b/g)) if (column - 1 >= m.index && column - 1 <= m.index + m[0].length) return m[0];
  return undefined;
}

let page: string | undefined;

/** The code's entry of specs/diagnostics.md up to its example: what it means and where it points. */
function explained(code: keyof typeof CATALOGUE): string {
  page ??= diagnosticsPage();
  const entry = explanation(code, page) ?? `## ${code} — ${CATALOGUE[code].summary}`;
  return entry.split(/^### Example/m)[0].trimEnd();
}

const fence = (text: string): string => `\`\`\`mission\n${text}\n\`\`\``;
const raw = (l: A.Literal | undefined): string => (l ? String(l.value) : "");

function describe(s: MissionSymbol, analysis: Analysis): string {
  const node = s.node;
  switch (node.kind) {
    case "assert": {
      const place = analysis.checked.places.get(s.name);
      const judge =
        node.by?.value.text ??
        (node.check ? "check" : place?.milestone && validatorsOf(place.milestone).has("user_testing") ? "user_tester" : "reviewer");
      const lines = [`**assertion** \`${s.name}\``, "", `> ${raw(node.text)}`, ""];
      if (node.check) lines.push(`check: \`${raw(node.check)}\``);
      lines.push(`judged by: ${judge}`);
      if (place?.features.length) lines.push(`fulfilled by: ${place.features.map((f) => `\`${f.decl.name.text}\``).join(", ")}`);
      if (place?.milestone) lines.push(`validated at milestone \`${place.milestone.name.text}\``);
      return lines.join("  \n");
    }
    case "feature": {
      const lines = [`**feature** \`${s.name}\`${node.title ? ` — ${raw(node.title)}` : ""}`];
      if (node.spec) lines.push("", raw(node.spec));
      if (node.fulfills.length) lines.push("", `fulfills ${node.fulfills.map((n) => `\`${n.text}\``).join(", ")}`);
      return lines.join("\n");
    }
    case "milestone":
      return [
        `**milestone** \`${s.name}\`${node.title ? ` — ${raw(node.title)}` : ""}`,
        "",
        `features: ${node.features.map((f) => `\`${f.name.text}\``).join(", ") || "none"}`,
      ].join("\n");
    case "model":
    case "procedure":
    case "skill":
      return fence(sourceOf(analysis, node.span));
  }
}

/** The declaration as written. */
function sourceOf(analysis: Analysis, span: A.Span): string {
  const text = [...analysis.checked.program.files.values()].find((f) => f.abs === span.file)?.text ?? "";
  const lines = text.split(/\r?\n/).slice(span.start.line - 1, span.end.line);
  if (lines.length === 0) return "";
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, span.end.column - 1);
  lines[0] = lines[0].slice(span.start.column - 1);
  return lines.join("\n");
}
