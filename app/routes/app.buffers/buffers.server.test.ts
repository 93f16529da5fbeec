import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { seedShopWithEveryModel } from "../../../test/factories";
import { previewBufferRule, saveBufferRule } from "./buffers.server";

afterAll(async () => {
  await queues().close();
});

describe("the buffer rule preview", () => {
  it("shows exactly the quantity the recompute stores once the rule is saved", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    // A tag rule for every channel: more specific than Amazon's channel default, so it replaces it
    const form = { scope: "tag", scopeRef: "kitchen", kind: "percent", percent: "50" };
    const preview = await previewBufferRule(shop.domain, form);
    if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
    // Amazon's velocity buffer counts eBay's 1 sold today: ceil(1.5 × (0.1/day × 2 days + 4)) = 7, so 5; half of 12 leaves 6
    expect(preview.rows.map((r) => [r.listingId, r.before, r.after])).toEqual([[listing.id, 5, 6]]);

    // A 75% rule holds 9
    const deeper = await previewBufferRule(shop.domain, { ...form, percent: "75" });
    if (!deeper.ok) throw new Error(JSON.stringify(deeper.errors));
    expect(deeper.rows[0]).toMatchObject({ before: 5, after: 3 });

    expect(await saveBufferRule(shop.domain, { ...form, percent: "75" }, "merchant:test")).toMatchObject({ ok: true });
    await recomputeStaleListings(shop.id);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).desiredQuantity).toBe(3);
  });

  it("counts every listing a rule applies to but computes only a page of them", async () => {
    const { shop, channels, variant } = await seedShopWithEveryModel(prisma);
    await prisma.listing.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: `EB-${i}` })),
    });
    const preview = await previewBufferRule(shop.domain, { channelId: channels.ebay.id, scope: "channel", kind: "fixed", units: "1" });
    if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
    expect(preview.affected).toBe(30);
    expect(preview.rows).toHaveLength(25);
    expect(preview.note).toBe("Showing the first 25 of 30 listings this rule applies to.");
  });

  it("given an Amazon listing the marketplace ships (FBA) beside an eBay listing, when a rule for every channel is previewed, then the FBA row shows no quantity before or after (no buffer moves it) and the eBay row its numbers", async () => {
    // Given
    const { shop, listing, channels, variant } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { fulfilledByMarketplace: true } });
    const ebay = await prisma.listing.create({ data: { shopId: shop.id, channelId: channels.ebay.id, variantId: variant.id, channelSku: "EB-KET" } });
    // When
    const preview = await previewBufferRule(shop.domain, { scope: "tag", scopeRef: "kitchen", kind: "fixed", units: "2" });
    // Then
    if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
    expect(preview.rows.find((r) => r.listingId === listing.id)).toMatchObject({ before: null, after: null });
    expect(preview.rows.find((r) => r.listingId === ebay.id)).toMatchObject({ before: 5, after: 5 });
  });
});
