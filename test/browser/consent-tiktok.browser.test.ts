// A merchant, in a real browser, connects TikTok Shop through TikTok's seller authorization page
// (the simulator's): Channels → TikTok Shop → Continue to TikTok Shop → the page naming Anchorline
// and the signed-in seller → Authorize, and is sent back through Anchorline's /consent/tiktok to the
// Channels screen in their admin, which says TikTok Shop is connected; Cancel leaves nothing
// connected and the screen says why. The served app holds the deployment's TikTok Shop app
// (TIKTOK_APP_KEY, TIKTOK_APP_SECRET, TIKTOK_SERVICE_ID) and finds the simulator through
// ANCHORLINE_MARKETPLACE_ENDPOINTS, both given before it starts. The admin (https://<shop>/admin/apps/...)
// is off this machine, so the way back into it is asserted by its URL and the Channels screen then
// opened as the admin would open it. Screenshots go to test-artifacts/.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { tiktokShopId } from "../../simulators/tiktok/authorization";
import { startTikTokSimulator } from "../../simulators/tiktok/server";
import { installShopSession } from "../admin-request";
import { uniqueShopDomain } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const APP = { appKey: "6anchorline01", appSecret: "tts-app-secret-0123456789", serviceId: "7300000000000000042" };
const CIPHER = "US_harbor";
const SETTINGS = {
  TIKTOK_APP_KEY: APP.appKey,
  TIKTOK_APP_SECRET: APP.appSecret,
  TIKTOK_SERVICE_ID: APP.serviceId,
};

const apps: Parameters<typeof startTikTokSimulator>[0]["apps"] = [];
const sim = await startTikTokSimulator({
  shops: [{ ...APP, shopCipher: CIPHER, accessToken: "TTP_seed", refreshToken: "TTR_seed", products: [] }],
  apps,
  sellers: [{ name: "Harbor Goods", shops: [{ cipher: CIPHER, name: "Harbor Goods US", region: "US" }] }],
});
Object.assign(process.env, { ...SETTINGS, ANCHORLINE_MARKETPLACE_ENDPOINTS: JSON.stringify({ TIKTOK: { api: sim.url, auth: sim.url } }) });
const app = useServedApp();
// Partner Center: the app's redirect URL is the served app's /consent/tiktok.
apps.push({ ...APP, name: "Anchorline", redirectUrl: `${app.base}/consent/tiktok` });

afterAll(async () => {
  for (const name of [...Object.keys(SETTINGS), "ANCHORLINE_MARKETPLACE_ENDPOINTS"]) delete process.env[name];
  await sim.stop();
});

/** A shop with the app installed and nothing connected yet. */
async function installedShop() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("tiktok-consent"), name: "Harbor Goods" } });
  await installShopSession(prisma, shop.domain);
  return shop;
}

/** Channels → TikTok Shop → Continue to TikTok Shop: the browser is on TikTok's authorization page. */
async function continueToTikTok(shopDomain: string, step: string) {
  const page = await app.embeddedPage(shopDomain, "/app/channels");
  await expectScreen(page, "Channels");
  await page.getByLabel("Marketplace", { exact: true }).selectOption({ label: "TikTok Shop" });
  await page.getByLabel("Name", { exact: true }).fill("TikTok Shop US");
  await page.getByRole("button", { name: "Continue to TikTok Shop" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${sim.url}/open/authorize?`));
  await page.getByRole("heading", { name: "Authorize Anchorline" }).waitFor();
  expect(await page.getByLabel("Signed in as seller").inputValue()).toBe("Harbor Goods");
  await screenshot(page, `${step}-tiktok-authorization-page`);
  return page;
}

/** Presses a button on TikTok's page and follows the browser back to the admin's Channels screen: the consent attempt it names. */
async function answerOnTikTok(page: Awaited<ReturnType<typeof continueToTikTok>>, shopDomain: string, button: "Authorize" | "Cancel"): Promise<string> {
  const intoAdmin = page.waitForRequest((request) => request.url().startsWith(`https://${shopDomain}/admin/apps/`));
  await page.getByRole("button", { name: button, exact: true }).click();
  const back = new URL((await intoAdmin).url());
  expect(back.pathname).toBe("/admin/apps/anchorline-test-key/app/channels");
  await page.close();
  return back.searchParams.get("consent")!;
}

describe("a merchant connecting TikTok Shop in the browser", () => {
  it("given the deployment holds its TikTok Shop app, when the merchant continues to TikTok Shop and authorizes, then they come back to the Channels screen with their shop connected", async () => {
    const shop = await installedShop();
    const tiktoksPage = await continueToTikTok(shop.domain, "consent-tiktok-1");
    const attempt = await answerOnTikTok(tiktoksPage, shop.domain, "Authorize");

    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "TIKTOK" } });
    expect(channel).toMatchObject({ accountId: tiktokShopId(CIPHER), name: "TikTok Shop US", status: "CONNECTED" });

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("TikTok Shop connected").waitFor();
    await page.locator(".Polaris-ShadowBevel", { hasText: `tiktok · ${tiktokShopId(CIPHER)}` }).waitFor();
    await screenshot(page, "consent-tiktok-2-connected");
  });

  it("given the merchant chooses Cancel on TikTok's page, when they come back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await installedShop();
    const tiktoksPage = await continueToTikTok(shop.domain, "consent-tiktok-3");
    const attempt = await answerOnTikTok(tiktoksPage, shop.domain, "Cancel");

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page
      .getByText("TikTok Shop consent was not given: you chose Cancel on TikTok Shop's authorization page, so Anchorline was given no access.")
      .waitFor();
    await screenshot(page, "consent-tiktok-4-refused");
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
