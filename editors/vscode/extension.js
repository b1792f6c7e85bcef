// The VS Code side of missionc: starts `missionc lsp` over stdio for .mission files. Everything a
// user sees beyond highlighting comes from the server, which shares the compiler's code.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const [command, ...first] = vscode.workspace.getConfiguration("missionc").get("command") ?? ["missionc"];
  client = new LanguageClient(
    "missionc",
    "missionc",
    // the transport adds --stdio
    // on Windows `missionc` is missionc.cmd, which only a shell finds
    { command, args: [...first, "lsp"], transport: TransportKind.stdio, options: { shell: process.platform === "win32" } },
    { documentSelector: [{ scheme: "file", language: "mission" }] },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
