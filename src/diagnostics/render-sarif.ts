import { CATALOGUE } from "./catalogue.js";
import type { Diagnostic, Span } from "./diagnostic.js";

/** SARIF 2.1.0, the format GitHub code scanning and other tools read. */

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

function location(span: Span, message?: string): Record<string, unknown> {
  const loc: Record<string, unknown> = {
    physicalLocation: {
      artifactLocation: { uri: span.file, uriBaseId: "%SRCROOT%" },
      region: { startLine: span.start.line, startColumn: span.start.column, endLine: span.end.line, endColumn: span.end.column },
    },
  };
  if (message !== undefined) loc["message"] = { text: message };
  return loc;
}

export function renderSarif(diagnostics: readonly Diagnostic[], version: string): string {
  const rules = Object.entries(CATALOGUE).map(([id, entry]) => ({
    id,
    shortDescription: { text: entry.summary },
    helpUri: `https://github.com/missionc/missionc/blob/main/specs/diagnostics.md#${id.toLowerCase()}`,
    defaultConfiguration: { level: LEVEL[entry.severity] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIndex.get(d.code),
    level: LEVEL[d.severity],
    message: { text: d.help ? `${d.message}\nhelp: ${d.help}` : d.message },
    locations: [location(d.span)],
    relatedLocations: d.labels.map((l, i) => ({ id: i + 1, ...location(l.span, l.message) })),
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "missionc", version, informationUri: "https://github.com/missionc/missionc", rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
