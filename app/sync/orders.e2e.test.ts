import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { eventually, startMarketplaceRig, type LinkedVariant, type MarketplaceRig } from "../../test/marketplaces";
import { runOrderImport } from "./jobs.server";

// Orders from every marketplace come back the same way: a buyer on eBay, Walmart or TikTok Shop
// (simulated) → the channel's order import → Shopify's quantity lowered once, at a location
// that can ship it. (sync.e2e.test.ts follows an Amazon sale through every other channel.)

let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
let rig: MarketplaceRig;

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  rig = await startMarketplaceRig({ prisma, catalog: { products: 3, variantsPerProduct: 1, locations: 1 }, webhookUrl: endpoint.url, initialFromAnchor: true });
  await rig.linkAll();
});

afterAll(async () => {
  await rig?.stop();
  await queues().close();
  await closeSharedRevisionRedis();
  await endpoint?.close();
});

function shopifyAvailable(variant: LinkedVariant): number {
  const [location] = rig.shopify.store.shop(rig.domain).locations;
  return rig.shopify.store.getLevel(rig.domain, variant.itemShopifyId, location.id)?.available ?? 0;
}

describe("marketplace orders written back to Shopify", () => {
  it.each([
    ["ebay", 0, (v: LinkedVariant) => rig.ebay.state.placeOrder({ userId: rig.accounts.ebay, sku: v.channelSku.ebay, quantity: 2 })],
    ["walmart", 1, (v: LinkedVariant) => rig.walmart.placeOrder(rig.accounts.walmart, { sku: v.channelSku.walmart, quantity: 2 })],
    ["tiktok", 2, (v: LinkedVariant) => rig.tiktok.placeOrder(rig.accounts.tiktok, { skuId: v.channelSku.tiktok, quantity: 2 })],
  ] as const)("given a buyer's order on %s, when its orders are imported twice, then Shopify is lowered by the order once", async (marketplace, index, buy) => {
    const variant = rig.variants[index];
    const before = shopifyAvailable(variant);
    buy(variant);

    // Polled as the order-import schedule would: eBay's window ends a few seconds before now.
    let imported = 0;
    await eventually(async () => {
      imported += (await runOrderImport(rig.channels[marketplace].id))?.imported ?? 0;
      return imported > 0;
    }, 20_000, `the ${marketplace} order imported`);
    const again = await runOrderImport(rig.channels[marketplace].id);

    expect(imported).toBe(1);
    expect(again).toMatchObject({ imported: 0 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    const order = await prisma.channelOrder.findFirstOrThrow({ where: { channelId: rig.channels[marketplace].id }, include: { lines: true } });
    expect([order.writeback, order.lines.map((l) => [l.channelSku, l.quantity, l.listingId !== null])]).toEqual(["WRITTEN", [[variant.channelSku[marketplace], 2, true]]]);
  });
});
