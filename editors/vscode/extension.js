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
    { command, args: [...first, "lsp"], transport: TransportKind.stdio },
    { documentSelector: [{ scheme: "file", language: "mission" }] },
  );
  context.subscriptions.push(client);
  await client.start();
}

async function deactivate() {
  await client?.stop();
}

module.exports = { activate, deactivate };
