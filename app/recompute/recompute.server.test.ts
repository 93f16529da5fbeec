import type { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import { markChanged } from "./index.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../test/factories";
import { readDesiredContent } from "~/content/diff";
import type { StoredExplanation } from "./desired";
import { recomputeStaleListings, runRecomputeJob } from "./recompute.server";
import { createRedisConnection } from "~/queues.server";
import { flushChannelAccount } from "~/sync/flush.server";
import { SharedRateLimiter } from "~/sync/rate-limiter.server";
import { accepts, RecordingMarketplace } from "../../test/recording-marketplace";

// Through real PostgreSQL (and Redis for the flush requests): the mirror as the anchor leaves it,
// the marks as noteChange (index.server.ts) sets them, then the recompute service.

const redis = createRedisConnection();

afterAll(async () => {
  await queues().close();
  redis.disconnect();
});

interface ShopOptions {
  warehouse?: number;
  store?: number;
  amazonBuffer?: number;
  ebayBufferBps?: number;
  pushedPriceCents?: number | null;
}

/** A shop with two saleable locations and a returns shelf, a mug listed on Amazon and eBay. */
async function seedShop(db: PrismaClient, options: ShopOptions = {}) {
  const shop = await db.shop.create({ data: { domain: uniqueShopDomain("recompute") } });
  const shopId = shop.id;
  const warehouse = await db.location.create({ data: { shopId, shopifyId: "1", name: "Warehouse" } });
  const store = await db.location.create({ data: { shopId, shopifyId: "2", name: "Store" } });
  const returns = await db.location.create({ data: { shopId, shopifyId: "3", name: "Returns shelf", saleable: false } });
  const product = await db.product.create({ data: { shopId, shopifyId: "10", title: "Mug", tags: ["kitchen"] } });
  const variant = await db.variant.create({ data: { shopId, productId: product.id, shopifyId: "100", title: "Blue", sku: "MUG-BLUE", priceCents: 2000 } });
  const item = await db.inventoryItem.create({ data: { shopId, shopifyId: "1000", variantId: variant.id, costCents: 600 } });
  await db.inventoryLevel.createMany({
    data: [
      { shopId, inventoryItemId: item.id, locationId: warehouse.id, available: options.warehouse ?? 10 },
      { shopId, inventoryItemId: item.id, locationId: store.id, available: options.store ?? 5 },
      { shopId, inventoryItemId: item.id, locationId: returns.id, available: 3 },
    ],
  });
  const amazon = await db.channel.create({ data: { shopId, kind: "AMAZON", accountId: "A1", name: "Amazon US", priority: 1 } });
  const ebay = await db.channel.create({ data: { shopId, kind: "EBAY", accountId: "e1", name: "eBay US", priority: 2 } });
  if (options.amazonBuffer !== 0) {
    await db.bufferRule.create({ data: { shopId, channelId: amazon.id, scope: "CHANNEL", kind: "FIXED", units: options.amazonBuffer ?? 2 } });
  }
  if (options.ebayBufferBps !== 0) {
    await db.bufferRule.create({ data: { shopId, channelId: ebay.id, scope: "CHANNEL", kind: "PERCENT", percentBps: options.ebayBufferBps ?? 2000 } });
  }
  const pushedPriceCents = options.pushedPriceCents === undefined ? null : options.pushedPriceCents;
  const onAmazon = await db.listing.create({
    data: { shopId, channelId: amazon.id, variantId: variant.id, channelSku: "MUG-BLUE", pushedPriceCents, staleSince: new Date() },
  });
  const onEbay = await db.listing.create({
    data: { shopId, channelId: ebay.id, variantId: variant.id, channelSku: "MUG-BLUE", pushedPriceCents, staleSince: new Date() },
  });
  return { shop, shopId, product, variant, item, locations: { warehouse, store, returns }, channels: { amazon, ebay }, listings: { onAmazon, onEbay } };
}

type Seeded = Awaited<ReturnType<typeof seedShop>>;

async function setStock(db: PrismaClient, seeded: Seeded, locationId: string, available: number) {
  await db.inventoryLevel.updateMany({ where: { shopId: seeded.shopId, inventoryItemId: seeded.item.id, locationId }, data: { available } });
  await markChanged(seeded.shopId, { kind: "stock", at: [{ variantId: seeded.variant.id, locationId }] }, { prisma: db });
}

async function listingsOf(db: PrismaClient, seeded: Seeded) {
  const [onAmazon, onEbay] = await Promise.all([
    db.listing.findUniqueOrThrow({ where: { id: seeded.listings.onAmazon.id } }),
    db.listing.findUniqueOrThrow({ where: { id: seeded.listings.onEbay.id } }),
  ]);
  return { onAmazon, onEbay };
}

function recordFlushes() {
  const channels: string[] = [];
  return { channels, requestFlush: async (channelId: string) => void channels.push(channelId) };
}

async function waitingFlushesFor(channelIds: string[]): Promise<string[]> {
  const jobs = await queues()["channel-sync"].getJobs(["waiting", "delayed", "prioritized"]);
  return jobs
    .map((j) => j.data.channelId)
    .filter((id) => channelIds.includes(id))
    .sort();
}

describe("recomputing a shop's stale listings", () => {
  it("given two channels with buffers, when the warehouse's stock drops and the listings are marked, then each listing desires the engine's answer with its explanation and a new version, and both accounts are asked to flush", async () => {
    // Given 10 in the warehouse, 5 in the store, 3 on the returns shelf (not saleable);
    // Amazon keeps 2 back, eBay 20%
    const seeded = await seedShop(prisma);
    await recomputeStaleListings(seeded.shopId);
    let { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect([onAmazon.desiredQuantity, onAmazon.desiredVersion]).toEqual([13, 1]); // 15 − 2
    expect([onEbay.desiredQuantity, onEbay.desiredVersion]).toEqual([12, 1]); // 15 − ceil(3)

    // When the warehouse drops to 6
    await setStock(prisma, seeded, seeded.locations.warehouse.id, 6);
    const result = await recomputeStaleListings(seeded.shopId);

    // Then: pool 11; Amazon 11 − 2 = 9; eBay 11 − ceil(2.2) = 8
    ({ onAmazon, onEbay } = await listingsOf(prisma, seeded));
    expect(result).toMatchObject({ examined: 2, changed: 2, held: 0, channelsFlushed: 2, markedAgain: 0 });
    expect([onAmazon.desiredQuantity, onAmazon.desiredPriceCents, onAmazon.desiredVersion, onAmazon.syncState, onAmazon.staleSince]).toEqual([
      9,
      2000,
      2,
      "PENDING",
      null,
    ]);
    expect([onEbay.desiredQuantity, onEbay.desiredVersion, onEbay.syncState, onEbay.staleSince]).toEqual([8, 2, "PENDING", null]);
    expect(onAmazon.desiredAt).toBeInstanceOf(Date);
    const explanation = onAmazon.explanation as unknown as { quantity: { rule: string; text: string; result: number }[] };
    expect(explanation.quantity.map((s) => s.rule)).toEqual(["pool.location", "pool.location", "pool.skipNotSaleable", "pool.total", "buffer.fixed", "result"]);
    expect(explanation.quantity.find((s) => s.rule === "pool.total")?.result).toBe(11);
    expect(explanation.quantity.at(-1)?.text).toContain("9 units");
    expect(await waitingFlushesFor([seeded.channels.amazon.id, seeded.channels.ebay.id])).toEqual([seeded.channels.amazon.id, seeded.channels.ebay.id].sort());
  });

  it("given the mug's product goes UNLISTED, then DRAFT, in Shopify, when its listings are recomputed, then unlisted still offers the same units and draft lists 0, saying why", async () => {
    const seeded = await seedShop(prisma);
    await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });
    const quantities = async () => Object.values(await listingsOf(prisma, seeded)).map((l) => l.desiredQuantity);
    expect(await quantities()).toEqual([13, 12]);

    await prisma.product.update({ where: { id: seeded.product.id }, data: { status: "UNLISTED" } });
    await markChanged(seeded.shopId, { kind: "channels" }, { prisma });
    await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });
    expect(await quantities()).toEqual([13, 12]);

    await prisma.product.update({ where: { id: seeded.product.id }, data: { status: "DRAFT" } });
    await markChanged(seeded.shopId, { kind: "channels" }, { prisma });
    await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });
    expect(await quantities()).toEqual([0, 0]);
    const { onAmazon } = await listingsOf(prisma, seeded);
    const explanation = onAmazon.explanation as unknown as { quantity: { rule: string; text: string }[] };
    expect(explanation.quantity.at(-2)).toMatchObject({ rule: "hold.productStatus", text: "The product is draft in Shopify, not for sale: listed at 0" });
  });

  it("given a product stored with no tags at all (a NULL list, as a create without tags leaves it), when its listings are recomputed, then they get the engine's answer rather than failing on the tags", async () => {
    const seeded = await seedShop(prisma);
    await prisma.$executeRaw`UPDATE "Product" SET tags = NULL WHERE id = ${seeded.product.id}`;

    await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });

    // 15 saleable units: Amazon keeps 2 back, eBay 20 %.
    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect([onAmazon.desiredQuantity, onEbay.desiredQuantity]).toEqual([13, 12]);
  });

  it("given listings already at the engine's answer, when they are marked stale without any change, then nothing new is written and no flush is requested", async () => {
    const seeded = await seedShop(prisma);
    await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });
    const before = await listingsOf(prisma, seeded);

    await markChanged(seeded.shopId, { kind: "channels" }, { prisma });
    const flushes = recordFlushes();
    const result = await recomputeStaleListings(seeded.shopId, { requestFlush: flushes.requestFlush });

    const after = await listingsOf(prisma, seeded);
    expect(result).toMatchObject({ examined: 2, changed: 0, held: 0, channelsFlushed: 0 });
    expect(flushes.channels).toEqual([]);
    expect([after.onAmazon.desiredVersion, after.onEbay.desiredVersion]).toEqual([before.onAmazon.desiredVersion, before.onEbay.desiredVersion]);
    expect(after.onAmazon.desiredAt).toEqual(before.onAmazon.desiredAt);
    expect([after.onAmazon.staleSince, after.onEbay.staleSince]).toEqual([null, null]);
  });

  it("given a stock change that lands while the batch computes, when the batch writes, then the mark survives and the listing ends at the newer answer", async () => {
    const seeded = await seedShop(prisma);
    let landed = false;
    const result = await recomputeStaleListings(seeded.shopId, {
      requestFlush: async () => {},
      beforeWrite: async () => {
        if (landed) return;
        landed = true;
        // The store sells out after the batch read its inputs (10 + 5 were read)
        await setStock(prisma, seeded, seeded.locations.store.id, 0);
      },
    });

    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    // Both were written from the old stock, kept stale by the new mark, then computed again
    expect(result).toMatchObject({ examined: 4, markedAgain: 2 });
    expect([onAmazon.desiredQuantity, onEbay.desiredQuantity]).toEqual([8, 8]); // 10 − 2; 10 − 2
    expect([onAmazon.desiredVersion, onEbay.desiredVersion]).toEqual([2, 2]);
    expect([onAmazon.staleSince, onEbay.staleSince]).toEqual([null, null]);
  });

  it("given a slower recompute that read an older mark, when a faster one already cleared it, then the slower one writes nothing", async () => {
    const seeded = await seedShop(prisma);
    let raced = false;
    const result = await recomputeStaleListings(seeded.shopId, {
      requestFlush: async () => {},
      beforeWrite: async () => {
        if (raced) return;
        raced = true;
        await setStock(prisma, seeded, seeded.locations.store.id, 1);
        // Another worker recomputes from the newer stock while this one is still computing
        await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });
      },
    });
    const { onAmazon } = await listingsOf(prisma, seeded);
    expect([onAmazon.desiredQuantity, onAmazon.desiredVersion, onAmazon.staleSince]).toEqual([9, 1, null]); // 10 + 1 − 2
    expect(result).toMatchObject({ examined: 2, changed: 0, markedAgain: 2 });
  });

  it("given two shops with stale listings, when one shop recomputes, then the other shop's listings are untouched", async () => {
    const mine = await seedShop(prisma);
    const theirs = await seedShop(prisma);
    const result = await recomputeStaleListings(mine.shopId, { requestFlush: async () => {} });

    expect(result.examined).toBe(2);
    const untouched = await listingsOf(prisma, theirs);
    for (const listing of [untouched.onAmazon, untouched.onEbay]) {
      expect([listing.desiredQuantity, listing.desiredVersion, listing.syncState]).toEqual([null, 0, "IN_SYNC"]);
      expect(listing.staleSince).toBeInstanceOf(Date);
    }
  });

  it("given Amazon watching eBay and an eBay discount, when the prices are recomputed, then the eBay price is held with the reason and only Amazon is flushed; allowing the edge releases it", async () => {
    // Both channels show 20.00 today
    const seeded = await seedShop(prisma, { pushedPriceCents: 2000 });
    const { shopId, channels } = seeded;
    const edge = await prisma.parityEdge.create({ data: { shopId, watcherId: channels.amazon.id, watchedId: channels.ebay.id, toleranceBps: 200 } });
    await prisma.priceRule.create({ data: { shopId, channelId: channels.ebay.id, scope: "CHANNEL", differentialBps: -1000 } });
    await prisma.priceRule.create({ data: { shopId, channelId: channels.amazon.id, scope: "CHANNEL", differentialCents: 20 } });

    const flushes = recordFlushes();
    const result = await recomputeStaleListings(shopId, { requestFlush: flushes.requestFlush });

    // eBay 18.00 would be 2.20 under Amazon's 20.20 (tolerance 2% = 0.40); Amazon's 20.20 beside
    // eBay's live 20.00 is within it
    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect([onEbay.desiredPriceCents, onEbay.syncState, onEbay.desiredVersion]).toEqual([1800, "HELD", 1]);
    expect(onEbay.syncMessage).toContain("eBay US shows 18.00, 2.20 under Amazon US's 20.20 (tolerance 2% = 0.40)");
    expect((onEbay.explanation as unknown as StoredExplanation).parity).toHaveLength(1);
    expect([onAmazon.desiredPriceCents, onAmazon.syncState]).toEqual([2020, "PENDING"]);
    expect(result).toMatchObject({ changed: 2, held: 1, channelsFlushed: 1 });
    expect(flushes.channels).toEqual([channels.amazon.id]);
    // The merchant is paged once for the group the held price is in (eBay's rule against Amazon),
    // with the violation in the engine's words
    const paged = await prisma.alert.findMany({ where: { shopId, kind: "PARITY_VIOLATION" } });
    expect(paged.map((a) => [a.title, (a.facts as { held: number }).held, (a.facts as { examples: string[] }).examples.length])).toEqual([
      ["1 price for eBay US held for review: they would break price parity with Amazon US", 1, 1],
    ]);

    // When the merchant allows violations on that edge, the same price goes out
    await prisma.parityEdge.update({ where: { id: edge.id }, data: { allowViolations: true } });
    await markChanged(shopId, { kind: "channels" }, { prisma });
    const released = await recomputeStaleListings(shopId, { requestFlush: flushes.requestFlush });
    const after = (await listingsOf(prisma, seeded)).onEbay;
    expect([after.syncState, after.syncMessage, after.desiredVersion, after.desiredPriceCents]).toEqual(["PENDING", null, 1, 1800]);
    expect(released).toMatchObject({ changed: 0, held: 0 });
    expect(flushes.channels).toEqual([channels.amazon.id, channels.ebay.id]);
    // The group holds nothing more: its alert is resolved
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: paged[0]!.id } })).state).toBe("RESOLVED");
  });

  it("given the seeds' 10 in stock listed on Amazon and eBay, when one sells on Amazon and two on eBay and the anchor drops to 7, then both channels desire 7", async () => {
    // shared/seeds/000: "Now you have 7 but Amazon says 9 and ebay says 8 ... push 7 up to each channel"
    const seeded = await seedShop(prisma, { warehouse: 10, store: 0, amazonBuffer: 0, ebayBufferBps: 0 });
    await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });
    expect((await listingsOf(prisma, seeded)).onAmazon.desiredQuantity).toBe(10);
    await prisma.listing.updateMany({ where: { shopId: seeded.shopId }, data: { pushedQuantity: 10, pushedVersion: 1, syncState: "IN_SYNC" } });

    const soldAt = new Date();
    await prisma.sale.createMany({
      data: [
        { shopId: seeded.shopId, variantId: seeded.variant.id, channelId: seeded.channels.amazon.id, quantity: 1, soldAt, sourceKey: "amazon-order-1" },
        { shopId: seeded.shopId, variantId: seeded.variant.id, channelId: seeded.channels.ebay.id, quantity: 2, soldAt, sourceKey: "ebay-order-1" },
      ],
    });
    // The write-back lowered Shopify's warehouse to 7 and the webhook brought it back
    await setStock(prisma, seeded, seeded.locations.warehouse.id, 7);
    const result = await recomputeStaleListings(seeded.shopId, { requestFlush: async () => {} });

    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect([onAmazon.desiredQuantity, onEbay.desiredQuantity]).toEqual([7, 7]);
    expect([onAmazon.syncState, onEbay.syncState]).toEqual(["PENDING", "PENDING"]);
    expect(result.changed).toBe(2);
  });

  it("given a two-pack bundle of the mug, when it is recomputed, then it lists as many packs as the mug's count on that channel allows", async () => {
    const seeded = await seedShop(prisma);
    const { shopId } = seeded;
    const pack = await prisma.variant.create({
      data: { shopId, productId: seeded.product.id, shopifyId: "101", title: "Two-pack", sku: "MUG-2", priceCents: 3500, isBundle: true },
    });
    await prisma.bundleComponent.create({ data: { shopId, bundleId: pack.id, componentId: seeded.variant.id, unitsPerBundle: 2 } });
    const listing = await prisma.listing.create({
      data: { shopId, channelId: seeded.channels.amazon.id, variantId: pack.id, channelSku: "MUG-2", staleSince: new Date() },
    });

    await recomputeStaleListings(shopId, { requestFlush: async () => {} });

    // The mug is 13 on Amazon (15 − 2): 6 packs, at the pack's own price
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([after.desiredQuantity, after.desiredPriceCents]).toEqual([6, 3500]);
    const steps = (after.explanation as unknown as { quantity: { rule: string; text: string }[] }).quantity;
    expect(steps.map((s) => s.rule)).toEqual(["bundle.component", "bundle.result", "result"]);
    expect(steps[0].text).toContain("MUG-BLUE");

    // The merchant caps the pack's Amazon listing at 4: the pack lists 4, the mug itself is not capped.
    await prisma.allocationRule.create({
      data: { shopId, channelId: seeded.channels.amazon.id, scope: "LISTING", scopeValue: listing.id, kind: "CAP", units: 4 },
    });
    await prisma.listing.updateMany({ where: { shopId }, data: { staleSince: new Date() } });
    await recomputeStaleListings(shopId, { requestFlush: async () => {} });
    const capped = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(capped.desiredQuantity).toBe(4);
    expect((capped.explanation as unknown as { quantity: { rule: string }[] }).quantity.map((s) => s.rule)).toContain("allocation.cap");
    const { onAmazon } = await listingsOf(prisma, seeded);
    expect(onAmazon.desiredQuantity).toBe(13);
  });

  it("given an exclusive promotion on eBay holding 5 units of which 2 sold, when Amazon is recomputed, then Amazon lists 3 fewer", async () => {
    const seeded = await seedShop(prisma);
    const { shopId, channels, variant } = seeded;
    const now = Date.now();
    const promotion = await prisma.promotion.create({
      data: {
        shopId,
        name: "Spring sale",
        status: "RUNNING",
        startsAt: new Date(now - 3_600_000),
        endsAt: new Date(now + 86_400_000),
        discountKind: "PERCENT",
        discountValue: 1000,
        reserveUnits: 5,
      },
    });
    await prisma.promotionChannel.create({ data: { shopId, promotionId: promotion.id, channelId: channels.ebay.id } });
    await prisma.promotionVariant.create({ data: { shopId, promotionId: promotion.id, variantId: variant.id } });
    await prisma.sale.create({
      data: { shopId, variantId: variant.id, channelId: channels.ebay.id, quantity: 2, soldAt: new Date(now - 60_000), sourceKey: "ebay-promo-1" },
    });

    await recomputeStaleListings(shopId, { requestFlush: async () => {} });

    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect(onAmazon.desiredQuantity).toBe(10); // 15 − 3 reserved − 2 buffer
    expect(onEbay.desiredQuantity).toBe(12); // its own promotion's reserve is not withheld from it
  });

  it("given a job that reaches its time limit with stale listings left, when it ends, then it leaves them stale and queues its own continuation", async () => {
    const seeded = await seedShop(prisma);
    const result = await runRecomputeJob(seeded.shopId, queues(), { maxRunMs: -1, requestFlush: async () => {} });

    expect(result).toMatchObject({ examined: 0, more: true });
    expect((await listingsOf(prisma, seeded)).onAmazon.staleSince).toBeInstanceOf(Date);
    const waiting = await queues().recompute.getJobs(["waiting", "prioritized", "delayed"]);
    expect(waiting.map((j) => j.data.shopId)).toContain(seeded.shopId);
  });

  it("given Amazon selling a steady 2 a day for four weeks, and yesterday 3 sold in the store and 2 on eBay, when recomputed, then Amazon's velocity buffer counts them all and says so; sales older than the window do not count", async () => {
    const seeded = await seedShop(prisma, { amazonBuffer: 0 });
    const { shopId, channels, variant } = seeded;
    await prisma.bufferRule.create({ data: { shopId, channelId: channels.amazon.id, scope: "CHANNEL", kind: "VELOCITY", leadTimeDays: 2, safetyStock: 0 } });
    const now = Date.now();
    const day = 86_400_000;
    await prisma.sale.createMany({
      data: [
        ...Array.from({ length: 28 }, (_, d) => ({
          shopId,
          variantId: variant.id,
          channelId: channels.amazon.id,
          quantity: 2,
          soldAt: new Date(now - d * day - 3_600_000),
          sourceKey: `amazon-${d}`,
        })),
        { shopId, variantId: variant.id, channelId: channels.amazon.id, quantity: 50, soldAt: new Date(now - 40 * day), sourceKey: "amazon-old" },
        { shopId, variantId: variant.id, channelId: null, quantity: 3, soldAt: new Date(now - day - 3_600_000), sourceKey: "shopify-1" },
        { shopId, variantId: variant.id, channelId: channels.ebay.id, quantity: 2, soldAt: new Date(now - day - 3_600_000), sourceKey: "ebay-1" },
      ],
    });

    await recomputeStaleListings(shopId, { requestFlush: async () => {} });

    const { onAmazon } = await listingsOf(prisma, seeded);
    // 2/day steady, plus 5 a day old: 5 × 0.5^(1/7) / Σ 0.5^(d/7) over 28 days = 0.455/day more;
    // ceil(2.455/day × 2 days × 1.5) = ceil(7.37) = 8 (Amazon's alone, 2/day, would hold 6).
    expect(onAmazon.desiredQuantity).toBe(7); // 15 − 8
    const steps = (onAmazon.explanation as unknown as StoredExplanation).quantity as unknown as { rule: string; text: string; effect: number }[];
    expect(steps.find((s) => s.rule === "buffer.velocity")?.effect).toBe(-8);
    expect(steps.find((s) => s.rule === "velocity.counted")?.text).toBe(
      "61 sold in the last 28 days across the Shopify store, Amazon US and eBay US, recent days weighted more (half-life 7 days): 2.455/day",
    );
  });
});

describe("the recompute job's content step", () => {
  it("given a stock change only, when the job runs, then no content is computed: content waits for a content mark", async () => {
    const seeded = await seedShop(prisma);
    await recomputeStaleListings(seeded.shopId, recordFlushes());
    await setStock(prisma, seeded, seeded.locations.warehouse.id, 6);
    const result = await recomputeStaleListings(seeded.shopId, recordFlushes());
    expect(result).toMatchObject({ examined: 2, contentExamined: 0, contentChanged: 0 });
    expect((await listingsOf(prisma, seeded)).onAmazon.desiredContent).toBeNull();
  });

  it("given the product renamed and its content marked beside a stock change, when the job runs, then the same job writes the quantities and then the new titles, clears both marks and asks for a flush wherever content waits to be pushed", async () => {
    const seeded = await seedShop(prisma);
    await recomputeStaleListings(seeded.shopId, recordFlushes());
    await prisma.product.update({ where: { id: seeded.product.id }, data: { title: "Mug Deluxe" } });
    await markChanged(seeded.shopId, { kind: "content", productIds: [seeded.product.id] }, { prisma });
    await setStock(prisma, seeded, seeded.locations.warehouse.id, 6);
    const flushes = recordFlushes();

    const result = await recomputeStaleListings(seeded.shopId, flushes);

    expect(result).toMatchObject({ examined: 2, changed: 2, contentExamined: 2, contentChanged: 2, channelsFlushed: 2, more: false });
    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect([onAmazon.desiredQuantity, readDesiredContent(onAmazon.desiredContent)?.fields.title]).toEqual([9, "Mug Deluxe"]);
    expect(readDesiredContent(onEbay.desiredContent)?.fields.title).toBe("Mug Deluxe");
    // Two writes each, the quantity's and the content's, and nothing left marked.
    expect([onAmazon.desiredVersion, onAmazon.syncState, onAmazon.staleSince, onAmazon.contentStaleSince]).toEqual([3, "PENDING", null, null]);
    // Amazon asked after the quantities and again after the content (a flush started by the first
    // request may have read its outbox before the content was written); eBay only once, since its
    // content lacks the description and picture eBay requires, so it has nothing to push.
    expect(flushes.channels.filter((id) => id === seeded.channels.amazon.id)).toHaveLength(2);
    expect(flushes.channels.filter((id) => id === seeded.channels.ebay.id)).toHaveLength(1);
    expect(readDesiredContent(onEbay.desiredContent)?.issues.some((i) => i.severity === "error")).toBe(true);
  });
});

describe("hybrid pool: a listing Amazon fulfils (FBA) carries its own stock", () => {
  it("given 15 saleable units, an FBA Amazon listing once pushed 9 and a self-fulfilled eBay listing, when recomputed and flushed, then eBay gets the pool less its buffer, the FBA listing's desired quantity is null with 'Fulfilled by Amazon' explained, and the flush pushes its price but never a quantity", async () => {
    // Given
    const seeded = await seedShop(prisma);
    await prisma.listing.update({ where: { id: seeded.listings.onAmazon.id }, data: { fulfilledByMarketplace: true, pushedQuantity: 9 } });
    // When
    const result = await recomputeStaleListings(seeded.shopId, { ...recordFlushes(), prisma });
    // Then
    expect(result.examined).toBe(2);
    const { onAmazon, onEbay } = await listingsOf(prisma, seeded);
    expect(onEbay.desiredQuantity).toBe(12); // 15 less eBay's 20 %
    expect(onAmazon.desiredQuantity).toBeNull();
    expect(onAmazon.desiredPriceCents).toBe(2000);
    expect((onAmazon.explanation as unknown as StoredExplanation).quantity.map((s) => (s as unknown as { text: string }).text)).toEqual([
      "Fulfilled by Amazon: its own stock, none of the pool; Amazon US is pushed no quantity",
    ]);

    // When the Amazon account is flushed
    const marketplace = new RecordingMarketplace(accepts, { kind: "amazon" });
    await flushChannelAccount(seeded.channels.amazon.id, { limiter: new SharedRateLimiter(redis), prisma, connectorFor: () => marketplace });
    // Then only the price went out, and the listing is in sync with Amazon's own count untouched
    expect(marketplace.quantityCalls.flat()).toEqual([]);
    expect(marketplace.priceCalls.flat().map((p) => [p.channelSku, p.priceCents])).toEqual([["MUG-BLUE", 2000]]);
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: seeded.listings.onAmazon.id } });
    expect(after).toMatchObject({ syncState: "IN_SYNC", pushedQuantity: 9, pushedPriceCents: 2000 });

    // And a later stock move recomputes eBay but leaves the FBA listing with nothing to push
    await setStock(prisma, seeded, seeded.locations.warehouse.id, 2);
    await recomputeStaleListings(seeded.shopId, { ...recordFlushes(), prisma });
    const later = await listingsOf(prisma, seeded);
    expect(later.onEbay.desiredQuantity).toBe(5); // 7 less 20 %, floored
    expect(later.onAmazon).toMatchObject({ desiredQuantity: null, syncState: "IN_SYNC", desiredVersion: after.desiredVersion });
  });
});
