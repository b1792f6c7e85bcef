/** missionc as a library: each phase is a function of its input; the runner loads when a mission runs. */
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
export type { RunOptions, RunOutcome } from "./runner/run.js";
import type { RunOptions, RunOutcome } from "./runner/run.js";

/**
 * Runs a mission (src/runner/run.ts). The runner, git and the AI SDKs load at its first call, not
 * with the package: a program that only checks or plans missions never pays for them.
 */
export async function runMission(options: RunOptions): Promise<RunOutcome> {
  const runner = await import("./runner/run.js");
  return runner.runMission(options);
}
