import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTIFICATION_KEY_HEADER, notificationKey } from "~/channels/notifications.server";
import prisma from "~/db.server";
import { action as channelsAction } from "~/routes/app.channels/route";
import { adminRequest } from "../../test/admin-request";
import { startNotificationEndpoint } from "../../test/app-webhook-server";
import { editByHand as editListingByHand } from "../../test/hand-edits";
import { eventually, MARKETPLACES, type LinkedVariant, type Marketplace } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";
import { runDriftRead } from "./drift-read.server";
import { DRIFT_GRACE_MS } from "./drift";

// Drift read-back end to end (issue 21): Anchorline pushes Shopify's quantity to the four
// marketplace simulators with the real workers; then the seller's own hand changes a listing on the
// marketplace (each simulator's control), the drift read job runs once (directly, with a test clock
// past the grace), and the merchant sees the alert while the marketplace shows Anchorline's number
// again. A suppressed listing raises its alert with the marketplace's words. Real PostgreSQL, Redis
// and workers; the simulators are the only stand-ins.

const setUp = useWorkersRig({ catalog: { products: 3, variantsPerProduct: 1, locations: 1 }, proxied: ["walmart"] });

/** Later than every push of these stories by more than the grace: the read judges what it sees. */
const pastTheGrace = () => new Date(Date.now() + DRIFT_GRACE_MS + 60_000);

beforeAll(async () => {
  const { rig } = setUp;
  const location = rig.shopify.store.shop(rig.domain).locations[0];
  for (const v of rig.variants) rig.shopify.store.setAvailable(rig.domain, v.itemShopifyId, location.id, 10);
  await rig.linkAll();
  await settled("every marketplace at Shopify's 10");
}, 120_000);

/** Waits until every marketplace shows 10 for every variant and nothing is left to push. */
async function settled(what: string): Promise<void> {
  await eventually(
    async () =>
      MARKETPLACES.every((m) => setUp.rig.variants.every((v) => setUp.rig.quantityOn(m, v) === 10)) &&
      (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] } })) === 0,
    30_000,
    what,
  );
}

/** The seller types a quantity on the marketplace itself, outside Anchorline. */
const editByHand = (marketplace: Marketplace, v: LinkedVariant, quantity: number) => editListingByHand(setUp.rig, marketplace, v, quantity);

/** The marketplace takes the listing off sale with its reason (null: it sells again), as each one reports it. */
async function suspend(marketplace: Marketplace, v: LinkedVariant, reason: string | null): Promise<void> {
  switch (marketplace) {
    case "amazon":
      return setUp.rig.amazon.state.suppressListing(v.channelSku.amazon, reason);
    case "ebay": {
      const answer = await fetch(`${setUp.rig.ebay.url}/_simulator/listings/${setUp.rig.accounts.ebay}/${encodeURIComponent(v.channelSku.ebay)}/health`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ onHold: reason !== null }),
      });
      expect(answer.status).toBe(204);
      return;
    }
    case "walmart":
      return setUp.rig.walmart.unpublishListing(setUp.rig.accounts.walmart, v.channelSku.walmart, reason === null ? null : { reasons: [reason] });
    case "tiktok":
      return setUp.rig.tiktok.setProductStatus(
        setUp.rig.accounts.tiktok,
        v.externalId.tiktok!,
        reason === null ? "ACTIVATE" : "PLATFORM_DEACTIVATED",
        reason === null ? [] : [reason],
      );
  }
}

const listingOf = (marketplace: Marketplace, v: LinkedVariant) =>
  prisma.listing.findFirstOrThrow({
    where: { shopId: setUp.rig.shopId, channelId: setUp.rig.channels[marketplace].id, channelSku: v.channelSku[marketplace] },
  });
const openAlerts = (kind: "DRIFT" | "LISTING_SUSPENDED", listingId: string) =>
  prisma.alert.findMany({ where: { shopId: setUp.rig.shopId, kind, listingId, state: { not: "RESOLVED" } } });

describe("drift read-back through the four marketplaces", () => {
  it.each(MARKETPLACES)(
    "given %s showing Anchorline's 10, when the seller types 2 there by hand, then one read cycle stores it, raises a drift alert and the marketplace shows 10 again",
    async (marketplace) => {
      const [variant] = setUp.rig.variants;
      await editByHand(marketplace, variant, 2);
      expect(setUp.rig.quantityOn(marketplace, variant)).toBe(2);

      const read = await runDriftRead(setUp.rig.channels[marketplace].id, { now: pastTheGrace });
      expect(read).toMatchObject({ status: "read", listingsRead: 3, drifting: 1, repaired: 1, suspended: 0 });
      const listing = await listingOf(marketplace, variant);
      expect(listing.observedQuantity).toBe(2);
      expect(listing.observedAt).not.toBeNull();
      const [alert] = await openAlerts("DRIFT", listing.id);
      expect(alert).toMatchObject({ title: `${variant.channelSku[marketplace]} on ${setUp.rig.channels[marketplace].name} shows 2, Anchorline pushed 10` });
      expect(alert!.facts).toMatchObject({ pushed: 10, channelShows: 2, drift: -8, thresholdUnits: 5 });
      expect(await prisma.auditEvent.count({ where: { shopId: setUp.rig.shopId, action: "listing.drift_repaired", subjectId: listing.id } })).toBe(1);

      await eventually(() => setUp.rig.quantityOn(marketplace, variant) === 10, 30_000, `${marketplace} back at Anchorline's 10`);
      await settled("everything pushed again");
      // The next cycle sees the repair and clears the alert.
      expect(await runDriftRead(setUp.rig.channels[marketplace].id, { now: pastTheGrace })).toMatchObject({ status: "read", drifting: 0, resolved: 1 });
      expect(await openAlerts("DRIFT", listing.id)).toEqual([]);
    },
    60_000,
  );

  it.each([
    ["amazon", "Missing required attribute: brand"],
    ["ebay", "eBay put the listing on hold for a policy violation (listingOnHold)"],
    ["walmart", "You did not assign a tax code to your listing during item setup."],
    ["tiktok", "The product violates the prohibited products policy"],
  ] as const)(
    "given %s suppressing a listing with its reason, when the read runs, then LISTING_SUSPENDED names the reason once, and it resolves when the listing sells again",
    async (marketplace, reason) => {
      const variant = setUp.rig.variants[1];
      await suspend(marketplace, variant, marketplace === "ebay" ? "on hold" : reason);
      const first = await runDriftRead(setUp.rig.channels[marketplace].id, { now: pastTheGrace });
      expect(first).toMatchObject({ status: "read", suspended: 1, drifting: 0 });
      const listing = await listingOf(marketplace, variant);
      const [alert] = await openAlerts("LISTING_SUSPENDED", listing.id);
      expect((alert!.facts as { reason: string }).reason).toContain(reason);
      expect(listing.observedSuspension).toContain(reason);
      // Read again: the same problem pages once.
      expect(await runDriftRead(setUp.rig.channels[marketplace].id, { now: pastTheGrace })).toMatchObject({ suspended: 0 });
      expect(await openAlerts("LISTING_SUSPENDED", listing.id)).toHaveLength(1);

      await suspend(marketplace, variant, null);
      expect(await runDriftRead(setUp.rig.channels[marketplace].id, { now: pastTheGrace })).toMatchObject({ resolved: 1 });
      expect(await openAlerts("LISTING_SUSPENDED", listing.id)).toEqual([]);
      expect((await listingOf(marketplace, variant)).observedSuspension).toBeNull();
    },
    60_000,
  );

  it("given the merchant chose 'only alert' for eBay on the Channels screen, when the seller types 30 there, then the alert says repair is off and eBay keeps 30; choosing repair again pushes 10 on the next cycle", async () => {
    const [variant] = setUp.rig.variants;
    const choose = async (repairQuantityDrift: string) => {
      const request = await adminRequest(setUp.rig.domain, "/app/channels", {
        form: { intent: "drift", channelId: setUp.rig.channels.ebay.id, repairQuantityDrift },
      });
      expect(((await channelsAction({ request, params: {}, context: {} })) as unknown as { data: { ok: boolean } }).data.ok).toBe(true);
    };
    await choose("alert-only");
    await editByHand("ebay", variant, 30);
    expect(await runDriftRead(setUp.rig.channels.ebay.id, { now: pastTheGrace })).toMatchObject({ status: "read", drifting: 1, repaired: 0 });
    const listing = await listingOf("ebay", variant);
    const [alert] = await openAlerts("DRIFT", listing.id);
    expect(alert!.facts).toMatchObject({ channelShows: 30, repair: "repair is off for this channel: correct it on the marketplace or turn repair on" });
    expect(listing.syncState).toBe("IN_SYNC");
    expect(setUp.rig.quantityOn("ebay", variant)).toBe(30);

    await choose("repair");
    expect(await runDriftRead(setUp.rig.channels.ebay.id, { now: pastTheGrace })).toMatchObject({ status: "read", drifting: 1, repaired: 1 });
    await eventually(() => setUp.rig.quantityOn("ebay", variant) === 10, 30_000, "eBay back at 10");
    await settled("everything pushed again");
  }, 60_000);

  it("given a push acknowledged a moment ago, when the seller edits by hand, then the read within the grace reports nothing and the read past it finds the drift", async () => {
    const variant = setUp.rig.variants[2];
    const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0];
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, variant.itemShopifyId, location.id, 9);
    await eventually(
      async () => setUp.rig.quantityOn("amazon", variant) === 9 && (await listingOf("amazon", variant)).syncState === "IN_SYNC",
      30_000,
      "Amazon's push of 9 acknowledged",
    );
    await editByHand("amazon", variant, 1);
    // Acknowledged a moment ago: within the grace, the marketplace may not show it yet.
    expect(await runDriftRead(setUp.rig.channels.amazon.id)).toMatchObject({ status: "read", drifting: 0 });
    expect(await openAlerts("DRIFT", (await listingOf("amazon", variant)).id)).toEqual([]);
    expect(await runDriftRead(setUp.rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", drifting: 1, repaired: 1 });
    await eventually(() => setUp.rig.quantityOn("amazon", variant) === 9, 30_000, "Amazon back at 9");
  }, 60_000);

  it("given a Walmart push on its way, when the seller edits by hand and the read runs, then it yields before its first call and reports nothing", async () => {
    const variant = setUp.rig.variants[2];
    await eventually(async () => (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, syncState: { not: "IN_SYNC" } } })) === 0, 30_000, "settled");
    setUp.rig.proxies.walmart!.hold((method, p) => method === "PUT" && p === "/v3/inventory");
    const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0];
    setUp.rig.shopify.store.setAvailable(setUp.rig.domain, variant.itemShopifyId, location.id, 7);
    await eventually(() => setUp.rig.proxies.walmart!.held === 1, 30_000, "the Walmart push held in flight");
    await editByHand("walmart", variant, 1);

    const yielded = await runDriftRead(setUp.rig.channels.walmart.id, { now: pastTheGrace });
    expect(yielded).toMatchObject({ status: "yielded", calls: 0, drifting: 0, listingsRead: 0 });
    const listing = await listingOf("walmart", variant);
    expect(listing.syncState).toBe("PENDING");
    expect(listing.observedQuantity).not.toBe(1);
    expect(await openAlerts("DRIFT", listing.id)).toEqual([]);
    // Let the push go (its connection reset), so its flush ends before the workers close.
    setUp.rig.proxies.walmart!.dropHeld();
  }, 60_000);
});

describe("Amazon's listing change notifications, judged without waiting for a read cycle", () => {
  let endpoint: Awaited<ReturnType<typeof startNotificationEndpoint>>;
  beforeAll(async () => {
    endpoint = await startNotificationEndpoint();
  });
  afterAll(async () => {
    setUp.rig.amazon.state.sendOrderNotificationsTo(undefined);
    await endpoint?.close();
  });

  /** The seller's EventBridge API destination, with the channel's key, sends to Anchorline from now on. */
  const destinationToAnchorline = () => {
    const channelId = setUp.rig.channels.amazon.id;
    setUp.rig.amazon.state.sendOrderNotificationsTo({ url: endpoint.urlFor(channelId), headers: { [NOTIFICATION_KEY_HEADER]: notificationKey(channelId) } });
  };
  /** When the listing's last push was acknowledged and its last read seen (the stories above read on a clock ahead of time). */
  const lastPushedAndRead = (listingId: string, at: Date) => prisma.listing.update({ where: { id: listingId }, data: { pushedAt: at, observedAt: at } });
  /** Amazon shows `quantity` for the variant and its listing has nothing left to push. */
  const amazonInSync = (variant: LinkedVariant, quantity: number) =>
    eventually(
      async () => setUp.rig.quantityOn("amazon", variant) === quantity && (await listingOf("amazon", variant)).syncState === "IN_SYNC",
      30_000,
      `Amazon at ${quantity}, in sync`,
    );
  /** Amazon's bulk reads so far: a read cycle is one or more of these. */
  const bulkReads = () => setUp.rig.amazon.requests.filter((r) => r.method === "GET" && /^\/listings\/2021-08-01\/items\/[^/]+$/.test(r.path)).length;

  it("given Amazon's destination sending to Anchorline and a push acknowledged past the grace, when the seller types 3 in Seller Central, then the MFN quantity change alone stores 3 with when Amazon saw it, raises the drift alert and Amazon shows 10 again, which resolves it", async () => {
    const variant = setUp.rig.variants[1];
    await amazonInSync(variant, 10);
    const before = await listingOf("amazon", variant);
    // The push was acknowledged, and last read, 11 minutes ago (the test cannot wait out the grace; the
    // stories above read on a clock past it): a hand edit now is drift.
    const lastRead = new Date(Date.now() - DRIFT_GRACE_MS - 60_000);
    await lastPushedAndRead(before.id, lastRead);
    destinationToAnchorline();
    const readsBefore = bulkReads();

    setUp.rig.amazon.state.editListingByHand(variant.channelSku.amazon, { quantity: 3 });
    expect(await setUp.rig.amazon.state.notificationsSettled()).toMatchObject({ failed: 0 });
    await eventually(async () => (await openAlerts("DRIFT", before.id)).length === 1, 30_000, "the drift alert from the notification");
    const [alert] = await openAlerts("DRIFT", before.id);
    expect(alert!.facts).toMatchObject({ pushed: 10, channelShows: 3, drift: -7, thresholdUnits: 5 });
    await eventually(
      async () => (await prisma.auditEvent.count({ where: { shopId: setUp.rig.shopId, action: "listing.drift_repaired", subjectId: before.id } })) === 1,
      30_000,
      "the repair recorded",
    );

    await amazonInSync(variant, 10);
    // Amazon told of its own count after the repair too; nothing was read in bulk.
    await setUp.rig.amazon.state.notificationsSettled();
    await eventually(async () => (await listingOf("amazon", variant)).observedQuantity === 10, 30_000, "Amazon's 10 observed");
    // It shows the push it acknowledged: the alert resolves.
    await eventually(async () => (await openAlerts("DRIFT", before.id)).length === 0, 30_000, "the drift alert resolved");
    const after = await listingOf("amazon", variant);
    expect(after.observedAt!.getTime()).toBeGreaterThan(lastRead.getTime());
    expect(bulkReads()).toBe(readsBefore);
  }, 90_000);

  it("given Amazon suppressing a listing, when its LISTINGS_ITEM_STATUS_CHANGE arrives, then LISTING_SUSPENDED names Amazon's reason (read once from the listing's issues), and it resolves when the listing is BUYABLE again", async () => {
    const variant = setUp.rig.variants[2];
    destinationToAnchorline();
    const listing = await listingOf("amazon", variant);
    await lastPushedAndRead(listing.id, new Date(Date.now() - 60_000));
    const reason = "Missing required attribute: color";
    setUp.rig.amazon.state.suppressListing(variant.channelSku.amazon, reason);
    await setUp.rig.amazon.state.notificationsSettled();
    await eventually(async () => (await openAlerts("LISTING_SUSPENDED", listing.id)).length === 1, 30_000, "the suspension alert");
    const [alert] = await openAlerts("LISTING_SUSPENDED", listing.id);
    expect((alert!.facts as { reason: string }).reason).toContain(reason);
    expect((await listingOf("amazon", variant)).observedSuspension).toContain(reason);

    setUp.rig.amazon.state.suppressListing(variant.channelSku.amazon, null);
    await setUp.rig.amazon.state.notificationsSettled();
    await eventually(async () => (await openAlerts("LISTING_SUSPENDED", listing.id)).length === 0, 30_000, "the suspension resolved");
    expect((await listingOf("amazon", variant)).observedSuspension).toBeNull();
  }, 60_000);

  it("given a stranger posting an MFN quantity change without the channel's key, when it arrives, then 401 and nothing is stored", async () => {
    const variant = setUp.rig.variants[0];
    const channelId = setUp.rig.channels.amazon.id;
    const before = await listingOf("amazon", variant);
    const forged = {
      NotificationVersion: "1.0",
      NotificationType: "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
      PayloadVersion: "1.0",
      EventTime: new Date().toISOString(),
      Payload: { SellerId: setUp.rig.accounts.amazon, FulfillmentChannelCode: "DEFAULT", Sku: variant.channelSku.amazon, Quantity: 0 },
      NotificationMetadata: { ApplicationId: "x", SubscriptionId: "x", PublishTime: new Date().toISOString(), NotificationId: "x" },
    };
    for (const key of ["a guess", notificationKey(setUp.rig.channels.ebay.id)]) {
      const answer = await fetch(endpoint.urlFor(channelId), {
        method: "POST",
        headers: { [NOTIFICATION_KEY_HEADER]: key, "content-type": "application/json" },
        body: JSON.stringify(forged),
      });
      expect(answer.status).toBe(401);
    }
    const after = await listingOf("amazon", variant);
    expect([after.observedQuantity, after.observedAt]).toEqual([before.observedQuantity, before.observedAt]);
  });

  it("given a buyer orders 7 on Amazon, when the sale's ORDER_CHANGE and the quantity change it made arrive together, then the order is imported first and the lower count is no drift", async () => {
    const variant = setUp.rig.variants[1];
    await amazonInSync(variant, 10);
    const listing = await listingOf("amazon", variant);
    await lastPushedAndRead(listing.id, new Date(Date.now() - DRIFT_GRACE_MS - 60_000));
    const driftsBefore = await prisma.auditEvent.count({ where: { shopId: setUp.rig.shopId, action: "listing.drift_detected", subjectId: listing.id } });
    destinationToAnchorline();

    const placed = setUp.rig.amazon.state.placeOrder({ sku: variant.channelSku.amazon, quantity: 7 });
    expect(await setUp.rig.amazon.state.notificationsSettled()).toMatchObject({ failed: 0 });
    await eventually(
      async () => (await prisma.channelOrder.count({ where: { channelId: setUp.rig.channels.amazon.id, externalOrderId: placed.orderId } })) === 1,
      30_000,
      "the order imported",
    );
    await eventually(async () => (await listingOf("amazon", variant)).observedQuantity === 3, 30_000, "Amazon's 3 observed");
    await amazonInSync(variant, 3);
    expect(await prisma.auditEvent.count({ where: { shopId: setUp.rig.shopId, action: "listing.drift_detected", subjectId: listing.id } })).toBe(driftsBefore);
    expect(await openAlerts("DRIFT", listing.id)).toEqual([]);
  }, 60_000);
});

describe("price drift", () => {
  const choosePriceRepair = async (repairPriceDrift: "repair" | "alert-only") => {
    const request = await adminRequest(setUp.rig.domain, "/app/channels", {
      form: { intent: "priceDrift", channelId: setUp.rig.channels.amazon.id, repairPriceDrift },
    });
    expect(((await channelsAction({ request, params: {}, context: {} })) as unknown as { data: { ok: boolean } }).data.ok).toBe(true);
  };
  const openPriceDrift = (listingId: string) =>
    prisma.alert.findMany({ where: { shopId: setUp.rig.shopId, listingId, dedupeKey: `drift-price:${listingId}`, state: { not: "RESOLVED" } } });

  it("given Amazon showing Anchorline's price, when the seller types another price in Seller Central, then the read raises a price drift alert and leaves it (off by default); with price repair chosen on the Channels screen the next read pushes Anchorline's price again", async () => {
    const variant = setUp.rig.variants[0];
    const listing = await listingOf("amazon", variant);
    expect(listing.pushedPriceCents).not.toBeNull();
    const anchorlinePrice = listing.pushedPriceCents!;
    expect(setUp.rig.priceOn("amazon", variant)).toBe(anchorlinePrice);
    const handPrice = anchorlinePrice - 500;

    setUp.rig.amazon.state.editListingByHand(variant.channelSku.amazon, { priceCents: handPrice });
    expect(await runDriftRead(setUp.rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", drifting: 1, repaired: 0 });
    const [alert] = await openPriceDrift(listing.id);
    expect(alert!.facts).toMatchObject({ what: "price", pushedPriceCents: anchorlinePrice, channelShowsPriceCents: handPrice });
    expect(String((alert!.facts as { repair: string }).repair)).toContain("price repair is off");
    expect((await listingOf("amazon", variant)).observedPriceCents).toBe(handPrice);
    expect(setUp.rig.priceOn("amazon", variant)).toBe(handPrice);

    await choosePriceRepair("repair");
    expect(await runDriftRead(setUp.rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read", drifting: 1, repaired: 1 });
    await eventually(() => setUp.rig.priceOn("amazon", variant) === anchorlinePrice, 30_000, "Amazon back at Anchorline's price");
    await eventually(async () => (await listingOf("amazon", variant)).syncState === "IN_SYNC", 30_000, "the repair acknowledged");
    expect(
      await prisma.auditEvent.findFirst({
        where: { shopId: setUp.rig.shopId, action: "listing.drift_repaired", subjectId: listing.id },
        orderBy: { createdAt: "desc" },
      }),
    ).toMatchObject({ details: expect.objectContaining({ showedPriceCents: handPrice, acknowledgedPriceCents: anchorlinePrice }) });
    // The next read sees Anchorline's price: the alert resolves.
    expect(await runDriftRead(setUp.rig.channels.amazon.id, { now: pastTheGrace })).toMatchObject({ status: "read" });
    expect(await openPriceDrift(listing.id)).toEqual([]);
    await choosePriceRepair("alert-only");
  }, 60_000);
});
