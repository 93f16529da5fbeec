import { afterEach, describe, expect, it } from "vitest";
import type { ChannelKind } from "@prisma/client";
import prisma from "~/db.server";
import { createAmazonConnector } from "~/channels/amazon";
import type { Connector } from "~/channels/connector";
import { createTikTokConnector } from "~/channels/tiktok";
import { createWalmartConnector } from "~/channels/walmart";
import { startAmazonSimulator } from "../../simulators/amazon/server";
import { startTikTokSimulator } from "../../simulators/tiktok/server";
import { startWalmartSimulator } from "../../simulators/walmart/server";
import { uniqueShopDomain } from "../../test/factories";
import { MARKETPLACE_STOCK_EVERY_MS, readMarketplaceStock } from "./marketplace-stock.server";

// The stock a marketplace fulfils itself (Amazon FBA, Walmart WFS, Fulfilled by TikTok) read through the real connector
// against its simulator, stored on the listings the marketplace fulfils. Each marketplace holds
// KET-MKT in its own warehouse (12 units) and sells KET-RED from the merchant's stock.
const SELLER = "A9FBASELLER";
const US = "ATVPDKIKX0DER";
const LWA = { clientId: "amzn1.application-oa2-client.fba", clientSecret: "s", refreshToken: "Atzr|fba" };
const WALMART = { clientId: "wm-wfs-client", clientSecret: "s" };
const TIKTOK = { appKey: "fbt-app", appSecret: "fbt-secret", shopCipher: "ROW_FBT", accessToken: "TTP_fbt", refreshToken: "TTR_fbt" };

interface RunningMarketplace {
  kind: ChannelKind;
  accountId: string;
  region: string | null;
  connectorFor: () => Connector;
  /** Calls made to the marketplace's stock read. */
  stockReads: () => number;
  /** A buyer orders units the marketplace ships from its warehouse. */
  sellFromWarehouse: (sku: string, quantity: number) => void;
  stop: () => Promise<void>;
}

const marketplaces: Array<{ name: string; start: () => Promise<RunningMarketplace> }> = [
  {
    name: "Amazon (FBA)",
    start: async () => {
      const sim = await startAmazonSimulator({
        sellers: [
          {
            sellerId: SELLER,
            marketplaceId: US,
            ...LWA,
            listings: [
              { sku: "KET-MKT", quantity: 12, priceCents: 3499, asin: "B0KETFBA01", fulfilledByAmazon: true },
              { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01" },
            ],
          },
        ],
      });
      return {
        kind: "AMAZON",
        accountId: SELLER,
        region: US,
        connectorFor: () => createAmazonConnector({ accountId: SELLER, region: US, credentials: LWA, endpoints: { api: sim.url, auth: sim.url } }),
        stockReads: () => sim.requests.filter((r) => r.path === "/fba/inventory/v1/summaries").length,
        sellFromWarehouse: (sku, quantity) => void sim.state.placeOrder({ sku, quantity }),
        stop: () => sim.stop(),
      };
    },
  },
  {
    name: "Walmart (WFS)",
    start: async () => {
      const sim = await startWalmartSimulator({
        accounts: [
          {
            ...WALMART,
            listings: [
              { sku: "KET-MKT", quantity: 0, priceCents: 3499, wfsQuantity: 12 },
              { sku: "KET-RED", quantity: 5, priceCents: 2999 },
            ],
          },
        ],
      });
      return {
        kind: "WALMART",
        accountId: "partner-wfs",
        region: null,
        connectorFor: () => createWalmartConnector({ accountId: "partner-wfs", credentials: WALMART, endpoints: { api: sim.url } }),
        stockReads: () => sim.requests.filter((r) => r.path === "/v3/fulfillment/inventory").length,
        sellFromWarehouse: (sku, quantity) => void sim.placeOrder(WALMART.clientId, { sku, quantity, shipNodeType: "WFSFulfilled" }),
        stop: () => sim.stop(),
      };
    },
  },
  {
    name: "TikTok Shop (FBT)",
    start: async () => {
      // A TikTok listing's channelSku is TikTok's SKU id; KET-MKT's 12 units sit in two FBT warehouses.
      const sim = await startTikTokSimulator({
        shops: [
          {
            ...TIKTOK,
            products: [
              {
                productId: "P-MKT",
                skuId: "KET-MKT",
                sellerSku: "KET-MKT",
                quantity: 0,
                priceCents: 3499,
                fbtStock: { "7300000000000000001": 8, "7300000000000000002": 4 },
              },
              { productId: "P-RED", skuId: "KET-RED", sellerSku: "KET-RED", quantity: 5, priceCents: 2999 },
            ],
          },
        ],
      });
      return {
        kind: "TIKTOK",
        accountId: "shop-fbt",
        region: null,
        connectorFor: () => createTikTokConnector({ accountId: "shop-fbt", credentials: TIKTOK, endpoints: { api: sim.url, auth: sim.url } }),
        stockReads: () => sim.requests.filter((r) => r.path === "/fbt/202408/inventory/search").length,
        sellFromWarehouse: (skuId, quantity) => void sim.placeOrder(TIKTOK.shopCipher, { skuId, quantity, fulfillmentType: "FULFILLMENT_BY_TIKTOK" }),
        stop: () => sim.stop(),
      };
    },
  },
];

let running: RunningMarketplace | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function seed(start: () => Promise<RunningMarketplace>) {
  const marketplace = (running = await start());
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("mkt-stock") } });
  const shopId = shop.id;
  const product = await prisma.product.create({ data: { shopId, shopifyId: "10", title: "Kettle" } });
  const variant = await prisma.variant.create({ data: { shopId, productId: product.id, shopifyId: "100", title: "Red", sku: "KET", priceCents: 2999 } });
  const channel = await prisma.channel.create({
    data: { shopId, kind: marketplace.kind, accountId: marketplace.accountId, region: marketplace.region, name: marketplace.kind },
  });
  const listing = (channelSku: string, fulfilledByMarketplace: boolean) =>
    prisma.listing.create({ data: { shopId, channelId: channel.id, variantId: variant.id, channelSku, fulfilledByMarketplace } });
  const listings = { warehouse: await listing("KET-MKT", true), gone: await listing("KET-GONE", true), own: await listing("KET-RED", false) };
  return { marketplace, channel, listings, connectorFor: marketplace.connectorFor };
}

const read = (id: string) => prisma.listing.findUniqueOrThrow({ where: { id } });

describe.each(marketplaces)("reading the stock $name fulfils", ({ start }) => {
  it("given marketplace-fulfilled listings never read, when the account's read runs, then each stores the marketplace's sellable count (0 for one it does not report) with the time, and the self-fulfilled listing is left alone", async () => {
    // Given
    const { channel, listings, connectorFor } = await seed(start);
    const now = new Date();
    // When
    const result = await readMarketplaceStock(channel.id, { connectorFor, now: () => now });
    // Then
    expect(result).toEqual({ read: true, listings: 2 });
    expect(await read(listings.warehouse.id)).toMatchObject({ marketplaceQuantity: 12, marketplaceQuantityAt: now });
    expect(await read(listings.gone.id)).toMatchObject({ marketplaceQuantity: 0 });
    expect(await read(listings.own.id)).toMatchObject({ marketplaceQuantity: null, marketplaceQuantityAt: null, desiredQuantity: null });
  });

  it("given a read an hour ago, when the schedule runs again, then the marketplace is not asked; twelve hours later it is, and a sale of 2 units from its warehouse shows", async () => {
    const { marketplace, channel, listings, connectorFor } = await seed(start);
    const first = new Date();
    await readMarketplaceStock(channel.id, { connectorFor, now: () => first });
    expect(marketplace.stockReads()).toBe(1);

    expect(await readMarketplaceStock(channel.id, { connectorFor, now: () => new Date(first.getTime() + 3600_000) })).toEqual({ read: false, listings: 0 });
    expect(marketplace.stockReads()).toBe(1);

    marketplace.sellFromWarehouse("KET-MKT", 2);
    const later = new Date(first.getTime() + MARKETPLACE_STOCK_EVERY_MS + 1000);
    expect(await readMarketplaceStock(channel.id, { connectorFor, now: () => later })).toEqual({ read: true, listings: 2 });
    expect(marketplace.stockReads()).toBe(2);
    expect(await read(listings.warehouse.id)).toMatchObject({ marketplaceQuantity: 10, marketplaceQuantityAt: later });
  });
});
