// A merchant, in a real browser, connects Amazon through Seller Central's consent page (the
// simulator's, the SP-API website authorization workflow): Channels → Amazon → Continue to Amazon
// → the consent page → Confirm, and Amazon sends the browser to Anchorline's /consent/amazon, which
// sends it on to the Channels screen in their admin, saying Amazon is connected; Cancel connects
// nothing and the screen says why. The served app holds the deployment's Amazon app settings
// (AMAZON_SP_APP_ID, AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET), finds the simulator through
// ANCHORLINE_MARKETPLACE_ENDPOINTS, and is served at its own public address (SHOPIFY_APP_URL, the
// redirect URI registered with Amazon), all given before it starts (consent-flow.ts). The admin
// (https://<shop>/admin/apps/...) is off this machine, so the way back into it is asserted by its
// URL and the Channels screen then opened as the admin would open it. Screenshots go to test-artifacts/.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openCredentials } from "~/lib/secrets.server";
import {
  AMAZON,
  answerConsent,
  continueToConsent,
  deploymentSettings,
  installedShop,
  marketplaceEndpoints,
  startAmazonForConsent,
  type ConsentStart,
} from "./consent-flow";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const SELLER = AMAZON.seller;
const US = AMAZON.marketplaceId;

const app = useServedApp();
const { sim: simulator, settings } = await startAmazonForConsent(app.base);
deploymentSettings({ ...settings, ANCHORLINE_MARKETPLACE_ENDPOINTS: marketplaceEndpoints({ AMAZON: simulator.url }) });
afterAll(() => simulator.stop());

/** Channels → Amazon → Continue to Amazon: Seller Central's consent page. */
const AMAZON_CONSENT: ConsentStart = {
  marketplace: "Amazon",
  name: "Amazon US",
  region: US,
  consentUrl: `${simulator.url}/apps/authorize/consent?`,
  heading: "Anchorline is requesting access to your selling account",
};

describe("a merchant connecting Amazon in the browser", () => {
  it("given the deployment holds its Amazon app, when the merchant continues to Amazon and confirms, then they come back to the Channels screen with Amazon connected as their seller account", async () => {
    const shop = await installedShop("amazon-consent", "Kettles and Co");
    const amazonsPage = await continueToConsent(app, shop.domain, AMAZON_CONSENT, "consent-amazon-1-amazon-consent-page");
    const attempt = await answerConsent(amazonsPage, shop.domain, "Confirm");

    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "AMAZON" } });
    expect(channel).toMatchObject({ accountId: SELLER, name: "Amazon US", region: US, status: "CONNECTED", liveAt: null });
    expect(Object.keys(openCredentials(channel.credentialsCiphertext!, shop.id))).toEqual(["refreshToken"]);

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("Amazon connected").waitFor();
    await page.locator(".Polaris-ShadowBevel", { hasText: `amazon · ${SELLER}` }).waitFor();
    await screenshot(page, "consent-amazon-2-connected");
  });

  it("given the merchant chooses Cancel on Amazon's page, when they come back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await installedShop("amazon-consent", "Kettles and Co");
    const amazonsPage = await continueToConsent(app, shop.domain, AMAZON_CONSENT, "consent-amazon-3-amazon-consent-page");
    const attempt = await answerConsent(amazonsPage, shop.domain, "Cancel");

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("Amazon consent was not given: you chose Cancel on Amazon's consent page, so Anchorline was given no access.").waitFor();
    await screenshot(page, "consent-amazon-4-refused");
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
