/** missionc as a library: each phase is a function of its input. */
export { parse, type ParseResult } from "./syntax/parse.js";
export type * as Ast from "./syntax/ast.js";
export { nodeHost, type SourceHost } from "./syntax/host.js";
export {
  check,
  checkFile,
  checkProgram,
  type CheckResult,
  type CheckOptions,
  type CheckedMission,
  type FileReport,
} from "./semantics/check.js";
export type { Coverage, MilestoneCoverage } from "./semantics/coverage.js";
export type { Diagnostic, Severity, Span, Range, Position, Label } from "./diagnostics/diagnostic.js";
export { CATALOGUE, type Code } from "./diagnostics/catalogue.js";
export { renderPretty } from "./diagnostics/render-pretty.js";
export { diagnosticToJson, type JsonDiagnostic } from "./diagnostics/render-json.js";
export { renderSarif } from "./diagnostics/render-sarif.js";
export { renderGithub } from "./diagnostics/render-github.js";
export { lower } from "./plan/lower.js";
export { canonicalJson, digestOf } from "./plan/canonical.js";
export { planFromMission, planFromJson, planSchemaError } from "./plan/load.js";
export { diffPlans, type PlanDiff, type Change, type ChangeKind } from "./plan/diff.js";
export { toMermaid, toDot } from "./plan/graph.js";
export type { Plan, PlanStep, PlanFeature, PlanAssertion, PlanMilestone } from "./plan/types.js";
export { format, type FormatResult } from "./format/format.js";
export { runMission, type RunOptions, type RunOutcome } from "./runner/run.js";
