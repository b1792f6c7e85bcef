import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { checkProgram, findIncluder, type CheckedMission } from "../semantics/check.js";
import { defaultLifecycle, type ModelLifecycle } from "../semantics/lifecycle.js";
import { nodeHost, type SourceHost } from "../syntax/host.js";
import { loadProgram } from "../syntax/includes.js";
import { parse } from "../syntax/parse.js";
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
  /** the last analysis of each root that read without syntax errors: what completion reads while the user types */
  private readonly lastGood = new Map<string, Analysis>();
  /** the mission each file belongs to, as long as the file is not edited */
  private readonly roots = new Map<string, string>();
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

  /** Files changed on disk (a skill written, an include saved): every analysis may be out of date. */
  changedOnDisk(): void {
    this.analyses.clear();
    this.roots.clear();
  }

  /** The files open in the editor. */
  openFiles(): string[] {
    return [...this.open.keys()];
  }

  private forget(file: string): void {
    this.roots.delete(file);
    for (const [root, a] of this.analyses) if (root === file || a.diagnostics.has(file)) this.analyses.delete(root);
  }

  /**
   * The mission a file belongs to: itself when it holds a mission; else a mission whose analysis
   * read it, or one found beside it whose include names it; else the file alone (a fragment).
   */
  rootOf(file: string): string {
    const known = this.roots.get(file);
    if (known !== undefined) return known;
    const root = this.findRoot(file);
    this.roots.set(file, root);
    return root;
  }

  private findRoot(file: string): string {
    const read = this.host.read(file);
    // a file with a mission block (as the parser reads it: not the word in a text block) is its own root
    if ("error" in read || parse(read.text, file).file.declarations.some((d) => d.kind === "mission")) return file;
    for (const a of this.analyses.values()) if (a.root !== file && a.diagnostics.has(file)) return a.root;
    return findIncluder(file, this.host) ?? file;
  }

  /**
   * An analysis to complete names from: the current one where it is quick to make and reads
   * without syntax errors (a half-typed statement does not empty the list of names); else the last
   * one that did, stale or not, since names in scope change seldom while one types.
   */
  completionAnalysisOf(file: string): Analysis | undefined {
    const root = this.rootOf(file);
    const good = this.lastGood.get(root);
    if (good && (this.took.get(root) ?? 0) >= SLOW_MS) return good;
    const now = this.analysisOf(file);
    return now && !hasSyntaxErrors(now) ? now : (good ?? now);
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
    if (!hasSyntaxErrors(analysis)) this.lastGood.set(root, analysis);
    this.took.set(root, performance.now() - started);
    return analysis;
  }
}

/** An analysis is slow to make above this: completion then reads the last one instead. */
const SLOW_MS = 100;
const SYNTAX = new Set(["M0001", "M0002", "M0003", "M0004"]);
const hasSyntaxErrors = (a: Analysis): boolean => a.checked.diagnostics.some((d) => SYNTAX.has(d.code));
