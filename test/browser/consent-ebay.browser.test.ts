// A merchant, in a real browser, connects eBay through eBay's consent page (the simulator's):
// Channels → eBay → Continue to eBay → eBay's Grant Application Access page → Agree, and is sent
// back through Anchorline's /consent/ebay to the Channels screen in their admin, which says eBay is
// connected; Disagree leaves nothing connected and the screen says why. The served app holds the
// deployment's eBay keyset and RuName (EBAY_APP_ID, EBAY_CERT_ID, EBAY_RU_NAME) and finds the
// simulator through ANCHORLINE_MARKETPLACE_ENDPOINTS, both given before it starts (consent-flow.ts).
// The admin (https://<shop>/admin/apps/...) is off this machine, so the way back into it is
// asserted by its URL and the Channels screen then opened as the admin would open it. Screenshots
// go to test-artifacts/.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  answerConsent,
  continueToConsent,
  deploymentSettings,
  EBAY,
  installedShop,
  marketplaceEndpoints,
  startEbayForConsent,
  type ConsentStart,
} from "./consent-flow";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const SELLER = EBAY.seller;

const app = useServedApp();
const { sim, settings } = await startEbayForConsent(app.base);
deploymentSettings({ ...settings, ANCHORLINE_MARKETPLACE_ENDPOINTS: marketplaceEndpoints({ EBAY: sim.url }) });
afterAll(() => sim.stop());

/** Channels → eBay → Continue to eBay: eBay's consent page. */
const EBAY_CONSENT: ConsentStart = {
  marketplace: "eBay",
  name: "eBay US",
  region: "EBAY_US",
  consentUrl: `${sim.url}/oauth2/authorize?`,
  heading: "Grant application access: Anchorline",
};

describe("a merchant connecting eBay in the browser", () => {
  it("given the deployment holds its eBay keyset, when the merchant continues to eBay and agrees, then they come back to the Channels screen with eBay connected as their eBay user", async () => {
    const shop = await installedShop("ebay-consent", "Mugs and More");
    const ebaysPage = await continueToConsent(app, shop.domain, EBAY_CONSENT, "consent-ebay-1-ebay-consent-page");
    const attempt = await answerConsent(ebaysPage, shop.domain, "Agree");

    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "EBAY" } });
    expect(channel).toMatchObject({ accountId: SELLER, name: "eBay US", status: "CONNECTED" });

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("eBay connected").waitFor();
    await page.locator(".Polaris-ShadowBevel", { hasText: `ebay · ${SELLER}` }).waitFor();
    await screenshot(page, "consent-ebay-2-connected");
  });

  it("given the merchant chooses Disagree on eBay's page, when they come back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await installedShop("ebay-consent", "Mugs and More");
    const ebaysPage = await continueToConsent(app, shop.domain, EBAY_CONSENT, "consent-ebay-3-ebay-consent-page");
    const attempt = await answerConsent(ebaysPage, shop.domain, "Disagree");

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("eBay consent was not given: you chose Disagree on eBay's consent page, so Anchorline was given no access.").waitFor();
    await screenshot(page, "consent-ebay-4-refused");
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
