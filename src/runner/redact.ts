import { secretValues } from "../agents/secrets.js";

/**
 * The one place secrets are taken out of text: the journal, the blobs, the logs and the tool output
 * sent to models all pass through `redact`. Known values (API keys from the environment) are
 * replaced wherever they appear, and so are strings shaped like keys.
 */

const SHAPES = [
  /sk-ant-[A-Za-z0-9]+-[A-Za-z0-9_-]{16,}/g,
  /sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{16,}/g,
  /\bsk-[A-Za-z0-9]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\b(?:AKIA|ASIA)[A-Z2-7]{16}\b/g,
];

/**
 * A value as it appears inside base64 text, wherever it started: base64 encodes three bytes as four
 * characters, so the value has three encodings depending on its offset in what was encoded (the
 * characters its neighbours share are left off); each also in the URL-safe alphabet.
 */
function base64Forms(value: string): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), Buffer.from(value)]).toString("base64");
    // the first block mixes in the unknown bytes before (when shifted); the last, those after
    const body = encoded.slice(shift ? 4 : 0, encoded.length - 4);
    if (body.length < 12) continue;
    out.push(body, body.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  out.push(Buffer.from(value).toString("base64")); // the whole value encoded on its own, padding and all
  return out;
}

export class Redactor {
  private readonly values: string[];

  constructor(values: string[] = secretValues()) {
    // each value also in the encodings a tool might print it in
    const forms = new Set<string>();
    for (const v of values) {
      const reversed = v.split("").reverse().join("");
      for (const form of [v, reversed]) {
        forms.add(form);
        for (const b64 of base64Forms(form)) forms.add(b64);
        const hex = Buffer.from(form).toString("hex");
        forms.add(hex);
        forms.add(hex.toUpperCase());
        forms.add(encodeURIComponent(form));
      }
    }
    this.values = [...forms].filter((v) => v.length >= 8).sort((a, b) => b.length - a.length);
  }

  /** Known secret values only: for the journal, which must replay to exactly what the run did. */
  redactValues(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join("[redacted]");
    return out;
  }

  /** Whether the text holds a known secret value, in any of its forms. */
  leaks(text: string): boolean {
    return this.values.some((v) => text.includes(v));
  }

  /** Known values and anything shaped like a key: for tool output before a model sees it, and logs. */
  redact(text: string): string {
    let out = this.redactValues(text);
    for (const re of SHAPES) out = out.replace(re, "[redacted]");
    return out;
  }
}
