import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { writeDurable } from "./files.js";
import type { Redactor } from "./redact.js";

/** Large payloads (model responses, tool output, transcripts) by content hash; the journal names them. */
export class Blobs {
  constructor(private readonly dir: string, private readonly redactor: Redactor) {}

  put(value: unknown): string {
    const text = this.redactor.redact(typeof value === "string" ? value : JSON.stringify(value));
    const hash = createHash("sha256").update(text).digest("hex");
    const path = join(this.dir, hash);
    if (!existsSync(path)) writeDurable(path, text);
    return hash;
  }

  text(hash: string): string {
    return readFileSync(join(this.dir, hash), "utf8");
  }

  json<T>(hash: string): T {
    return JSON.parse(this.text(hash)) as T;
  }
}
