import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { hostname } from "node:os";

/**
 * Who `missionc serve` answers. Every request needs the token printed with the URL, reads included:
 * agents and other local users reach loopback too. The Host header must name this server (a page
 * elsewhere reaches it through DNS rebinding with a name of its own) and an Origin, when sent, must
 * be the page's own (a cross-site form or fetch).
 */

export const bracketed = (host: string): string => (host.includes(":") ? `[${host}]` : host);

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export type Refusal = { status: number; why: string } | undefined;

export function guard(bound: string, port: () => number, token: string): (req: IncomingMessage, url: URL) => Refusal {
  const names = (): Set<string> => {
    const set = new Set([`${bracketed(bound)}:${port()}`]);
    if (bound === "127.0.0.1" || bound === "::1") for (const n of ["localhost", "127.0.0.1", "[::1]"]) set.add(`${n}:${port()}`);
    return set;
  };
  // bound to every address: a Host that is an address (any), localhost or this machine's name; never
  // another name, which is what a DNS-rebinding page would send
  const everywhere = bound === "0.0.0.0" || bound === "::";
  const answersFor = (host: string): boolean => {
    if (names().has(host)) return true;
    if (!everywhere) return false;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host);
    if (!m || Number(m[2]) !== port()) return false;
    const name = m[1].replace(/^\[|\]$/g, "");
    return isIP(name) !== 0 || name === "localhost" || name === hostname().toLowerCase();
  };
  return (req, url) => {
    const host = (req.headers.host ?? "").toLowerCase();
    if (!answersFor(host)) return { status: 403, why: "this server does not answer for that host" };
    const origin = req.headers.origin;
    // this page's own origin is the Host it was loaded from
    if (origin !== undefined && origin.replace(/^http:\/\//, "").toLowerCase() !== host)
      return { status: 403, why: "requests from another origin are refused" };
    const given = url.searchParams.get("token") ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!sameSecret(given, token)) return { status: 401, why: "the token printed by `missionc serve` is needed" };
    return undefined;
  };
}
