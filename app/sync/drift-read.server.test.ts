import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sealCredentials } from "~/lib/secrets.server";
import { addOrderNotification } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { useOwnQueues } from "../../test/own-queues";
import { runNotifiedListingChanges } from "./drift-read.server";

// The listing notification job's wait for a sale's order notification: Amazon lowers a listing's
// count when a buyer orders and sends the sale's ORDER_CHANGE and the quantity change together;
// until that order is imported its units are not counted as sold, so the lower count would look
// like drift. Real PostgreSQL and Redis (queues of this file's own); no marketplace is called.

const { queues } = useOwnQueues("drift-notified");
afterAll(async () => {
  // The jobs these stories queued, under this file's own prefix.
  await queues["order-import"].obliterate({ force: true });
  await queues["listing-reads"].obliterate({ force: true });
});

/** A seeded shop whose Amazon account is connected, with Anchorline's 10 acknowledged on KET-RED an hour ago. */
async function connectedAmazon() {
  const seeded = await seedShopWithEveryModel(prisma);
  const credentials = { clientId: "amzn1.application-oa2-client.t", clientSecret: "s", refreshToken: "Atzr|t" };
  await prisma.channel.update({ where: { id: seeded.channels.amazon.id }, data: { credentialsCiphertext: sealCredentials(credentials, seeded.shop.id) } });
  const anHourAgo = new Date(Date.now() - 3600_000);
  await prisma.listing.update({
    where: { id: seeded.listing.id },
    data: { syncState: "IN_SYNC", desiredQuantity: 10, pushedQuantity: 10, pushedVersion: 1, pushedAt: anHourAgo, observedAt: anHourAgo },
  });
  return seeded;
}

/** What Amazon sends when KET-RED's seller-fulfilled count becomes `quantity`. */
const quantityChange = (quantity: number) => ({
  "detail-type": "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
  source: "aws.partner/sellingpartnerapi.amazon/app",
  detail: {
    NotificationVersion: "1.0",
    NotificationType: "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
    PayloadVersion: "1.0",
    EventTime: new Date().toISOString(),
    Payload: { SellerId: "A1SELLER", FulfillmentChannelCode: "DEFAULT", Sku: "KET-RED", Quantity: quantity },
    NotificationMetadata: { ApplicationId: "a", SubscriptionId: "s", PublishTime: new Date().toISOString(), NotificationId: "n" },
  },
});

describe("a listing notification waits for the account's order notification", () => {
  it("given an ORDER_CHANGE of the account queued, when Amazon's count of 3 is judged, then it is put back for later and nothing is stored or alerted", async () => {
    const { channels, listing, shop } = await connectedAmazon();
    await addOrderNotification(queues, channels.amazon.id, {});

    const outcome = await runNotifiedListingChanges(channels.amazon.id, quantityChange(3), { queues });
    expect(outcome).toMatchObject({ status: "deferred", drifting: 0 });
    const [again] = (await queues["listing-reads"].getJobs(["delayed"])).filter((j) => j.data.channelId === channels.amazon.id);
    expect(again.name).toBe("listing-notified");
    expect(again.data.deferrals).toBe(1);
    expect(again.opts.delay).toBeGreaterThan(0);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).observedQuantity).toBeNull();
    expect(await prisma.alert.count({ where: { shopId: shop.id, kind: "DRIFT", listingId: listing.id } })).toBe(0);
  });

  it("given only another account's order notification queued, when Amazon's count of 3 is judged, then it is not put back: it is stored and alerted as drift at once", async () => {
    const { channels, listing, shop } = await connectedAmazon();
    await addOrderNotification(queues, channels.ebay.id, {});
    expect(await runNotifiedListingChanges(channels.amazon.id, quantityChange(3), { queues })).toMatchObject({ status: "read", drifting: 1 });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).observedQuantity).toBe(3);
    expect(await prisma.alert.count({ where: { shopId: shop.id, kind: "DRIFT", listingId: listing.id, state: "OPEN" } })).toBe(1);
  });

  it("given an order notification still queued after the last of its waits (half a minute), when the count of 3 is judged, then it is stored and alerted as drift", async () => {
    const { channels, listing, shop } = await connectedAmazon();
    await addOrderNotification(queues, channels.amazon.id, {});
    expect(await runNotifiedListingChanges(channels.amazon.id, quantityChange(3), { queues, deferrals: 15 })).toMatchObject({ status: "read", drifting: 1 });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).observedQuantity).toBe(3);
    expect(await prisma.alert.count({ where: { shopId: shop.id, kind: "DRIFT", listingId: listing.id, state: "OPEN" } })).toBe(1);
  });
});
