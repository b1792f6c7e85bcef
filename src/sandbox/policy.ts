/**
 * What a confined command may reach. The defaults are fixed here (the next step makes them part of
 * the mission file): installing packages needs the internet; an agent's commands, the procedures
 * and the contract's checks get a loopback of their own; a `command` agent talks to its provider.
 */

export type Network = "none" | "loopback" | "full";

export type CommandKind = "agent" | "install" | "procedure" | "check" | "app" | "command_agent";

export const DEFAULT_NETWORK: Record<CommandKind, Network> = {
  agent: "loopback",
  install: "full",
  procedure: "loopback",
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
