import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createServer, type AddressInfo, type Server } from "node:net";
import type { Browser, Page } from "playwright-core";
import { AddressRefused, appUrl } from "./loopback.js";
import type { ToolOutcome } from "./tools.js";

/**
 * The `browser_*` tools: a headless Chromium driven through playwright-core, launched at the first
 * call of a user test and closed with it. Playwright's own browser download cannot work offline, so
 * the browser is the system's (Debian's `chromium`), or the one MISSIONC_CHROMIUM names.
 */

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome-stable", "/usr/bin/google-chrome"];
const TEXT_CAP = 4000;
const ACTION_MS = 10_000;
const MAX_HOPS = 10;

/** A page that moves the browser on, as a redirect would, by a navigation the route sees. */
function goTo(href: string): string {
  const json = JSON.stringify(href).replace(/</g, "\\u003c");
  return `<!doctype html><meta http-equiv="refresh" content="0;url=${href.replace(/"/g, "&quot;")}"><script>location.replace(${json})</script>`;
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env["MISSIONC_CHROMIUM"];
  if (named !== undefined) return named !== "" && existsSync(named) ? named : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * A proxy of the runner's that answers nothing: every connection is closed at once. The browser is
 * pointed at it, with loopback not exempt, so whatever it would fetch itself (not through the
 * route, which the runner serves) goes nowhere — rather than to whatever listens at a fixed port.
 */
export async function deadEnd(): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

export async function launchChromium(executablePath: string, proxyPort?: number): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath,
    headless: true,
    // the runner owns ^C, SIGTERM and SIGHUP (stop after the turn, then close the browser): playwright must not exit for it
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // --no-sandbox: CI containers run as root, where Chromium's own sandbox refuses to start.
    // The proxy answers nothing, and loopback is not exempt from it (<-loopback>); WebRTC may not
    // send UDP around it: whatever the browser would fetch itself goes nowhere, and what a page
    // gets, the runner fetched for it (BrowserSession).
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      `--proxy-server=http://127.0.0.1:${proxyPort ?? 9}`,
      "--proxy-bypass-list=<-loopback>",
      "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
      "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    ],
  });
}

export interface ScreenshotPlace {
  /** absolute folder the PNGs go to */
  dir: string;
  /** file name prefix, e.g. `web-round1` */
  prefix: string;
  /** how the folder is named to the agent and in reports, e.g. `validation/screenshots` */
  shown: string;
}

export class BrowserSession {
  private browser: Browser | undefined;
  private page: Page | undefined;
  private deadEnd: Server | undefined;
  private errors: string[] = [];
  private shots = 0;
  readonly screenshots: string[] = [];

  constructor(
    private readonly executable: string | undefined,
    private readonly base: string,
    private readonly place: ScreenshotPlace,
  ) {}

  get available(): boolean {
    return this.executable !== undefined;
  }

  private async current(): Promise<Page> {
    if (this.page) return this.page;
    this.deadEnd ??= await deadEnd();
    this.browser = await launchChromium(this.executable!, (this.deadEnd.address() as AddressInfo).port);
    this.page = await this.browser.newPage({ viewport: { width: 1100, height: 800 } }).catch(async (e: unknown) => {
      await this.close();
      throw e;
    });
    // Every request the page makes — navigations, scripts' fetches, images — is the runner's to make
    // (the browser itself reaches nothing: launchChromium): one to the app's origin is fetched here
    // without following redirects, anything else refused. A redirect is followed here too, hop by
    // hop, each hop checked; for the page itself it becomes a new navigation, which passes here again.
    await this.page.route("**/*", async (route, request) => {
      const navigation = request.isNavigationRequest() && request.frame() === this.page?.mainFrame();
      const refuse = (e: unknown) => {
        const why = `${navigation ? "navigation" : "request"} refused: ${(e as Error).message}`;
        this.errors.push(why);
        if (navigation) return route.fulfill({ status: 403, contentType: "text/plain", body: `missionc: ${why}` }); // a clear page rather than a proxy error
        return route.abort("blockedbyclient");
      };
      let url: URL;
      try {
        url = appUrl(request.url(), this.base);
      } catch (e) {
        return refuse(e);
      }
      try {
        for (let hop = 0; ; hop++) {
          const response = await route.fetch({ url: url.href, maxRedirects: 0 });
          const location = response.headers()["location"];
          if (response.status() < 300 || response.status() >= 400 || !location || hop === MAX_HOPS)
            return await route.fulfill({ response });
          try {
            url = appUrl(new URL(location, url).href, this.base);
          } catch (e) {
            return await refuse(e);
          }
          if (navigation) return await route.fulfill({ status: 200, contentType: "text/html", body: goTo(url.href) });
        }
      } catch {
        return route.abort("connectionrefused");
      }
    });
    // no peer connections at all: they would send UDP from this machine to any address a page names
    await this.page.addInitScript(() => {
      for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel"])
        Object.defineProperty(globalThis, name, { value: undefined, configurable: false, writable: false });
    });
    this.page.on("pageerror", (e) => this.errors.push(`page error: ${e.message}`));
    this.page.on("console", (m) => {
      if (m.type() === "error") this.errors.push(`console error: ${m.text()}`);
    });
    return this.page;
  }

  /** What the page shows now, and the errors it raised since the last call. */
  private async view(page: Page, head: string): Promise<string> {
    const text = (
      await page
        .locator("body")
        .innerText({ timeout: ACTION_MS })
        .catch(() => "")
    ).trim();
    const errors = this.errors.splice(0);
    return [
      head,
      `page: ${page.url()} — title "${await page.title()}"`,
      ...errors,
      "",
      text.length > TEXT_CAP ? `${text.slice(0, TEXT_CAP)}\n[text truncated]` : text,
    ].join("\n");
  }

  async call(name: string, input: Record<string, unknown>): Promise<ToolOutcome> {
    if (!this.available)
      return {
        content:
          "no headless browser is installed on this machine (Debian: apt-get install chromium); exercise the app with http_request instead, and say so in your evidence",
        isError: true,
      };
    try {
      const page = await this.current();
      switch (name) {
        case "browser_open": {
          const url = appUrl(String(input["url"]), this.base);
          const r = await page.goto(url.href, { waitUntil: "load", timeout: ACTION_MS * 2 });
          return { content: await this.view(page, `opened ${url.href} → HTTP ${r?.status() ?? "(no response)"}`), isError: false };
        }
        case "browser_click": {
          await page.click(String(input["selector"]), { timeout: ACTION_MS });
          await page.waitForLoadState("load", { timeout: ACTION_MS }).catch(() => undefined);
          return { content: await this.view(page, `clicked ${String(input["selector"])}`), isError: false };
        }
        case "browser_fill": {
          await page.fill(String(input["selector"]), String(input["value"]), { timeout: ACTION_MS });
          return { content: `filled ${String(input["selector"])}`, isError: false };
        }
        case "browser_text": {
          const selector = typeof input["selector"] === "string" ? input["selector"] : "body";
          const text = await page.locator(selector).first().innerText({ timeout: ACTION_MS });
          return { content: text.length > TEXT_CAP ? `${text.slice(0, TEXT_CAP)}\n[text truncated]` : text, isError: false };
        }
        case "browser_screenshot": {
          mkdirSync(this.place.dir, { recursive: true });
          const label = typeof input["name"] === "string" ? `-${input["name"].replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 40)}` : "";
          const file = `${this.place.prefix}-${++this.shots}${label}.png`;
          await page.screenshot({ path: join(this.place.dir, file), fullPage: true });
          const shown = `${this.place.shown}/${file}`;
          this.screenshots.push(shown);
          return { content: `screenshot saved: ${shown}`, isError: false };
        }
        default:
          return { content: `unknown tool \`${name}\``, isError: true };
      }
    } catch (e) {
      if (e instanceof AddressRefused) return { content: `refused: ${e.message}`, isError: true };
      return { content: `${name} failed: ${(e as Error).message.split("\n")[0]}`, isError: true };
    }
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    this.page = undefined;
    await b?.close().catch(() => undefined);
    this.deadEnd?.close();
    this.deadEnd = undefined;
  }
}
