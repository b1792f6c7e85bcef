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

  constructor(
    private readonly source: string,
    private readonly comments: readonly Comment[],
  ) {}

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

  /** Whether the source has an empty line (only spaces) between the two offsets. */
  private blankBetween(from: number, to: number): boolean {
    return /\n[ \t]*\r?\n/.test(this.source.slice(from, to));
  }

  private needsBlank(at: number, first: boolean): boolean {
    return !first && this.out.length > 0 && this.blankBetween(this.lastEnd, at) && this.out[this.out.length - 1] !== "";
  }

  /** Comments that start before `offset`, each on its own line. */
  leading(offset: number, first: boolean): void {
    while (this.next < this.comments.length && this.comments[this.next].offset < offset) {
      const c = this.comments[this.next++];
      if (this.needsBlank(c.offset, first)) this.line("");
      first = false;
      const [head, ...rest] = c.text.split(/\r?\n/);
      this.line(head);
      for (const r of rest) this.out.push(r);
      this.lastEnd = c.offset + c.text.length;
    }
  }

  currentLineLength(): number {
    return this.out[this.out.length - 1]?.length ?? 0;
  }

  /** Whether a blank line separates two statements (which then do not share alignment). */
  gapBetween(a: Span, b: Span): boolean {
    return this.blankBetween((a as SourceSpan).to, (b as SourceSpan).from);
  }

  /** Whether any comment lies inside the span: then a block cannot be written on one line. */
  hasCommentWithin(span: Span): boolean {
    const s = span as SourceSpan;
    for (let i = this.next; i < this.comments.length; i++) {
      const o = this.comments[i].offset;
      if (o >= s.to) return false;
      if (o >= s.from) return true;
    }
    return false;
  }

  /**
   * One statement: the comments and blank line before it, the statement, and the comments after it on
   * its line. `oneLine` statements also take the comments written inside them (between its tokens) to the
   * end of their line, so that a second pass finds them where the first put them.
   */
  statement(span: Span, first: boolean, render: () => void, oneLine = false): void {
    const s = span as SourceSpan;
    this.leading(s.from, first);
    if (this.needsBlank(s.from, first)) this.line("");
    this.lastEnd = s.from;
    render();
    let closed = oneLine ? this.inside(s) : false;
    this.lastEnd = s.to;
    const endLine = s.end.line;
    while (this.next < this.comments.length) {
      const c = this.comments[this.next];
      if (c.offset < s.to || c.span.start.line !== endLine || c.text.includes("\n")) break;
      // only whitespace between: a comment after the next statement's first token belongs to that statement
      if (this.source.slice(this.lastEnd, c.offset).trim() !== "") break;
      // after a line comment nothing more fits on the line
      if (closed) this.line(c.text);
      else this.append(` ${c.text}`);
      if (c.text.startsWith("//")) closed = true;
      this.lastEnd = c.offset + c.text.length;
      this.next++;
    }
  }

  /** Comments inside a one-line statement, put at its end; whether the line now ends in a line comment. */
  private inside(s: SourceSpan): boolean {
    let lineComment = false;
    while (this.next < this.comments.length && this.comments[this.next].offset < s.to) {
      const c = this.comments[this.next++];
      if (c.text.startsWith("//") || c.text.includes("\n")) {
        if (lineComment || c.text.includes("\n")) this.line(c.text);
        else this.append(` ${c.text}`);
        lineComment = true;
      } else if (lineComment) this.line(c.text);
      else this.append(` ${c.text}`);
    }
    return lineComment;
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
