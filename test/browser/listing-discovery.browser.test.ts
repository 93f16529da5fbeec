// A merchant, in a real browser, reviews what Anchorline found on a Walmart account: discovery
// (run by the story itself, as the order-import worker would) reads the account on the Walmart
// simulator, links one listing by SKU and one by barcode, leaves a conflict and an unmatched one;
// the merchant opens the review from the Channels screen, reads the listings again, and links the
// unmatched one by hand after a SKU the store lacks is refused. Screenshots go to test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sealCredentials } from "~/lib/secrets.server";
import { discoverChannelListings } from "~/sync/listing-discovery.server";
import { startWalmartSimulator, type WalmartSimulator } from "../../simulators/walmart/server";
import { installShopSession } from "../admin-request";
import { uniqueShopDomain } from "../factories";
import { expectScreen, screenshot, useServedApp } from "./served-app";

const app = useServedApp();
const WALMART = { clientId: "wm-browser-discovery", clientSecret: "s" };
let sim: WalmartSimulator;

beforeAll(async () => {
  sim = await startWalmartSimulator({
    accounts: [
      {
        ...WALMART,
        listings: [
          { sku: "KET-RED", quantity: 5, priceCents: 2999, content: { productName: "Red kettle" } },
          { sku: "WM-MUG-77", quantity: 9, priceCents: 1250, gtin: "00036000291452", content: { productName: "Blue mug" } },
          { sku: "LID", quantity: 1, priceCents: 500, content: { productName: "Lid" } },
          { sku: "WM-MYSTERY", quantity: 2, priceCents: 700, content: { productName: "Mystery box" } },
        ],
      },
    ],
  });
});
afterAll(() => sim.stop());

describe("a merchant in the browser", () => {
  it("given a connected Walmart account with listings, when its listings are read, then the review shows links by SKU and by barcode, a conflict and an unmatched listing, which the merchant links by hand", async () => {
    const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("discovery-browser"), name: "Discovery Goods" } });
    await installShopSession(prisma, shop.domain);
    const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "1", title: "Kitchen" } });
    const variant = (shopifyId: string, title: string, sku: string, barcode: string | null = null) =>
      prisma.variant.create({ data: { shopId: shop.id, productId: product.id, shopifyId, title, sku, barcode, priceCents: 1000 } });
    await variant("11", "Red kettle", "KET-RED");
    await variant("12", "Blue mug", "MUG-BLU", "036000291452");
    await variant("13", "Lid small", "LID");
    await variant("14", "Lid large", "LID");
    const twoPack = await variant("15", "Two-pack", "KET-2");
    const channel = await prisma.channel.create({
      data: {
        shopId: shop.id,
        kind: "WALMART",
        accountId: "partner-browser",
        name: "Walmart US",
        credentialsCiphertext: sealCredentials(WALMART, shop.id),
        settings: { endpoints: { api: sim.url } },
      },
    });

    // From the Channels screen's row to the account's listings, not read yet.
    const page = await app.embeddedPage(shop.domain, "/app/channels");
    await expectScreen(page, "Channels");
    expect(await page.getByRole("link", { name: "Listings (0)" }).getAttribute("href")).toBe(`/app/channels/${channel.id}/listings`);
    await page.close();
    const review = await app.embeddedPage(shop.domain, `/app/channels/${channel.id}/listings`);
    await expectScreen(review, "Listings on Walmart US");
    await review.getByText("Walmart's listings have not been read yet").waitFor();

    // "Read listings again" asks for a read and says it is under way; the worker's job runs.
    await review.getByRole("button", { name: "Read listings again" }).click();
    await review.getByText("Reading Walmart US's listings", { exact: false }).first().waitFor();
    await screenshot(review, "listing-discovery-1-reading");
    expect(await discoverChannelListings(channel.id)).toMatchObject({ status: "read", found: 4, linkedNow: 2, unmatched: 1, conflicts: 1 });

    // The page looks again while a read runs, so the result shows without a reload.
    await review.getByText("4 listings found on Walmart").waitFor({ timeout: 15_000 });
    const linked = review.getByRole("table");
    await linked.getByRole("row", { name: /KET-RED.*By SKU/ }).waitFor();
    await linked.getByRole("row", { name: /WM-MUG-77.*MUG-BLU.*By barcode/ }).waitFor();
    await review.getByText("SKU LID is on 2 variants in Shopify").waitFor();
    await review.getByRole("button", { name: "Link to LID (Kitchen – Lid small)" }).waitFor();
    await screenshot(review, "listing-discovery-2-read");

    // The unmatched listing: a SKU the store lacks is refused under its field, then the right one links it.
    const unmatched = review.locator("form", { hasText: "WM-MYSTERY" });
    await unmatched.getByLabel("Shopify SKU").fill("NOPE-9");
    await unmatched.getByRole("button", { name: "Link", exact: true }).click();
    await review.getByText("No variant in the store has SKU NOPE-9.").waitFor();
    await screenshot(review, "listing-discovery-3-refused");
    // Searching by part of the SKU offers the store's variants; choosing one fills the field.
    await unmatched.getByLabel("Shopify SKU").fill("ket");
    await unmatched.getByRole("button", { name: "KET-2 (Kitchen – Two-pack)" }).click();
    expect(await unmatched.getByLabel("Shopify SKU").inputValue()).toBe("KET-2");
    // The refusal spoke of NOPE-9: it goes with it.
    expect(await review.getByText("No variant in the store has SKU NOPE-9.").count()).toBe(0);
    await screenshot(review, "listing-discovery-4-search");
    await unmatched.getByRole("button", { name: "Link", exact: true }).click();
    await review.getByText("WM-MYSTERY is linked to KET-2.").waitFor();
    await linked.getByRole("row", { name: /WM-MYSTERY.*KET-2.*By hand/ }).waitFor();
    await screenshot(review, "listing-discovery-5-linked-by-hand");

    const listing = await prisma.listing.findUniqueOrThrow({ where: { channelId_channelSku: { channelId: channel.id, channelSku: "WM-MYSTERY" } } });
    expect([listing.variantId, listing.observedQuantity]).toEqual([twoPack.id, 2]);
    expect(await prisma.listing.count({ where: { channelId: channel.id } })).toBe(3);
  });
});
