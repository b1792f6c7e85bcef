import { Chalk, type ChalkInstance } from "chalk";

/** Colour for a stream: off under NO_COLOR or when the stream is not a terminal, on under FORCE_COLOR. */
export function colourFor(stream: NodeJS.WriteStream): ChalkInstance {
  const env = process.env;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0") return new Chalk({ level: 1 });
  if ((env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") || !stream.isTTY || env["TERM"] === "dumb") return new Chalk({ level: 0 });
  return new Chalk({ level: 1 });
}

export function write(text: string): void {
  process.stdout.write(text);
}

export function writeError(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}
