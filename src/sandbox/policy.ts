/**
 * What a confined command may reach. An agent's commands and the procedures get what the plan says
 * (the mission's permissions, src/semantics/permissions.ts); the rest is fixed here: the contract's
 * checks and the app under test get a loopback of their own, and a `command` agent talks to its provider.
 */

export type Network = "none" | "loopback" | "full";

export type CommandKind = "check" | "app" | "command_agent";

export const DEFAULT_NETWORK: Record<CommandKind, Network> = {
  check: "loopback",
  app: "loopback",
  command_agent: "full",
};

/** Where things are inside every sandbox. */
export const INSIDE = {
  home: "/home/agent",
  /** the per-mission package cache, under the empty home so that `ls ~` shows nothing */
  cache: "/home/agent/.cache",
  /** files the runner hands in or takes out (a command agent's answer, the app's relay socket) */
  exchange: "/run/missionc",
  uid: 1000,
  gid: 1000,
};

/** The environment inside: nothing of the runner's but these, whose values are not secrets. */
const PASSED = ["LANG", "LC_ALL", "LC_CTYPE", "TZ"];

export function sandboxEnv(host: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
    HOME: INSIDE.home,
    USER: "agent",
    TMPDIR: "/tmp",
    TERM: "dumb",
    XDG_CACHE_HOME: INSIDE.cache,
    npm_config_cache: `${INSIDE.cache}/npm`,
    npm_config_update_notifier: "false",
    CI: "1",
  };
  for (const name of PASSED) {
    const v = host[name];
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...extra };
}
