import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationUrl, subscribeChannelNotifications, unsubscribeChannelNotifications } from "~/channels/notifications.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { startNotificationEndpoint } from "../../test/app-webhook-server";
import { orderStories, startOrderRig, type OrderRig } from "../../test/marketplace-orders";
import type { Marketplace, MarketplaceRig } from "../../test/marketplaces";
import { runNotifiedOrderImport } from "./jobs.server";

// Orders pushed, not polled: the account is subscribed to its marketplace's order notifications
// when it is connected, the simulator sends one when a buyer orders, the app's route checks who
// sent it and queues it, and the order-import worker imports that order alone. Walmart's PO_CREATED,
// TikTok Shop's ORDER_STATUS_CHANGE webhook and eBay's ORDER_CONFIRMATION, each told by the table
// below. eBay validates the endpoint's public URL with a challenge the route answers from the app's
// SHOPIFY_APP_URL, so its simulator reaches that URL on the test's port, as DNS and a proxy would.

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
  marketplace: Extract<Marketplace, "walmart" | "tiktok" | "ebay">;
  /** The app's public origin the subscription names (the test endpoint's, or SHOPIFY_APP_URL reached there). */
  appUrl(): string;
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

/** An eBay ORDER_CONFIRMATION's raw body, and an X-EBAY-SIGNATURE over `text` made with `key` under key id `kid`. */
const ebayEvent = JSON.stringify({
  metadata: { topic: "ORDER_CONFIRMATION", schemaVersion: "1.0", deprecated: false },
  notification: {
    notificationId: "forged-1",
    eventDate: "2026-01-01T00:00:00.000Z",
    publishDate: "2026-01-01T00:00:00.000Z",
    publishAttemptCount: 1,
    data: { orderId: "999000111" },
  },
});
const strangersKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
const ebaySignature = (kid: string, text: string, key = strangersKey) =>
  Buffer.from(
    JSON.stringify({ alg: "ecdsa", kid, signature: sign("sha1", Buffer.from(text), { key, dsaEncoding: "der" }).toString("base64"), digest: "SHA1" }),
  ).toString("base64");
const testOrigin = (channelId: string) => new URL(notifications.urlFor(channelId)).origin;

const PUSHED: PushedMarketplace[] = [
  {
    marketplace: "walmart",
    appUrl: () => testOrigin(rig.channels.walmart.id),
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
    appUrl: () => testOrigin(rig.channels.tiktok.id),
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
  {
    marketplace: "ebay",
    appUrl: () => {
      const publicOrigin = new URL(notificationUrl("x")).origin;
      rig.ebay.notifications.route(publicOrigin, testOrigin(rig.channels.ebay.id));
      return publicOrigin;
    },
    subscriptions: () =>
      rig.ebay
        .subscriptions(rig.accounts.ebay)
        .map((s) => ({ event: `${s.topicId} ${s.status}`, url: rig.ebay.notifications.destinations.get(s.destinationId)!.endpoint })),
    settled: () => rig.ebay.notifications.settled(),
    // getOrders calls by last-modified date (the named order is read by orderIds).
    polls: () => rig.ebay.calls.filter((c) => c.operationId === "getOrders" && c.query?.includes("filter=")).length,
    forged: (): Forged => {
      const kid = rig.ebay.notifications.keyId;
      return {
        body: ebayEvent,
        headers: [
          // Signed with a stranger's key under eBay's key id; eBay's own signature, but of another body; a key id eBay never had; Amazon's key header; none.
          { "x-ebay-signature": ebaySignature(kid, ebayEvent) },
          { "x-ebay-signature": rig.ebay.notifications.signatureHeader(`${ebayEvent} `) },
          { "x-ebay-signature": ebaySignature("00000000-0000-0000-0000-000000000000", ebayEvent) },
          { "x-anchorline-notification-key": "guessed" },
          {},
        ],
      };
    },
  },
];

const EVENT: Record<PushedMarketplace["marketplace"], string> = {
  walmart: "PO_CREATED ACTIVE",
  tiktok: "ORDER_STATUS_CHANGE ACTIVE",
  ebay: "ORDER_CONFIRMATION ENABLED",
};

describe.each(PUSHED)("$marketplace's order notification", (pushed) => {
  const { marketplace } = pushed;

  it("given the account subscribed at connect, when a buyer orders 2, then the order reaches Shopify through the notification with no poll, once", async () => {
    const channelId = rig.channels[marketplace].id;
    const appUrl = pushed.appUrl();
    // The "subscribe-notifications" job connecting the account queues; twice, as a retried job would.
    expect(await subscribeChannelNotifications(channelId, { appUrl })).toEqual({ subscribed: true });
    expect(await subscribeChannelNotifications(channelId, { appUrl })).toEqual({ subscribed: true });
    expect(pushed.subscriptions()).toEqual([{ event: EVENT[marketplace], url: notificationUrl(channelId, appUrl) }]);
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

  // Last of each marketplace's stories: the account stays disconnected.
  it("given the account disconnected, when the unsubscribe-notifications job runs twice, then the marketplace holds no subscription of it and its credentials are erased", async () => {
    const channelId = rig.channels[marketplace].id;
    const appUrl = pushed.appUrl();
    await prisma.channel.update({ where: { id: channelId }, data: { status: "DISCONNECTED" } });

    const first = await unsubscribeChannelNotifications(channelId, { appUrl });
    const again = await unsubscribeChannelNotifications(channelId, { appUrl });

    expect([first, again]).toEqual([{ unsubscribed: true }, { unsubscribed: false }]);
    expect(pushed.subscriptions()).toEqual([]);
    expect((await prisma.channel.findUniqueOrThrow({ where: { id: channelId } })).credentialsCiphertext).toBeNull();
  });
});
