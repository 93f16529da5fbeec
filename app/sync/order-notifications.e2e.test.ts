import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribeChannelNotifications } from "~/channels/notifications.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { startNotificationEndpoint } from "../../test/app-webhook-server";
import { orderStories, startOrderRig, type OrderRig } from "../../test/marketplace-orders";
import type { Marketplace, MarketplaceRig } from "../../test/marketplaces";
import { runNotifiedOrderImport } from "./jobs.server";

// Orders pushed, not polled: the account is subscribed to its marketplace's order notifications
// when it is connected, the simulator sends one when a buyer orders, the app's route checks who
// sent it and queues it, and the order-import worker imports that order alone. Walmart's PO_CREATED
// and TikTok Shop's ORDER_STATUS_CHANGE webhook, each told by the table below.

let orderRig: OrderRig;
let rig: MarketplaceRig;
let notifications: Awaited<ReturnType<typeof startNotificationEndpoint>>;
const { shopifyAvailable, buy, storedOrder } = orderStories(prisma, () => rig);

beforeAll(async () => {
  orderRig = await startOrderRig(prisma, { catalog: { products: 2, variantsPerProduct: 1, locations: 1 } });
  rig = orderRig.rig;
  notifications = await startNotificationEndpoint();
}, 120_000);

afterAll(async () => {
  await orderRig?.stop();
  await notifications?.close();
});

/** The notification jobs the route queued for a channel, taken off the queue as the worker would. */
async function takeNotifiedJobs(channelId: string) {
  const jobs = (await queues()["order-import"].getJobs(["waiting", "prioritized", "delayed"])).filter(
    (j) => j.name === "notified" && j.data.channelId === channelId,
  );
  for (const job of jobs) await job.remove();
  return jobs.map((j) => j.data);
}

type Forged = { body: string; headers: Array<Record<string, string>> };

interface PushedMarketplace {
  marketplace: Extract<Marketplace, "walmart" | "tiktok">;
  /** What the account is subscribed to, as the marketplace holds it. */
  subscriptions(): Array<{ event: string; url: string }>;
  settled(): Promise<{ delivered: number; failed: number }>;
  /** The poll's calls so far (order searches). */
  polls(): number;
  /** A notification naming an order the marketplace never had, and the forged headers a stranger could send with it. */
  forged(): Forged;
}

/** A TikTok ORDER_STATUS_CHANGE's raw body, and its signature with `secret`. */
const tiktokEvent = JSON.stringify({ type: 1, tts_notification_id: "forged-1", shop_id: "7100001", timestamp: 1, data: { order_id: "999000111" } });
const hmacHex = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

const PUSHED: PushedMarketplace[] = [
  {
    marketplace: "walmart",
    subscriptions: () => rig.walmart.subscriptions(rig.accounts.walmart).map((s) => ({ event: `${s.eventType} ${s.status}`, url: s.eventUrl })),
    settled: () => rig.walmart.notificationsSettled(rig.accounts.walmart),
    // getAllOrders calls.
    polls: () => rig.walmart.requests.filter((r) => r.method === "GET" && r.path === "/v3/orders").length,
    forged: (): Forged => ({
      body: JSON.stringify({
        source: { eventType: "PO_CREATED", eventTime: new Date().toISOString(), eventId: "forged-1" },
        payload: { purchaseOrderId: "999000111", orderLines: [] },
      }),
      headers: [{ authorization: Buffer.from("anchorline:guessed").toString("base64") }, {}, { "x-anchorline-notification-key": "guessed" }],
    }),
  },
  {
    marketplace: "tiktok",
    subscriptions: () => rig.tiktok.webhooks(rig.accounts.tiktok).map((w) => ({ event: `${w.event_type} ACTIVE`, url: w.address })),
    settled: () => rig.tiktok.webhooksSettled(rig.accounts.tiktok),
    // Search Orders calls.
    polls: () => rig.tiktok.requests.filter((r) => r.path === "/order/202309/orders/search").length,
    forged: (): Forged => {
      const { appKey, appSecret } = rig.tiktok.shop(rig.accounts.tiktok).spec;
      return {
        body: tiktokEvent,
        headers: [
          // Signed with a guessed secret; signed right, but over another body; Amazon's key header; none.
          { authorization: hmacHex("guessed-secret", appKey + tiktokEvent) },
          { authorization: hmacHex(appSecret, `${appKey}${tiktokEvent} `) },
          { "x-anchorline-notification-key": "guessed" },
          {},
        ],
      };
    },
  },
];

const EVENT: Record<PushedMarketplace["marketplace"], string> = { walmart: "PO_CREATED ACTIVE", tiktok: "ORDER_STATUS_CHANGE ACTIVE" };

describe.each(PUSHED)("$marketplace's order notification", (pushed) => {
  const { marketplace } = pushed;

  it("given the account subscribed at connect, when a buyer orders 2, then the order reaches Shopify through the notification with no poll, once", async () => {
    const channelId = rig.channels[marketplace].id;
    const appUrl = new URL(notifications.urlFor(channelId)).origin;
    // The "subscribe-notifications" job connecting the account queues; twice, as a retried job would.
    expect(await subscribeChannelNotifications(channelId, { appUrl })).toEqual({ subscribed: true });
    expect(await subscribeChannelNotifications(channelId, { appUrl })).toEqual({ subscribed: true });
    expect(pushed.subscriptions()).toEqual([{ event: EVENT[marketplace], url: notifications.urlFor(channelId) }]);
    const variant = rig.variants[0];
    const before = shopifyAvailable(variant);
    const pollsBefore = pushed.polls();

    const orderId = buy[marketplace](variant, 2);
    expect(await pushed.settled()).toEqual({ delivered: 1, failed: 0 });
    const [job, ...more] = await takeNotifiedJobs(channelId);
    const result = await runNotifiedOrderImport(job.channelId, job.notification);

    expect(more).toEqual([]);
    expect(result).toMatchObject({ imported: 1, oversold: 0 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    expect(pushed.polls()).toBe(pollsBefore);
    // The marketplace sent it again: stored once, lowered once.
    expect(await runNotifiedOrderImport(job.channelId, job.notification)).toMatchObject({ imported: 0, duplicates: 1 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    const order = await storedOrder(marketplace, orderId);
    expect([order.writeback, order.lines.map((l) => [l.channelSku, l.quantity])]).toEqual(["WRITTEN", [[variant.channelSku[marketplace], 2]]]);
  });

  it("given a notification with a forged or missing authentication, when posted, then 401 and nothing is queued or imported", async () => {
    const channelId = rig.channels[marketplace].id;
    const forged = pushed.forged();
    const post = (headers: Record<string, string>) =>
      fetch(notifications.urlFor(channelId), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: forged.body });

    const answers = await Promise.all(forged.headers.map(post));

    expect(answers.map((a) => a.status)).toEqual(forged.headers.map(() => 401));
    expect(await takeNotifiedJobs(channelId)).toEqual([]);
    expect(await prisma.channelOrder.count({ where: { channelId, externalOrderId: "999000111" } })).toBe(0);
  });
});
