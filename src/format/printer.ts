import type { Comment } from "../syntax/ast.js";
import type { Span } from "../diagnostics/diagnostic.js";
import type { SourceSpan } from "../syntax/source-span.js";
import { Line, render } from "./columns.js";

/**
 * Lines of output with comments put back where they were: a comment before a statement stays
 * before it, a comment at the end of a statement's line stays at the end of that line, and a
 * blank line between two statements stays (one, however many there were). Lines are kept as cells
 * until the end, where runs of similar lines are aligned in columns (columns.ts).
 */
export class Printer {
  private readonly out: Line[] = [];
  private next = 0;
  private lastEnd = 0;
  depth = 0;

  constructor(
    private readonly source: string,
    private readonly comments: readonly Comment[],
  ) {}

  /** A line of one cell, aligned with nothing. */
  line(text: string): void {
    this.out.push(text === "" ? { depth: 0, cells: [], blank: true } : { depth: this.depth, cells: [text] });
  }

  /** A line of cells that lines of the same `key` around it share columns with. */
  row(key: string, cells: string[]): void {
    this.out.push({ depth: this.depth, cells, key });
  }

  /** One more cell on the last line (a block's `{`, an inline block). */
  cell(text: string): void {
    this.last().cells.push(text);
  }

  private last(): Line {
    return this.out[this.out.length - 1];
  }

  /** A comment at the end of a line (the last by default); after a line comment nothing fits, so it takes a line of its own. */
  private trailing(text: string, at = this.out.length - 1): void {
    const l = this.out[at];
    if (l.closed || l.blank) this.out.push({ depth: this.depth, cells: [], comment: text, alone: true, closed: true });
    else {
      l.comment = l.comment === undefined ? text : `${l.comment} ${text}`;
      if (text.startsWith("//")) l.closed = true;
    }
  }

  /** Whether the source has an empty line (only spaces) between the two offsets. */
  private blankBetween(from: number, to: number): boolean {
    return /\n[ \t]*\r?\n/.test(this.source.slice(from, to));
  }

  private needsBlank(at: number, first: boolean): boolean {
    return !first && this.out.length > 0 && this.blankBetween(this.lastEnd, at) && !this.last().blank;
  }

  /** Comments that start before `offset`, each on its own line. */
  leading(offset: number, first: boolean): void {
    while (this.next < this.comments.length && this.comments[this.next].offset < offset) {
      const c = this.comments[this.next++];
      if (this.needsBlank(c.offset, first)) this.line("");
      first = false;
      const [head, ...rest] = c.text.split(/\r?\n/);
      this.out.push({ depth: this.depth, cells: [], comment: head, alone: true, closed: true });
      // a block comment's later lines keep their own indentation
      for (const r of rest) this.out.push({ depth: 0, cells: [], comment: r, alone: true, closed: true });
      this.lastEnd = c.offset + c.text.length;
    }
  }

  /** The last line's length as written so far, unaligned: whether an inline block still fits. */
  currentLineLength(): number {
    const l = this.last();
    return l ? l.depth * 2 + l.cells.join(" ").length : 0;
  }

  /** Whether the source wrote a block on one line: from its first item to the statement's end. */
  writtenOnOneLine(firstItem: Span, statement: Span): boolean {
    return firstItem.start.line === statement.end.line;
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
    const firstLine = this.out.length;
    const commentsBefore = this.next;
    render();
    if (oneLine) this.inside(s);
    this.lastEnd = s.to;
    const endLine = s.end.line;
    // a statement written on one line and printed over several keeps its comment on its first
    // line, where a `missionc-ignore` after it still applies (unless comments inside it come first)
    const spread = s.start.line === s.end.line && this.out.length - firstLine > 1 && this.next === commentsBefore;
    const at = spread ? firstLine : this.out.length - 1;
    while (this.next < this.comments.length) {
      const c = this.comments[this.next];
      if (c.offset < s.to || c.span.start.line !== endLine || c.text.includes("\n")) break;
      // only whitespace between: a comment after the next statement's first token belongs to that statement
      if (this.source.slice(this.lastEnd, c.offset).trim() !== "") break;
      this.trailing(c.text, at);
      this.lastEnd = c.offset + c.text.length;
      this.next++;
    }
  }

  /** Comments inside a one-line statement, put at its end. */
  private inside(s: SourceSpan): void {
    while (this.next < this.comments.length && this.comments[this.next].offset < s.to) {
      const c = this.comments[this.next++];
      if (c.text.includes("\n")) {
        const [head, ...rest] = c.text.split(/\r?\n/);
        this.out.push({ depth: this.depth, cells: [], comment: head, alone: true, closed: true });
        for (const r of rest) this.out.push({ depth: 0, cells: [], comment: r, alone: true, closed: true });
      } else this.trailing(c.text);
    }
  }

  /** A block's body: its statements one level in, the comments left inside it, then `}`. */
  block(span: Span, body: () => void): void {
    // the brace joins the last cell: a block over several lines takes no column its one-line neighbours align on
    const cells = this.last().cells;
    while (cells.length > 1 && cells[cells.length - 1] === "") cells.pop();
    cells[cells.length - 1] += " {";
    // a comment right after the `{` stays on its line
    const s = span as SourceSpan;
    while (this.next < this.comments.length) {
      const c = this.comments[this.next];
      if (c.offset >= s.to || c.text.includes("\n") || !this.followsBrace(s.from, c.offset)) break;
      this.trailing(c.text);
      this.lastEnd = c.offset + c.text.length;
      this.next++;
    }
    this.depth++;
    body();
    this.leading((span as SourceSpan).to - 1, false);
    this.depth--;
    this.line("}");
  }

  /** Whether the only thing between the block's opening `{` and the offset is space on one line. */
  private followsBrace(from: number, offset: number): boolean {
    const head = this.source.slice(from, offset).replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\/\*[\s\S]*?\*\//g, '""');
    return /^[^{}]*\{[ \t]*$/.test(head);
  }

  /** Comments after the last statement of the file. */
  finish(): string {
    this.leading(Number.MAX_SAFE_INTEGER, false);
    while (this.out.length && this.out[this.out.length - 1].blank) this.out.pop();
    return `${render(this.out).join("\n")}\n`;
  }
}
