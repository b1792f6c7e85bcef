import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { checkProgram, findIncluder, type CheckedMission } from "../semantics/check.js";
import { defaultLifecycle, type ModelLifecycle } from "../semantics/lifecycle.js";
import { nodeHost, type SourceHost } from "../syntax/host.js";
import { loadProgram } from "../syntax/includes.js";
import { indexMission, type SymbolIndex } from "./symbols.js";

/**
 * The editor's view of the files: the text of every open document (unsaved edits included) over
 * the file system, and for each mission file its last analysis: the checked mission, its symbols
 * and its diagnostics by file. An analysis is dropped when any file it read changes, and made
 * again when asked for, so a request never answers from text the editor no longer shows.
 */

export interface Analysis {
  /** the mission file the analysis started from (a fragment alone is its own root) */
  root: string;
  checked: CheckedMission;
  index: SymbolIndex;
  /** every file read, by absolute path, each with its diagnostics (none is an empty list) */
  diagnostics: Map<string, Diagnostic[]>;
}

export class Workspace {
  private readonly open = new Map<string, string>();
  private readonly analyses = new Map<string, Analysis>();
  /** the last analysis of each root, up to date or not: what completion reads while the user types */
  private readonly lastOf = new Map<string, Analysis>();
  /** how long the last analysis of each root took, in milliseconds */
  readonly took = new Map<string, number>();
  readonly host: SourceHost;

  constructor(private readonly lifecycle: ModelLifecycle = defaultLifecycle()) {
    const disk = nodeHost("/");
    this.host = {
      read: (abs) => {
        const text = this.open.get(abs);
        return text !== undefined ? { text } : disk.read(abs);
      },
      exists: (abs) => this.open.has(abs) || disk.exists(abs),
      list: (dir) => disk.list(dir),
      // spans carry absolute paths: each maps to a document URI
      display: (abs) => abs,
    };
  }

  /** The editor's text of a document, or undefined when the editor does not hold it open. */
  text(file: string): string | undefined {
    return this.open.get(file);
  }

  /** A document opened or edited: every analysis that read it is out of date. */
  update(file: string, text: string): void {
    this.open.set(file, text);
    this.forget(file);
  }

  /** Closed: the file on disk counts again. */
  close(file: string): void {
    this.open.delete(file);
    this.forget(file);
  }

  private forget(file: string): void {
    for (const [root, a] of this.analyses) if (root === file || a.diagnostics.has(file)) this.analyses.delete(root);
  }

  /**
   * The mission a file belongs to: itself when it holds a mission; else a mission whose analysis
   * read it, or one found beside it whose include names it; else the file alone (a fragment).
   */
  rootOf(file: string): string {
    const read = this.host.read(file);
    if ("error" in read || /^\s*mission\s/m.test(read.text)) return file;
    for (const a of this.analyses.values()) if (a.root !== file && a.diagnostics.has(file)) return a.root;
    return findIncluder(file, this.host) ?? file;
  }

  /**
   * The last analysis of the file's mission even if an edit has made it stale, made now only if
   * there is none: names in scope change seldom while one types, and a large mission takes long.
   */
  recentAnalysisOf(file: string): Analysis | undefined {
    return this.lastOf.get(this.rootOf(file)) ?? this.analysisOf(file);
  }

  /** The analysis of the mission the file belongs to, made now if there is none up to date. */
  analysisOf(file: string): Analysis | undefined {
    const root = this.rootOf(file);
    const known = this.analyses.get(root);
    if (known) return known;
    const read = this.host.read(root);
    if ("error" in read) return undefined;
    const started = performance.now();
    const checked = checkProgram(loadProgram(root, read.text, this.host), this.host, this.lifecycle);
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const f of checked.program.files.values()) diagnostics.set(f.abs, []);
    for (const d of checked.diagnostics) {
      const list = diagnostics.get(d.span.file);
      if (list) list.push(d);
      else diagnostics.set(d.span.file, [d]);
    }
    const analysis: Analysis = { root, checked, index: indexMission(checked), diagnostics };
    this.analyses.set(root, analysis);
    this.lastOf.set(root, analysis);
    this.took.set(root, performance.now() - started);
    return analysis;
  }
}
