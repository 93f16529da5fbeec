import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { sqlFor } from "~/lib/sql.server";
import { queues } from "~/queues.server";
import { recomputeMarkedContent } from "~/recompute/content-step.server";
import { seedShopWithEveryModel } from "../../test/factories";
import { linkListings } from "./listing-links.server";

afterAll(async () => {
  await queues().close();
});

describe("linking marketplace listings to Shopify variants", () => {
  it("given SKUs the store has, when links are saved, then each listing points at its variant, is marked for the engine, and a recompute is queued", async () => {
    const { shop, variant, channels } = await seedShopWithEveryModel(prisma);

    const result = await linkListings(
      shop.domain,
      channels.ebay.id,
      [
        { sku: "KET-RED", channelSku: "EB-KET-RED", externalId: "110553" },
        { sku: "KET-2", channelSku: "EB-KET-2" },
      ],
      "merchant",
    );

    expect(result).toEqual({ ok: true, linked: 2 });
    const listings = await prisma.listing.findMany({
      where: { channelId: channels.ebay.id },
      orderBy: { channelSku: "asc" },
      include: { variant: { select: { sku: true } } },
    });
    expect(listings.map((l) => [l.channelSku, l.variant.sku, l.externalId, l.staleSince !== null])).toEqual([
      ["EB-KET-2", "KET-2", null, true],
      ["EB-KET-RED", "KET-RED", "110553", true],
    ]);
    expect(listings[1].variantId).toBe(variant.id);
    const waiting = await queues().recompute.getJobs(["waiting", "delayed", "prioritized"]);
    expect(waiting.some((job) => job.data.shopId === shop.id)).toBe(true);
  });

  it("given a product with a title, when its variant is linked on eBay, then the recompute job computes its content for the outbox and asks the channel to flush", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);
    // eBay requires a description and a picture before it takes content: this product has both.
    await prisma.product.update({
      where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "10" } },
      data: { descriptionHtml: "<p>Boils fast.</p>", content: { images: [{ src: "https://cdn.example.com/k.jpg" }] } },
    });
    const flushes: string[] = [];

    await linkListings(shop.domain, channels.ebay.id, [{ sku: "KET-RED", channelSku: "EB-KET-RED" }], "merchant", { prisma });
    await recomputeMarkedContent(shop.id, { sql: sqlFor(), prisma, requestFlush: async (id) => void flushes.push(id) });

    const listing = await prisma.listing.findFirstOrThrow({ where: { channelId: channels.ebay.id } });
    expect(listing.desiredContent).toMatchObject({
      fields: { title: "Kettle", brand: "Acme", description: "Boils fast.", imageUrls: ["https://cdn.example.com/k.jpg"] },
    });
    expect([listing.syncState, flushes]).toEqual(["PENDING", [channels.ebay.id]]);
    // The Amazon listing of the same product was not linked now: its content waits for its own trigger.
    expect((await prisma.listing.findFirstOrThrow({ where: { channelId: channels.amazon.id } })).desiredContent).toBeNull();
  });

  it("given a file with an unknown SKU, an empty field and a repeated channel SKU, when saved, then nothing is linked and every problem is named by line and field", async () => {
    const { shop, channels } = await seedShopWithEveryModel(prisma);

    const result = await linkListings(
      shop.domain,
      channels.ebay.id,
      [
        { sku: "KET-RED", channelSku: "EB-1" },
        { sku: "NOPE", channelSku: "EB-2" },
        { sku: "KET-2", channelSku: " " },
        { sku: "KET-2", channelSku: "EB-1" },
      ],
      "merchant",
    );

    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 3, field: "channelSku", message: "Channel SKU is required" },
        { line: 2, field: "sku", message: "No variant in the store has SKU NOPE" },
        { line: 4, field: "channelSku", message: "Channel SKU EB-1 is already on line 1" },
      ],
    });
    expect(await prisma.listing.count({ where: { channelId: channels.ebay.id } })).toBe(0);
  });

  it("given another shop's channel, when links are saved against it, then it is refused as not found", async () => {
    const mine = await seedShopWithEveryModel(prisma);
    const theirs = await seedShopWithEveryModel(prisma);

    await expect(linkListings(mine.shop.domain, theirs.channels.ebay.id, [{ sku: "KET-RED", channelSku: "X" }], "merchant")).rejects.toThrow(
      "Channel not found",
    );
    expect(await prisma.listing.count({ where: { channelId: theirs.channels.ebay.id } })).toBe(0);
  });
});
