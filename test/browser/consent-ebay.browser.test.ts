// A merchant, in a real browser, connects eBay through eBay's consent page (the simulator's):
// Channels → eBay → Continue to eBay → eBay's Grant Application Access page → Agree, and is sent
// back through Anchorline's /consent/ebay to the Channels screen in their admin, which says eBay is
// connected; Disagree leaves nothing connected and the screen says why. The served app holds the
// deployment's eBay keyset and RuName (EBAY_APP_ID, EBAY_CERT_ID, EBAY_RU_NAME) and finds the
// simulator through ANCHORLINE_MARKETPLACE_ENDPOINTS, both given before it starts. The admin
// (https://<shop>/admin/apps/...) is off this machine, so the way back into it is asserted by its
// URL and the Channels screen then opened as the admin would open it. Screenshots go to test-artifacts/.
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { startEbaySimulator } from "../../simulators/ebay/server";
import { installShopSession } from "../admin-request";
import { uniqueShopDomain } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const KEYSET = { appId: "Anchorli-Sync-PRD-0a1b2c", certId: "PRD-0a1b2c3d4e5f", ruName: "Anchorline-Anchorli-Sync-P-xyzabc" };
const SELLER = "mugs-and-more";

const sim = await startEbaySimulator({
  accounts: [{ userId: SELLER, marketplaceId: "EBAY_US", appId: "Sellers-Own-App", certId: "own-cert", refreshToken: "own-refresh", listings: [] }],
  consent: { apps: [], signedInAs: SELLER },
});
Object.assign(process.env, {
  EBAY_APP_ID: KEYSET.appId,
  EBAY_CERT_ID: KEYSET.certId,
  EBAY_RU_NAME: KEYSET.ruName,
  ANCHORLINE_MARKETPLACE_ENDPOINTS: JSON.stringify({ EBAY: { api: sim.url, auth: sim.url } }),
});
const app = useServedApp();
// eBay's developer console: the RuName's accepted and declined URLs are the app's /consent/ebay.
sim.consent.apps.push({ ...KEYSET, acceptUrl: `${app.base}/consent/ebay`, declineUrl: `${app.base}/consent/ebay`, displayTitle: "Anchorline" });

afterAll(async () => {
  for (const name of ["EBAY_APP_ID", "EBAY_CERT_ID", "EBAY_RU_NAME", "ANCHORLINE_MARKETPLACE_ENDPOINTS"]) delete process.env[name];
  await sim.stop();
});

/** A shop with the app installed and nothing connected yet. */
async function installedShop() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("ebay-consent"), name: "Mugs and More" } });
  await installShopSession(prisma, shop.domain);
  return shop;
}

/** Channels → eBay → Continue to eBay: the browser is on eBay's consent page. */
async function continueToEbay(shopDomain: string, step: string) {
  const page = await app.embeddedPage(shopDomain, "/app/channels");
  await expectScreen(page, "Channels");
  await page.getByLabel("Marketplace", { exact: true }).selectOption({ label: "eBay" });
  await page.getByLabel("Name", { exact: true }).fill("eBay US");
  await page.getByLabel("Region or marketplace id").fill("EBAY_US");
  await page.getByRole("button", { name: "Continue to eBay" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${sim.url}/oauth2/authorize?`));
  await page.getByRole("heading", { name: "Grant application access: Anchorline" }).waitFor();
  await screenshot(page, `${step}-ebay-consent-page`);
  return page;
}

/** Presses a button on eBay's page and follows the browser back to the admin's Channels screen: the consent attempt it names. */
async function answerOnEbay(page: Awaited<ReturnType<typeof continueToEbay>>, shopDomain: string, button: "Agree" | "Disagree"): Promise<string> {
  const intoAdmin = page.waitForRequest((request) => request.url().startsWith(`https://${shopDomain}/admin/apps/`));
  await page.getByRole("button", { name: button, exact: true }).click();
  const back = new URL((await intoAdmin).url());
  expect(back.pathname).toBe("/admin/apps/anchorline-test-key/app/channels");
  await page.close();
  return back.searchParams.get("consent")!;
}

describe("a merchant connecting eBay in the browser", () => {
  it("given the deployment holds its eBay keyset, when the merchant continues to eBay and agrees, then they come back to the Channels screen with eBay connected as their eBay user", async () => {
    const shop = await installedShop();
    const ebaysPage = await continueToEbay(shop.domain, "consent-ebay-1");
    const attempt = await answerOnEbay(ebaysPage, shop.domain, "Agree");

    const channel = await prisma.channel.findFirstOrThrow({ where: { shopId: shop.id, kind: "EBAY" } });
    expect(channel).toMatchObject({ accountId: SELLER, name: "eBay US", status: "CONNECTED" });

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("eBay connected").waitFor();
    await page.locator(".Polaris-ShadowBevel", { hasText: `ebay · ${SELLER}` }).waitFor();
    await screenshot(page, "consent-ebay-2-connected");
  });

  it("given the merchant chooses Disagree on eBay's page, when they come back, then nothing is connected and the Channels screen says they refused", async () => {
    const shop = await installedShop();
    const ebaysPage = await continueToEbay(shop.domain, "consent-ebay-3");
    const attempt = await answerOnEbay(ebaysPage, shop.domain, "Disagree");

    const page = await app.embeddedPage(shop.domain, `/app/channels?consent=${attempt}`);
    await expectScreen(page, "Channels");
    await page.getByText("eBay consent was not given: you chose Disagree on eBay's consent page, so Anchorline was given no access.").waitFor();
    await screenshot(page, "consent-ebay-4-refused");
    expect(await prisma.channel.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
