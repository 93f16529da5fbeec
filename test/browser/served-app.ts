// The one way a browser story runs the app: the production build served by remix-serve on this
// run's PostgreSQL database and Redis, Debian's Chromium driven by playwright-core, and each page
// opened as Shopify admin would embed it (App Bridge stood in for, a session token for the shop).
// A story calls useServedApp() at its top level; the server and the browser live as long as its file.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import prisma from "~/db.server";
import { sqlFor } from "~/lib/sql.server";
import { queues } from "~/queues.server";
import { sessionToken } from "../admin-request";

const root = path.resolve(import.meta.dirname, "../..");
const buildDir = path.resolve(root, process.env.ANCHORLINE_BUILD_DIR ?? "build");
export const artifacts = path.resolve(root, "test-artifacts");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The toolchain notes' flags for Debian's Chromium in a container without a GPU or network.
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// Shopify's library answers requests from user agents that look like bots (HeadlessChrome does)
// with 410; Shopify admin loads the app in an ordinary browser.
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

/**
 * Stands in for App Bridge (cdn.shopify.com is out of reach here): like the real one, it adds the
 * session token to the app's own fetches, which is how Remix's form submissions authenticate.
 */
function appBridgeStub(token: string): string {
  return `
    window.shopify = { idToken: async () => ${JSON.stringify(token)}, toast: { show() {} }, loading() {} };
    const appFetch = window.fetch.bind(window);
    window.fetch = (input, init = {}) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      if (url.origin !== location.origin) return appFetch(input, init);
      const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      headers.set("Authorization", "Bearer ${token}");
      return appFetch(input, { ...init, headers });
    };`;
}

export interface ServedApp {
  /** The app's address, e.g. http://127.0.0.1:3917. */
  readonly base: string;
  /** A page of the app at `pathname` (with its own query, if any) as Shopify admin embeds it for `shop`. */
  embeddedPage(shop: string, pathname: string): Promise<Page>;
  /**
   * `url` (on this machine) opened as it is, with no App Bridge stand-in and no session token: for
   * a story that goes through something in front of the app that gives both, as the demo's admin
   * proxy does.
   */
  plainPage(url: string): Promise<Page>;
}

async function waitForServer(server: ChildProcess, base: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`remix-serve exited with ${server.exitCode}`);
    try {
      await fetch(base);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error("remix-serve did not answer within 30 s");
}

/**
 * What went wrong in a page that a story's own assertions would not catch: a browser asset the
 * server did not have (a stale or half-written build: the page still renders on the server and
 * forms post without JavaScript, so a story could pass unhydrated) or an uncaught exception.
 */
const pageFaults = new WeakMap<Page, string[]>();

/** Records a page's faults for expectScreen(). */
function watchFaults(page: Page): void {
  const faults: string[] = [];
  pageFaults.set(page, faults);
  page.on("response", (response) => {
    if (response.status() >= 400 && new URL(response.url()).pathname.startsWith("/assets/")) faults.push(`${response.status()} ${response.url()}`);
  });
  page.on("pageerror", (error) => faults.push(`uncaught: ${error.message}`));
}

/** Serves the built app and opens Chromium before the file's tests, and closes both (and the test's own clients) after. */
export function useServedApp(): ServedApp {
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  const contexts = new Map<string, { context: BrowserContext; token: string }>();

  beforeAll(async () => {
    if (!existsSync(path.join(buildDir, "server/index.js")))
      throw new Error(`No build at ${buildDir}: run \`npm run build\` first (or set ANCHORLINE_BUILD_DIR)`);
    if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    mkdirSync(artifacts, { recursive: true });
    const cli = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
    server = spawn(process.execPath, [cli, path.join(buildDir, "server/index.js")], {
      // remix-serve finds the browser assets at the build's assetsBuildDirectory, a path relative
      // to the root the build was made from (build/client by default).
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    await waitForServer(server, base);
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      // remix-serve only closes its HTTP server on SIGTERM; the app's Redis and PostgreSQL clients
      // keep it alive, and a test server has nothing to finish.
      server.kill("SIGKILL");
      await exited;
    }
    await queues().close();
    await sqlFor().end();
    await prisma.$disconnect();
  });

  return {
    base,
    async embeddedPage(shop, pathname) {
      if (!browser) throw new Error("useServedApp(): the browser starts in beforeAll; open pages inside a test");
      // One browser context per shop: its pages share the browser's cache of the app's assets
      // (Polaris alone is ~0.5 MB), and the token outlives any one file's tests.
      let shopContext = contexts.get(shop);
      if (!shopContext) {
        const token = await sessionToken(shop, 900);
        const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 1280, height: 1600 } });
        // Playwright runs the routes a request matches newest first: the stand-in for App Bridge is
        // registered after the refusal of everything off this machine, or it would never load.
        await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
        await context.route(/^https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js/, (route) =>
          route.fulfill({ contentType: "text/javascript", body: appBridgeStub(token) }),
        );
        shopContext = { context, token };
        contexts.set(shop, shopContext);
      }
      const { context, token } = shopContext;
      const page = await context.newPage();
      watchFaults(page);
      const url = new URL(pathname, base);
      for (const [key, value] of Object.entries({ shop, host: Buffer.from(`${shop}/admin`).toString("base64url"), embedded: "1", id_token: token }))
        url.searchParams.set(key, value);
      await page.goto(url.href);
      return page;
    },
    async plainPage(url) {
      if (!browser) throw new Error("useServedApp(): the browser starts in beforeAll; open pages inside a test");
      const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 1280, height: 1600 } });
      await context.route(/^https?:\/\/(?!(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
      const page = await context.newPage();
      watchFaults(page);
      await page.goto(url);
      return page;
    },
  };
}

/**
 * Waits until the screen shows its title (Polaris renders a Page's title as the one h1) and the
 * app's scripts have taken over the page, with every asset loaded and nothing thrown.
 */
export async function expectScreen(page: Page, title: string): Promise<void> {
  // Remix's own error boundary (the app has none at its root) titles the page with the error.
  const errorTitle = page.getByRole("heading", { level: 1, name: /^(Application Error|\d{3} .*)$/ });
  await expect
    .poll(async () => ({ title: await page.getByRole("heading", { level: 1, name: title, exact: true }).count(), error: await errorTitle.allInnerTexts() }), {
      timeout: 15_000,
    })
    .toEqual({ title: 1, error: [] });
  // RemixBrowser sets window.__remixRouter when it hydrates (the server's HTML never has it); the
  // faults, if any, say why it did not.
  const state = async () => ({ hydrated: await page.evaluate(() => "__remixRouter" in window), faults: pageFaults.get(page) ?? [] });
  await expect.poll(state, { timeout: 15_000 }).toEqual({ hydrated: true, faults: [] });
}

/** A full-page PNG in test-artifacts/, named for the story and step. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
