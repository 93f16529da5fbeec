import { afterAll, describe, expect, it } from "vitest";
import { createWalmartConnector } from "~/channels/walmart";
import prisma from "~/db.server";
import { createRedisConnection } from "~/queues.server";
import { flushChannelAccount } from "~/sync/flush.server";
import { SharedRateLimiter } from "~/sync/rate-limiter.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { accepts, RecordingMarketplace } from "../../test/recording-marketplace";
import { startWalmartSimulator } from "../../simulators/walmart/server";
import { linkListings } from "~/csv/listing-links.server";
import { readDesiredContent, readPushedContent } from "~/content/diff";
import { sqlFor } from "~/lib/sql.server";
import { recomputeMarkedContent } from "./content-step.server";
import { markChanged } from "./index.server";

// The recompute job's content step against the database, and its content through the real outbox
// flush to a marketplace that records what it is sent and answers as told.
const redis = createRedisConnection();
const limiter = new SharedRateLimiter(redis);
afterAll(() => redis.disconnect());

/** The product's content changed (noteChange "content"), then the recompute job's content step ran. */
async function contentChanged(shopId: string, requestFlush: (channelId: string) => Promise<void> = async () => {}) {
  const product = await prisma.product.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId: "10" } } });
  await markChanged(shopId, { kind: "content", productIds: [product.id] }, { prisma });
  return recomputeMarkedContent(shopId, { sql: sqlFor(), prisma, requestFlush });
}

/** Amazon, taking quantities and prices, and the content as told. */
const amazon = (content: "accepted" | "rejected" = "accepted") =>
  new RecordingMarketplace(
    (channelSku, push) =>
      push === "content" && content === "rejected" ? { channelSku, status: "rejected", message: "8541: item_name too promotional" } : accepts(channelSku, push),
    { kind: "amazon", maxBatch: 20 },
  );

/** The seed's Amazon listing, in sync for quantity and price, and its product's content computed and pushed once. */
async function syncedListing() {
  const seeded = await seedShopWithEveryModel(prisma);
  const { shop, listing } = seeded;
  await prisma.listing.update({ where: { id: listing.id }, data: { pushedQuantity: 8, syncState: "IN_SYNC", pushedVersion: listing.desiredVersion } });
  const flushes: string[] = [];
  await contentChanged(shop.id, async (id) => void flushes.push(id));
  const marketplace = amazon();
  await flushChannelAccount(listing.channelId, { prisma, limiter, connectorFor: () => marketplace });
  return { ...seeded, flushes, marketplace };
}

const rename = (shopId: string, title: string) => prisma.product.update({ where: { shopId_shopifyId: { shopId, shopifyId: "10" } }, data: { title } });

describe("content recompute and push", () => {
  it("given a product seen for the first time, its listings get content, their channel is asked to flush, and the flush sends it", async () => {
    const { listing, flushes, marketplace, channels } = await syncedListing();
    expect(flushes).toEqual([listing.channelId]);
    expect(marketplace.contentCalls).toEqual([[{ channelSku: "KET-RED", externalId: null, fields: { title: "Acme Kettle" } }]]);
    expect(marketplace.quantityCalls).toEqual([]);
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([after.syncState, readPushedContent(after.pushedContent).fields]).toEqual(["IN_SYNC", { title: "Acme Kettle" }]);
    // eBay has no listing of this product: nothing to write there.
    expect(await prisma.listing.count({ where: { channelId: channels.ebay.id } })).toBe(0);
  });

  it("given a title change, only the title goes again; an unrelated change rewrites nothing", async () => {
    const { shop, listing } = await syncedListing();
    await prisma.product.update({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "10" } }, data: { descriptionHtml: "<p>Fast boil.</p>" } });
    await contentChanged(shop.id);
    const first = amazon();
    await flushChannelAccount(listing.channelId, { prisma, limiter, connectorFor: () => first });
    expect(first.contentCalls.map((c) => c[0].fields)).toEqual([{ description: "Fast boil.", bullets: ["Fast boil."] }]);

    await rename(shop.id, "Kettle Pro");
    await contentChanged(shop.id);
    const second = amazon();
    await flushChannelAccount(listing.channelId, { prisma, limiter, connectorFor: () => second });
    expect(second.contentCalls.map((c) => c[0].fields)).toEqual([{ title: "Acme Kettle Pro" }]);

    const version = (await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).desiredVersion;
    await prisma.product.update({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "10" } }, data: { tags: ["other"] } });
    const result = await contentChanged(shop.id);
    expect(result).toMatchObject({ changed: 0, channelIds: [] });
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).desiredVersion).toBe(version);
  });

  it("given content the marketplace refuses, the listing's quantity keeps syncing and the refusal is kept with the content", async () => {
    const { shop, listing } = await syncedListing();
    await rename(shop.id, "Kettle Deluxe");
    await prisma.listing.update({ where: { id: listing.id }, data: { desiredQuantity: 5 } });
    await contentChanged(shop.id);
    const refusing = amazon("rejected");
    // The quantity goes first; the content waits for a flush with no stock to push.
    const first = await flushChannelAccount(listing.channelId, { prisma, limiter, connectorFor: () => refusing });
    expect([first.rejected, first.more, refusing.contentCalls]).toEqual([0, true, []]);
    const result = await flushChannelAccount(listing.channelId, { prisma, limiter, connectorFor: () => refusing });
    expect(result.rejected).toBe(1);
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([after.syncState, after.pushedQuantity]).toEqual(["IN_SYNC", 5]);
    expect(readDesiredContent(after.desiredContent)!.issues).toEqual([
      { field: "channel", severity: "error", message: "refused by the channel: 8541: item_name too promotional" },
    ]);
    expect(readPushedContent(after.pushedContent).fields).toEqual({ title: "Acme Kettle" });
    // Not sent again while the content is unchanged.
    const again = amazon();
    await prisma.listing.update({ where: { id: listing.id }, data: { syncState: "PENDING" } });
    await flushChannelAccount(listing.channelId, { prisma, limiter, connectorFor: () => again });
    expect(again.contentCalls).toEqual([]);
  });

  it("given a listing held for a parity review, new content waits with it instead of releasing the hold", async () => {
    const { shop, listing } = await syncedListing();
    await prisma.listing.update({ where: { id: listing.id }, data: { syncState: "HELD" } });
    await rename(shop.id, "Kettle Max");
    const flushes: string[] = [];
    await contentChanged(shop.id, async (id) => void flushes.push(id));
    const after = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect([after.syncState, readDesiredContent(after.desiredContent)!.fields.title, flushes]).toEqual(["HELD", "Acme Kettle Max", []]);
  });
});

describe("the first push to a newly linked listing", () => {
  it("given a Walmart item with its own description, key features and images and a channel that syncs only titles, when the listing is linked, its content computed by the recompute job and flushed, then Walmart gets the title alone and keeps the rest", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    // The product has everything a Walmart item could take: only the merchant's choice keeps it back.
    await prisma.product.update({
      where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "10" } },
      data: { descriptionHtml: "<p>Shopify's words.</p><p>Boils fast.</p>", content: { images: [{ src: "https://cdn.example.com/kettle.jpg" }] } },
    });
    const own = {
      productName: "Walmart Kettle",
      shortDescription: "Walmart's own words",
      keyFeatures: ["Walmart's own bullet"],
      mainImageUrl: "https://i5.walmartimages.com/own.jpg",
      brand: "House",
    };
    const credentials = { clientId: `wm-${shop.id}`, clientSecret: "s" };
    const sim = await startWalmartSimulator({
      accounts: [{ ...credentials, listings: [{ sku: "WM-KET-RED", quantity: 1, priceCents: 4999, productType: "Kettles", content: own }] }],
      feedDelayMs: 5,
    });
    try {
      const walmart = await prisma.channel.create({
        data: {
          shopId: shop.id,
          kind: "WALMART",
          accountId: credentials.clientId,
          name: "Walmart",
          priority: 3,
          settings: { content: { fields: { title: true, description: false, bullets: false, images: false, brand: false } } },
        },
      });
      const flushes: string[] = [];
      const linked = await linkListings(shop.domain, walmart.id, [{ sku: "KET-RED", channelSku: "WM-KET-RED" }], "merchant", { prisma });
      await recomputeMarkedContent(shop.id, { sql: sqlFor(), prisma, requestFlush: async (id) => void flushes.push(id) });
      expect([linked, flushes]).toEqual([{ ok: true, linked: 1 }, [walmart.id]]);

      const connector = createWalmartConnector(
        { accountId: credentials.clientId, credentials, endpoints: { api: sim.url } },
        { feedPolling: { intervalMs: 5, timeoutMs: 3000 } },
      );
      const result = await flushChannelAccount(walmart.id, { prisma, limiter, connectorFor: () => connector });

      expect(result.accepted).toBe(1);
      expect(sim.feeds(credentials.clientId).map((f) => f.feedType)).toEqual(["MP_MAINTENANCE"]);
      expect(sim.account(credentials.clientId).listings.get("WM-KET-RED")!.content).toEqual({ ...own, productName: "Acme Kettle" });
      const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: walmart.id } });
      expect(readPushedContent(listing.pushedContent).fields).toEqual({ productName: "Acme Kettle" });
    } finally {
      await sim.stop();
    }
  });
});
