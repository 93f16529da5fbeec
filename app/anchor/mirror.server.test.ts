import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { uniqueShopDomain } from "../../test/factories";
import {
  levelKey,
  levelsSeen,
  upsertInventoryItems,
  upsertInventoryLevels,
  upsertLocations,
  upsertProducts,
  upsertVariants,
  writeLevelsRead,
} from "./mirror.server";
import { markChanged } from "~/recompute/index.server";

async function mirroredShop() {
  const shop = await prisma.shop.create({ data: { domain: uniqueShopDomain() } });
  await upsertLocations(prisma, shop.id, [
    { shopifyId: "1", name: "Warehouse", isActive: true },
    { shopifyId: "2", name: "Showroom", isActive: true },
  ]);
  await upsertProducts(shop.id, [{ shopifyId: "10", title: "Kettle", tags: ["kitchen", "gift"], status: "ACTIVE" }]);
  await upsertVariants(shop.id, [
    { shopifyId: "100", productShopifyId: "10", title: "Red", sku: "KET-RED", priceCents: 4999 },
    { shopifyId: "101", productShopifyId: "10", title: "Two-pack", sku: "KET-2", priceCents: 8999 },
  ]);
  await upsertInventoryItems(shop.id, [
    { shopifyId: "9007199254740993", variantShopifyId: "100", sku: "KET-RED", tracked: true, costCents: 2000, requiresShipping: true },
  ]);
  return shop;
}

describe("the mirror", () => {
  it("stores products, variants, items and levels with exact ids and reports what moved", async () => {
    // Given a mirrored catalog
    const shop = await mirroredShop();
    // When levels arrive, then again with one change
    const first = await upsertInventoryLevels(shop.id, [
      { itemShopifyId: "9007199254740993", locationShopifyId: "1", available: 7, shopifyUpdatedAt: "2026-11-22T10:00:00Z" },
      { itemShopifyId: "9007199254740993", locationShopifyId: "2", available: 3, shopifyUpdatedAt: "2026-11-22T10:00:00Z" },
    ]);
    const second = await upsertInventoryLevels(shop.id, [
      { itemShopifyId: "9007199254740993", locationShopifyId: "1", available: 5, shopifyUpdatedAt: "2026-11-22T10:05:00Z" },
      { itemShopifyId: "9007199254740993", locationShopifyId: "2", available: 3, shopifyUpdatedAt: "2026-11-22T10:05:00Z" },
    ]);
    // Then the first write is two new levels, the second one change, and the tags and ids are exact
    expect(first.changes.map((c) => [c.before, c.after]).sort()).toEqual([
      [null, 3],
      [null, 7],
    ]);
    expect(second.changes.map((c) => [c.before, c.after])).toEqual([[7, 5]]);
    const item = await prisma.inventoryItem.findFirstOrThrow({
      where: { shopId: shop.id },
      include: { levels: { include: { location: true } }, variant: { include: { product: true } } },
    });
    expect(item.shopifyId).toBe("9007199254740993");
    expect(item.variant.product.tags).toEqual(["kitchen", "gift"]);
    expect(item.levels.map((l) => [l.location.name, l.available]).sort()).toEqual([
      ["Showroom", 3],
      ["Warehouse", 5],
    ]);
  });

  it("ignores a level report older than the one it holds (webhooks can arrive out of order)", async () => {
    const shop = await mirroredShop();
    await upsertInventoryLevels(shop.id, [
      { itemShopifyId: "9007199254740993", locationShopifyId: "1", available: 4, shopifyUpdatedAt: "2026-11-22T10:05:00Z" },
    ]);
    const late = await upsertInventoryLevels(shop.id, [
      { itemShopifyId: "9007199254740993", locationShopifyId: "1", available: 9, shopifyUpdatedAt: "2026-11-22T10:00:00Z" },
    ]);
    expect(late.changes).toEqual([]);
    expect((await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id } })).available).toBe(4);
  });

  it("given two reports of one level in the same second, when the later one (by X-Shopify-Triggered-At) is written first, then the earlier one does not overwrite it", async () => {
    const shop = await mirroredShop();
    const report = (available: number, triggeredAt: string) => ({
      itemShopifyId: "9007199254740993",
      locationShopifyId: "1",
      available,
      shopifyUpdatedAt: "2026-11-22T10:05:00Z",
      triggeredAt,
    });
    await upsertInventoryLevels(shop.id, [report(7, "2026-11-22T10:05:00.100000Z")]);
    const later = await upsertInventoryLevels(shop.id, [report(5, "2026-11-22T10:05:00.600001Z")]);
    const earlier = await upsertInventoryLevels(shop.id, [report(6, "2026-11-22T10:05:00.600000Z")]);

    expect(later.changes.map((c) => [c.before, c.after])).toEqual([[7, 5]]);
    expect([earlier.changes, earlier.undecided]).toEqual([[], []]);
    expect((await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id } })).available).toBe(5);
  });

  it("given a level from a source without a sub-second order (a bulk export), when a report of the same second says another quantity, then it is handed back undecided and the mirror keeps what it holds", async () => {
    const shop = await mirroredShop();
    const level = { itemShopifyId: "9007199254740993", locationShopifyId: "1", shopifyUpdatedAt: "2026-11-22T10:05:00Z" };
    await upsertInventoryLevels(shop.id, [{ ...level, available: 4 }]);
    const same = await upsertInventoryLevels(shop.id, [{ ...level, available: 4, triggeredAt: "2026-11-22T10:05:00.5Z" }]);
    const other = await upsertInventoryLevels(shop.id, [{ ...level, available: 9, triggeredAt: "2026-11-22T10:05:00.5Z" }]);

    expect([same.changes, same.undecided]).toEqual([[], []]);
    expect(other.changes).toEqual([]);
    expect(other.undecided).toEqual([{ ...level, available: 9, triggeredAt: "2026-11-22T10:05:00.5Z" }]);
    expect((await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id } })).available).toBe(4);
  });

  it("given a level read from Shopify, when a delivery of the same second wrote it while it was read, then the read does not overwrite it and is handed back to be read again", async () => {
    const { id: shopId } = await mirroredShop();
    const level = { itemShopifyId: "9007199254740993", locationShopifyId: "1", shopifyUpdatedAt: "2026-11-22T10:05:00Z" };
    await upsertInventoryLevels(shopId, [{ ...level, available: 4, triggeredAt: "2026-11-22T10:05:00.1Z" }]);
    // Looked at before the read
    const seen = (await levelsSeen(shopId, [level.itemShopifyId])).get(levelKey(level.itemShopifyId, "1"))!;
    expect(seen.available).toBe(4);
    // Meanwhile a delivery of the same second
    await new Promise((r) => setTimeout(r, 5));
    await upsertInventoryLevels(shopId, [{ ...level, available: 2, triggeredAt: "2026-11-22T10:05:00.9Z" }]);

    const raced = await writeLevelsRead(shopId, [{ ...level, available: 3, seen }]);
    expect(raced.changes).toEqual([]);
    expect(raced.raced.map((r) => r.available)).toEqual([3]);
    expect((await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId } })).available).toBe(2);

    // Read again, with nothing written meanwhile: Shopify's answer is written, and a later second always is
    const again = await writeLevelsRead(shopId, [
      { ...level, available: 3, seen: (await levelsSeen(shopId, [level.itemShopifyId])).get(levelKey(level.itemShopifyId, "1"))! },
    ]);
    expect(again.changes.map((c) => [c.before, c.after])).toEqual([[2, 3]]);
    const later = await writeLevelsRead(shopId, [{ ...level, shopifyUpdatedAt: "2026-11-22T10:05:01Z", available: 8, seen }]);
    expect(later.changes.map((c) => [c.before, c.after])).toEqual([[3, 8]]);
    expect(await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId } })).toMatchObject({ available: 8, triggeredAt: null });
  });

  it("returns what it cannot place yet instead of dropping it", async () => {
    const shop = await mirroredShop();
    const levels = await upsertInventoryLevels(shop.id, [{ itemShopifyId: "404", locationShopifyId: "1", available: 1 }]);
    const variants = await upsertVariants(shop.id, [{ shopifyId: "500", productShopifyId: "404", title: "Orphan", priceCents: 100 }]);
    expect(levels.unresolved).toHaveLength(1);
    expect(variants.unresolved).toEqual(["500"]);
  });

  it("given records without some fields (a webhook that lacks them), when written, then the mirror keeps what it held for those fields and writes the others", async () => {
    // Given a kettle whose item is untracked and costs 20.00
    const shop = await mirroredShop();
    await upsertInventoryItems(shop.id, [{ shopifyId: "9007199254740993", variantShopifyId: "100", tracked: false }]);
    await prisma.product.updateMany({ where: { shopId: shop.id }, data: { vendor: "Acme" } });
    // When a product, a variant and the item arrive with some fields only
    await upsertProducts(shop.id, [{ shopifyId: "10", title: "Kettle Pro", status: "UNLISTED" }]);
    await upsertVariants(shop.id, [{ shopifyId: "100", productShopifyId: "10", sku: "KET-RED-2" }]);
    const items = await upsertInventoryItems(shop.id, [{ shopifyId: "9007199254740993", variantShopifyId: "100", sku: "KET-RED-2" }]);
    // Then what they carried is written, and tracked, cost, price, barcode-less fields and tags stay
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "100" }, include: { inventoryItem: true, product: true } });
    expect([variant.product.title, variant.product.status, variant.product.vendor, variant.product.tags]).toEqual([
      "Kettle Pro",
      "UNLISTED",
      "Acme",
      ["kitchen", "gift"],
    ]);
    expect([variant.sku, variant.title, variant.priceCents]).toEqual(["KET-RED-2", "Red", 4999]);
    expect(variant.inventoryItem).toMatchObject({ sku: "KET-RED-2", tracked: false, costCents: 2000, requiresShipping: true });
    expect(items).toEqual({ changedVariantIds: [], unresolved: [], incomplete: [] });
  });

  it("given a new inventory item without its tracked flag or cost, when written, then it is not mirrored with a guess but handed back as incomplete", async () => {
    const shop = await mirroredShop();
    const written = await upsertInventoryItems(shop.id, [
      { shopifyId: "31", variantShopifyId: "101", sku: "KET-2" },
      { shopifyId: "32", variantShopifyId: "101", sku: "KET-2", tracked: true, requiresShipping: true },
    ]);
    expect(written.incomplete.sort()).toEqual(["31", "32"]);
    expect(await prisma.inventoryItem.count({ where: { shopId: shop.id, shopifyId: { in: ["31", "32"] } } })).toBe(0);
    // A known "no cost" (null) is a value, not a missing field
    const complete = await upsertInventoryItems(shop.id, [
      { shopifyId: "31", variantShopifyId: "101", sku: "KET-2", tracked: false, costCents: null, requiresShipping: true },
    ]);
    expect(complete.incomplete).toEqual([]);
    expect(await prisma.inventoryItem.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "31" } })).toMatchObject({ tracked: false, costCents: null });
  });

  it("given an item's unit cost changed in Shopify, then its variant is reported changed (its margin floors move), and the same cost again reports nothing", async () => {
    const shop = await mirroredShop();
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "100" } });
    const same = await upsertInventoryItems(shop.id, [{ shopifyId: "9007199254740993", variantShopifyId: "100", costCents: 2000 }]);
    const dearer = await upsertInventoryItems(shop.id, [{ shopifyId: "9007199254740993", variantShopifyId: "100", costCents: 3200 }]);
    const unknown = await upsertInventoryItems(shop.id, [{ shopifyId: "9007199254740993", variantShopifyId: "100", costCents: null }]);
    expect([same.changedVariantIds, dearer.changedVariantIds, unknown.changedVariantIds]).toEqual([[], [variant.id], [variant.id]]);
  });

  it("reports a variant as repriced only when its price changed", async () => {
    const shop = await mirroredShop();
    const same = await upsertVariants(shop.id, [{ shopifyId: "100", productShopifyId: "10", title: "Red", sku: "KET-RED", priceCents: 4999 }]);
    const cheaper = await upsertVariants(shop.id, [{ shopifyId: "100", productShopifyId: "10", title: "Red", sku: "KET-RED", priceCents: 4499 }]);
    expect(same.repriced).toEqual([]);
    expect(cheaper.repriced).toHaveLength(1);
  });
});

describe("marking listings stale after a stock change", () => {
  it("marks the variant's and its bundles' listings on channels that count the location, and no others", async () => {
    // Given a kettle and a two-pack bundle, listed on Amazon and eBay; eBay may not use the showroom
    const shop = await mirroredShop();
    const [single, bundle] = await Promise.all([
      prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "100" } }),
      prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "101" } }),
    ]);
    await prisma.bundleComponent.create({ data: { shopId: shop.id, bundleId: bundle.id, componentId: single.id, unitsPerBundle: 2 } });
    const amazon = await prisma.channel.create({ data: { shopId: shop.id, kind: "AMAZON", accountId: "A1", name: "Amazon" } });
    const ebay = await prisma.channel.create({ data: { shopId: shop.id, kind: "EBAY", accountId: "e1", name: "eBay" } });
    const showroom = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "2" } });
    const warehouse = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "1" } });
    await prisma.locationChannel.create({ data: { shopId: shop.id, locationId: showroom.id, channelId: ebay.id, eligible: false } });
    for (const channel of [amazon, ebay]) {
      for (const variant of [single, bundle]) {
        await prisma.listing.create({ data: { shopId: shop.id, channelId: channel.id, variantId: variant.id, channelSku: `${variant.sku}-${channel.kind}` } });
      }
    }
    // When the kettle's stock moves in the showroom
    const marked = await markChanged(shop.id, { kind: "stock", at: [{ variantId: single.id, locationId: showroom.id }] }, { prisma });
    // Then only Amazon's two listings (kettle and bundle) are stale
    const stale = await prisma.listing.findMany({ where: { shopId: shop.id, staleSince: { not: null } }, select: { channelSku: true } });
    expect(marked).toBe(2);
    expect(stale.map((l) => l.channelSku).sort()).toEqual(["KET-2-AMAZON", "KET-RED-AMAZON"]);

    // And a move in a location that is not saleable marks nothing
    await prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    await prisma.location.update({ where: { id: warehouse.id }, data: { saleable: false } });
    expect(await markChanged(shop.id, { kind: "stock", at: [{ variantId: single.id, locationId: warehouse.id }] }, { prisma })).toBe(0);
  });
});
