import { renderPretty } from "../diagnostics/render-pretty.js";
import { format } from "../format/format.js";
import { absolute, nodeHost } from "../syntax/host.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import { colourFor, write, writeError } from "./output.js";

export async function fmtCommand(files: string[], options: { check?: boolean; write?: boolean }): Promise<number> {
  if (options.check && options.write) throw new UsageError("--check and --write do not go together", "--check reports, --write rewrites");
  const host = nodeHost();
  const unformatted: string[] = [];
  let broken = 0;
  for (const file of files) {
    const abs = absolute(file);
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
        writeFileAtomic(abs, r.text);
        write(`formatted ${host.display(abs)}\n`);
      }
    } else {
      write(r.text);
    }
  }
  // the advice names only the files --write can format: never one it would refuse
  if (options.check && unformatted.length) {
    const n = unformatted.length;
    const files = n <= 5 ? ` ${unformatted.map(shellWord).join(" ")}` : " FILE...";
    writeError(`${n} file${n === 1 ? " is" : "s are"} not formatted; run \`missionc fmt --write${files}\``);
  }
  return broken || unformatted.length ? EXIT.findings : EXIT.ok;
}

/** A path as the shell needs it to read it back as one word. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
