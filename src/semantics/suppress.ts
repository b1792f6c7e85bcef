import type { Comment } from "../syntax/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic, isCode } from "../diagnostics/catalogue.js";

/**
 * `// missionc-ignore M0402` silences one diagnostic at one place: after a statement, the one with
 * that code that starts on the comment's line; on a line of its own, the one that starts on the
 * next line. Never both: one comment is not also a licence for the statement below it.
 * Errors are not silenced: a file with one cannot be planned whatever a comment says. A suppression
 * that silences nothing is itself a warning (M0209), so that none outlives its reason.
 */
const IGNORE = /missionc-ignore\s+(M\d{4}(?:\s*,\s*M\d{4})*)/;

interface Suppression {
  file: string;
  line: number;
  codes: string[];
  comment: Comment;
  used: Set<string>;
}

export function applySuppressions(
  diagnostics: Diagnostic[],
  files: { file: string; text: string; comments: readonly Comment[] }[],
): Diagnostic[] {
  const suppressions: Suppression[] = [];
  for (const { file, text, comments } of files) {
    let lines: string[] | undefined;
    for (const c of comments) {
      const codes = IGNORE.exec(c.text)?.[1].split(/\s*,\s*/);
      if (!codes) continue;
      lines ??= text.split("\n");
      const before = (lines[c.span.start.line - 1] ?? "").slice(0, c.span.start.column - 1);
      const trailing = before.trim() !== "" && !before.trim().startsWith("/*");
      suppressions.push({ file, line: trailing ? c.span.start.line : c.span.end.line + 1, codes, comment: c, used: new Set() });
    }
  }
  if (suppressions.length === 0) return diagnostics;
  const kept = diagnostics.filter((d) => {
    if (d.severity === "error") return true;
    const s = suppressions.find((x) => x.file === d.span.file && x.codes.includes(d.code) && d.span.start.line === x.line);
    if (!s) return true;
    s.used.add(d.code);
    return false;
  });
  for (const s of suppressions)
    for (const code of s.codes.filter((c) => !s.used.has(c)))
      kept.push(
        diagnostic(
          "M0209",
          s.comment.span,
          `\`missionc-ignore ${code}\` silences nothing${isCode(code) ? "" : `: there is no code ${code}`}`,
          {
            help: isCode(code)
              ? `no ${code} starts on the line it is about (its own after a statement, else the next); remove the comment (errors cannot be silenced)`
              : "codes are listed by `missionc explain`; remove the comment",
          },
        ),
      );
  return kept;
}
