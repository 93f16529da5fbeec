import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscribeChannelNotifications } from "~/channels/notifications.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { startNotificationEndpoint } from "../../test/app-webhook-server";
import { orderStories, startOrderRig, type OrderRig } from "../../test/marketplace-orders";
import type { MarketplaceRig } from "../../test/marketplaces";
import { runNotifiedOrderImport } from "./jobs.server";

// Orders pushed, not polled: the account is subscribed to its marketplace's order notifications
// when it is connected, the simulator sends one when a buyer orders, the app's route checks who
// sent it and queues it, and the order-import worker imports that order alone. Walmart's PO_CREATED.

let orderRig: OrderRig;
let rig: MarketplaceRig;
let notifications: Awaited<ReturnType<typeof startNotificationEndpoint>>;
const { shopifyAvailable } = orderStories(prisma, () => rig);

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

/** getAllOrders calls: the poll. */
const walmartPolls = () => rig.walmart.requests.filter((r) => r.method === "GET" && r.path === "/v3/orders").length;

describe("Walmart's PO_CREATED notification", () => {
  it("given the account subscribed at connect, when a buyer orders 2 on Walmart, then the PO reaches Shopify through the notification with no poll, once", async () => {
    const channelId = rig.channels.walmart.id;
    const appUrl = new URL(notifications.urlFor(channelId)).origin;
    // The "subscribe-notifications" job connecting the account queues; twice, as a retried job would.
    expect(await subscribeChannelNotifications(channelId, { appUrl })).toEqual({ subscribed: true });
    expect(await subscribeChannelNotifications(channelId, { appUrl })).toEqual({ subscribed: true });
    expect(rig.walmart.subscriptions(rig.accounts.walmart)).toEqual([
      expect.objectContaining({ eventType: "PO_CREATED", eventUrl: notifications.urlFor(channelId), status: "ACTIVE" }),
    ]);
    const variant = rig.variants[0];
    const before = shopifyAvailable(variant);
    const pollsBefore = walmartPolls();

    const placed = rig.walmart.placeOrder(rig.accounts.walmart, { sku: variant.channelSku.walmart, quantity: 2 });
    expect(await rig.walmart.notificationsSettled(rig.accounts.walmart)).toEqual({ delivered: 1, failed: 0 });
    const [job, ...more] = await takeNotifiedJobs(channelId);
    const result = await runNotifiedOrderImport(job.channelId, job.notification);

    expect(more).toEqual([]);
    expect(result).toMatchObject({ imported: 1, oversold: 0 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    expect(walmartPolls()).toBe(pollsBefore);
    // Walmart sent it again: stored once, lowered once.
    expect(await runNotifiedOrderImport(job.channelId, job.notification)).toMatchObject({ imported: 0, duplicates: 1 });
    expect(shopifyAvailable(variant)).toBe(before - 2);
    const order = await prisma.channelOrder.findUniqueOrThrow({
      where: { channelId_externalOrderId: { channelId, externalOrderId: placed.purchaseOrderId } },
      include: { lines: true },
    });
    expect([order.writeback, order.lines.map((l) => [l.channelSku, l.quantity])]).toEqual(["WRITTEN", [[variant.channelSku.walmart, 2]]]);
  });

  it("given a PO_CREATED posted with a wrong Authorization, without one, or with the Amazon key header, when posted, then 401 and nothing is queued or imported", async () => {
    const channelId = rig.channels.walmart.id;
    const event = {
      source: { eventType: "PO_CREATED", eventTime: new Date().toISOString(), eventId: "forged-1" },
      payload: { purchaseOrderId: "999000111", orderLines: [] },
    };
    const post = (headers: Record<string, string>) =>
      fetch(notifications.urlFor(channelId), { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(event) });

    const answers = await Promise.all([
      post({ authorization: Buffer.from("anchorline:guessed").toString("base64") }),
      post({}),
      post({ "x-anchorline-notification-key": "guessed" }),
    ]);

    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(await takeNotifiedJobs(channelId)).toEqual([]);
    expect(await prisma.channelOrder.count({ where: { channelId, externalOrderId: "999000111" } })).toBe(0);
  });
});
