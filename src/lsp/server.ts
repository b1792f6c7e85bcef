import {
  DidChangeWatchedFilesNotification,
  ResponseError,
  TextDocumentSyncKind,
  createConnection,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { format } from "../format/format.js";
import { parse } from "../syntax/parse.js";
import { quickFixes } from "./actions.js";
import { completionsAt } from "./complete.js";
import { fileOf, placeOf, toLsp, uriOf } from "./convert.js";
import { hoverAt } from "./hover.js";
import { definitionAt, prepareRenameAt, referencesAt, renameAt } from "./navigate.js";
import { outlineOf } from "./outline.js";
import { Workspace, type Analysis } from "./workspace.js";

/**
 * `missionc lsp`: the language server, over stdio. The protocol is vscode-languageserver's; every
 * answer comes from the compiler's own parser, checker and printer through the Workspace. Edits
 * are analysed after a quiet time, each analysis replacing the last, and the diagnostics of every
 * file the mission reads are published, cleared when a file has none. The quiet time is 30 ms, and
 * for a mission whose analysis takes longer than 100 ms as long as its last analysis (at most 1 s),
 * so that typing in a large mission is not held up by an analysis after every key; completion
 * meanwhile reads the last analysis.
 */

const QUIET_MS = { least: 30, slow: 100, most: 1000 };

export function startServer(connection: Connection = createConnection(process.stdin, process.stdout)): void {
  const workspace = new Workspace();
  const docs = new Map<string, TextDocument>();
  const pending = new Map<string, NodeJS.Timeout>();
  /** the files each root's last publication covered, so that a file no longer read is cleared */
  const published = new Map<string, Set<string>>();

  const publish = (file: string): void => {
    pending.delete(file);
    const analysis = workspace.analysisOf(file);
    if (!analysis) return;
    const before = published.get(analysis.root) ?? new Set<string>();
    for (const [f, diagnostics] of analysis.diagnostics)
      void connection.sendDiagnostics({ uri: uriOf(f), diagnostics: diagnostics.map(toLsp), version: docs.get(uriOf(f))?.version });
    for (const f of before) if (!analysis.diagnostics.has(f)) void connection.sendDiagnostics({ uri: uriOf(f), diagnostics: [] });
    published.set(analysis.root, new Set(analysis.diagnostics.keys()));
  };
  const schedule = (file: string): void => {
    clearTimeout(pending.get(file));
    const took = workspace.took.get(workspace.rootOf(file)) ?? 0;
    const quiet = took < QUIET_MS.slow ? QUIET_MS.least : Math.min(QUIET_MS.most, took);
    pending.set(
      file,
      setTimeout(() => publish(file), quiet),
    );
  };
  /** The file's analysis, as of the text the editor shows now. */
  const analysed = (uri: string): { file: string; analysis: Analysis } | undefined => {
    const file = fileOf(uri);
    const analysis = file === undefined ? undefined : workspace.analysisOf(file);
    return file !== undefined && analysis ? { file, analysis } : undefined;
  };
  const lineOf = (uri: string, line: number): string => docs.get(uri)?.getText().split(/\r?\n/)[line] ?? "";

  let watchable = false;
  connection.onInitialize(({ capabilities }) => {
    watchable = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return initializeResult;
  });
  const initializeResult: InitializeResult = {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: true },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: [" ", ",", "="] },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ["quickfix"] },
    },
    serverInfo: { name: "missionc" },
  };

  connection.onDidOpenTextDocument(({ textDocument: t }) => {
    docs.set(t.uri, TextDocument.create(t.uri, t.languageId, t.version, t.text));
    const file = fileOf(t.uri);
    if (file === undefined) return;
    workspace.update(file, t.text);
    schedule(file);
  });
  connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
    const doc = docs.get(t.uri);
    const file = fileOf(t.uri);
    if (!doc || file === undefined) return;
    const next = TextDocument.update(doc, contentChanges, t.version);
    docs.set(t.uri, next);
    workspace.update(file, next.getText());
    schedule(file);
  });
  /**
   * Every open document's mission analysed again and published; a file that none of them reads any
   * more (its mission closed, or it reads the file on disk now) has its diagnostics cleared.
   */
  const refresh = (): void => {
    const covered = new Set<string>();
    for (const file of workspace.openFiles()) {
      publish(file);
      const a = workspace.analysisOf(file);
      for (const f of a?.diagnostics.keys() ?? []) covered.add(f);
    }
    for (const files of published.values())
      for (const f of files)
        if (!covered.has(f)) {
          void connection.sendDiagnostics({ uri: uriOf(f), diagnostics: [] });
          files.delete(f);
        }
    // deleting while iterating a Map is safe: the entries not yet visited are still visited
    for (const [root, files] of published) if (files.size === 0) published.delete(root);
  };
  connection.onDidCloseTextDocument(({ textDocument: t }) => {
    docs.delete(t.uri);
    const file = fileOf(t.uri);
    if (file === undefined) return;
    workspace.close(file);
    refresh();
  });
  // a skill written, an include saved or changed by another program: what was read from disk is stale
  connection.onDidChangeWatchedFiles(() => {
    workspace.changedOnDisk();
    refresh();
  });
  connection.onDidSaveTextDocument(() => {
    workspace.changedOnDisk();
    refresh();
  });
  connection.onInitialized(() => {
    if (watchable)
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.{mission,md}" }] });
  });

  connection.onHover(({ textDocument, position }) => {
    const a = analysed(textDocument.uri);
    return a ? hoverAt(a.analysis, placeOf(a.file, position), lineOf(textDocument.uri, position.line)) : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const a = analysed(textDocument.uri);
    return a ? definitionAt(a.analysis, placeOf(a.file, position)) : [];
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const a = analysed(textDocument.uri);
    return a ? referencesAt(a.analysis, placeOf(a.file, position), context.includeDeclaration) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const a = analysed(textDocument.uri);
    return a ? prepareRenameAt(a.analysis, placeOf(a.file, position)) : null;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const a = analysed(textDocument.uri);
    const r = a ? renameAt(a.analysis, placeOf(a.file, position), newName) : null;
    if (r && "refused" in r) return new ResponseError(-32803, r.refused); // RequestFailed
    return r;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const doc = docs.get(textDocument.uri);
    if (!doc) return [];
    const before = doc.getText({ start: { line: 0, character: 0 }, end: position });
    const file = fileOf(textDocument.uri);
    return completionsAt(before, file === undefined ? undefined : workspace.completionAnalysisOf(file));
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const doc = docs.get(textDocument.uri);
    const file = fileOf(textDocument.uri);
    if (!doc || file === undefined) return [];
    return outlineOf(parse(doc.getText(), file).file.declarations);
  });
  connection.onDocumentFormatting(({ textDocument }) => {
    const doc = docs.get(textDocument.uri);
    if (!doc) return [];
    const formatted = format(doc.getText(), fileOf(textDocument.uri)).text;
    // a file with syntax errors is left as it is: its diagnostics say why
    if (formatted === undefined || formatted === doc.getText()) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: formatted }];
  });
  connection.onCodeAction(({ textDocument, context }) => {
    const a = analysed(textDocument.uri);
    return a ? quickFixes(a.analysis, a.file, context.diagnostics) : [];
  });

  connection.listen();
}
