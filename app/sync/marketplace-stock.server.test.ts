import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createAmazonConnector } from "~/channels/amazon";
import { startAmazonSimulator, type AmazonSimulator } from "../../simulators/amazon/server";
import { uniqueShopDomain } from "../../test/factories";
import { MARKETPLACE_STOCK_EVERY_MS, readMarketplaceStock } from "./marketplace-stock.server";

// The FBA stock read through the real Amazon connector against the simulator, stored on the
// listings Amazon fulfils.
const SELLER = "A9FBASELLER";
const US = "ATVPDKIKX0DER";
const LWA = { clientId: "amzn1.application-oa2-client.fba", clientSecret: "s", refreshToken: "Atzr|fba" };

let sim: AmazonSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function seed() {
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...LWA,
        listings: [
          { sku: "KET-FBA", quantity: 12, priceCents: 3499, asin: "B0KETFBA01", fulfilledByAmazon: true },
          { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01" },
        ],
      },
    ],
  });
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("fba-stock") } });
  const shopId = shop.id;
  const product = await prisma.product.create({ data: { shopId, shopifyId: "10", title: "Kettle" } });
  const variant = await prisma.variant.create({ data: { shopId, productId: product.id, shopifyId: "100", title: "Red", sku: "KET", priceCents: 2999 } });
  const channel = await prisma.channel.create({ data: { shopId, kind: "AMAZON", accountId: SELLER, region: US, name: "Amazon US" } });
  const listing = (channelSku: string, fulfilledByMarketplace: boolean) =>
    prisma.listing.create({ data: { shopId, channelId: channel.id, variantId: variant.id, channelSku, fulfilledByMarketplace } });
  const listings = { fba: await listing("KET-FBA", true), gone: await listing("KET-GONE", true), own: await listing("KET-RED", false) };
  const running = sim;
  const connectorFor = () => createAmazonConnector({ accountId: SELLER, region: US, credentials: LWA, endpoints: { api: running.url, auth: running.url } });
  return { channel, listings, connectorFor };
}

const read = (id: string) => prisma.listing.findUniqueOrThrow({ where: { id } });

describe("reading the stock Amazon fulfils (FBA)", () => {
  it("given FBA listings never read, when the account's read runs, then each stores Amazon's fulfillable count (0 for one Amazon does not report) with the time, and the self-fulfilled listing is left alone", async () => {
    // Given
    const { channel, listings, connectorFor } = await seed();
    const now = new Date();
    // When
    const result = await readMarketplaceStock(channel.id, { connectorFor, now: () => now });
    // Then
    expect(result).toEqual({ read: true, listings: 2 });
    expect(await read(listings.fba.id)).toMatchObject({ marketplaceQuantity: 12, marketplaceQuantityAt: now });
    expect(await read(listings.gone.id)).toMatchObject({ marketplaceQuantity: 0 });
    expect(await read(listings.own.id)).toMatchObject({ marketplaceQuantity: null, marketplaceQuantityAt: null, desiredQuantity: null });
  });

  it("given a read an hour ago, when the schedule runs again, then Amazon is not asked; twelve hours later it is, and a sale of 2 FBA units shows", async () => {
    const { channel, listings, connectorFor } = await seed();
    const first = new Date();
    await readMarketplaceStock(channel.id, { connectorFor, now: () => first });
    const calls = () => sim!.requests.filter((r) => r.path === "/fba/inventory/v1/summaries").length;
    expect(calls()).toBe(1);

    expect(await readMarketplaceStock(channel.id, { connectorFor, now: () => new Date(first.getTime() + 3600_000) })).toEqual({ read: false, listings: 0 });
    expect(calls()).toBe(1);

    sim!.state.placeOrder({ sku: "KET-FBA", quantity: 2 });
    const later = new Date(first.getTime() + MARKETPLACE_STOCK_EVERY_MS + 1000);
    expect(await readMarketplaceStock(channel.id, { connectorFor, now: () => later })).toEqual({ read: true, listings: 2 });
    expect(calls()).toBe(2);
    expect(await read(listings.fba.id)).toMatchObject({ marketplaceQuantity: 10, marketplaceQuantityAt: later });
  });
});
