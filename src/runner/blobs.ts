import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { writeDurable } from "./files.js";
import type { Redactor } from "./redact.js";

/**
 * Payloads named from the journal. A large one (model responses, tool output, transcripts) is a file
 * in blobs/ named by its content hash; a small one is kept in the reference itself (`=` and the
 * text), which saves a file and two fsyncs per event while the journal stays small.
 */
export const INLINE_LIMIT = 512;

/** Where else a blob is kept, before the event that names it is journaled (the fleet's database). */
export type BlobSink = (hash: string, text: string) => void;

export class Blobs {
  constructor(
    private readonly dir: string,
    private readonly redactor: Redactor,
    private readonly sink?: BlobSink,
  ) {}

  put(value: unknown): string {
    const text = this.redactor.redactValues(typeof value === "string" ? value : JSON.stringify(value));
    if (text.length <= INLINE_LIMIT) return `=${text}`;
    const hash = createHash("sha256").update(text).digest("hex");
    const path = join(this.dir, hash);
    if (!existsSync(path)) {
      this.sink?.(hash, text);
      writeDurable(path, text);
    }
    return hash;
  }

  text(ref: string): string {
    return ref.startsWith("=") ? ref.slice(1) : readFileSync(join(this.dir, ref), "utf8");
  }

  json<T>(hash: string): T {
    return JSON.parse(this.text(hash)) as T;
  }
}
