import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted at every depth, `undefined` left out, two-space indentation and
 * a final newline. The same value always gives the same bytes, on any machine.
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/**
 * The value with its keys sorted at every depth. A part that is so already (keys in order, none
 * undefined) is used as it is, not copied: `lower` builds its objects with their keys in order, and
 * copying the 10,000 features and 50,000 assertions of a large plan was most of its digest's cost.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = sortKeys(v);
      if (s !== v) (out ??= value.slice())[i] = s;
    }
    return out ?? value;
  }
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let inOrder = true;
  for (let i = 0; i < keys.length && inOrder; i++) inOrder = record[keys[i]] !== undefined && (i === 0 || keys[i - 1] < keys[i]);
  if (inOrder) {
    let out: Record<string, unknown> | undefined;
    for (const k of keys) {
      const v = record[k];
      const s = sortKeys(v);
      if (s !== v) {
        out ??= copyOf(record, keys);
        put(out, k, s);
      }
    }
    return out ?? value;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys.sort()) {
    const v = record[k];
    if (v !== undefined) put(out, k, sortKeys(v));
  }
  return out;
}

function copyOf(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) put(out, k, record[k]);
  return out;
}

/** `out[k] = v`, but `out["__proto__"] = v` would set the prototype and lose the key (a model may be named so). */
function put(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** `sha256:<hex>` of a value's canonical JSON. */
export function digestOf(value: unknown): string {
  return `sha256:${sha256(canonicalJson(value))}`;
}
