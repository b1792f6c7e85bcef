/**
 * User testing exercises the app the runner started on this machine, and nothing else: the tools
 * that make requests (http_request, browser_*) accept loopback addresses only, so an agent cannot
 * reach the internet or another machine through them.
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
  if (!LOOPBACK.test(url.hostname))
    throw new AddressRefused(
      `${url.host} is not this machine: user testing reaches only this machine (the app is at ${new URL(base).origin})`,
    );
  return url;
}
