// A merchant, in a real browser, adds a buffer rule on the Buffers screen, previews what it
// changes, saves it, and sees the new quantity on the Inventory screen once the engine has
// recomputed. The app is the production build served by remix-serve, on this run's PostgreSQL
// database and Redis; screenshots go to test-artifacts/.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sqlFor } from "~/lib/sql.server";
import { queues } from "~/queues.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { installShopSession, sessionToken } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";

const root = path.resolve(import.meta.dirname, "../..");
const buildDir = path.resolve(root, process.env.ANCHORLINE_BUILD_DIR ?? "build");
const artifacts = path.resolve(root, "test-artifacts");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;
// The toolchain notes' flags for Debian's Chromium in a container without a GPU or network.
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
// Shopify's library answers requests from user agents that look like bots (HeadlessChrome does)
// with 410; Shopify admin loads the app in an ordinary browser.
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

let server: ChildProcess;
let browser: Browser;

/**
 * Stands in for App Bridge (cdn.shopify.com is out of reach here): like the real one, it adds the
 * session token to the app's own fetches, which is how Remix's form submissions authenticate.
 */
function appBridgeStub(token: string): string {
  return `
    window.shopify = { idToken: async () => ${JSON.stringify(token)}, toast: { show() {} }, loading() {} };
    const appFetch = window.fetch.bind(window);
    window.fetch = (input, init = {}) => {
      const url = new URL(typeof input === "string" ? input : input.url, location.href);
      if (url.origin !== location.origin) return appFetch(input, init);
      const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      headers.set("Authorization", "Bearer ${token}");
      return appFetch(input, { ...init, headers });
    };`;
}

async function embeddedPage(shop: string, pathname: string): Promise<Page> {
  const token = await sessionToken(shop, 600);
  const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 1280, height: 1600 } });
  await context.route(/^https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js/, (route) => route.fulfill({ contentType: "text/javascript", body: appBridgeStub(token) }));
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const page = await context.newPage();
  const params = new URLSearchParams({ shop, host: Buffer.from(`${shop}/admin`).toString("base64url"), embedded: "1", id_token: token });
  await page.goto(`${base}${pathname}?${params}`);
  return page;
}

async function waitForServer(): Promise<void> {
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

beforeAll(async () => {
  if (!existsSync(path.join(buildDir, "server/index.js"))) throw new Error(`No build at ${buildDir}: run \`npm run build\` first (or set ANCHORLINE_BUILD_DIR)`);
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(artifacts, { recursive: true });
  const cli = createRequire(import.meta.url).resolve("@remix-run/serve/dist/cli.js");
  server = spawn(process.execPath, [cli, path.join(buildDir, "server/index.js")], {
    // remix-serve serves the browser assets from build/client relative to its working directory.
    cwd: path.dirname(buildDir),
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForServer();
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    // remix-serve only closes its HTTP server on SIGTERM; the app's Redis and PostgreSQL clients
    // keep it alive, and a test server has nothing to finish.
    server.kill("SIGKILL");
    await exited;
  }
  await queues().close();
  await sqlFor().end();
  await prisma.$disconnect();
});

describe("a merchant in the browser", () => {
  it("adds a buffer rule, previews its effect, saves it, and sees the new quantity", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    // The outbox as the engine would have it before the change: Amazon gets 6 of the 12 in stock.
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shop.id);

    const page = await embeddedPage(shop.domain, "/app/buffers");
    await expect.poll(() => page.getByRole("heading", { name: "Buffers and throttling" }).count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "buffers-1-before.png"), fullPage: true });

    await page.getByLabel("Channel", { exact: true }).selectOption({ label: "Amazon US" });
    await page.getByLabel("Applies to").selectOption("variant");
    await page.getByLabel("Variant SKU").fill("KET-RED");
    await page.getByLabel("Units held back").fill("2");
    await page.getByRole("button", { name: "Preview the change" }).click();
    const previewRow = page.locator("tr", { hasText: "KET-RED" }).filter({ hasText: "Amazon US" });
    await previewRow.waitFor();
    expect(await previewRow.locator("td").allInnerTexts()).toEqual(expect.arrayContaining(["6", "10", "+4"]));
    await page.screenshot({ path: path.join(artifacts, "buffers-2-preview.png"), fullPage: true });

    await page.getByRole("button", { name: "Save rule" }).click();
    await page.getByText("Buffer rule saved").waitFor();
    await page.screenshot({ path: path.join(artifacts, "buffers-3-saved.png"), fullPage: true });
    await page.locator("tr", { hasText: "variant KET-RED" }).waitFor();

    // The recompute worker's job, run here: the save marked the listings stale and queued it.
    await recomputeStaleListings(shop.id);
    const inventory = await embeddedPage(shop.domain, "/app/inventory");
    const row = inventory.locator("tr", { hasText: "Amazon US (KET-RED)" });
    await row.waitFor();
    expect(await row.innerText()).toContain("10 / –");
    await inventory.getByRole("link", { name: "Why?" }).first().click();
    await inventory.getByText("Amazon US buffer: -2 units").waitFor();
    await inventory.screenshot({ path: path.join(artifacts, "buffers-4-inventory.png"), fullPage: true });
  });
});
