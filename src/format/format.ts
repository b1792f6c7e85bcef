import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type * as A from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import { Printer } from "./printer.js";
import { SourceSpan } from "../syntax/source-span.js";

/**
 * `missionc fmt`: the canonical layout, printed from the syntax tree with the comments put back.
 * Two-space indentation, one statement a line, `=` aligned in runs of models, roles, procedures
 * and skills, short setting blocks on one line. It changes layout only, never meaning, so the plan
 * digest stays the same; and fmt of fmt is fmt.
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

type Aligned = A.ModelDecl | A.RoleDecl | A.ProcedureDecl | A.SkillDecl;
const ALIGNED = new Set(["model", "role", "procedure", "skill"]);
const nameWidth = (d: Aligned): number => (d.kind === "role" ? d.role.text : d.name.text).length;

/** Widths for `=` alignment: runs of one kind with nothing between them share a column. */
function alignment(p: Printer, decls: readonly A.Declaration[], source: (d: A.Declaration) => A.Span): Map<A.Declaration, number> {
  const widths = new Map<A.Declaration, number>();
  let run: Aligned[] = [];
  const flush = (): void => {
    const w = Math.max(0, ...run.map(nameWidth));
    for (const d of run) widths.set(d, w);
    run = [];
  };
  for (const d of decls) {
    const prev = run[run.length - 1];
    const joined = prev && prev.kind === d.kind && !p.gapBetween(source(prev), source(d));
    if (!joined) flush();
    if (ALIGNED.has(d.kind)) run.push(d as Aligned);
  }
  flush();
  return widths;
}

const ONE_LINE = new Set(["include", "goal", "branch", "repo", "role", "skill"]);

function body(p: Printer, decls: readonly A.Declaration[]): void {
  const widths = alignment(p, decls, (d) => d.span);
  const oneLine = (d: A.Declaration): boolean =>
    ONE_LINE.has(d.kind)
      ? !(d.kind === "goal" && d.text.kind === "text")
      : (d.kind === "model" || d.kind === "procedure") && d.options.length === 0;
  decls.forEach((d, i) => p.statement(d.span, i === 0, () => declaration(p, d, widths.get(d) ?? 0), oneLine(d)));
}

/** The span from the first name of a list to its last, so a comment after the list stays after it. */
function listSpan(names: readonly A.Name[]): A.Span {
  const first = names[0].span as SourceSpan;
  const last = names[names.length - 1].span as SourceSpan;
  return new SourceSpan(first.file, first.lines, first.from, last.to);
}

const offset = (span: A.Span): number => (span as SourceSpan).from;

function declaration(p: Printer, d: A.Declaration, width: number): void {
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
    case "model": {
      p.line(`model ${d.name.text.padEnd(width)} = ${d.provider.text} ${d.id.raw}`);
      return optionsBlock(p, d.options, d.span);
    }
    case "role":
      return p.line(`role ${d.role.text.padEnd(width)} = ${d.model.text}`);
    case "procedure": {
      p.line(`procedure ${d.name.text.padEnd(width)} = ${d.command.raw}`);
      return optionsBlock(p, d.options, d.span);
    }
    case "skill":
      return p.line(`skill ${d.name.text.padEnd(width)} = ${d.path.raw}`);
    case "contract":
      p.line("contract");
      if (d.asserts.length === 0 && !p.hasCommentWithin(d.span)) return p.append(" {}");
      return p.block(d.span, () => d.asserts.forEach((a, i) => p.statement(a.span, i === 0, () => assertion(p, a))));
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
  if (d.roles.length === 0 && !p.hasCommentWithin(d.span)) return p.append(" {}");
  const width = Math.max(...d.roles.map((r) => r.name.text.length));
  p.block(d.span, () =>
    d.roles.forEach((r, i) =>
      p.statement(r.span, i === 0, () => {
        if (!r.body) return p.line(settingText(r));
        p.line(r.name.text.padEnd(width));
        if (r.body.length === 0 && !p.hasCommentWithin(r.span)) return p.append(" {}");
        inlineOrBlock(p, r.body.map(settingText), r.span, () => settingsList(p, r.body!));
      }),
    ),
  );
}

/** `{ a 1  b 2 }` on the statement's line when it is short and holds no comment; else one a line. */
function inlineOrBlock(p: Printer, items: string[], span: A.Span, multiline: () => void): void {
  const inline = ` { ${items.join("  ")} }`;
  if (!p.hasCommentWithin(span) && !items.some((i) => i.includes("\n")) && p.currentLineLength() + inline.length <= LINE_LIMIT) {
    p.append(inline);
    return;
  }
  p.block(span, multiline);
}

function settingsList(p: Printer, settings: readonly A.Setting[]): void {
  settings.forEach((s, i) =>
    p.statement(s.span, i === 0, () => {
      if (!s.body) return p.line(settingText(s));
      p.line(s.name.text);
      inlineOrBlock(p, s.body.map(settingText), s.span, () => settingsList(p, s.body!));
    }),
  );
}

function settingsStatement(p: Printer, head: string, settings: readonly A.Setting[], span: A.Span): void {
  p.line(head);
  if (settings.length === 0 && !p.hasCommentWithin(span)) return p.append(" {}");
  inlineOrBlock(p, settings.map(settingText), span, () => settingsList(p, settings));
}

function optionsBlock(p: Printer, options: readonly A.Setting[], span: A.Span): void {
  if (options.length === 0) return;
  inlineOrBlock(p, options.map(settingText), span, () => settingsList(p, options));
}

function assertion(p: Printer, a: A.AssertDecl): void {
  p.line(`assert ${a.id.text} ${a.text.raw}`);
  const items: { text: string; span: A.Span }[] = [];
  if (a.check) items.push({ text: `check ${a.check.raw}`, span: a.check.span });
  if (a.by) items.push({ text: `by ${a.by.value.text}`, span: a.by.span });
  if (items.length === 0) return;
  items.sort((x, y) => offset(x.span) - offset(y.span));
  inlineOrBlock(
    p,
    items.map((x) => x.text),
    a.span,
    () => items.forEach((x, i) => p.statement(x.span, i === 0, () => p.line(x.text), true)),
  );
}

function milestone(p: Printer, m: A.MilestoneDecl): void {
  p.line(`milestone ${m.name.text}${m.title ? ` ${m.title.raw}` : ""}`);
  // in the order written, so every comment stays beside what it was written beside
  const items: { span: A.Span; emit: (first: boolean) => void }[] = m.features.map((f) => ({
    span: f.span,
    emit: (first) => p.statement(f.span, first, () => feature(p, f)),
  }));
  const v = m.validate;
  if (v)
    items.push({
      span: v.span,
      emit: (first) => p.statement(v.span, first, () => p.line(`validate ${v.validators.map((x) => x.text).join(", ")}`), true),
    });
  items.sort((x, y) => offset(x.span) - offset(y.span));
  p.block(m.span, () => items.forEach((x, i) => x.emit(i === 0)));
}

function feature(p: Printer, f: A.FeatureDecl): void {
  p.line(`feature ${f.name.text}${f.title ? ` ${f.title.raw}` : ""}`);
  const parts: { span: A.Span; text: () => string }[] = [];
  if (f.spec) parts.push({ span: f.spec.span, text: () => `spec ${literal(f.spec!, p.depth)}` });
  if (f.needs.length) parts.push({ span: listSpan(f.needs), text: () => `needs ${f.needs.map((n) => n.text).join(", ")}` });
  if (f.skills.length) parts.push({ span: listSpan(f.skills), text: () => `skills ${f.skills.map((n) => n.text).join(", ")}` });
  if (f.worker) parts.push({ span: f.worker.span, text: () => `worker ${f.worker!.text}` });
  if (f.fulfills.length) parts.push({ span: listSpan(f.fulfills), text: () => `fulfills ${f.fulfills.map((n) => n.text).join(", ")}` });
  if (parts.length === 0 && !p.hasCommentWithin(f.span)) return;
  parts.sort((x, y) => offset(x.span) - offset(y.span));
  p.block(f.span, () =>
    parts.forEach((x, i) =>
      p.statement(x.span, i === 0, () => p.line(x.text()), f.spec === undefined || x.span !== f.spec.span || f.spec.kind !== "text"),
    ),
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
