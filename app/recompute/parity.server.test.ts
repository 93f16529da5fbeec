import { afterAll, describe, expect, it } from "vitest";
import { moreViolationsAlertKey, VIOLATION_ALERTS_PER_EDGE } from "~/alerts/parity-held.server";
import { ensureStoreChannel } from "~/channels/store-channel.server";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { uniqueShopDomain } from "../../test/factories";
import { markChanged } from "./index.server";
import { recomputeStaleListings } from "./recompute.server";

// Standing violations through real PostgreSQL: raised per variant and edge after a recompute,
// at most VIOLATION_ALERTS_PER_EDGE one by one on an edge, then one alert for the rest; all
// resolved when the prices agree again.

afterAll(async () => {
  await queues().close();
});

describe("violations that stand after a recompute", () => {
  it("given 12 variants whose Shopify price drops 20% under the MAP Amazon keeps, when recomputed, then 10 pages name one variant each and one says there are more; when the prices are back, every one is resolved", async () => {
    const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("standing") } });
    const shopId = shop.id;
    const amazon = await prisma.channel.create({ data: { shopId, kind: "AMAZON", accountId: "A1", name: "Amazon US", priority: 1 } });
    const store = await ensureStoreChannel(prisma, shopId);
    const product = await prisma.product.create({ data: { shopId, shopifyId: "1", title: "Mug" } });
    const variantIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      // Shopify 40.00, MAP 50.00: Amazon may not show less than 50.00, and shows it already
      const variant = await prisma.variant.create({
        data: { shopId, productId: product.id, shopifyId: `v${i}`, title: `Size ${i}`, sku: `MUG-${i}`, priceCents: 4000, mapCents: 5000 },
      });
      variantIds.push(variant.id);
      await prisma.listing.create({
        data: { shopId, channelId: amazon.id, variantId: variant.id, channelSku: `MUG-${i}`, pushedPriceCents: 5000, staleSince: new Date() },
      });
    }
    await recomputeStaleListings(shopId, { requestFlush: async () => {} });

    const open = await prisma.alert.findMany({ where: { shopId, kind: "PARITY_VIOLATION", state: "OPEN" }, orderBy: { dedupeKey: "asc" } });
    const perVariant = open.filter((a) => a.dedupeKey.startsWith("parity:"));
    expect(perVariant).toHaveLength(VIOLATION_ALERTS_PER_EDGE);
    expect(perVariant[0]!.title).toMatch(/^MUG-\d+ is cheaper on Shopify store \(\$40\.00\) than on Amazon US \(\$50\.00\)$/);
    const more = open.find((a) => a.dedupeKey === moreViolationsAlertKey(amazon.id, store.id));
    expect(more?.title).toBe("More than 10 variants are cheaper on Shopify store than on Amazon US: see Pricing, parity violations live now");
    expect(more?.facts).toMatchObject({ notPagedOneByOne: 2 });
    expect(open).toHaveLength(VIOLATION_ALERTS_PER_EDGE + 1);

    // Recomputed again with nothing changed: nothing new pages
    await markChanged(shopId, { kind: "catalog", variantIds }, { prisma });
    await recomputeStaleListings(shopId, { requestFlush: async () => {} });
    expect(await prisma.alert.count({ where: { shopId, kind: "PARITY_VIOLATION" } })).toBe(VIOLATION_ALERTS_PER_EDGE + 1);

    // Shopify back at 50.00: no violation stands, every alert is resolved
    await prisma.variant.updateMany({ where: { shopId }, data: { priceCents: 5000 } });
    await markChanged(shopId, { kind: "catalog", variantIds }, { prisma });
    await recomputeStaleListings(shopId, { requestFlush: async () => {} });
    expect(await prisma.alert.count({ where: { shopId, kind: "PARITY_VIOLATION", state: { not: "RESOLVED" } } })).toBe(0);
  });

  it("given a launched 10 % coupon on eBay (its list price never pushed) and Amazon watching eBay, when recomputed before, during and after its window, then only during it does Amazon's violation stand: raised at the start, resolved at the end", async () => {
    const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain("coupon") } });
    const shopId = shop.id;
    const amazon = await prisma.channel.create({ data: { shopId, kind: "AMAZON", accountId: "A1", name: "Amazon US", priority: 1 } });
    const ebay = await prisma.channel.create({ data: { shopId, kind: "EBAY", accountId: "e1", name: "eBay US", priority: 2 } });
    await prisma.parityEdge.create({ data: { shopId, watcherId: amazon.id, watchedId: ebay.id } });
    const product = await prisma.product.create({ data: { shopId, shopifyId: "1", title: "Mug" } });
    const variant = await prisma.variant.create({ data: { shopId, productId: product.id, shopifyId: "v1", title: "Red", sku: "MUG-RED", priceCents: 5000 } });
    for (const channel of [amazon, ebay]) {
      await prisma.listing.create({
        data: { shopId, channelId: channel.id, variantId: variant.id, channelSku: `MUG-${channel.kind}`, pushedPriceCents: 5000 },
      });
    }
    const startsAt = new Date("2031-05-01T09:00:00Z");
    const endsAt = new Date("2031-05-02T09:00:00Z");
    await prisma.promotion.create({
      data: {
        shopId,
        name: "Clip coupon",
        status: "READY",
        startsAt,
        endsAt,
        discountKind: "COUPON_PERCENT",
        discountValue: 1000,
        reserveUnits: 0,
        channels: { create: [{ shopId, channelId: ebay.id }] },
        variants: { create: [{ shopId, variantId: variant.id }] },
      },
    });
    const recomputeAt = async (at: Date) => {
      await markChanged(shopId, { kind: "catalog", variantIds: [variant.id] }, { prisma });
      await recomputeStaleListings(shopId, { requestFlush: async () => {}, now: () => at });
    };
    const violations = (state: "OPEN" | "RESOLVED") => prisma.alert.findMany({ where: { shopId, kind: "PARITY_VIOLATION", state } });

    await recomputeAt(new Date(startsAt.getTime() - 60_000));
    expect(await violations("OPEN")).toEqual([]);
    const ebayPriceWords = async () => {
      const listing = await prisma.listing.findFirstOrThrow({ where: { shopId, channelId: ebay.id } });
      return ((listing.explanation as { price?: { text: string }[] } | null)?.price ?? []).map((step) => step.text).join(" / ");
    };
    expect(await ebayPriceWords()).not.toContain("Clip coupon");
    await recomputeAt(new Date(startsAt.getTime() + 60_000));
    const [open] = await violations("OPEN");
    expect(open?.title).toBe("MUG-RED is cheaper on eBay US ($45.00) than on Amazon US ($50.00)");
    // "Why?" on eBay shows the coupon, though its price did not move.
    expect(await ebayPriceWords()).toContain("Clip coupon: a 10% coupon at checkout until");
    // Neither list price moved, and nothing is held.
    const listings = await prisma.listing.findMany({ where: { shopId }, select: { desiredPriceCents: true, syncState: true } });
    expect(listings.map((l) => [l.desiredPriceCents, l.syncState === "HELD"])).toEqual([
      [5000, false],
      [5000, false],
    ]);
    await recomputeAt(new Date(endsAt.getTime() + 60_000));
    expect(await violations("OPEN")).toEqual([]);
    expect(await ebayPriceWords()).not.toContain("Clip coupon");
    expect((await violations("RESOLVED")).map((a) => a.id)).toEqual([open!.id]);
  });
});
