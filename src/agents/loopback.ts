/**
 * User testing exercises the app the runner started, and nothing else: the tools that make requests
 * (http_request, browser_*) accept the app's origin only — not the internet, not another machine,
 * and not another service on this machine's loopback (a local model server, a database). Another
 * loopback name for the same port (`localhost` for `127.0.0.1`) is the same app and is sent to the
 * app's own address.
 */

export class AddressRefused extends Error {}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Resolves a URL against the app's address (a path like `/notes` is the app's) and refuses other hosts. */
export function appUrl(raw: string, base: string): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new AddressRefused(`\`${raw}\` is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new AddressRefused(`only http and https are allowed, not ${url.protocol}`);
  const app = new URL(base);
  if (!LOOPBACK.test(url.hostname))
    throw new AddressRefused(`${url.host} is not this machine: user testing reaches only the app, at ${app.origin}`);
  if (url.protocol !== app.protocol || portOf(url) !== portOf(app))
    throw new AddressRefused(`${url.origin} is not the app: user testing reaches only the app, at ${app.origin}`);
  url.hostname = app.hostname;
  return url;
}

function portOf(u: URL): string {
  return u.port || (u.protocol === "https:" ? "443" : "80");
}
