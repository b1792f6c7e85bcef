import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
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

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env["MISSIONC_CHROMIUM"];
  if (named !== undefined) return named !== "" && existsSync(named) ? named : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath,
    headless: true,
    // the runner owns ^C, SIGTERM and SIGHUP (stop after the turn, then close the browser): playwright must not exit for it
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // --no-sandbox: CI containers run as root, where Chromium's own sandbox refuses to start.
    // The proxy listens nowhere and Chromium never proxies loopback: redirects, subresources,
    // popups and the page's own requests can reach this machine and nothing else.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--proxy-server=http://127.0.0.1:9"],
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
    this.browser = await launchChromium(this.executable!);
    this.page = await this.browser.newPage({ viewport: { width: 1100, height: 800 } }).catch(async (e: unknown) => {
      await this.close();
      throw e;
    });
    // a click may lead anywhere: the page itself may only move to this machine (its assets are its own affair)
    await this.page.route("**/*", (route, request) => {
      if (request.isNavigationRequest() && request.frame() === this.page?.mainFrame()) {
        try {
          appUrl(request.url(), this.base);
        } catch (e) {
          const why = `navigation refused: ${(e as Error).message}`;
          this.errors.push(why);
          return route.fulfill({ status: 403, contentType: "text/plain", body: `missionc: ${why}` }); // a clear page rather than a proxy error
        }
      }
      return route.continue();
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
  }
}
