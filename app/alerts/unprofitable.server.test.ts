import type { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { markChanged } from "~/recompute/index.server";
import { recomputeStaleListings } from "~/recompute/recompute.server";
import { uniqueShopDomain } from "../../test/factories";
import { UNPROFITABLE_GROUP_AT, unprofitableChannelKey, unprofitableListingKey } from "./unprofitable.server";

// Through real PostgreSQL and the real recompute service: a cost or a fee changes, the listings
// are recomputed, their margins are written, and the unprofitable alert is raised or resolved.

afterAll(async () => {
  await queues().close();
});

const noFlush = async () => {};

/** A shop selling `skus` mugs at 49.99 on eBay, each costing 20.00, under eBay's 13.25 % + 0.30 fees, 5.00 shipping and a 10 % minimum margin. */
async function seedShop(db: PrismaClient, skus: number) {
  const shop = await db.shop.create({ data: { domain: uniqueShopDomain("margins"), currencyCode: "USD" } });
  const shopId = shop.id;
  const warehouse = await db.location.create({ data: { shopId, shopifyId: "1", name: "Warehouse" } });
  const product = await db.product.create({ data: { shopId, shopifyId: "10", title: "Mug" } });
  const ebay = await db.channel.create({ data: { shopId, kind: "EBAY", accountId: "e1", name: "eBay US", priority: 1 } });
  const rule = await db.priceRule.create({
    data: { shopId, channelId: ebay.id, scope: "CHANNEL", feeBps: 1325, fixedFeeCents: 30, shippingCents: 500, minMarginBps: 1000 },
  });
  const variants = [];
  for (let i = 0; i < skus; i++) {
    const variant = await db.variant.create({
      data: { shopId, productId: product.id, shopifyId: String(100 + i), title: `Size ${i}`, sku: `MUG-${i}`, priceCents: 4999 },
    });
    const item = await db.inventoryItem.create({ data: { shopId, shopifyId: String(1000 + i), variantId: variant.id, costCents: 2000 } });
    await db.inventoryLevel.create({ data: { shopId, inventoryItemId: item.id, locationId: warehouse.id, available: 10 } });
    const listing = await db.listing.create({ data: { shopId, channelId: ebay.id, variantId: variant.id, channelSku: `MUG-${i}`, staleSince: new Date() } });
    variants.push({ variant, item, listing });
  }
  return { shopId, ebay, rule, variants };
}

type Seeded = Awaited<ReturnType<typeof seedShop>>;

/** The cost changes in Shopify (as the inventory_items/update handler writes it), then the recompute runs. */
async function costBecomes(seeded: Seeded, index: number, costCents: number) {
  const { variant, item } = seeded.variants[index];
  await prisma.inventoryItem.update({ where: { id: item.id }, data: { costCents } });
  await markChanged(seeded.shopId, { kind: "catalog", variantIds: [variant.id] }, { prisma });
  await recomputeStaleListings(seeded.shopId, { prisma, requestFlush: noFlush });
}

const alertsOf = (shopId: string) => prisma.alert.findMany({ where: { shopId, kind: "UNPROFITABLE" }, orderBy: { createdAt: "asc" } });

describe("the unprofitable alert", () => {
  it("given a mug priced above its floor, when its cost rises in Shopify past what the price covers, then one alert names the SKU, channel, price, floor and why; recomputing again raises no second one; when the cost drops back it resolves itself", async () => {
    const seeded = await seedShop(prisma, 1);
    await recomputeStaleListings(seeded.shopId, { prisma, requestFlush: noFlush });
    const listingId = seeded.variants[0].listing.id;
    expect(await prisma.listingMargin.findUniqueOrThrow({ where: { listingId } })).toMatchObject({
      priceCents: 4999,
      feeCents: 692,
      shippingCents: 500,
      costCents: 2000,
      marginCents: 1807,
      floorCents: 3297,
      unprofitable: false,
    });
    expect(await alertsOf(seeded.shopId)).toEqual([]);

    // The floor passes the price: (35.00 + 0.30 + 5.00) / 0.7675 = 52.51 > 49.99.
    await costBecomes(seeded, 0, 3500);
    const [alert] = await alertsOf(seeded.shopId);
    expect(alert).toMatchObject({ state: "OPEN", dedupeKey: unprofitableListingKey(listingId), listingId, channelId: seeded.ebay.id });
    expect(alert.title).toBe("MUG-0 on eBay US is under its floor: 49.99 against a floor of 52.51");
    expect(alert.facts).toEqual({ sku: "MUG-0", channel: "eBay US", price: "49.99 USD", floor: "52.51 USD", why: "cost rose from 20.00 to 35.00 in Shopify" });
    // The listing's price did not move, so no new desired state; its margin row did, and its explanation (the "Why?") says so.
    const listing = await prisma.listing.findUniqueOrThrow({ where: { id: listingId } });
    expect(listing.desiredVersion).toBe(1);
    expect((listing.explanation as { priceNotices: { message: string }[] }).priceNotices.map((n) => n.message)).toEqual([
      "Price 49.99 is under the fee-inclusive floor of 52.51",
    ]);
    expect(await prisma.listingMargin.findUniqueOrThrow({ where: { listingId } })).toMatchObject({
      unprofitable: true,
      alerted: true,
      marginCents: 4999 - 692 - 500 - 3500,
    });

    await costBecomes(seeded, 0, 3600);
    expect((await alertsOf(seeded.shopId)).map((a) => a.state)).toEqual(["OPEN"]);

    await costBecomes(seeded, 0, 2000);
    const [resolved] = await alertsOf(seeded.shopId);
    expect(resolved.state).toBe("RESOLVED");
    expect(resolved.resolvedAt).not.toBeNull();
    expect(await prisma.listingMargin.findUniqueOrThrow({ where: { listingId } })).toMatchObject({ unprofitable: false, alerted: false, cause: null });
  });

  it(`given ${UNPROFITABLE_GROUP_AT + 2} mugs on eBay, when the merchant raises eBay's fee so every one falls under its floor, then one alert for the channel counts them; when the fee comes back down it resolves`, async () => {
    const count = UNPROFITABLE_GROUP_AT + 2;
    const seeded = await seedShop(prisma, count);
    await recomputeStaleListings(seeded.shopId, { prisma, requestFlush: noFlush });
    expect(await alertsOf(seeded.shopId)).toEqual([]);

    await prisma.priceRule.update({ where: { id: seeded.rule.id }, data: { feeBps: 4000 } });
    await markChanged(seeded.shopId, { kind: "channels", channelIds: [seeded.ebay.id] }, { prisma });
    await recomputeStaleListings(seeded.shopId, { prisma, requestFlush: noFlush });
    const alerts = await alertsOf(seeded.shopId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      dedupeKey: unprofitableChannelKey(seeded.ebay.id),
      title: `${count} listings on eBay US are under their fee-inclusive floor`,
    });
    expect(alerts[0].facts).toMatchObject({ listingsUnderFloor: count, turnedNow: count });
    expect((alerts[0].facts as { examples: string[] }).examples[0]).toBe("MUG-0 at 49.99 (floor 50.60): fees changed from 6.92 to 20.30");

    await prisma.priceRule.update({ where: { id: seeded.rule.id }, data: { feeBps: 1325 } });
    await markChanged(seeded.shopId, { kind: "channels", channelIds: [seeded.ebay.id] }, { prisma });
    await recomputeStaleListings(seeded.shopId, { prisma, requestFlush: noFlush });
    expect((await alertsOf(seeded.shopId)).map((a) => a.state)).toEqual(["RESOLVED"]);
  });

  it("given a variant with no cost in Shopify, then its margin claims none and no alert is raised", async () => {
    const seeded = await seedShop(prisma, 1);
    await prisma.inventoryItem.update({ where: { id: seeded.variants[0].item.id }, data: { costCents: null } });
    await recomputeStaleListings(seeded.shopId, { prisma, requestFlush: noFlush });
    expect(await prisma.listingMargin.findUniqueOrThrow({ where: { listingId: seeded.variants[0].listing.id } })).toMatchObject({
      costCents: null,
      marginCents: null,
      floorCents: null,
      unprofitable: false,
    });
    expect(await alertsOf(seeded.shopId)).toEqual([]);
  });
});
