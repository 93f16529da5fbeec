import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedRevisionRedis } from "~/channels/ebay";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { NOTIFICATION_KEY_HEADER, notificationKey } from "~/channels/notifications.server";
import { startNotificationEndpoint, startWebhookEndpoint } from "../../test/app-webhook-server";
import { eventually, startMarketplaceRig, type LinkedVariant, type MarketplaceRig } from "../../test/marketplaces";
import { runNotifiedOrderImport, runOrderImport } from "./jobs.server";

// Orders from every marketplace come back the same way: a buyer on eBay, Walmart or TikTok Shop
// (simulated) → the channel's order import → Shopify's quantity lowered once, at a location
// that can ship it. (sync.e2e.test.ts follows an Amazon sale through every other channel.)

let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
let notifications: Awaited<ReturnType<typeof startNotificationEndpoint>>;
let rig: MarketplaceRig;

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  notifications = await startNotificationEndpoint();
  rig = await startMarketplaceRig({ prisma, catalog: { products: 3, variantsPerProduct: 1, locations: 1 }, webhookUrl: endpoint.url, initialFromAnchor: true });
  await rig.linkAll();
});

afterAll(async () => {
  await rig?.stop();
  await queues().close();
  await closeSharedRevisionRedis();
  await endpoint?.close();
  await notifications?.close();
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
    await eventually(
      async () => {
        imported += (await runOrderImport(rig.channels[marketplace].id))?.imported ?? 0;
        return imported > 0;
      },
      20_000,
      `the ${marketplace} order imported`,
    );
    const again = await runOrderImport(rig.channels[marketplace].id);

    expect(imported).toBe(1);
    expect(again).toMatchObject({ imported: 0 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    const order = await prisma.channelOrder.findFirstOrThrow({ where: { channelId: rig.channels[marketplace].id }, include: { lines: true } });
    expect([order.writeback, order.lines.map((l) => [l.channelSku, l.quantity, l.listingId !== null])]).toEqual([
      "WRITTEN",
      [[variant.channelSku[marketplace], 2, true]],
    ]);
  });
});

describe("oversells", () => {
  it("given Shopify has 1 unit and two TikTok buyers each order 1, when both orders are imported on one page, then exactly one is recorded oversold, with an OVERSELL alert", async () => {
    const variant = rig.variants[2];
    const [location] = rig.shopify.store.shop(rig.domain).locations;
    rig.shopify.store.setAvailable(rig.domain, variant.itemShopifyId, location.id, 1);
    await rig.shopify.deliveries.settled();
    rig.tiktok.placeOrder(rig.accounts.tiktok, { skuId: variant.channelSku.tiktok, quantity: 1 });
    rig.tiktok.placeOrder(rig.accounts.tiktok, { skuId: variant.channelSku.tiktok, quantity: 1 });

    let result = { imported: 0, oversold: 0 };
    await eventually(
      async () => {
        const page = await runOrderImport(rig.channels.tiktok.id);
        result = { imported: result.imported + (page?.imported ?? 0), oversold: result.oversold + (page?.oversold ?? 0) };
        return result.imported >= 2;
      },
      20_000,
      "both TikTok orders imported",
    );

    expect(result).toEqual({ imported: 2, oversold: 1 });
    expect(shopifyAvailable(variant)).toBe(-1);
    const alerts = await prisma.alert.findMany({ where: { shopId: rig.shopId, kind: "OVERSELL", channelId: rig.channels.tiktok.id } });
    expect(alerts).toHaveLength(1);
  });
});

describe("Amazon's ORDER_CHANGE notification", () => {
  /** The notification jobs the route queued for a channel, taken off the queue. */
  async function takeNotifiedJobs(channelId: string) {
    const jobs = (await queues()["order-import"].getJobs(["waiting", "prioritized", "delayed"])).filter(
      (j) => j.name === "notified" && j.data.channelId === channelId,
    );
    for (const job of jobs) await job.remove();
    return jobs.map((j) => j.data);
  }

  it("given the account's API destination posts to Anchorline with its key, when a buyer orders 2 on Amazon, then the order is imported from the notification alone and Shopify is lowered by 2 once", async () => {
    const channelId = rig.channels.amazon.id;
    const variant = rig.variants[0];
    const before = shopifyAvailable(variant);
    rig.amazon.state.sendOrderNotificationsTo({ url: notifications.urlFor(channelId), headers: { [NOTIFICATION_KEY_HEADER]: notificationKey(channelId) } });
    const searchesBefore = rig.amazon.requests.filter((r) => r.path.startsWith("/orders/")).length;

    const placed = rig.amazon.state.placeOrder({ sku: variant.channelSku.amazon, quantity: 2 });
    expect(await rig.amazon.state.notificationsSettled()).toMatchObject({ failed: 0 });
    const [job, ...more] = await takeNotifiedJobs(channelId);
    const result = await runNotifiedOrderImport(job.channelId, job.notification);

    expect(more).toEqual([]);
    expect(result).toMatchObject({ imported: 1, oversold: 0 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    expect(rig.amazon.requests.filter((r) => r.path.startsWith("/orders/")).length).toBe(searchesBefore);
    // The same notification again (the destination retried): stored once, lowered once.
    expect(await runNotifiedOrderImport(job.channelId, job.notification)).toMatchObject({ imported: 0, duplicates: 1 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    const order = await prisma.channelOrder.findUniqueOrThrow({
      where: { channelId_externalOrderId: { channelId, externalOrderId: placed.orderId } },
      include: { lines: true },
    });
    expect([order.writeback, order.lines.map((l) => [l.channelSku, l.quantity])]).toEqual(["WRITTEN", [[variant.channelSku.amazon, 2]]]);
  });

  it("given a wrong key, or a body that is not an order notification, when posted, then 401 and 400, and nothing is queued", async () => {
    const channelId = rig.channels.amazon.id;
    const post = (key: string, body: string) =>
      fetch(notifications.urlFor(channelId), { method: "POST", headers: { [NOTIFICATION_KEY_HEADER]: key, "content-type": "application/json" }, body });

    const wrongKey = await post(notificationKey(rig.channels.ebay.id), JSON.stringify({ NotificationType: "ORDER_CHANGE" }));
    const notJson = await post(notificationKey(channelId), "{not json");
    const otherType = await post(notificationKey(channelId), JSON.stringify({ NotificationType: "ANY_OFFER_CHANGED", Payload: {} }));

    expect([wrongKey.status, notJson.status, otherType.status]).toEqual([401, 400, 400]);
    expect(await otherType.text()).toMatch(/not an order notification/i);
    expect(await takeNotifiedJobs(channelId)).toEqual([]);
  });

  it("given an order placed and cancelled before Anchorline heard of it, when the cancellation's notification is imported, then the order is stored and Shopify's stock is left as it was", async () => {
    const channelId = rig.channels.amazon.id;
    const variant = rig.variants[1];
    const before = shopifyAvailable(variant);
    rig.amazon.state.sendOrderNotificationsTo(undefined);
    const placed = rig.amazon.state.placeOrder({ sku: variant.channelSku.amazon, quantity: 1 });
    rig.amazon.state.sendOrderNotificationsTo({ url: notifications.urlFor(channelId), headers: { [NOTIFICATION_KEY_HEADER]: notificationKey(channelId) } });
    rig.amazon.state.cancelOrder(placed.orderId);
    await rig.amazon.state.notificationsSettled();

    const [job] = await takeNotifiedJobs(channelId);
    expect(await runNotifiedOrderImport(job.channelId, job.notification)).toMatchObject({ imported: 1, oversold: 0 });
    expect(shopifyAvailable(variant)).toBe(before);
    const order = await prisma.channelOrder.findUniqueOrThrow({ where: { channelId_externalOrderId: { channelId, externalOrderId: placed.orderId } } });
    expect([order.status, order.writeback]).toEqual(["Canceled", "WRITTEN"]);
  });
});

describe("an offline token that expired", () => {
  it("given two hours have passed on Shopify's clock since the token was issued, when an eBay sale is imported, then the worker refreshes the token, Shopify is lowered, and the new pair is stored", async () => {
    const variant = rig.variants[0];
    const before = shopifyAvailable(variant);
    const session = await prisma.session.findFirstOrThrow({ where: { shop: rig.domain, isOnline: false } });
    rig.shopify.advanceClock(2 * 3600_000);
    rig.ebay.state.placeOrder({ userId: rig.accounts.ebay, sku: variant.channelSku.ebay, quantity: 1 });

    let imported = 0;
    await eventually(
      async () => {
        imported += (await runOrderImport(rig.channels.ebay.id))?.imported ?? 0;
        return imported > 0;
      },
      20_000,
      "the eBay order imported",
    );

    expect(shopifyAvailable(variant)).toBe(before - 1);
    const refreshed = await prisma.session.findFirstOrThrow({ where: { shop: rig.domain, isOnline: false } });
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    expect(refreshed.expires!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(rig.shopify.tokens.refreshes.filter((r) => r.shop === rig.domain)).toHaveLength(1);
  });
});
