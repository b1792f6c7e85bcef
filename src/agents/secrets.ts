/**
 * The one rule for which environment variables hold secrets, used both to keep them out of the
 * commands' environment (command.ts) and to take their values out of everything the runner writes
 * (runner/redact.ts). Two rules drifted apart before: `DB_PASSWORD` was hidden from commands but its
 * value was journaled.
 */
export function isSecretName(name: string): boolean {
  return /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)/i.test(name) || /^(ANTHROPIC|OPENAI)_/i.test(name);
}

/**
 * The values of the secret variables, and of the variables a mission's models name with
 * `api_key_env` (whatever their names): values shorter than 8 characters are not worth hunting for.
 */
export function secretValues(env: NodeJS.ProcessEnv = process.env, keyNames: readonly string[] = []): string[] {
  const names = new Set(keyNames);
  const values = Object.entries(env)
    .filter(([k, v]) => v !== undefined && v.length >= 8 && (isSecretName(k) || names.has(k)))
    .map(([, v]) => v!);
  return [...values, ...values.flatMap(passwordOf).filter((p) => p.length >= 8 && !values.includes(p))];
}

/**
 * The password inside a secret that is a URL (a database's `postgres://user:password@host/db`):
 * a secret on its own, since it shows without the rest (`ps` of a client, a connection error),
 * as written in the URL and decoded.
 */
function passwordOf(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  if (!url.password) return [];
  let decoded = url.password;
  try {
    decoded = decodeURIComponent(url.password);
  } catch {
    /* a stray % : the password as written */
  }
  return [...new Set([url.password, decoded])];
}

/** The environment of an unconfined command: the runner's, minus every secret and every named key. */
export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env, keyNames: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (isSecretName(k) || keyNames.includes(k) || k.startsWith("MISSIONC_CRASH")) continue;
    out[k] = v;
  }
  return out;
}
