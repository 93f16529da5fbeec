// A merchant, in a real browser, connects TikTok Shop through TikTok's seller authorization page
// (the simulator's): Channels → TikTok Shop → Continue to TikTok Shop → the page naming Anchorline
// and the signed-in seller → Authorize, and is sent back through Anchorline's /consent/tiktok to the
// Channels screen in their admin, which says TikTok Shop is connected; Cancel leaves nothing
// connected and the screen says why. The served app holds the deployment's TikTok Shop app
// (TIKTOK_APP_KEY, TIKTOK_APP_SECRET, TIKTOK_SERVICE_ID) and finds the simulator through
// ANCHORLINE_MARKETPLACE_ENDPOINTS, both given before it starts (consent-flow.ts). The admin
// (https://<shop>/admin/apps/...) is off this machine, so the way back into it is asserted by its
// URL and the Channels screen then opened as the admin would open it. Screenshots go to test-artifacts/.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { tiktokShopId } from "../../simulators/tiktok/authorization";
import {
  answerConsent,
  continueToConsent,
  deploymentSettings,
  installedShop,
  marketplaceEndpoints,
  startTikTokForConsent,
  TIKTOK,
  type ConsentStart,
} from "./consent-flow";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const CIPHER = TIKTOK.cipher;

const app = useServedApp();
const { sim, settings } = await startTikTokForConsent(app.base);
deploymentSettings({ ...settings, ANCHORLINE_MARKETPLACE_ENDPOINTS: marketplaceEndpoints({ TIKTOK: sim.url }) });
afterAll(() => sim.stop());

/** Channels → TikTok Shop → Continue to TikTok Shop: TikTok's authorization page. */
const TIKTOK_CONSENT: ConsentStart = {
  marketplace: "TikTok Shop",
  name: "TikTok Shop US",
  consentUrl: `${sim.url}/open/authorize?`,
  heading: "Authorize Anchorline",
};

/** TikTok's page, naming the seller signed in. */
async function continueToTikTok(shopDomain: string, screenshotName: string) {
  const page = await continueToConsent(app, shopDomain, TIKTOK_CONSENT, screenshotName);
  expect(await page.getByLabel("Signed in as seller").inputValue()).toBe(TIKTOK.seller);
  return page;
}

describe("a merchant connecting TikTok Shop in the browser", () => {
  it("given the deployment holds its TikTok Shop app, when the merchant continues to TikTok Shop and authorizes, then they come back to the Channels screen with their shop connected", async () => {
    const shop = await installedShop("tiktok-consent", "Harbor Goods");
    const tiktoksPage = await continueToTikTok(shop.domain, "consent-tiktok-1-tiktok-authorization-page");
    const attempt = await answerConsent(tiktoksPage, shop.domain, "Authorize");

    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "TIKTOK" } });
    expect(channel).toMatchObject({ accountId: tiktokShopId(CIPHER), name: "TikTok Shop US", status: "CONNECTED" });

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("TikTok Shop connected").waitFor();
    await page.locator(".Polaris-ShadowBevel", { hasText: `tiktok · ${tiktokShopId(CIPHER)}` }).waitFor();
    await screenshot(page, "consent-tiktok-2-connected");
  });

  it("given the merchant chooses Cancel on TikTok's page, when they come back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await installedShop("tiktok-consent", "Harbor Goods");
    const tiktoksPage = await continueToTikTok(shop.domain, "consent-tiktok-3-tiktok-authorization-page");
    const attempt = await answerConsent(tiktoksPage, shop.domain, "Cancel");

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page
      .getByText("TikTok Shop consent was not given: you chose Cancel on TikTok Shop's authorization page, so Anchorline was given no access.")
      .waitFor();
    await screenshot(page, "consent-tiktok-4-refused");
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
