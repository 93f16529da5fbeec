// The demo's stand-in for Shopify admin (demo/admin-proxy.ts) in front of the served app, as
// `npm run demo` runs it: the merchant opens the address the demo prints, saves a buffer rule, and
// sees it saved. Every form the demo's admin posts goes the same way (Remix's origin check).
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { startAdminProxy } from "../../demo/admin-proxy";
import { installShopSession } from "../admin-request";
import { seedShopWithEveryModel } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();
const proxies: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(proxies.map((proxy) => proxy.close())));

async function demoAdmin(shop: string) {
  const proxy = await startAdminProxy({ appUrl: app.base, shop, apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET! });
  proxies.push(proxy);
  return proxy;
}

describe("the demo's admin screens, through the demo's admin proxy", () => {
  it("given the address the demo prints, when the merchant saves a buffer rule, then the screen shows it saved; the same post from another site is refused", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await installShopSession(prisma, shop.domain);
    const proxy = await demoAdmin(shop.domain);
    const rules = () => prisma.bufferRule.count({ where: { shopId: shop.id } });
    const before = await rules();

    const page = await app.plainPage(`${proxy.url}/app/buffers`);
    await expectScreen(page, "Buffers and throttling");
    await page.getByLabel("Channel", { exact: true }).selectOption({ label: "Amazon US" });
    await page.getByLabel("Applies to").selectOption("variant");
    await page.getByLabel("Variant SKU").fill("KET-RED");
    await page.getByLabel("Units held back").fill("2");
    const answered = page.waitForResponse((response) => response.request().method() === "POST");
    await page.getByRole("button", { name: "Save rule" }).click();
    const save = (await answered).request();
    // Remix's error boundary ("Application Error") in place of the screen fails here.
    await expectScreen(page, "Buffers and throttling");
    await page.getByText("Buffer rule saved").waitFor();
    await page.locator("tr", { hasText: "variant KET-RED" }).waitFor();
    await screenshot(page, "demo-admin-proxy-buffer-saved");
    expect(await rules()).toBe(before + 1);

    // The proxy signs whatever reaches it as the demo shop, so Remix's origin check is what stops a
    // page of another site from posting there: the proxy keeps the browser's Origin for it. The
    // browser's own post, sent again with the demo's origin, saves; with another site's, it does not.
    const sent = save.headers();
    const replay = (origin: string) =>
      fetch(save.url(), {
        method: "POST",
        headers: { origin, "content-type": sent["content-type"], "user-agent": sent["user-agent"] },
        body: save.postData() ?? "",
        redirect: "manual",
      });
    expect((await replay(new URL(proxy.url).origin)).status).toBe(200);
    expect(await rules()).toBe(before + 2);
    expect((await replay("http://elsewhere.example")).status).toBeGreaterThanOrEqual(400);
    expect(await rules()).toBe(before + 2);
  });
});
