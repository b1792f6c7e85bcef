/** missionc as a library: each phase is a function of its input. */
export { parse, type ParseResult } from "./syntax/parse.js";
export type * as Ast from "./syntax/ast.js";
export { nodeHost, type SourceHost } from "./syntax/host.js";
export { check, checkFile, checkProgram, type CheckResult, type CheckOptions, type CheckedMission, type FileReport } from "./semantics/check.js";
export type { Coverage, MilestoneCoverage } from "./semantics/coverage.js";
export type { Diagnostic, Severity, Span, Range, Position, Label } from "./diagnostics/diagnostic.js";
export { CATALOGUE, type Code } from "./diagnostics/catalogue.js";
export { renderPretty } from "./diagnostics/render-pretty.js";
export { diagnosticToJson, type JsonDiagnostic } from "./diagnostics/render-json.js";
export { renderSarif } from "./diagnostics/render-sarif.js";
export { renderGithub } from "./diagnostics/render-github.js";
