import { createHash, randomBytes } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { postToInbox } from "../control/inbox.js";
import { simpleGit } from "simple-git";
import { COMPLETION } from "../runner/git.js";
import { layoutOf, type Layout } from "../runner/layout.js";
import type { InboxItem } from "../fleet/store.js";
import { MissionView } from "./mission-view.js";
import { bracketed, guard } from "./guard.js";
import { PAGE, SCRIPT_HASH } from "./page.js";

/**
 * `missionc serve`: Mission Control in the browser. A local HTTP server over the missions of some
 * repositories: a page (served by missionc itself: no CDN, no build step for users), their list,
 * each one's figures (the same `Report` as `report --format json`: one computation), pushed again
 * by server-sent events as the journal grows, and steering (a message, a pause) through the same
 * inbox as `missionc msg` and `pause`.
 *
 * Every request passes guard.ts first: the token, the Host, the Origin.
 */

export interface ServeOptions {
  repos: string[];
  host: string;
  port: number;
  /** by default a random one */
  token?: string;
  /** how often a mission's journal is looked at for new events, in milliseconds */
  pollMs?: number;
  /** the fleet's missions too (`serve --fleet`): its database, and where they are mirrored */
  fleet?: { db: string; dir: string };
}

export interface Serving {
  url: string;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const MAX_DIFF = 400_000;

/** Every mission of the repositories, by a stable id (a hash of its state folder). */
function missionLayouts(repos: readonly string[]): { id: string; layout: Layout }[] {
  const out: { id: string; layout: Layout }[] = [];
  for (const repo of repos) {
    const dir = join(repo, ".missions");
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort())
      if (!name.startsWith(".") && existsSync(join(dir, name, "plan.json")))
        out.push({ id: createHash("sha256").update(join(dir, name)).digest("hex").slice(0, 12), layout: layoutOf(repo, name) });
  }
  return out;
}

function summaryOf(m: MissionView): Record<string, unknown> {
  try {
    const st = m.status();
    return {
      id: m.id,
      mission: st.mission,
      repo: m.fleet?.repo ?? m.layout.repo,
      state: st.state,
      milestone: st.milestone ?? null,
      features: st.features,
      elapsed_seconds: st.elapsed_seconds,
      tokens: st.tokens.total,
      cost_usd: st.cost.usd,
      budget: st.budget,
    };
  } catch (e) {
    return { id: m.id, mission: m.layout.dir, repo: m.layout.repo, state: "unreadable", error: (e as Error).message };
  }
}

export async function serve(o: ServeOptions): Promise<Serving> {
  const token = o.token ?? randomBytes(24).toString("base64url");
  const streams = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let port = o.port;
  const refused = guard(o.host, () => port, token);

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = "application/json; charset=utf-8"): void => {
    res.writeHead(status, {
      "content-type": type,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "content-security-policy": `default-src 'self'; script-src '${SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src 'self' data:`,
    });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, value: unknown): void => send(res, status, `${JSON.stringify(value)}\n`);

  // one view a mission, kept while the server runs: each follows its journal from where it was
  const views = new Map<string, MissionView>();
  const local = (): MissionView[] =>
    missionLayouts(o.repos).map(({ id, layout }) => {
      let v = views.get(id);
      if (!v) views.set(id, (v = new MissionView(id, layout)));
      return v;
    });
  // the fleet's missions, copied from its database at most once a second
  // loaded only for the fleet: a local Mission Control never pays for the engine's client
  const mirror = o.fleet ? new (await import("../fleet/mirror.js")).FleetMirror(o.fleet.db, o.fleet.dir) : undefined;
  const held = new Map<string, boolean>();
  let fleetViews: MissionView[] = [];
  let synced = 0;
  const fleetMissions = async (): Promise<MissionView[]> => {
    if (!mirror || Date.now() - synced < 1000) return fleetViews;
    synced = Date.now();
    // a database that does not answer leaves the list as it was (the engine's client retries forever)
    const entries = await Promise.race([mirror.sync(), new Promise<undefined>((r) => setTimeout(r, 3000))]).catch(() => undefined);
    if (!entries) return fleetViews;
    fleetViews = entries.map((e) => {
      held.set(e.id, e.held);
      const id = `fleet-${createHash("sha256").update(e.id).digest("hex").slice(0, 12)}`;
      let v = views.get(id);
      if (!v)
        views.set(
          id,
          (v = new MissionView(id, e.layout, {
            repo: e.repo,
            held: () => held.get(e.id) ?? false,
            post: (item) => mirror.post(e.id, item),
          })),
        );
      return v;
    });
    return fleetViews;
  };
  const listed = async (): Promise<MissionView[]> => [...local(), ...(await fleetMissions())];
  // the pages watching each mission; one look at each watched journal every pollMs, whatever their number
  const watchers = new Map<MissionView, Set<ServerResponse>>();
  const publish = async (v: MissionView, to: Iterable<ServerResponse>): Promise<void> => {
    let frame: string;
    try {
      frame = `event: dashboard\ndata: ${JSON.stringify(await v.dashboard())}\n\n`;
    } catch (e) {
      frame = `event: problem\ndata: ${JSON.stringify((e as Error).message)}\n\n`;
    }
    for (const res of to) res.write(frame);
  };
  let looking = false;
  const look = async (): Promise<void> => {
    if (looking) return; // a slow look (a long journal) is not stacked on
    looking = true;
    try {
      if (mirror) await fleetMissions().catch(() => undefined);
      for (const [v, pages] of watchers) {
        let grew = false;
        try {
          grew = v.refresh();
        } catch {
          grew = true; // damaged or gone: the pages are told
        }
        if (grew) await publish(v, pages);
      }
    } finally {
      looking = false;
    }
  };

  const events = async (v: MissionView, res: ServerResponse): Promise<void> => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    streams.add(res);
    let pages = watchers.get(v);
    if (!pages) watchers.set(v, (pages = new Set()));
    pages.add(res);
    // before the first frame: a page that leaves while it is being built is not kept
    res.on("close", () => {
      streams.delete(res);
      pages.delete(res);
      if (pages.size === 0) watchers.delete(v);
    });
    await publish(v, [res]);
  };

  /** A journaled commit of the mission, as `git show` prints it (the diff a feature made). */
  const diffOf = async (v: MissionView, sha: string): Promise<string | undefined> => {
    if (!v.commits().has(sha)) return undefined;
    const shown = await simpleGit({ baseDir: v.layout.repo, completion: COMPLETION }).raw([
      "show",
      "--stat",
      "--patch",
      "--format=fuller",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      sha,
    ]);
    return shown.length > MAX_DIFF ? `${shown.slice(0, MAX_DIFF)}\n… (cut at ${MAX_DIFF} characters)\n` : shown;
  };

  const body = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        text += chunk;
        if (text.length > MAX_BODY) {
          reject(new Error("too large"));
          req.destroy();
        }
      });
      req.on("end", () => {
        try {
          resolve(text ? JSON.parse(text) : {});
        } catch {
          reject(new Error("not JSON"));
        }
      });
      req.on("error", reject);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const no = refused(req, url);
    if (no) return send(res, no.status, `${no.why}\n`, "text/plain; charset=utf-8");
    if (req.method === "GET" && url.pathname === "/") return send(res, 200, PAGE, "text/html; charset=utf-8");
    if (req.method === "GET" && url.pathname === "/api/missions") return json(res, 200, (await listed()).map(summaryOf));
    const route = /^\/api\/missions\/((?:fleet-)?[0-9a-f]{12})\/(.+)$/.exec(url.pathname);
    const v = route ? (await listed()).find((x) => x.id === route[1]) : undefined;
    if (!route || !v) return json(res, 404, { error: "no such mission or page" });
    const what = route[2];
    if (req.method === "GET") {
      if (what === "report") return json(res, 200, (await v.dashboard()).report);
      if (what === "dashboard") return json(res, 200, await v.dashboard());
      if (what === "events") return events(v, res);
      const round = /^rounds\/([A-Za-z_][\w.-]*)\/(\d+)$/.exec(what);
      if (round) {
        const blob = v.roundBlob(round[1], Number(round[2]));
        return blob ? json(res, 200, v.blobs.json(blob)) : json(res, 404, { error: "no such validation round" });
      }
      const commit = /^commits\/([0-9a-f]{40}|[0-9a-f]{64})$/.exec(what);
      if (commit && v.fleet) return json(res, 404, { error: `a fleet mission's commits are in its repository, ${v.fleet.repo}` });
      if (commit) {
        const diff = await diffOf(v, commit[1]);
        return diff === undefined
          ? json(res, 404, { error: "not a commit of this mission" })
          : send(res, 200, diff, "text/plain; charset=utf-8");
      }
      // the user tester's screenshots, by the names the validation report gives them
      const shot = /^files\/validation\/screenshots\/([\w.-]+\.png)$/.exec(what);
      if (shot && !shot[1].startsWith(".")) {
        const path = join(v.layout.validation, "screenshots", shot[1]);
        if (!existsSync(path) || !lstatSync(path).isFile()) return json(res, 404, { error: "no such screenshot" });
        return send(res, 200, readFileSync(path), "image/png");
      }
    }
    const steer = async (item: InboxItem): Promise<string> => (v.fleet ? v.fleet.post(item) : postToInbox(v.layout, item));
    if (req.method === "POST" && what === "pause") {
      if (v.status().state === "done") return json(res, 409, { error: "the mission is done: there is nothing to pause" });
      return json(res, 200, { note: await steer({ kind: "pause" }) });
    }
    if (req.method === "POST" && what === "message") {
      const given = (await body(req).catch(() => undefined)) as { text?: unknown; interrupt?: unknown } | undefined;
      if (typeof given?.text !== "string" || given.text.trim() === "")
        return json(res, 400, { error: "a message is { text, interrupt? }" });
      if (v.status().state === "done") return json(res, 409, { error: "the mission is done: no orchestrator is left to answer a message" });
      return json(res, 200, { note: await steer({ kind: "message", text: given.text, interrupt: given.interrupt === true }) });
    }
    if (["report", "dashboard", "events", "pause", "message"].includes(what)) return json(res, 405, { error: "not allowed" });
    return json(res, 404, { error: "no such mission or page" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { error: (e as Error).message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // only once listening: a server that could not start leaves nothing running
  timers.add(setInterval(() => void look(), o.pollMs ?? 300));
  const shown = o.host === "0.0.0.0" ? "127.0.0.1" : o.host === "::" ? "[::1]" : bracketed(o.host);
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        void mirror?.close();
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
