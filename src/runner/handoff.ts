import { specValidator } from "../agents/json-schema.js";
import type { Acceptance } from "../agents/loop.js";
import type { Plan } from "../plan/types.js";
import type { Handoff } from "../agents/toolbox.js";
import type { RunRecord } from "./state.js";

/** Handoffs: checked against specs/handoff.schema.json, then against what the journal saw the worker do. */

function schemaErrors(value: unknown): string | undefined {
  const validateHandoff = specValidator("handoff.schema.json", { allErrors: true });
  if (validateHandoff(value)) return undefined;
  return (validateHandoff.errors ?? [])
    .map(
      (e) =>
        `${e.instancePath || "handoff"} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params["additionalProperty"])})` : ""}`,
    )
    .join("; ");
}

/** The largest handoff accepted, as JSON: a summary for the orchestrator and the next workers, not a log. */
export const HANDOFF_CAP = 64 * 1024;

export function acceptHandoff(feature: string): (input: unknown) => Acceptance<Handoff> {
  return (input) => {
    // a handoff is journaled whole: one line, read at every resume
    const size = JSON.stringify(input ?? null).length;
    if (size > HANDOFF_CAP)
      return {
        ok: false,
        error: `the handoff is ${Math.round(size / 1024)} KB; keep it under ${HANDOFF_CAP / 1024} KB: summarise, and leave long output in files of the repository`,
      };
    const error = schemaErrors(input);
    if (error) return { ok: false, error: `the handoff does not match specs/handoff.schema.json: ${error}` };
    const h = input as Handoff;
    if (h.feature !== feature) return { ok: false, error: `"feature" must be "${feature}", the feature you worked on` };
    return { ok: true, value: h, reply: "handoff received" };
  };
}

/**
 * The runner's own account, not the worker's: a claimed command that never ran, or whose exit code
 * differs, becomes an issue; `procedures_followed` is what the journal shows.
 */
export function verifyHandoff(h: Handoff, run: RunRecord | undefined, plan: Plan, checkable: boolean): Handoff {
  const ran = [...(run?.results.values() ?? [])].flatMap((r) => (r.command ? [r.command] : []));
  if (!checkable) return h; // a `command` worker's own tools are invisible to the runner
  const issues = [...h.issues];
  for (const claim of h.commands) {
    const same = ran.filter((r) => r.command.trim() === claim.command.trim());
    if (same.length === 0)
      issues.push({
        severity: "high",
        text: `runner: the handoff claims \`${claim.command}\` was run, but the journal shows no such command`,
      });
    else if (!same.some((r) => r.exit_code === claim.exit_code)) {
      issues.push({
        severity: "high",
        text: `runner: the handoff claims \`${claim.command}\` exited ${claim.exit_code}, but the journal shows exit ${same[same.length - 1].exit_code}`,
      });
    }
  }
  const declared = ["test", "typecheck", "lint"].flatMap((n) => (plan.procedures[n] ? [plan.procedures[n].command] : []));
  const followed = declared.every((cmd) => ran.some((r) => r.command.trim() === cmd.trim()));
  return { ...h, issues, procedures_followed: followed };
}

export function hasProblems(h: Handoff): boolean {
  return h.status !== "done" || h.issues.length > 0 || h.left_undone.length > 0;
}
