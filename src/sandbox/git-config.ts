/**
 * The repository's git config as the sandbox shows it: the same, less what carries a credential.
 * CI checkouts write tokens there (`http.<url>.extraheader = AUTHORIZATION: basic …`), remotes may
 * hold `user:password@`, and credential helpers name their stores; git reads inside the sandbox need
 * none of them. The runner's own git reads the real file.
 */

const SECRET_KEY = /(extraheader|password|passwd|token|secret|credential|cookie|proxyauth|sslkey|sslcert)/i;

export function maskedGitConfig(text: string): string {
  const out: string[] = [];
  let section = "";
  for (const line of text.split("\n")) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      section = header[1] ?? "";
      out.push(SECRET_KEY.test(section.split(/\s/)[0] ?? "") ? "[missionc-masked]" : line);
      continue;
    }
    const key = /^\s*([A-Za-z0-9.-]+)\s*(=|$)/.exec(line)?.[1] ?? "";
    if (SECRET_KEY.test(key) || SECRET_KEY.test(section.split(/\s/)[0] ?? "")) continue;
    // a URL's user and password: https://user:token@host/…
    out.push(line.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1"));
  }
  return out.join("\n");
}
