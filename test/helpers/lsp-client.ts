import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { ROOT } from "./cases.js";

/**
 * A language client over stdio, as an editor is one: `missionc lsp` in a child process, spoken to
 * through vscode-languageserver-protocol's connection, with the diagnostics it publishes kept by URI.
 */
export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: (() => void)[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    connection.onNotification("textDocument/publishDiagnostics", (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async start(cwd: string): Promise<LspClient> {
    const child = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), "lsp", "--stdio"], { cwd, stdio: ["pipe", "pipe", "inherit"] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    const client = new LspClient(child, connection);
    await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(cwd).href, capabilities: {} });
    await connection.sendNotification("initialized", {});
    return client;
  }

  open(file: string, text: string): Promise<void> {
    this.versions.set(uriOf(file), 1);
    return this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf(file), languageId: "mission", version: 1, text },
    });
  }

  /** The whole text replaced, as a new version. */
  change(file: string, text: string): Promise<void> {
    const version = (this.versions.get(uriOf(file)) ?? 1) + 1;
    this.versions.set(uriOf(file), version);
    return this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: uriOf(file), version },
      contentChanges: [{ text }],
    });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params);
  }

  /** Resolves once the diagnostics of the file satisfy the test (at most 10 s). */
  async diagnosticsOf(file: string, test: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const now = this.diagnostics.get(uriOf(file));
      if (now && test(now)) return now;
      if (Date.now() > deadline) throw new Error(`no such diagnostics for ${file}: ${JSON.stringify(now)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  async stop(): Promise<number | null> {
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    return new Promise((r) => this.child.once("exit", (code) => r(code)));
  }
}

export const uriOf = (file: string): string => pathToFileURL(file).href;

/** The text with the edits of a workspace edit for its URI applied. */
export function applied(text: string, uri: string, edit: WorkspaceEdit | TextEdit[]): string {
  const edits = Array.isArray(edit) ? edit : (edit.changes?.[uri] ?? []);
  return TextDocument.applyEdits(TextDocument.create(uri, "mission", 1, text), edits);
}
