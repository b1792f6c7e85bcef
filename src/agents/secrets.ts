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
  return Object.entries(env)
    .filter(([k, v]) => v !== undefined && v.length >= 8 && (isSecretName(k) || names.has(k)))
    .map(([, v]) => v!);
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
