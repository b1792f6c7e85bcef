import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type * as A from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import { Printer } from "./printer.js";
import { SourceSpan } from "../syntax/source-span.js";

/**
 * `missionc fmt`: the canonical layout, printed from the syntax tree with the comments put back.
 * Two-space indentation, one statement a line, runs of similar lines aligned in columns (the `=`,
 * the values after it, inline blocks, trailing comments: columns.ts), and a short block kept on one
 * line where it was written on one. It changes layout only, never meaning, so the plan digest stays
 * the same; and fmt of fmt is fmt.
 */

const LINE_LIMIT = 100;

export interface FormatResult {
  /** undefined when the file cannot be formatted (syntax errors) */
  text?: string;
  diagnostics: Diagnostic[];
}

export function format(text: string, path = "<input>"): FormatResult {
  const parsed = parse(text, path);
  if (parsed.diagnostics.some((d) => d.severity === "error")) return { diagnostics: parsed.diagnostics };
  const p = new Printer(text, parsed.file.comments);
  body(p, parsed.file.declarations);
  // the file's line endings are kept: a CRLF file (written on Windows) stays CRLF
  const printed = p.finish().replace(/\r\n/g, "\n");
  return { text: crlf(text) ? printed.replace(/\n/g, "\r\n") : printed, diagnostics: [] };
}

function literal(l: A.Literal, depth: number): string {
  if (l.kind !== "text") return l.raw;
  const pad = "  ".repeat(depth + 1);
  const lines = String(l.value)
    .split("\n")
    .map((x) => (x === "" ? "" : `${pad}${x}`));
  return `"""\n${lines.join("\n")}\n${"  ".repeat(depth)}"""`;
}

const ONE_LINE = new Set(["include", "goal", "branch", "repo", "role", "skill"]);

function body(p: Printer, decls: readonly A.Declaration[]): void {
  const oneLine = (d: A.Declaration): boolean =>
    ONE_LINE.has(d.kind)
      ? !(d.kind === "goal" && d.text.kind === "text")
      : (d.kind === "model" || d.kind === "procedure") && d.options.length === 0;
  decls.forEach((d, i) => p.statement(d.span, i === 0, () => declaration(p, d), oneLine(d)));
}

/** The span from the first name of a list to its last, so a comment after the list stays after it. */
function listSpan(names: readonly A.Name[]): A.Span {
  const first = names[0].span as SourceSpan;
  const last = names[names.length - 1].span as SourceSpan;
  return new SourceSpan(first.file, first.lines, first.from, last.to);
}

const offset = (span: A.Span): number => (span as SourceSpan).from;

function declaration(p: Printer, d: A.Declaration): void {
  switch (d.kind) {
    case "mission":
      p.line(`mission ${d.name.text}${d.title ? ` ${d.title.raw}` : ""}`);
      p.block(d.span, () => body(p, d.body));
      return;
    case "include":
      return p.line(`include ${d.path.raw}`);
    case "goal":
      return p.line(`goal ${literal(d.text, p.depth)}`);
    case "branch":
    case "repo":
      return p.line(`${d.kind} ${d.value.raw}`);
    case "budget":
    case "policy":
      return settingsStatement(p, d.kind, d.settings, d.span);
    case "permissions":
      return permissions(p, d);
    case "model":
      p.row("model", [`model ${d.name.text}`, `= ${d.provider.text}`, d.id.raw]);
      return optionsBlock(p, d.options, d.span);
    case "role":
      return p.row("role", [`role ${d.role.text}`, `= ${d.model.text}`]);
    case "procedure":
      p.row("procedure", [`procedure ${d.name.text}`, `= ${d.command.raw}`]);
      return optionsBlock(p, d.options, d.span);
    case "skill":
      return p.row("skill", [`skill ${d.name.text}`, `= ${d.path.raw}`]);
    case "contract":
      p.line("contract");
      if (d.asserts.length === 0 && !p.hasCommentWithin(d.span)) return p.cell("{}");
      return inlineOrBlock(
        p,
        d.asserts.map((a) => ({ text: assertionText(a), span: a.span })),
        d.span,
        () => d.asserts.forEach((a, i) => p.statement(a.span, i === 0, () => assertion(p, a))),
      );
    case "milestone":
      return milestone(p, d);
    case "field":
      return field(p, d);
  }
}

function settingText(s: A.Setting): string {
  if (s.body) return `${s.name.text} { ${s.body.map(settingText).join("  ")} }`;
  const values = s.value ? [s.value, ...(s.more ?? [])] : [];
  return `${s.name.text} ${values.map((v) => v.raw).join(", ")}`.trimEnd();
}

/** One role a line, the roles' blocks aligned, as a table of who may do what. */
function permissions(p: Printer, d: A.PermissionsDecl): void {
  p.line("permissions");
  if (d.roles.length === 0 && !p.hasCommentWithin(d.span)) return p.cell("{}");
  p.block(d.span, () => settingsList(p, d.roles, "permission"));
}

/**
 * `{ a 1  b 2 }` on the statement's line when the source wrote it on one line, it is short and holds
 * no comment; else one item a line. The writer's choice stands, as gofmt keeps a one-line function.
 */
function inlineOrBlock(p: Printer, items: { text: string; span: A.Span }[], span: A.Span, multiline: () => void): void {
  if (items.length === 0) return p.block(span, multiline); // an empty block that holds a comment
  const inline = `{ ${items.map((i) => i.text).join("  ")} }`;
  const fits = p.currentLineLength() + 1 + inline.length <= LINE_LIMIT;
  const first = items.reduce((a, b) => (offset(b.span) < offset(a.span) ? b : a)).span;
  if (fits && p.writtenOnOneLine(first, span) && !p.hasCommentWithin(span) && !inline.includes("\n")) return p.cell(inline);
  p.block(span, multiline);
}

const itemsOf = (settings: readonly A.Setting[]): { text: string; span: A.Span }[] =>
  settings.map((s) => ({ text: settingText(s), span: s.span }));

/** One setting a line, the values in a column; a nested block on one line or over several. */
function settingsList(p: Printer, settings: readonly A.Setting[], key = "setting"): void {
  settings.forEach((s, i) =>
    p.statement(s.span, i === 0, () => {
      if (!s.body) {
        const values = s.value ? [s.value, ...(s.more ?? [])] : [];
        return p.row(key, values.length ? [s.name.text, values.map((v) => v.raw).join(", ")] : [s.name.text]);
      }
      p.row(key, [s.name.text]);
      if (s.body.length === 0 && !p.hasCommentWithin(s.span)) return p.cell("{}");
      inlineOrBlock(p, itemsOf(s.body), s.span, () => settingsList(p, s.body!));
    }),
  );
}

function settingsStatement(p: Printer, head: string, settings: readonly A.Setting[], span: A.Span): void {
  p.line(head);
  if (settings.length === 0 && !p.hasCommentWithin(span)) return p.cell("{}");
  inlineOrBlock(p, itemsOf(settings), span, () => settingsList(p, settings));
}

function optionsBlock(p: Printer, options: readonly A.Setting[], span: A.Span): void {
  if (options.length === 0) return;
  inlineOrBlock(p, itemsOf(options), span, () => settingsList(p, options));
}

function assertionItems(a: A.AssertDecl): { key: string; value: string; span: A.Span }[] {
  const items: { key: string; value: string; span: A.Span }[] = [];
  if (a.check) items.push({ key: "check", value: a.check.raw, span: a.check.span });
  if (a.by) items.push({ key: "by", value: a.by.value.text, span: a.by.span });
  return items.sort((x, y) => offset(x.span) - offset(y.span));
}

/** An assertion on one line, for a contract written on one. */
function assertionText(a: A.AssertDecl): string {
  const items = assertionItems(a);
  return `assert ${a.id.text} ${a.text.raw}${items.length ? ` { ${items.map((x) => `${x.key} ${x.value}`).join("  ")} }` : ""}`;
}

function assertion(p: Printer, a: A.AssertDecl): void {
  p.row("assert", [`assert ${a.id.text}`, a.text.raw]);
  const items = assertionItems(a);
  if (items.length === 0) return;
  inlineOrBlock(
    p,
    items.map((x) => ({ text: `${x.key} ${x.value}`, span: x.span })),
    a.span,
    () => items.forEach((x, i) => p.statement(x.span, i === 0, () => p.row("setting", [x.key, x.value]), true)),
  );
}

function milestone(p: Printer, m: A.MilestoneDecl): void {
  p.row("milestone", [`milestone ${m.name.text}`, m.title?.raw ?? ""]);
  // in the order written, so every comment stays beside what it was written beside
  const items: { span: A.Span; text: () => string | undefined; emit: (first: boolean) => void }[] = m.features.map((f) => ({
    span: f.span,
    text: () => featureText(f),
    emit: (first) => p.statement(f.span, first, () => feature(p, f)),
  }));
  const v = m.validate;
  if (v) {
    const text = `validate ${v.validators.map((x) => x.text).join(", ")}`;
    items.push({ span: v.span, text: () => text, emit: (first) => p.statement(v.span, first, () => p.line(text), true) });
  }
  items.sort((x, y) => offset(x.span) - offset(y.span));
  const multiline = (): void => items.forEach((x, i) => x.emit(i === 0));
  const texts = items.map((x) => x.text());
  if (items.length === 0 || texts.some((t) => t === undefined)) return p.block(m.span, multiline);
  inlineOrBlock(
    p,
    items.map((x, i) => ({ text: texts[i]!, span: x.span })),
    m.span,
    multiline,
  );
}

interface FeaturePart {
  keyword: string;
  value: () => string;
  span: A.Span;
}

function featureParts(f: A.FeatureDecl, depth: () => number): FeaturePart[] {
  const names = (ns: readonly A.Name[]): string => ns.map((n) => n.text).join(", ");
  const parts: FeaturePart[] = [];
  const spec = f.spec;
  if (spec) parts.push({ keyword: "spec", value: () => literal(spec, depth()), span: spec.span });
  if (f.needs.length) parts.push({ keyword: "needs", value: () => names(f.needs), span: listSpan(f.needs) });
  if (f.skills.length) parts.push({ keyword: "skills", value: () => names(f.skills), span: listSpan(f.skills) });
  if (f.worker) parts.push({ keyword: "worker", value: () => f.worker!.text, span: f.worker.span });
  if (f.fulfills.length) parts.push({ keyword: "fulfills", value: () => names(f.fulfills), span: listSpan(f.fulfills) });
  return parts.sort((x, y) => offset(x.span) - offset(y.span));
}

/** A feature on one line, for a milestone written on one; undefined when it holds a text block. */
function featureText(f: A.FeatureDecl): string | undefined {
  if (f.spec?.kind === "text") return undefined;
  const parts = featureParts(f, () => 0);
  const head = `feature ${f.name.text}${f.title ? ` ${f.title.raw}` : ""}`;
  return parts.length ? `${head} { ${parts.map((x) => `${x.keyword} ${x.value()}`).join("  ")} }` : head;
}

function feature(p: Printer, f: A.FeatureDecl): void {
  p.row("feature", [`feature ${f.name.text}`, f.title?.raw ?? ""]);
  const spec = f.spec;
  const parts = featureParts(f, () => p.depth);
  if (parts.length === 0 && !p.hasCommentWithin(f.span)) return;
  const textBlock = (x: FeaturePart): boolean => spec?.kind === "text" && x.span === spec.span;
  const multiline = (): void =>
    parts.forEach((x, i) =>
      p.statement(
        x.span,
        i === 0,
        () => (textBlock(x) ? p.line(`spec ${x.value()}`) : p.row("part", [x.keyword, x.value()])),
        !textBlock(x),
      ),
    );
  if (parts.length === 0 || parts.some(textBlock)) return p.block(f.span, multiline);
  inlineOrBlock(
    p,
    parts.map((x) => ({ text: `${x.keyword} ${x.value()}`, span: x.span })),
    f.span,
    multiline,
  );
}

function field(p: Printer, f: A.Field): void {
  p.line(`${f.name.text}${f.values.map((v) => ` ${v.raw}`).join("")}`);
  if (f.body) p.block(f.span, () => f.body!.forEach((x, i) => p.statement(x.span, i === 0, () => field(p, x))));
}

/** Whether most of a text's line breaks are CRLF. */
function crlf(text: string): boolean {
  const windows = text.split("\r\n").length - 1;
  return windows > 0 && windows >= text.split("\n").length - 1 - windows;
}
