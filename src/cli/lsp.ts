/**
 * `missionc lsp`: the language server on stdin and stdout. The connection owns the process from
 * here: it exits it when the editor sends `exit` or closes the input, so the promise never settles.
 */
export async function lspCommand(): Promise<number> {
  const { startServer } = await import("../lsp/server.js");
  startServer();
  return new Promise<number>(() => undefined);
}
