// A merchant, in a real browser, connects Amazon through Seller Central's consent page (the
// simulator's, the SP-API website authorization workflow): Channels → Amazon → Continue to Amazon
// → the consent page → Confirm, and Amazon sends the browser to Anchorline's /consent/amazon, which
// sends it on to the Channels screen in their admin, saying Amazon is connected; Cancel connects
// nothing and the screen says why. The served app holds the deployment's Amazon app settings
// (AMAZON_SP_APP_ID, AMAZON_LWA_CLIENT_ID, AMAZON_LWA_CLIENT_SECRET), finds the simulator through
// ANCHORLINE_MARKETPLACE_ENDPOINTS, and is served at its own public address (SHOPIFY_APP_URL, the
// redirect URI registered with Amazon), all given before it starts. The admin
// (https://<shop>/admin/apps/...) is off this machine, so the way back into it is asserted by its
// URL and the Channels screen then opened as the admin would open it. Screenshots go to test-artifacts/.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { openCredentials } from "~/lib/secrets.server";
import { startAmazonSimulator } from "../../simulators/amazon/server";
import { installShopSession } from "../admin-request";
import { uniqueShopDomain } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const APP = { applicationId: "amzn1.sp.solution.anchorline-browser", clientId: "amzn1.application-oa2-client.browser", clientSecret: "lwa-browser-secret" };
const SELLER = "A3BROWSERSELLER";
const US = "ATVPDKIKX0DER";

const app = useServedApp();
// Amazon's registration of Anchorline (Solution Provider Portal): the app, its LWA client and its
// redirect URI, /consent/amazon at the app's public address, which is where it is served here.
const simulator = await startAmazonSimulator({
  sellers: [{ sellerId: SELLER, marketplaceId: US, clientId: "sellers-own-client", clientSecret: "own", refreshToken: "Atzr|own", listings: [] }],
  apps: [{ ...APP, name: "Anchorline", redirectUris: [`${app.base}/consent/amazon`] }],
});
// The served app starts in useServedApp's beforeAll, with the environment as it is then.
const SETTINGS = { AMAZON_SP_APP_ID: APP.applicationId, AMAZON_LWA_CLIENT_ID: APP.clientId, AMAZON_LWA_CLIENT_SECRET: APP.clientSecret };
const appUrlBefore = process.env.SHOPIFY_APP_URL;
Object.assign(process.env, SETTINGS, {
  ANCHORLINE_MARKETPLACE_ENDPOINTS: JSON.stringify({ AMAZON: { api: simulator.url, auth: simulator.url } }),
  SHOPIFY_APP_URL: app.base,
});

afterAll(async () => {
  for (const name of [...Object.keys(SETTINGS), "ANCHORLINE_MARKETPLACE_ENDPOINTS"]) delete process.env[name];
  process.env.SHOPIFY_APP_URL = appUrlBefore;
  await simulator.stop();
});

/** A shop with the app installed and nothing connected yet. */
async function installedShop() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("amazon-consent"), name: "Kettles and Co" } });
  await installShopSession(prisma, shop.domain);
  return shop;
}

/** Channels → Amazon → Continue to Amazon: the browser is on Seller Central's consent page. */
async function continueToAmazon(shopDomain: string, step: string) {
  const page = await app.embeddedPage(shopDomain, "/app/channels");
  await expectScreen(page, "Channels");
  await page.getByLabel("Marketplace", { exact: true }).selectOption({ label: "Amazon" });
  await page.getByLabel("Name", { exact: true }).fill("Amazon US");
  await page.getByLabel("Region or marketplace id").fill(US);
  await page.getByRole("button", { name: "Continue to Amazon" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${simulator.url}/apps/authorize/consent?`));
  await page.getByRole("heading", { name: "Anchorline is requesting access to your selling account" }).waitFor();
  await screenshot(page, `${step}-amazon-consent-page`);
  return page;
}

/** Presses a button on Amazon's page and follows the browser back to the admin's Channels screen: the consent attempt it names. */
async function answerOnAmazon(page: Awaited<ReturnType<typeof continueToAmazon>>, shopDomain: string, button: "Confirm" | "Cancel"): Promise<string> {
  const intoAdmin = page.waitForRequest((request) => request.url().startsWith(`https://${shopDomain}/admin/apps/`));
  await page.getByRole("button", { name: button }).click();
  const back = new URL((await intoAdmin).url());
  expect(back.pathname).toBe("/admin/apps/anchorline-test-key/app/channels");
  await page.close();
  return back.searchParams.get("consent")!;
}

describe("a merchant connecting Amazon in the browser", () => {
  it("given the deployment holds its Amazon app, when the merchant continues to Amazon and confirms, then they come back to the Channels screen with Amazon connected as their seller account", async () => {
    const shop = await installedShop();
    const amazonsPage = await continueToAmazon(shop.domain, "consent-amazon-1");
    const attempt = await answerOnAmazon(amazonsPage, shop.domain, "Confirm");

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
    const shop = await installedShop();
    const amazonsPage = await continueToAmazon(shop.domain, "consent-amazon-3");
    const attempt = await answerOnAmazon(amazonsPage, shop.domain, "Cancel");

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("Amazon consent was not given: you chose Cancel on Amazon's consent page, so Anchorline was given no access.").waitFor();
    await screenshot(page, "consent-amazon-4-refused");
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
