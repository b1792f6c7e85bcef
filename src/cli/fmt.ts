import { readFileSync } from "node:fs";
import { renderPretty } from "../diagnostics/render-pretty.js";
import { format } from "../format/format.js";
import { absolute } from "../syntax/host.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { STDIN, missionArguments, writeFileAtomic } from "./files.js";
import { colourFor, write, writeError } from "./output.js";

const BOM = "\uFEFF";

/** Whether the file on disk starts with a byte-order mark, which reading drops and writing must put back. */
function hasBom(abs: string): boolean {
  try {
    return readFileSync(abs)
      .subarray(0, 3)
      .equals(Buffer.from([0xef, 0xbb, 0xbf]));
  } catch {
    return false;
  }
}

export async function fmtCommand(files: string[], options: { check?: boolean; write?: boolean }): Promise<number> {
  if (options.check && options.write) throw new UsageError("--check and --write do not go together", "--check reports, --write rewrites");
  const cwd = process.cwd();
  const { paths, host } = missionArguments(files, cwd);
  if (paths.length === 0)
    throw new UsageError(`no .mission file in ${files.join(", ")}`, "give mission files, a directory that holds some, or - for stdin");
  if (options.write && paths.includes(STDIN))
    throw new UsageError("--write cannot rewrite stdin", "without --write, fmt - prints the formatted text");
  const unformatted: string[] = [];
  let broken = 0;
  for (const file of paths) {
    const abs = absolute(file, cwd);
    const read = host.read(abs);
    if ("error" in read) throw new InputError(`cannot format ${host.display(abs)}: it ${read.error}`);
    const r = format(read.text, host.display(abs));
    if (r.text === undefined) {
      broken++;
      writeError(renderPretty(r.diagnostics, () => read.text, colourFor(process.stderr)));
      writeError(
        `error: ${host.display(abs)} has errors in its structure (above); fmt formats only files whose every statement it can read`,
      );
      continue;
    }
    const changed = r.text !== read.text;
    if (options.check) {
      if (changed) {
        unformatted.push(host.display(abs));
        write(`${host.display(abs)}\n`);
      }
    } else if (options.write) {
      if (changed) {
        writeFileAtomic(abs, hasBom(abs) ? BOM + r.text : r.text);
        write(`formatted ${host.display(abs)}\n`);
      }
    } else {
      write(file !== STDIN && hasBom(abs) ? BOM + r.text : r.text);
    }
  }
  // the advice names only the files --write can format: never one it would refuse, nor stdin
  const rewritable = unformatted.filter((f) => f !== STDIN);
  if (options.check && unformatted.length) {
    const n = unformatted.length;
    const files = rewritable.length === 0 ? "" : rewritable.length <= 5 ? ` ${rewritable.map(shellWord).join(" ")}` : " FILE...";
    writeError(`${n} file${n === 1 ? " is" : "s are"} not formatted${files ? `; run \`missionc fmt --write${files}\`` : ""}`);
  }
  return broken || unformatted.length ? EXIT.findings : EXIT.ok;
}

/** A path as the shell needs it to read it back as one word. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
