import type { Comment } from "../syntax/ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic, isCode } from "../diagnostics/catalogue.js";

/**
 * `// missionc-ignore M0402` silences one diagnostic at one place: the one with that code that starts
 * on the comment's line (a comment after the statement) or on the next line (a comment above it).
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

export function applySuppressions(diagnostics: Diagnostic[], comments: { file: string; comments: readonly Comment[] }[]): Diagnostic[] {
  const suppressions: Suppression[] = [];
  for (const { file, comments: list } of comments)
    for (const c of list) {
      const codes = IGNORE.exec(c.text)?.[1].split(/\s*,\s*/);
      if (codes) suppressions.push({ file, line: c.span.start.line, codes, comment: c, used: new Set() });
    }
  if (suppressions.length === 0) return diagnostics;
  const kept = diagnostics.filter((d) => {
    if (d.severity === "error") return true;
    const s = suppressions.find(
      (x) => x.file === d.span.file && x.codes.includes(d.code) && (d.span.start.line === x.line || d.span.start.line === x.line + 1),
    );
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
              ? `no ${code} starts on this line or the next; remove the comment (errors cannot be silenced)`
              : "codes are listed by `missionc explain`; remove the comment",
          },
        ),
      );
  return kept;
}
