import { readFileSync } from "node:fs";

/** The entry of `specs/diagnostics.md` for one code: from its `## CODE` heading to the next. */
export function explanation(code: string, doc: string): string | undefined {
  const start = doc.search(new RegExp(`^## ${code}\\b`, "m"));
  if (start < 0) return undefined;
  const rest = doc.slice(start);
  const next = rest.slice(3).search(/^## /m);
  // the next section's anchor line belongs to it, not to this one
  return (next < 0 ? rest : rest.slice(0, next + 3)).replace(/(\s*<a id="[^"]*"><\/a>\s*)+$/, "").trimEnd();
}

/** The page every explanation comes from, shipped with the package. */
export function diagnosticsPage(): string {
  return readFileSync(new URL("../../specs/diagnostics.md", import.meta.url), "utf8");
}
