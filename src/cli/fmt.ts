import { renderPretty } from "../diagnostics/render-pretty.js";
import { format } from "../format/format.js";
import { absolute, nodeHost } from "../syntax/host.js";
import { EXIT, InputError, UsageError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import { colourFor, write, writeError } from "./output.js";

export async function fmtCommand(files: string[], options: { check?: boolean; write?: boolean }): Promise<number> {
  if (options.check && options.write) throw new UsageError("--check and --write do not go together", "--check reports, --write rewrites");
  const host = nodeHost();
  let unformatted = 0;
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
        unformatted++;
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
  if (options.check && unformatted)
    writeError(`${unformatted} file${unformatted === 1 ? " is" : "s are"} not formatted; run \`missionc fmt --write\``);
  return broken || unformatted ? EXIT.findings : EXIT.ok;
}
