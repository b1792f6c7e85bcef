/** The reserved words of the language (DESIGN §2), in a module light enough for any command to load. */
export const KEYWORDS = [
  "mission", "include", "goal", "branch", "repo", "budget", "policy", "model", "role", "procedure", "skill",
  "contract", "assert", "milestone", "feature", "validate", "spec", "fulfills", "needs", "skills", "worker",
  "check", "by", "tokens", "time", "cost", "max_rounds", "concurrency", "thinking", "temperature",
  "max_output", "base_url", "api_key_env", "price", "input", "output", "cache_read", "cache_write",
  "timeout", "ready", "true", "false",
] as const;
export type KeywordText = (typeof KEYWORDS)[number];

export function isKeyword(text: string): boolean {
  return (KEYWORDS as readonly string[]).includes(text);
}
