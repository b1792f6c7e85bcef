import type { Comment } from "../syntax/ast.js";
import type { Span } from "../diagnostics/diagnostic.js";
import type { SourceSpan } from "../syntax/source-span.js";

/**
 * Lines of output with comments put back where they were: a comment before a statement stays
 * before it, a comment at the end of a statement's line stays at the end of that line, and a
 * blank line between two statements stays (one, however many there were).
 */
export class Printer {
  private readonly out: string[] = [];
  private next = 0;
  private lastEnd = 0;
  depth = 0;

  constructor(private readonly source: string, private readonly comments: readonly Comment[]) {}

  private pad(): string {
    return "  ".repeat(this.depth);
  }

  line(text: string): void {
    this.out.push(text === "" ? "" : `${this.pad()}${text}`);
  }

  /** Appends to the last line (`{ ... }` closers, trailing comments). */
  append(text: string): void {
    this.out[this.out.length - 1] += text;
  }

  private blankBetween(from: number, to: number): boolean {
    let newlines = 0;
    for (let i = from; i < to && newlines < 2; i++) if (this.source.charCodeAt(i) === 10) newlines++;
    return newlines >= 2;
  }

  private needsBlank(at: number, first: boolean): boolean {
    return !first && this.out.length > 0 && this.blankBetween(this.lastEnd, at) && this.out[this.out.length - 1] !== "";
  }

  /** Comments that start before `offset`, each on its own line. */
  leading(offset: number, first: boolean): void {
    while (this.next < this.comments.length && this.comments[this.next]!.offset < offset) {
      const c = this.comments[this.next++]!;
      if (this.needsBlank(c.offset, first)) this.line("");
      first = false;
      const [head, ...rest] = c.text.split(/\r?\n/);
      this.line(head!);
      for (const r of rest) this.out.push(r);
      this.lastEnd = c.offset + c.text.length;
    }
  }

  currentLineLength(): number {
    return this.out[this.out.length - 1]?.length ?? 0;
  }

  /** Whether a blank line or a comment separates two statements (which then do not share alignment). */
  gapBetween(a: Span, b: Span): boolean {
    const from = (a as SourceSpan).to;
    const to = (b as SourceSpan).from;
    if (this.blankBetween(from, to)) return true;
    const line = (a as SourceSpan).end.line;
    return this.comments.some((c) => c.offset >= from && c.offset < to && c.span.start.line !== line);
  }

  /** Whether any comment lies inside the span: then a block cannot be written on one line. */
  hasCommentWithin(span: Span): boolean {
    const s = span as SourceSpan;
    for (let i = this.next; i < this.comments.length; i++) {
      const o = this.comments[i]!.offset;
      if (o >= s.to) return false;
      if (o >= s.from) return true;
    }
    return false;
  }

  /** One statement: the comments and blank line before it, the statement, a comment after it on its line. */
  statement(span: Span, first: boolean, render: () => void): void {
    const s = span as SourceSpan;
    this.leading(s.from, first);
    if (this.needsBlank(s.from, first)) this.line("");
    render();
    this.lastEnd = s.to;
    const endLine = s.end.line;
    while (this.next < this.comments.length) {
      const c = this.comments[this.next]!;
      if (c.offset < s.to || c.span.start.line !== endLine || c.text.includes("\n")) break;
      // only whitespace between: a comment after the next statement's first token belongs to that statement
      if (this.source.slice(this.lastEnd, c.offset).trim() !== "") break;
      this.append(` ${c.text}`);
      this.lastEnd = c.offset + c.text.length;
      this.next++;
    }
  }

  /** A block's body: its statements one level in, the comments left inside it, then `}`. */
  block(span: Span, body: () => void): void {
    this.append(" {");
    this.depth++;
    body();
    this.leading((span as SourceSpan).to - 1, false);
    this.depth--;
    this.line("}");
  }

  /** Comments after the last statement of the file. */
  finish(): string {
    this.leading(Number.MAX_SAFE_INTEGER, false);
    while (this.out.length && this.out[this.out.length - 1] === "") this.out.pop();
    return `${this.out.join("\n")}\n`;
  }
}
