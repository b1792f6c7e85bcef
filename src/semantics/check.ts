import { fieldExtents, misspeltKeyword, withoutConsequences } from "./misspelt.js";
import { checkLifecycle, defaultLifecycle, type ModelLifecycle } from "./lifecycle.js";
import { dirname, join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { compareDiagnostics } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import { absolute, nodeHost, type SourceHost } from "../syntax/host.js";
import { loadProgram, type Program } from "../syntax/includes.js";
import { BLOCK_FIELDS } from "../syntax/blocks.js";
import { bind } from "./binder.js";
import { resetSuggestionBudget } from "./suggest.js";
import { checkContract, coverageOf, placeAssertions, sumCoverage, type AssertionPlace, type Coverage } from "./coverage.js";
import type { BoundMission } from "./model.js";
import { checkNeeds } from "./needs.js";
import { checkReferences } from "./references.js";
import { checkPermissions } from "./permissions.js";
import { checkRoles } from "./roles.js";
import { applySuppressions } from "./suppress.js";
import { checkUnused } from "./unused.js";
import { BUDGET, POLICY, PROCEDURE_OPTIONS, checkModel, checkSettings } from "./settings.js";

/** A checked mission: what later phases (plan, run) start from when it has no errors. */
export interface CheckedMission {
  program: Program;
  mission?: BoundMission;
  places: Map<string, AssertionPlace>;
  coverage: Coverage;
  diagnostics: Diagnostic[];
  /** a file with fragment declarations and no mission */
  fragment: boolean;
}

export interface FileReport {
  file: string;
  ok: boolean;
  coverage: Coverage;
}

export interface CheckResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  coverage: Coverage;
  files: FileReport[];
  /** the text of every file read, by display path, for renderers that quote the source */
  sources: Map<string, string>;
  /** files that could not be read at all (missing, directory, binary): an I/O failure, exit 2 */
  unreadable: { file: string; error: string }[];
}

export interface CheckOptions {
  host?: SourceHost;
  cwd?: string;
  warningsAsErrors?: boolean;
  /** which Anthropic model ids are deprecated, and today's date (M0404); by default the SDK's table and the clock */
  lifecycle?: ModelLifecycle;
  /** findings of later phases about a mission without errors (M0502, the estimate against the budget) */
  more?: (checked: CheckedMission, host: SourceHost) => Diagnostic[];
}

/** Findings about something missing, which a file with syntax errors or cut short cannot support. */
const ABSENCE = new Set(["M0202", "M0205", "M0208", "M0301", "M0302"]);
const SYNTAX = new Set(["M0001", "M0002", "M0003", "M0004"]);

function truncated(program: Program): boolean {
  for (const f of program.files.values()) if (f.source.truncated) return true;
  return false;
}

const FRAGMENT_KINDS = new Set<string>(BLOCK_FIELDS.fragment);

function isOk(diags: readonly Diagnostic[], warningsAsErrors = false): boolean {
  return !diags.some((d) => d.severity === "error" || (warningsAsErrors && d.severity === "warning"));
}

/** Binds and checks one loaded program. Pure apart from the host's `exists` for skill files. */
export function checkProgram(program: Program, host: SourceHost, lifecycle?: ModelLifecycle): CheckedMission {
  const out = [...program.diagnostics];
  const [first, ...others] = program.missions;
  const fragment = !first && program.declarations.some((d) => FRAGMENT_KINDS.has(d.kind));
  for (const extra of others) {
    out.push(
      diagnostic("M0201", extra.name.span, `a file holds one mission; \`${extra.name.text}\` is a second`, {
        labels: first ? [{ span: first.name.span, message: "the mission of this file" }] : [],
        help: "move it into a file of its own",
      }),
    );
  }
  if (!first) {
    if (!fragment) {
      const file = program.root.source.path;
      out.push(
        diagnostic("M0201", { file, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, "no `mission` block in this file", {
          help: 'declare one: mission NAME "Title" { ... }',
        }),
      );
    }
    const diagnostics = withoutConsequences(out, sourcesOf(program), fieldExtents([...program.files.values()].map((f) => f.source))).sort(
      compareDiagnostics,
    );
    return { program, places: new Map(), coverage: coverageOf(undefined, new Map()), diagnostics, fragment };
  }
  resetSuggestionBudget();
  const mission = bind(first, program.declarations, out);
  checkMission(mission, program, host, out);
  if (lifecycle) checkLifecycle(mission, lifecycle, out);
  const places = placeAssertions(mission);
  checkContract(mission, places, out);
  // something missing is no finding while the text that would hold it could not be read, or was
  // written under a misspelt keyword (`milestne later { ... }`: M0206 with its "did you mean", and
  // not also every assertion its features would have fulfilled)
  const unreadable = truncated(program) || program.diagnostics.some((d) => SYNTAX.has(d.code) || misspeltKeyword(d) !== undefined);
  const found = unreadable
    ? out.filter((d) => !ABSENCE.has(d.code))
    : program.incomplete
      ? out.filter((d) => d.code !== "M0102" && d.code !== "M0301")
      : out;
  const diagnostics = withoutConsequences(found, sourcesOf(program), fieldExtents([...program.files.values()].map((f) => f.source)));
  const comments = [...program.files].map(([file, f]) => ({ file, text: f.text, comments: f.source.comments }));
  return {
    program,
    mission,
    places,
    coverage: coverageOf(mission, places),
    diagnostics: applySuppressions(diagnostics, comments).sort(compareDiagnostics),
    fragment: false,
  };
}

const sourcesOf = (program: Program): Map<string, string> => new Map([...program.files].map(([file, f]) => [file, f.text]));

function checkMission(m: BoundMission, program: Program, host: SourceHost, out: Diagnostic[]): void {
  checkRoles(m, out);
  for (const model of m.models.values()) checkModel(model, out);
  checkSettings(m.budget?.settings ?? [], BUDGET, out);
  checkSettings(m.policy?.settings ?? [], POLICY, out);
  for (const p of m.procedures.values()) checkSettings(p.options, PROCEDURE_OPTIONS, out);
  checkPermissions(m, out);
  const absOf = (display: string): string => program.files.get(display)?.abs ?? absolute(display);
  checkReferences(m, host, absOf, out);
  const repo = m.repo?.value;
  if (repo && /^([\\/]|[A-Za-z]:[\\/])/.test(String(repo.value))) {
    out.push(
      diagnostic("M0001", repo.span, "expected a path relative to the mission file, found an absolute path", {
        help: "`repo` is relative to the file that declares it, so that the mission works in every checkout",
      }),
    );
  }
  checkNeeds(m, out);
  checkUnused(m, out);
  if (m.order.length === 0) {
    // a run of it would "complete" having done nothing: no worker, no validator, no gate
    out.push(
      diagnostic("M0208", m.decl.name.span, `mission \`${m.decl.name.text}\` has no feature: it can do no work`, {
        help:
          m.milestones.size === 0
            ? "add a milestone with a feature: milestone NAME { feature NAME { fulfills ASSERTION } }"
            : "add a feature to a milestone: feature NAME { fulfills ASSERTION }",
      }),
    );
  }
}

/** Reads, parses and checks one root file; `undefined` with a reason when it cannot be read. */
export function checkFile(
  path: string,
  host: SourceHost,
  cwd = process.cwd(),
  lifecycle?: ModelLifecycle,
): CheckedMission | { error: string; file: string } {
  const abs = absolute(path, cwd);
  const read = host.read(abs);
  if ("error" in read) return { error: read.error, file: host.display(abs) };
  return checkProgram(loadProgram(abs, read.text, host), host, lifecycle);
}

/** `missionc check`: every file, fragments that another given file includes checked there. */
export function check(paths: readonly string[], options: CheckOptions = {}): CheckResult {
  const cwd = options.cwd ?? process.cwd();
  const host = options.host ?? nodeHost(cwd);
  const lifecycle = options.lifecycle ?? defaultLifecycle();
  const results: CheckedMission[] = [];
  const unreadable: CheckResult["unreadable"] = [];
  const seenPaths = new Set<string>();
  for (const p of paths) {
    const abs = absolute(p, cwd);
    if (seenPaths.has(abs)) continue; // the same file named twice is checked once
    seenPaths.add(abs);
    const r = checkFile(p, host, cwd, lifecycle);
    if ("error" in r) unreadable.push(r);
    else results.push(r);
  }
  const includedElsewhere = new Set<string>();
  for (const r of results) for (const f of [...r.program.files.values()].slice(1)) includedElsewhere.add(f.abs);
  const diagnostics: Diagnostic[] = [];
  const files: FileReport[] = [];
  const sources = new Map<string, string>();
  for (const r of results) for (const [k, f] of r.program.files) sources.set(k, f.text);
  for (const r of results) {
    if (r.fragment) {
      if (includedElsewhere.has(r.program.root.abs)) continue;
      for (const d of fragmentDiagnostics(r, host)) diagnostics.push(d);
      continue;
    }
    const more = options.more?.(r, host) ?? [];
    if (more.length) r.diagnostics = [...r.diagnostics, ...more].sort(compareDiagnostics);
    for (const d of r.diagnostics) diagnostics.push(d); // no spread: there may be 100,000
    files.push({ file: r.program.root.source.path, ok: isOk(r.diagnostics, options.warningsAsErrors), coverage: r.coverage });
  }
  return {
    ok: isOk(diagnostics, options.warningsAsErrors) && unreadable.length === 0,
    diagnostics,
    coverage: sumCoverage(files.map((f) => f.coverage)),
    files,
    sources,
    unreadable,
  };
}

/** A fragment alone is checked for syntax only, with a note that says which mission includes it. */
function fragmentDiagnostics(r: CheckedMission, host: SourceHost): Diagnostic[] {
  const file = r.program.root.source.path;
  const syntax = r.program.diagnostics.filter((d) => d.span.file === file);
  const includer = findIncluder(r.program.root.abs, host);
  const where = { file, start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  const note = includer
    ? diagnostic(
        "M0207",
        where,
        `\`${file}\` has no mission: it is a fragment, included by \`${includer}\`; checked here for syntax only`,
        {
          help: `check the mission that includes it: \`missionc check ${includer}\``,
        },
      )
    : diagnostic(
        "M0207",
        where,
        `\`${file}\` has no mission: it is a fragment that no mission near it includes; checked here for syntax only`,
        {
          help: `include it from the mission it belongs to (\`include "${file.split("/").pop()}"\`) and check that mission`,
        },
      );
  return [note, ...syntax].sort(compareDiagnostics);
}

/** The mission file beside the fragment, or up to three folders above it, whose include names it (its display path). */
export function findIncluder(fragment: string, host: SourceHost): string | undefined {
  let dir = dirname(fragment);
  for (let level = 0; level < 4; level++) {
    for (const name of host
      .list(dir)
      .filter((n) => n.endsWith(".mission"))
      .sort()) {
      const candidate = join(dir, name);
      if (candidate === fragment) continue;
      const read = host.read(candidate);
      if ("error" in read || !/^\s*mission\s/m.test(read.text)) continue; // a fragment including it is not where it is checked
      for (const m of read.text.matchAll(/\binclude\s+"((?:[^"\\\n]|\\.)*)"/g)) {
        if (resolve(dir, m[1]) === fragment) return host.display(candidate);
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}
