import type { Position, Span } from "../diagnostics/diagnostic.js";

/**
 * Lines and columns computed when asked for. A large mission has hundreds of thousands of spans and
 * only a handful are ever shown, so a span holds two offsets and finds its line by binary search.
 */
export class LineIndex {
  private readonly starts: Int32Array;

  constructor(text: string) {
    const starts = [0];
    if (!text.includes("\r")) {
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.starts = Int32Array.from(starts);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = Int32Array.from(starts);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

export class SourceSpan implements Span {
  constructor(
    readonly file: string,
    readonly lines: LineIndex,
    readonly from: number,
    readonly to: number,
  ) {}

  get start(): Position {
    return this.lines.position(this.from);
  }

  get end(): Position {
    return this.lines.position(this.to);
  }

  toJSON(): Span {
    return { file: this.file, start: this.start, end: this.end };
  }
}

/** The first `length` characters of a span: a keyword at the start of a statement. */
export function headSpan(span: Span, length: number): Span {
  if (span instanceof SourceSpan) return new SourceSpan(span.file, span.lines, span.from, span.from + length);
  return { file: span.file, start: span.start, end: { line: span.start.line, column: span.start.column + length } };
}
