import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Channel } from "@prisma/client";
import { ChannelError, type Connector, type PushOutcome } from "~/channels/connector";
import prisma from "~/db.server";
import { createRedisConnection } from "~/queues.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { accepts, RecordingMarketplace, type Answer } from "../../test/recording-marketplace";
import { AMAZON_LIMITS } from "~/channels/amazon/limits";
import { TIKTOK_LIMITS } from "~/channels/tiktok/limits";
import { createEbayConnector, EBAY_LIMITS, RedisRevisionCounter } from "~/channels/ebay";
import { startEbaySimulator } from "../../simulators/ebay/server";
import { flushChannelAccount, groupedByProduct, pacedBatches } from "./flush.server";
import { SharedRateLimiter, type RateLimit } from "./rate-limiter.server";
import { pendingListings } from "./outbox.server";

const redis = createRedisConnection();
const limiter = new SharedRateLimiter(redis);

afterAll(() => redis.disconnect());

/** The marketplace's answers by SKU: "rejected" (a suspended listing), "retry" (busy), else accepted. */
const answering =
  (statusOf: (sku: string) => PushOutcome["status"]): Answer =>
  (channelSku) => {
    const status = statusOf(channelSku);
    return status === "accepted"
      ? { channelSku, status }
      : status === "rejected"
        ? { channelSku, status, message: "Listing is suspended" }
        : { channelSku, status, message: "busy", retryAfterMs: 2000 };
  };

async function channelWithPendingListings(count: number) {
  const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
  const channel = channels.ebay;
  for (let i = 0; i < count; i++) {
    await prisma.listing.create({
      data: {
        shopId: shop.id,
        channelId: channel.id,
        variantId: variant.id,
        channelSku: `SKU-${i}`,
        desiredQuantity: i === 37 ? 0 : 10 + i,
        pushedQuantity: 5,
        desiredPriceCents: i < 3 ? 1999 : null,
        desiredVersion: 1,
        desiredAt: new Date(Date.now() - 1000),
        syncState: "PENDING",
      },
    });
  }
  return channel;
}

const using = (marketplace: Connector) => ({ limiter, connectorFor: (_c: Channel) => marketplace });

describe("flushing a channel account's outbox", () => {
  it("pushes 60 quantities as 3 calls of at most 25, the listing going to zero first, and records them in sync", async () => {
    const channel = await channelWithPendingListings(60);
    const marketplace = new RecordingMarketplace();

    const result = await flushChannelAccount(channel.id, using(marketplace));

    expect(marketplace.quantityCalls.map((c) => c.length)).toEqual([25, 25, 10]);
    expect(marketplace.quantityCalls[0][0]).toMatchObject({ channelSku: "SKU-37", quantity: 0 });
    expect(
      marketplace.priceCalls
        .flat()
        .map((p) => p.channelSku)
        .sort(),
    ).toEqual(["SKU-0", "SKU-1", "SKU-2"]);
    expect(result).toMatchObject({ accepted: 60, rejected: 0, retried: 0, calls: 4, more: false });
    const listings = await prisma.listing.findMany({ where: { channelId: channel.id } });
    expect(listings.every((l) => l.syncState === "IN_SYNC" && l.pushedQuantity === l.desiredQuantity && l.pushedVersion === 1)).toBe(true);
  });

  it("given a listing whose price is held for parity review and whose stock ran out, when flushed, then the zero goes out, the price does not, and it stays held with its reason", async () => {
    const channel = await channelWithPendingListings(1);
    await prisma.listing.updateMany({
      where: { channelId: channel.id },
      data: {
        syncState: "HELD",
        syncMessage: "Price held for review (parity): eBay under Amazon",
        desiredQuantity: 0,
        pushedQuantity: 4,
        desiredPriceCents: 1799,
        pushedPriceCents: 1999,
      },
    });
    const marketplace = new RecordingMarketplace();

    await flushChannelAccount(channel.id, using(marketplace));

    expect(marketplace.quantityCalls.flat()).toEqual([expect.objectContaining({ channelSku: "SKU-0", quantity: 0 })]);
    expect(marketplace.priceCalls).toEqual([]);
    const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: channel.id } });
    expect([listing.syncState, listing.pushedQuantity, listing.pushedPriceCents, listing.syncMessage]).toEqual([
      "HELD",
      0,
      1999,
      "Price held for review (parity): eBay under Amazon",
    ]);

    // Once the channel shows the quantity, a held listing is not taken up again
    const again = new RecordingMarketplace();
    await flushChannelAccount(channel.id, using(again));
    expect([again.quantityCalls, again.priceCalls]).toEqual([[], []]);
  });

  it("keeps a listing pending when its desired state changed while the push was in flight", async () => {
    const channel = await channelWithPendingListings(1);
    const marketplace = new RecordingMarketplace(accepts, {
      duringQuantities: async () => {
        await prisma.listing.updateMany({ where: { channelId: channel.id }, data: { desiredQuantity: 3, desiredVersion: 2 } });
      },
    });
    await flushChannelAccount(channel.id, using(marketplace));
    const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: channel.id } });
    expect([listing.syncState, listing.pushedQuantity, listing.desiredQuantity, listing.pushedVersion]).toEqual(["PENDING", 10, 3, 0]);
  });

  it("given two flushes of one account that overlap (a stalled job run again beside the first), when the older push lands after the newer one was recorded in sync, then the listing is pending again with what the channel now shows, not in sync on a quantity the channel no longer has", async () => {
    const channel = await channelWithPendingListings(1);
    const older = new RecordingMarketplace(accepts, {
      duringQuantities: async () => {
        // While the first flush's push of 10 is on its way, the quantity moves to 3 and a second flush pushes and records it.
        await prisma.listing.updateMany({ where: { channelId: channel.id }, data: { desiredQuantity: 3, desiredVersion: 2 } });
        await flushChannelAccount(channel.id, using(new RecordingMarketplace()));
        const between = await prisma.listing.findFirstOrThrow({ where: { channelId: channel.id } });
        expect([between.syncState, between.pushedQuantity]).toEqual(["IN_SYNC", 3]);
      },
    });

    await flushChannelAccount(channel.id, using(older));

    const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: channel.id } });
    expect([listing.syncState, listing.pushedQuantity, listing.desiredQuantity]).toEqual(["PENDING", 10, 3]);
    const next = new RecordingMarketplace();
    await flushChannelAccount(channel.id, using(next));
    expect(next.quantityCalls.flat()).toMatchObject([{ quantity: 3 }]);
  });

  it("given a quantity push whose connection is reset mid-call (no answer at all), when the flush fails, then the listings stay pending on what the channel last acknowledged, to be pushed again, not in sync", async () => {
    const channel = await channelWithPendingListings(2);
    const marketplace = new RecordingMarketplace(accepts, {
      duringQuantities: async () => {
        throw new TypeError("fetch failed: socket hang up");
      },
    });
    await expect(flushChannelAccount(channel.id, using(marketplace))).rejects.toThrow("socket hang up");
    const listings = await prisma.listing.findMany({ where: { channelId: channel.id }, orderBy: { channelSku: "asc" } });
    expect(listings.map((l) => [l.channelSku, l.syncState, l.pushedQuantity, l.pushedVersion])).toEqual([
      ["SKU-0", "PENDING", 5, 0],
      ["SKU-1", "PENDING", 5, 0],
    ]);
    // Each kept as an attempt that failed and is retried: an hour of only these counts the account down.
    expect((await prisma.listingPush.findMany({ where: { channelId: channel.id } })).map((p) => p.outcome)).toEqual(["RETRY", "RETRY"]);
  });

  it("given a marketplace that answers for some listings of a push and says nothing of one, when flushed, then the unanswered one stays pending and another flush is asked for", async () => {
    const channel = await channelWithPendingListings(3);
    const marketplace = new RecordingMarketplace(accepts);
    const answered = marketplace.pushQuantities.bind(marketplace);
    marketplace.pushQuantities = async (updates) => (await answered(updates)).filter((o) => o.channelSku !== "SKU-1");
    const result = await flushChannelAccount(channel.id, using(marketplace));
    const bySku = Object.fromEntries((await prisma.listing.findMany({ where: { channelId: channel.id } })).map((l) => [l.channelSku, l]));
    expect([bySku["SKU-0"].syncState, bySku["SKU-0"].pushedQuantity]).toEqual(["IN_SYNC", 10]);
    expect([bySku["SKU-1"].syncState, bySku["SKU-1"].pushedQuantity, bySku["SKU-1"].syncMessage]).toEqual([
      "PENDING",
      5,
      "the marketplace gave no answer for this listing",
    ]);
    expect(result.more).toBe(true);
  });

  it("marks a rejected listing failed with the marketplace's reason and asks again after a retry answer", async () => {
    const channel = await channelWithPendingListings(3);
    const marketplace = new RecordingMarketplace(answering((sku) => (sku === "SKU-1" ? "rejected" : sku === "SKU-2" ? "retry" : "accepted")));
    const result = await flushChannelAccount(channel.id, using(marketplace));
    const bySku = Object.fromEntries((await prisma.listing.findMany({ where: { channelId: channel.id } })).map((l) => [l.channelSku, l]));
    expect(bySku["SKU-0"].syncState).toBe("IN_SYNC");
    expect([bySku["SKU-1"].syncState, bySku["SKU-1"].syncMessage]).toEqual(["FAILED", "Listing is suspended"]);
    const alerts = await prisma.alert.findMany({ where: { channelId: channel.id, kind: "LISTING_SUSPENDED" } });
    expect(alerts.map((a) => [a.listingId, (a.facts as { reason: string }).reason])).toEqual([[bySku["SKU-1"].id, "Listing is suspended"]]);
    expect([bySku["SKU-2"].syncState, bySku["SKU-2"].attempts]).toEqual(["PENDING", 1]);
    expect(result).toMatchObject({ more: true, retryAfterMs: 2000 });
    // Each outcome is kept for the Overview's charts and the weekly report, the acknowledged one with its latency.
    const log = await prisma.listingPush.findMany({ where: { channelId: channel.id }, orderBy: { listingId: "asc" } });
    const skuOf = new Map(Object.values(bySku).map((l) => [l.id, l.channelSku]));
    expect(log.map((p) => [skuOf.get(p.listingId), p.outcome, p.shopId]).sort()).toEqual([
      ["SKU-0", "ACKNOWLEDGED", channel.shopId],
      ["SKU-1", "REJECTED", channel.shopId],
      ["SKU-2", "RETRY", channel.shopId],
    ]);
    // Changed a second before the flush: acknowledged at least that long after.
    expect(log.find((p) => p.outcome === "ACKNOWLEDGED")!.latencyMs).toBeGreaterThanOrEqual(1000);
    expect(log.filter((p) => p.outcome !== "ACKNOWLEDGED").every((p) => p.latencyMs === null)).toBe(true);
  });

  it("pauses the account when the marketplace refuses its credentials, without touching the listings", async () => {
    const channel = await channelWithPendingListings(2);
    const marketplace = new RecordingMarketplace();
    marketplace.pushQuantities = async () => {
      throw new ChannelError("invalid_grant: refresh token revoked", { status: 401, retryable: false, authFailed: true });
    };
    const result = await flushChannelAccount(channel.id, using(marketplace));
    expect(result.status).toBe("credentials-failed");
    const after = await prisma.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect([after.status, after.statusReason]).toEqual(["FAILING", "invalid_grant: refresh token revoked"]);
    expect(await prisma.listing.count({ where: { channelId: channel.id, syncState: "PENDING" } })).toBe(2);
  });

  it("does nothing for a paused account", async () => {
    const channel = await channelWithPendingListings(2);
    await prisma.channel.update({ where: { id: channel.id }, data: { status: "PAUSED" } });
    const marketplace = new RecordingMarketplace();
    expect((await flushChannelAccount(channel.id, using(marketplace))).status).toBe("skipped");
    expect(marketplace.quantityCalls).toEqual([]);
  });
});

describe("a pending listing with nothing left to send", () => {
  it("given a listing the channel already shows as desired (its content held back by validation), when flushed, then it is in sync without a call, and a held one stays held", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    const base = {
      shopId: shop.id,
      channelId: channels.ebay.id,
      variantId: variant.id,
      desiredQuantity: 7,
      pushedQuantity: 7,
      desiredVersion: 3,
      pushedVersion: 2,
      desiredAt: new Date(),
    };
    const idle = await prisma.listing.create({
      data: {
        ...base,
        channelSku: "NOTHING-1",
        syncState: "PENDING",
        desiredContent: { fields: { title: "T" }, issues: [{ field: "images", severity: "error", message: "0 images" }] },
      },
    });
    const held = await prisma.listing.create({ data: { ...base, channelSku: "NOTHING-2", syncState: "HELD", desiredPriceCents: 999, pushedPriceCents: 1999 } });
    const marketplace = new RecordingMarketplace(accepts);

    await flushChannelAccount(channels.ebay.id, using(marketplace));

    const sent = [...marketplace.quantityCalls, ...marketplace.priceCalls, ...marketplace.contentCalls].flat().map((u) => u.channelSku);
    expect(sent.filter((sku) => sku.startsWith("NOTHING-"))).toEqual([]);
    expect(await prisma.listing.findUniqueOrThrow({ where: { id: idle.id } })).toMatchObject({ syncState: "IN_SYNC", pushedVersion: 3 });
    expect(await prisma.listing.findUniqueOrThrow({ where: { id: held.id } })).toMatchObject({ syncState: "HELD", pushedVersion: 2 });
  });
});

describe("the outbox's order", () => {
  it("given a listing with no quantity to send (a price alone) and one going to zero, when flushed one at a time, then the one going to zero goes first", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    const base = {
      shopId: shop.id,
      channelId: channels.ebay.id,
      variantId: variant.id,
      desiredVersion: 1,
      desiredAt: new Date(),
      syncState: "PENDING" as const,
    };
    await prisma.listing.create({ data: { ...base, channelSku: "PRICE-ONLY", desiredQuantity: null, desiredPriceCents: 1299, pushedPriceCents: 1499 } });
    await prisma.listing.create({ data: { ...base, channelSku: "SELLING-OUT", desiredQuantity: 0, pushedQuantity: 4 } });

    const [first] = await pendingListings(prisma, channels.ebay.id, 1);

    expect(first.channelSku).toBe("SELLING-OUT");
  });
});

describe("content behind stock", () => {
  /** Listings whose stock and price the channel already shows, each with a title still to push. */
  async function contentOnlyListings(count: number) {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const listing = await prisma.listing.create({
        data: {
          shopId: shop.id,
          channelId: channels.ebay.id,
          variantId: variant.id,
          channelSku: `C-${i}`,
          desiredQuantity: 20,
          pushedQuantity: 20,
          desiredVersion: 1,
          desiredAt: new Date(),
          syncState: "PENDING",
          desiredContent: { fields: { title: `Kettle ${i}` }, issues: [] },
        },
      });
      ids.push(listing.id);
    }
    return { channel: channels.ebay, ids };
  }
  // Two calls per SKU (read, then write) and a burst of 8, half of it for content: two SKUs a push.
  const readThenWrite = { burst: 8, contentCallsPerPush: (l: readonly unknown[]) => 2 * l.length };

  it("given 10 listings with only a title to push, when flushed, then the titles go two SKUs a push, as half the burst pays for, and all are in sync", async () => {
    const { channel } = await contentOnlyListings(10);
    const marketplace = new RecordingMarketplace(accepts, { limits: readThenWrite });

    const result = await flushChannelAccount(channel.id, using(marketplace));

    expect(marketplace.contentCalls.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
    expect(result).toMatchObject({ accepted: 10, more: false });
    expect(await prisma.listing.count({ where: { channelId: channel.id, syncState: "IN_SYNC" } })).toBe(10);
  });

  it("given more titles than a flush's time for content allows, when flushed, then it stops after the push that used the time up and asks for the next flush", async () => {
    const { channel } = await contentOnlyListings(10);
    const marketplace = new RecordingMarketplace(accepts, { limits: readThenWrite, duringContent: () => new Promise((resolve) => setTimeout(resolve, 100)) });

    const result = await flushChannelAccount(channel.id, { ...using(marketplace), contentBudgetMs: 150 });

    expect([marketplace.contentCalls.length, result.accepted, result.more]).toEqual([2, 4, true]);
    expect(await prisma.listing.count({ where: { channelId: channel.id, syncState: "PENDING" } })).toBe(6);
  });

  it("given a first sync's titles going out, when a sale lowers a quantity during the first push, then the flush stops its content after that push, and the next flush pushes the quantity before any more content", async () => {
    const { channel, ids } = await contentOnlyListings(10);
    let sold = false;
    const marketplace = new RecordingMarketplace(accepts, {
      limits: readThenWrite,
      duringContent: async () => {
        if (sold) return;
        sold = true;
        await prisma.listing.update({ where: { id: ids[9] }, data: { desiredQuantity: 3, desiredVersion: 2 } });
      },
    });

    const first = await flushChannelAccount(channel.id, using(marketplace));
    expect([marketplace.contentCalls.length, marketplace.quantityCalls.length, first.more]).toEqual([1, 0, true]);

    await flushChannelAccount(channel.id, using(marketplace));
    expect(marketplace.quantityCalls).toEqual([[{ channelSku: "C-9", externalId: null, quantity: 3 }]]);
    // The quantity went in a flush of its own: the content waited for it.
    expect(marketplace.contentCalls.length).toBe(1);

    await flushChannelAccount(channel.id, using(marketplace));
    expect(marketplace.contentCalls.flat().length).toBe(10);
    expect(await prisma.listing.count({ where: { channelId: channel.id, syncState: "IN_SYNC" } })).toBe(10);
  });
});

describe("a product's SKUs pushed together", () => {
  it("given four products whose SKUs lie apart in scarcity order, when grouped, then each product's SKUs sit together, the product with the scarcest SKU first", () => {
    const scarcityOrder = ["P0", "P1", "P2", "P3", "P0", "P1", "P2", "P3"].map((product, i) => ({ channelSku: `S${i}`, externalId: product }));
    expect(groupedByProduct(scarcityOrder).map((l) => l.channelSku)).toEqual(["S0", "S4", "S1", "S5", "S2", "S6", "S3", "S7"]);
  });

  it("given listings without a product id (a call per SKU), when grouped, then the scarcity order is kept", () => {
    const skus = ["A", "B", "C"].map((channelSku) => ({ channelSku, externalId: null }));
    expect(groupedByProduct(skus).map((l) => l.channelSku)).toEqual(["A", "B", "C"]);
  });

  it("given a TikTok-like channel (a call per product, 4 SKUs a batch) and 8 pending SKUs of 4 products, when flushed, then each batch carries 2 whole products, not 4 halves", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    for (let i = 0; i < 8; i++) {
      await prisma.listing.create({
        data: {
          shopId: shop.id,
          channelId: channels.ebay.id,
          variantId: variant.id,
          channelSku: `T${i}`,
          externalId: `P${i % 4}`,
          desiredQuantity: i + 1,
          pushedQuantity: 50,
          desiredVersion: 1,
          desiredAt: new Date(),
          syncState: "PENDING",
        },
      });
    }
    const marketplace = new RecordingMarketplace(accepts, { kind: "tiktok", maxBatch: 4, limits: { callsPerPush: TIKTOK_LIMITS.callsPerPush } });

    await flushChannelAccount(channels.ebay.id, using(marketplace));

    expect(marketplace.quantityCalls.map((batch) => new Set(batch.map((u) => u.externalId)).size)).toEqual([2, 2]);
  });
});

describe("ids a channel looks up", () => {
  it("given eBay listings linked by SKU alone, one with the offer id the merchant typed, when flushed and flushed again by a restarted worker, then each unknown offer is looked up once and kept", async () => {
    const channel = await channelWithPendingListings(3);
    await prisma.listing.updateMany({ where: { channelId: channel.id, channelSku: "SKU-2" }, data: { externalId: "OFFER-2" } });
    const seller = { userId: channel.accountId, marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };
    const ebay = await startEbaySimulator({
      accounts: [{ ...seller, listings: [0, 1, 2].map((i) => ({ sku: `SKU-${i}`, offerId: `OFFER-${i}`, quantity: 5, priceCents: 2500 })) }],
    });
    // A new connector is what a restarted worker process builds: it remembers nothing.
    const freshConnector = () =>
      createEbayConnector(
        {
          accountId: seller.userId,
          region: "EBAY_US",
          credentials: { appId: seller.appId, certId: seller.certId, refreshToken: seller.refreshToken },
          endpoints: { api: ebay.url },
        },
        { revisions: new RedisRevisionCounter(redis, seller.userId, `${process.env.QUEUE_PREFIX}:${randomUUID()}`) },
      );
    // What the flush pays the account's rate limiter, push by push.
    const paid: number[] = [];
    const counting = {
      take: (account: string, limits: RateLimit, cost = 1, maxWaitMs?: number) => (paid.push(cost), limiter.take(account, limits, cost, maxWaitMs)),
    } as SharedRateLimiter;
    try {
      await flushChannelAccount(channel.id, { limiter: counting, connectorFor: () => freshConnector() });
      // Quantities: the bulk call and two lookups; prices: the bulk call alone, the ids already found.
      expect(paid).toEqual([3, 1]);
      const afterFirst = await prisma.listing.findMany({ where: { channelId: channel.id }, orderBy: { channelSku: "asc" } });
      expect(afterFirst.map((l) => [l.channelSku, l.externalId, l.syncState])).toEqual([
        ["SKU-0", "OFFER-0", "IN_SYNC"],
        ["SKU-1", "OFFER-1", "IN_SYNC"],
        ["SKU-2", "OFFER-2", "IN_SYNC"],
      ]);

      await prisma.listing.updateMany({ where: { channelId: channel.id }, data: { desiredQuantity: 2, desiredVersion: 2, syncState: "PENDING" } });
      await flushChannelAccount(channel.id, using(freshConnector()));

      // SKU-0 and SKU-1, in the first flush only.
      expect(ebay.calls.filter((c) => c.operationId === "getOffers")).toHaveLength(2);
      expect(ebay.state.listing("SKU-0")).toMatchObject({ quantity: 2, offerQuantity: 2 });
    } finally {
      await ebay.stop();
    }
  });
});

describe("pushes paced by the calls they make", () => {
  const listings = (count: number, productOf: (i: number) => string = (i) => `P${i}`) =>
    Array.from({ length: count }, (_, i) => ({ channelSku: `SKU-${i}`, externalId: productOf(i) }));

  it("given 12 Amazon SKUs (one patch each, burst 5), when paced, then they go as pushes of 5, 5 and 2", () => {
    expect(pacedBatches(listings(12), AMAZON_LIMITS).map((part) => part.length)).toEqual([5, 5, 2]);
  });

  it("given 150 Amazon SKUs, above the feed threshold, when paced, then they stay one push (one feed)", () => {
    expect(pacedBatches(listings(150), AMAZON_LIMITS).map((part) => part.length)).toEqual([150]);
  });

  it("given 25 eBay SKUs (one bulk call of 25, burst 20), when paced, then those with a stored offer id go as one push, and without ids the lookups split it", () => {
    expect(pacedBatches(listings(25), EBAY_LIMITS).map((part) => part.length)).toEqual([25]);
    // A getOffers per SKU and the bulk call: 19 + 1 fit the burst of 20.
    const unknown = listings(25).map((l) => ({ ...l, externalId: null }));
    expect(pacedBatches(unknown, EBAY_LIMITS).map((part) => part.length)).toEqual([19, 6]);
  });

  it("given 60 TikTok SKUs of 30 products (burst 20), when paced, then each push holds at most 20 products", () => {
    const parts = pacedBatches(
      listings(60, (i) => `P${Math.floor(i / 2)}`),
      TIKTOK_LIMITS,
    );
    expect(parts.map((part) => new Set(part.map((l) => l.externalId)).size)).toEqual([20, 10]);
    expect(parts.flat()).toHaveLength(60);
  });
});

describe("a channel account not live yet", () => {
  it("given a newly connected account (no liveAt) with quantities, prices and content waiting, when flushed, then nothing is sent and all stays pending; once live, the same flush pushes them", async () => {
    const channel = await channelWithPendingListings(3);
    await prisma.listing.updateMany({ where: { channelId: channel.id }, data: { desiredContent: { fields: { title: "Kettle" }, issues: [] } } });
    await prisma.channel.update({ where: { id: channel.id }, data: { liveAt: null } });
    const marketplace = new RecordingMarketplace(accepts);

    const waiting = await flushChannelAccount(channel.id, using(marketplace));

    expect(waiting.status).toBe("skipped");
    expect([marketplace.quantityCalls, marketplace.priceCalls, marketplace.contentCalls]).toEqual([[], [], []]);
    expect(await prisma.listing.count({ where: { channelId: channel.id, syncState: "PENDING" } })).toBe(3);

    await prisma.channel.update({ where: { id: channel.id }, data: { liveAt: new Date() } });
    const live = await flushChannelAccount(channel.id, using(marketplace));

    expect(live.status).toBe("flushed");
    expect(
      marketplace.quantityCalls
        .flat()
        .map((u) => u.channelSku)
        .sort(),
    ).toEqual(["SKU-0", "SKU-1", "SKU-2"]);
    expect(marketplace.priceCalls.flat().length).toBe(3);
  });

  it("given a content field turned off for the channel (not opted in at go-live) still in a listing's desired content, when flushed, then only the other fields are sent", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    await prisma.channel.update({ where: { id: channels.ebay.id }, data: { settings: { content: { fields: { title: false, images: false } } } } });
    await prisma.listing.create({
      data: {
        shopId: shop.id,
        channelId: channels.ebay.id,
        variantId: variant.id,
        channelSku: "OPTED",
        desiredQuantity: 4,
        pushedQuantity: 4,
        desiredVersion: 1,
        desiredAt: new Date(),
        syncState: "PENDING",
        desiredContent: { fields: { title: "Kettle", description: "Boils water", imageUrls: ["https://cdn.test/k.png"] }, issues: [] },
      },
    });
    const marketplace = new RecordingMarketplace(accepts);

    await flushChannelAccount(channels.ebay.id, using(marketplace));

    expect(marketplace.contentCalls.flat()).toEqual([{ channelSku: "OPTED", externalId: null, fields: { description: "Boils water" } }]);
  });
});
