import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { StateDamaged, writeDurable } from "./files.js";
import type { Redactor } from "./redact.js";

/**
 * Payloads named from the journal. A large one (model responses, tool output, transcripts) is a file
 * in blobs/ named by its content hash; a small one is kept in the reference itself (`=` and the
 * text), which saves a file and two fsyncs per event while the journal stays small.
 */
export const INLINE_LIMIT = 512;

const RECOVER = "put the state folder back from a backup; the journal's other records and the mission branch are untouched";

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

  /** A blob's text; a file that is gone, or whose content is not what its name (its hash) says, is damage to say so. */
  text(ref: string): string {
    if (ref.startsWith("=")) return ref.slice(1);
    const path = join(this.dir, ref);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new StateDamaged(
        `${path}, which the journal names, cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${RECOVER}`,
      );
    }
    if (createHash("sha256").update(text).digest("hex") !== ref)
      throw new StateDamaged(`${path} is damaged: its content is not the one the journal names (it was changed); ${RECOVER}`);
    return text;
  }

  json<T>(hash: string): T {
    const text = this.text(hash);
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new StateDamaged(`${join(this.dir, hash)} is damaged: not JSON (${(e as Error).message}); ${RECOVER}`);
    }
  }
}
