import { readFileSync } from "node:fs";
import { CATALOGUE, isCode } from "../diagnostics/catalogue.js";
import { nearest } from "../semantics/suggest.js";
import { EXIT, UsageError } from "./errors.js";
import { write } from "./output.js";

/** The entry of `specs/diagnostics.md` for one code: from its `## CODE` heading to the next. */
export function explanation(code: string, doc: string): string | undefined {
  const start = doc.search(new RegExp(`^## ${code}\\b`, "m"));
  if (start < 0) return undefined;
  const rest = doc.slice(start);
  const next = rest.slice(3).search(/^## /m);
  // the next section's anchor line belongs to it, not to this one
  return (next < 0 ? rest : rest.slice(0, next + 3)).replace(/(\s*<a id="[^"]*"><\/a>\s*)+$/, "").trimEnd();
}

export async function explainCommand(given: string): Promise<number> {
  const code = String(given).toUpperCase();
  if (!isCode(code)) {
    const guess = nearest(code, Object.keys(CATALOGUE));
    throw new UsageError(
      `no diagnostic code \`${given}\``,
      guess ? `did you mean ${guess}?` : `codes: ${Object.keys(CATALOGUE).join(", ")}`,
    );
  }
  const doc = readFileSync(new URL("../../specs/diagnostics.md", import.meta.url), "utf8");
  const text = explanation(code, doc) ?? `## ${code}: ${CATALOGUE[code].summary}`;
  write(`${text}\n`);
  return EXIT.ok;
}
