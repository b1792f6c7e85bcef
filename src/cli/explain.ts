import { CATALOGUE, isCode } from "../diagnostics/catalogue.js";
import { diagnosticsPage, explanation } from "../diagnostics/explanation.js";
import { nearest } from "../semantics/suggest.js";
import { EXIT, UsageError } from "./errors.js";
import { write } from "./output.js";

export async function explainCommand(given: string): Promise<number> {
  const code = String(given).toUpperCase();
  if (!isCode(code)) {
    const guess = nearest(code, Object.keys(CATALOGUE));
    throw new UsageError(
      `no diagnostic code \`${given}\``,
      guess ? `did you mean ${guess}?` : `codes: ${Object.keys(CATALOGUE).join(", ")}`,
    );
  }
  const text = explanation(code, diagnosticsPage()) ?? `## ${code}: ${CATALOGUE[code].summary}`;
  write(`${text}\n`);
  return EXIT.ok;
}
