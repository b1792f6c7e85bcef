/**
 * Tabular alignment, in the manner of gofmt's. A line is a list of cells. Consecutive lines of one
 * kind (a run: models, roles, assertions, settings...) at one depth share columns: a cell that is
 * followed by another is padded to the widest such cell of its column in the run, so `=`, the
 * values after it and inline blocks line up. Trailing comments of a run start in one column. A blank line ends a run; a line that is only a comment neither
 * joins nor ends one; a cell holding a line break (a text block) ends it too.
 */

export interface Line {
  depth: number;
  cells: string[];
  /** lines of one key next to each other align; a line without a key aligns with nothing */
  key?: string;
  comment?: string;
  /** only a comment: it neither joins nor breaks a run */
  alone?: boolean;
  /** ends in a line comment: nothing more fits on the line */
  closed?: boolean;
  blank?: boolean;
}

const indent = (depth: number): string => "  ".repeat(depth);

export function render(lines: readonly Line[]): string[] {
  const text = lines.map((l) => l.cells.filter((c) => c !== "").join(" "));
  const commentColumn = new Map<number, number>();
  for (const run of runs(lines)) {
    aligned(run.map((i) => lines[i].cells)).forEach((t, j) => (text[run[j]] = t));
    const commented = run.filter((i) => lines[i].comment !== undefined);
    const column = Math.max(0, ...commented.map((i) => text[i].length));
    for (const i of commented) commentColumn.set(i, column);
  }
  return lines.map((l, i) => {
    if (l.blank) return "";
    if (l.alone) return `${indent(l.depth)}${l.comment}`;
    const body = text[i];
    if (l.comment === undefined) return `${indent(l.depth)}${body}`;
    return `${indent(l.depth)}${body.padEnd(commentColumn.get(i) ?? body.length)} ${l.comment}`;
  });
}

/** Indices of lines that align together, each run at least two lines long. */
function runs(lines: readonly Line[]): number[][] {
  const found: number[][] = [];
  let run: number[] = [];
  const end = (): void => {
    if (run.length > 1) found.push(run);
    run = [];
  };
  lines.forEach((l, i) => {
    if (l.alone) return;
    const first = run.length ? lines[run[0]] : undefined;
    const joins = l.key !== undefined && !l.cells.some((c) => c.includes("\n"));
    if (!joins || !first || first.key !== l.key || first.depth !== l.depth) end();
    if (joins) run.push(i);
  });
  end();
  return found;
}

/**
 * The lines of a run, each cell but the last padded to the widest cell of its column that is
 * followed by another: a table, as people line up the options after model ids of different
 * lengths, across the lines between that have none. A column empty on every line is left out.
 */
function aligned(rows: readonly string[][]): string[] {
  const columns = Math.max(...rows.map((r) => r.length)) - 1;
  const widths: number[] = [];
  // a line's last cell sets no width: a long assertion without a block does not push the others' blocks away
  for (let c = 0; c < columns; c++) widths.push(Math.max(...rows.map((r) => (c < r.length - 1 ? r[c].length : 0))));
  return rows.map((r) =>
    r
      .map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]) : cell))
      .filter((cell) => cell !== "")
      .join(" ")
      .trimEnd(),
  );
}
