import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queues } from "~/queues.server";
import { applyWebhookDelivery } from "~/services/webhook-processor.server";
import { seedShopWithEveryModel } from "../../test/factories";

afterAll(async () => {
  await queues().close();
});

async function stored(shopDomain: string, topic: string, payload: object) {
  const webhookId = randomUUID();
  await prisma.webhookDelivery.create({ data: { webhookId, shopDomain, topic, payload } });
  return webhookId;
}

describe("Shopify's webhooks applied to the mirror", () => {
  it("retries a level for a product not mirrored yet, and applies it once the product arrives", async () => {
    // Given a level update for a variant whose products/create has not been applied yet
    const { shop } = await seedShopWithEveryModel(prisma);
    const level = await stored(shop.domain, "INVENTORY_LEVELS_UPDATE", { inventory_item_id: "777", location_id: "2", available: 9, updated_at: "2026-11-22T10:00:00Z" });
    // When it is applied first, it fails (to be retried) and is kept
    await expect(applyWebhookDelivery(level)).rejects.toThrow(/not in the mirror yet/);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: level } })).state).toBe("FAILED");
    // And after the product arrives, the retry applies it
    const product = await stored(shop.domain, "PRODUCTS_CREATE", {
      id: "20",
      title: "Teapot",
      status: "active",
      tags: "kitchen, tea",
      variants: [{ id: "200", title: "Blue", price: "29.50", sku: "TEA-BLU", inventory_item_id: "777", inventory_management: "shopify" }],
    });
    expect(await applyWebhookDelivery(product)).toBe("applied");
    const before = Date.now();
    expect(await applyWebhookDelivery(level)).toBe("applied");
    // The delivery is settled, with the moment it was applied, and a second run applies nothing
    const settled = await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: level } });
    expect([settled.state, settled.error]).toEqual(["PROCESSED", null]);
    expect(settled.processedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(settled.processedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await applyWebhookDelivery(level)).toBe("already-applied");
    const teapot = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, sku: "TEA-BLU" }, include: { inventoryItem: { include: { levels: true } }, product: true } });
    expect(teapot.priceCents).toBe(2950);
    expect(teapot.product.tags).toEqual(["kitchen", "tea"]);
    expect(teapot.inventoryItem?.levels.map((l) => l.available)).toEqual([9]);
  });

  it("archives a deleted product and marks its listings, so marketplaces are pushed to zero", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await applyWebhookDelivery(await stored(shop.domain, "PRODUCTS_DELETE", { id: "10" }));
    expect((await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "10" } })).status).toBe("ARCHIVED");
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("records the units of a Shopify order once, however often it is delivered", async () => {
    const { shop, variant } = await seedShopWithEveryModel(prisma);
    const order = { id: "5550001", created_at: "2026-11-22T09:00:00Z", line_items: [{ variant_id: "100", quantity: 2 }, { variant_id: "100", quantity: 1 }, { variant_id: null, quantity: 1 }] };
    await applyWebhookDelivery(await stored(shop.domain, "ORDERS_CREATE", order));
    await applyWebhookDelivery(await stored(shop.domain, "ORDERS_CREATE", order));
    const sales = await prisma.sale.findMany({ where: { shopId: shop.id, sourceKey: "shopify-order:5550001" } });
    expect(sales.map((s) => [s.variantId, s.quantity])).toEqual([[variant.id, 3]]);
  });

  it("ignores deliveries for a shop that uninstalled", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date() } });
    await applyWebhookDelivery(await stored(shop.domain, "LOCATIONS_CREATE", { id: "99", name: "Pop-up" }));
    expect(await prisma.location.count({ where: { shopId: shop.id, shopifyId: "99" } })).toBe(0);
  });
});
