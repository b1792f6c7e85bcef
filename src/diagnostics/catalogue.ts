import type { Diagnostic, Label, Severity, Span } from "./diagnostic.js";

/**
 * Every diagnostic code missionc can produce, in one place. A code is never reused for another
 * meaning; `specs/diagnostics.md` documents each one and a test keeps the two in step.
 */
export const CATALOGUE = {
  M0001: { severity: "error", summary: "syntax error: unexpected token" },
  M0002: { severity: "error", summary: "unterminated string, text block or comment" },
  M0003: { severity: "error", summary: "malformed literal (quantity, duration, money, number)" },
  M0004: { severity: "error", summary: "character that cannot start any token" },
  M0101: { severity: "error", summary: "duplicate declaration" },
  M0102: { severity: "error", summary: "reference to an unknown name" },
  M0103: { severity: "error", summary: "include: file not found, include cycle, or file included twice" },
  M0104: { severity: "error", summary: "skill file not found" },
  M0105: { severity: "warning", summary: "skill declared and never used" },
  M0201: { severity: "error", summary: "no `mission` block, or more than one" },
  M0202: { severity: "error", summary: "required role unbound" },
  M0203: { severity: "error", summary: "`needs` cycle" },
  M0204: { severity: "error", summary: "`needs` names a feature that runs later" },
  M0205: { severity: "warning", summary: "milestone without features" },
  M0206: { severity: "error", summary: "field not allowed in this block, or given twice" },
  M0207: { severity: "info", summary: "fragment checked alone: a file without a mission, meant to be included" },
  M0208: { severity: "error", summary: "a mission with no feature: it can do no work" },
  M0209: { severity: "warning", summary: "a `missionc-ignore` comment that silences nothing" },
  M0301: { severity: "error", summary: "assertion fulfilled by no feature" },
  M0302: { severity: "warning", summary: "feature fulfils no assertion" },
  M0303: { severity: "error", summary: "assertion judged by a validator its milestone does not run" },
  M0401: { severity: "error", summary: "unknown provider, or an option the provider does not take" },
  M0402: { severity: "warning", summary: "a validator role uses the same provider as the worker" },
  M0403: { severity: "warning", summary: "model declared and never used" },
  M0404: { severity: "warning", summary: "a deprecated or retired Anthropic model id" },
  M0501: { severity: "error", summary: "budget or policy value out of range" },
  M0502: { severity: "warning", summary: "the estimate exceeds the budget" },
  M0601: { severity: "error", summary: "permissions: unknown role, tool or network" },
  M0602: { severity: "error", summary: "permissions: a tool the role cannot use, or a network for `start` other than loopback" },
  M0603: { severity: "warning", summary: "permissions: wider than the default" },
  M0604: { severity: "warning", summary: "permissions: a network the runner cannot enforce on a command agent" },
  M0605: { severity: "warning", summary: "permissions: a procedure runs the worker's code with a wider network by default" },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type Code = keyof typeof CATALOGUE;

export function isCode(text: string): text is Code {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, text);
}

/** Builds a diagnostic whose severity always comes from the catalogue. */
export function diagnostic(code: Code, span: Span, message: string, extra: { help?: string; labels?: Label[] } = {}): Diagnostic {
  const d: Diagnostic = { code, severity: CATALOGUE[code].severity, message, span, labels: extra.labels ?? [] };
  if (extra.help !== undefined) d.help = extra.help;
  return d;
}
