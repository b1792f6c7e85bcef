// bench/lsp: how soon after an edit the editor shows its diagnostics (issue 16). A real `missionc
// lsp` in a child process and a client over stdio (vscode-languageserver-protocol): a mission of
// 1,000 features (and 10,000, for the trend) is opened, then edited one character at a time, each
// edit making or mending an unknown reference, and the time from sending the edit to receiving the
// diagnostics of that version is measured. Beside it, in the same run, `missionc check` of the same
// text in a fresh process: what the editor would wait for without a server.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver-protocol/node";
import { missionContent, toMission } from "./generate.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const EDITS = 40;

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/** @param {number} features */
async function latency(features) {
  const dir = mkdtempSync(join(tmpdir(), "missionc-bench-lsp-"));
  const file = join(dir, "big.mission");
  const text = toMission(missionContent(features));
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const child = spawn(process.execPath, [join(ROOT, "bin/missionc.js"), "lsp", "--stdio"], {
    cwd: dir,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  /** @type {Map<number, (d: unknown[]) => void>} */
  const waiting = new Map();
  connection.onNotification(
    "textDocument/publishDiagnostics",
    (/** @type {{ uri: string, version?: number, diagnostics: unknown[] }} */ p) => {
      if (p.uri === uri && p.version !== undefined) waiting.get(p.version)?.(p.diagnostics);
    },
  );
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
  await connection.sendNotification("initialized", {});
  /** @param {number} version */
  const published = (version) => new Promise((resolve) => waiting.set(version, resolve));
  const opened = published(1);
  const openStart = performance.now();
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "mission", version: 1, text } });
  await opened;
  const openMs = performance.now() - openStart;
  // the first digit of the last feature's first `fulfills` id, turned into `Z` (an unknown assertion) and back
  const at = text.lastIndexOf("fulfills f") + "fulfills f".length;
  const before = text.slice(0, at);
  const position = { line: before.split("\n").length - 1, character: at - before.lastIndexOf("\n") - 1 };
  const range = { start: position, end: { line: position.line, character: position.character + 1 } };
  const original = text[at];
  /** @type {number[]} */
  const times = [];
  let errors = 0;
  for (let v = 2; v < 2 + EDITS; v++) {
    const done = published(v);
    const start = performance.now();
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: v },
      contentChanges: [{ range, text: v % 2 === 0 ? "Z" : original }],
    });
    const diagnostics = /** @type {unknown[]} */ (await done);
    times.push(performance.now() - start);
    if (diagnostics.length > 0) errors++;
  }
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
  await new Promise((r) => child.once("exit", r));
  // the same text, checked by a fresh `missionc check`
  /** @type {number[]} */
  const cli = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    spawnSync(process.execPath, [join(ROOT, "bin/missionc.js"), "check", file, "--format", "json"], { stdio: "ignore" });
    cli.push(performance.now() - start);
  }
  rmSync(dir, { recursive: true, force: true });
  if (errors !== EDITS / 2) throw new Error(`expected diagnostics after every other edit, saw them after ${errors} of ${EDITS} edits`);
  return {
    features,
    bytes: text.length,
    openMs,
    median: quantile(times, 0.5),
    p90: quantile(times, 0.9),
    max: Math.max(...times),
    cli: quantile(cli, 0.5),
  };
}

export async function benchLsp() {
  console.log(
    `bench/lsp — diagnostics after a one-character edit, ${EDITS} edits (each makes or mends an M0102), against a fresh \`missionc check\``,
  );
  for (const features of [1000, 10000]) {
    const r = await latency(features);
    console.log(
      `  ${String(features).padStart(6)} features (${(r.bytes / 1e6).toFixed(1)} MB): after an edit median ${r.median.toFixed(0)} ms, p90 ${r.p90.toFixed(0)} ms, max ${r.max.toFixed(0)} ms ` +
        `(with the quiet time before analysis: 30 ms, or as long as the last analysis took where that was over 100 ms); first open ${r.openMs.toFixed(0)} ms; \`missionc check\` in a new process ${r.cli.toFixed(0)} ms (${(r.cli / r.median).toFixed(1)}x the server's)`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchLsp();
