import { dirname, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic } from "../diagnostics/catalogue.js";
import type { Declaration, IncludeDecl, MissionDecl, SourceFile } from "./ast.js";
import { checkBlockFields, BLOCK_FIELDS } from "./blocks.js";
import type { SourceHost } from "./host.js";
import { parse } from "./parse.js";

export interface LoadedFile {
  abs: string;
  text: string;
  source: SourceFile;
}

/**
 * A root file with its includes read and spliced in: the mission's declarations in execution
 * order, each still carrying the span of the file it was written in.
 */
export interface Program {
  root: LoadedFile;
  /** every `mission` block at the root file's top level; only the first is the mission */
  missions: MissionDecl[];
  declarations: Declaration[];
  /** all files read, root first; keyed by the display path that spans carry */
  files: Map<string, LoadedFile>;
  diagnostics: Diagnostic[];
  /** an include could not be read: names it would have declared are unknown for that reason alone */
  incomplete: boolean;
}

const FRAGMENT_ALLOWED = new Set<string>(BLOCK_FIELDS.fragment);

/** Loads a root file whose text is already read, following includes through the host. */
export function loadProgram(rootAbs: string, text: string, host: SourceHost): Program {
  const rootDisplay = host.display(rootAbs);
  const parsed = parse(text, rootDisplay);
  const root: LoadedFile = { abs: rootAbs, text, source: parsed.file };
  const program: Program = {
    root,
    missions: [],
    declarations: [],
    files: new Map([[rootDisplay, root]]),
    diagnostics: parsed.diagnostics.slice(),
    incomplete: false,
  };
  const top = parsed.file.declarations;
  program.missions = top.filter((d): d is MissionDecl => d.kind === "mission");
  const first = program.missions[0];
  // Declarations beside the mission block belong to the mission, after its own.
  const body = first ? first.body.concat(top.filter((d) => d.kind !== "mission")) : top;
  const included = new Map<string, IncludeDecl>();
  expand(body, root, [rootAbs], included, host, program);
  return program;
}

function expand(
  decls: Declaration[],
  file: LoadedFile,
  stack: string[],
  included: Map<string, IncludeDecl>,
  host: SourceHost,
  program: Program,
): void {
  for (const d of decls) {
    if (d.kind !== "include") {
      program.declarations.push(d);
      continue;
    }
    const target = resolve(dirname(file.abs), String(d.path.value));
    const shown = host.display(target);
    if (stack.includes(target)) {
      const chain = [...stack.slice(stack.indexOf(target)), target].map((p) => host.display(p)).join(" → ");
      program.diagnostics.push(
        diagnostic("M0103", d.path.span, `include cycle: ${chain}`, {
          help: "a file cannot include itself, directly or through other files; remove this include",
        }),
      );
      continue;
    }
    const earlier = included.get(target);
    if (earlier) {
      program.diagnostics.push(
        diagnostic("M0103", d.path.span, `\`${shown}\` is already included`, {
          labels: [{ span: earlier.path.span, message: "first included here" }],
          help: "a file is read once; remove this second include",
        }),
      );
      continue;
    }
    const read = host.read(target);
    if ("error" in read) {
      program.diagnostics.push(
        diagnostic("M0103", d.path.span, `cannot include \`${String(d.path.value)}\`: ${shown} ${read.error}`, {
          help: "include paths are relative to the file that holds the include; until it is found, the names it declares are not checked",
        }),
      );
      program.incomplete = true;
      continue;
    }
    included.set(target, d);
    const parsed = parse(read.text, shown);
    for (const d of parsed.diagnostics) program.diagnostics.push(d);
    const loaded: LoadedFile = { abs: target, text: read.text, source: parsed.file };
    program.files.set(shown, loaded);
    // parse() has already refused what no file may hold at its top level; a mission is what only a root may.
    checkBlockFields(
      "fragment",
      parsed.file.declarations.filter((x) => x.kind === "mission"),
      program.diagnostics,
    );
    const allowed = parsed.file.declarations.filter((x) => FRAGMENT_ALLOWED.has(x.kind));
    expand(allowed, loaded, [...stack, target], included, host, program);
  }
}
