// What the consent stories share: the deployment's app registered with each marketplace simulator
// (Amazon's SP-API app, eBay's keyset and RuName, TikTok Shop's app and service) and handed to the
// served app through its environment, a shop with the app installed, and the merchant's way through
// a consent page: Channels → the marketplace → Continue to it → the marketplace's page → a button →
// back through Anchorline's /consent/<kind> into the admin. The admin (https://<shop>/admin/apps/...)
// is off this machine, so the way back into it is asserted by its URL; a story then opens the
// Channels screen as the admin would.
import type { Page } from "playwright-core";
import { afterAll, expect } from "vitest";
import prisma from "~/db.server";
import { startAmazonSimulator } from "../../simulators/amazon/server";
import type { ListingSpec as AmazonListing } from "../../simulators/amazon/state";
import { startEbaySimulator, type SimListingSeed as EbayListing } from "../../simulators/ebay/server";
import { startTikTokSimulator } from "../../simulators/tiktok/server";
import type { TikTokProductSpec } from "../../simulators/tiktok/state";
import { installShopSession } from "../admin-request";
import { uniqueShopDomain } from "../factories";
import { expectScreen, screenshot, type ServedApp } from "./served-app";

/**
 * Gives the served app (and this test process, which runs the workers' jobs) the deployment's
 * settings: called before useServedApp's beforeAll starts the app, which takes the environment as
 * it is then. Each setting is put back as it was after the file.
 */
export function deploymentSettings(settings: Record<string, string>): void {
  const before = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
  Object.assign(process.env, settings);
  afterAll(() => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

/** Where the simulators answer, for ANCHORLINE_MARKETPLACE_ENDPOINTS (stored in each new account's settings). */
export function marketplaceEndpoints(urls: Partial<Record<"AMAZON" | "EBAY" | "TIKTOK", string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(urls).map(([kind, url]) => [kind, { api: url, auth: url }])));
}

export const AMAZON = {
  app: { applicationId: "amzn1.sp.solution.anchorline-browser", clientId: "amzn1.application-oa2-client.browser", clientSecret: "lwa-browser-secret" },
  seller: "A3BROWSERSELLER",
  marketplaceId: "ATVPDKIKX0DER",
};

/**
 * Seller Central with Anchorline registered (Solution Provider Portal): its redirect URI is
 * /consent/amazon at the app's public address, which is where it is served, so the served app's
 * SHOPIFY_APP_URL is its own address. One seller, signed in, holding `listings`.
 */
export async function startAmazonForConsent(appBase: string, listings: AmazonListing[] = []) {
  const sim = await startAmazonSimulator({
    sellers: [
      { sellerId: AMAZON.seller, marketplaceId: AMAZON.marketplaceId, clientId: "sellers-own-client", clientSecret: "own", refreshToken: "Atzr|own", listings },
    ],
    apps: [{ ...AMAZON.app, name: "Anchorline", redirectUris: [`${appBase}/consent/amazon`] }],
  });
  const settings = {
    AMAZON_SP_APP_ID: AMAZON.app.applicationId,
    AMAZON_LWA_CLIENT_ID: AMAZON.app.clientId,
    AMAZON_LWA_CLIENT_SECRET: AMAZON.app.clientSecret,
    SHOPIFY_APP_URL: appBase,
  };
  return { sim, settings };
}

export const EBAY = {
  keyset: { appId: "Anchorli-Sync-PRD-0a1b2c", certId: "PRD-0a1b2c3d4e5f", ruName: "Anchorline-Anchorli-Sync-P-xyzabc" },
  seller: "mugs-and-more",
};

/** eBay with Anchorline's keyset in its developer console, the RuName's accepted and declined URLs the app's /consent/ebay; one seller, signed in. */
export async function startEbayForConsent(appBase: string, listings: EbayListing[] = []) {
  const { keyset, seller } = EBAY;
  const sim = await startEbaySimulator({
    accounts: [{ userId: seller, marketplaceId: "EBAY_US", appId: "Sellers-Own-App", certId: "own-cert", refreshToken: "own-refresh", listings }],
    consent: {
      apps: [{ ...keyset, acceptUrl: `${appBase}/consent/ebay`, declineUrl: `${appBase}/consent/ebay`, displayTitle: "Anchorline" }],
      signedInAs: seller,
    },
  });
  return { sim, settings: { EBAY_APP_ID: keyset.appId, EBAY_CERT_ID: keyset.certId, EBAY_RU_NAME: keyset.ruName } };
}

export const TIKTOK = {
  app: { appKey: "6anchorline01", appSecret: "tts-app-secret-0123456789", serviceId: "7300000000000000042" },
  cipher: "US_harbor",
  seller: "Harbor Goods",
};

/** TikTok Shop's Partner Center with Anchorline's app, its redirect URL the app's /consent/tiktok; one seller holding one US shop, signed in. */
export async function startTikTokForConsent(appBase: string, products: TikTokProductSpec[] = []) {
  const { app, cipher, seller } = TIKTOK;
  const sim = await startTikTokSimulator({
    shops: [{ ...app, shopCipher: cipher, accessToken: "TTP_seed", refreshToken: "TTR_seed", products }],
    apps: [{ ...app, name: "Anchorline", redirectUrl: `${appBase}/consent/tiktok` }],
    sellers: [{ name: seller, shops: [{ cipher, name: "Harbor Goods US", region: "US" }] }],
  });
  return { sim, settings: { TIKTOK_APP_KEY: app.appKey, TIKTOK_APP_SECRET: app.appSecret, TIKTOK_SERVICE_ID: app.serviceId } };
}

/** A shop with the app installed and nothing connected yet. */
export async function installedShop(label: string, name: string) {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain(label), name } });
  await installShopSession(prisma, shop.domain);
  return shop;
}

export interface ConsentStart {
  /** The marketplace as the Channels screen's choice names it (and its Continue button). */
  marketplace: "Amazon" | "eBay" | "TikTok Shop";
  /** The account's name in Anchorline. */
  name: string;
  /** Region or marketplace id, where the marketplace asks for one. */
  region?: string;
  /** The start of the consent page's URL on the simulator. */
  consentUrl: string;
  /** The consent page's heading. */
  heading: string;
}

/** Channels → the marketplace → Continue to it: the browser is on the marketplace's consent page (screenshot `screenshotName`). */
export async function continueToConsent(app: ServedApp, shopDomain: string, start: ConsentStart, screenshotName: string): Promise<Page> {
  const page = await app.embeddedPage(shopDomain, "/app/channels");
  await expectScreen(page, "Channels");
  await page.getByLabel("Marketplace", { exact: true }).selectOption({ label: start.marketplace });
  await page.getByLabel("Name", { exact: true }).fill(start.name);
  if (start.region !== undefined) await page.getByLabel("Region or marketplace id").fill(start.region);
  await page.getByRole("button", { name: `Continue to ${start.marketplace}` }).click();
  await page.waitForURL((url) => url.href.startsWith(start.consentUrl));
  await page.getByRole("heading", { name: start.heading }).waitFor();
  await screenshot(page, screenshotName);
  return page;
}

/**
 * Presses a button on the marketplace's page and follows the browser back through Anchorline's
 * /consent/<kind> to the admin's Channels screen (asserted by its URL); the page is closed. The
 * consent attempt the URL names, for the Channels screen's outcome.
 */
export async function answerConsent(page: Page, shopDomain: string, button: string): Promise<string> {
  const intoAdmin = page.waitForRequest((request) => request.url().startsWith(`https://${shopDomain}/admin/apps/`));
  await page.getByRole("button", { name: button, exact: true }).click();
  const back = new URL((await intoAdmin).url());
  expect(back.pathname).toBe("/admin/apps/anchorline-test-key/app/channels");
  await page.close();
  const attempt = back.searchParams.get("consent");
  expect(attempt).toBeTruthy();
  return attempt!;
}
