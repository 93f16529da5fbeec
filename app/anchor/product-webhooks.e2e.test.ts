import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { productPayload } from "../../simulators/shopify/webhooks";
import { useInstalledShopifyShops } from "../../test/installed-shopify-shop";
import { eventually } from "../../test/marketplaces";
import { adminClientForShop } from "./admin-client.server";
import { importCatalog } from "./bulk-import.server";

// products/create and products/update as Shopify sends them from 2026-04 (no tracked flag, no
// cost, the first 100 variants in full), end to end: the simulated Shopify signs and sends them,
// the app's route stores and queues them, the webhook worker applies them to the mirror.
const shops = useInstalledShopifyShops();

/** A shop installed in the app, in a simulated Shopify of its own whose webhooks reach the app. */
async function installedShop(catalog: { products: number; variantsPerProduct: number; seed: number; variantsAt?: Record<number, number> }) {
  return shops.install({ label: "products", catalog: { ...catalog, locations: 2 } });
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

describe("products/* webhooks of 2026-04 applied to the mirror", () => {
  it("given an imported product whose item is not tracked and has a cost, when the merchant renames it in Shopify, then the mirror keeps tracked off and the cost (the payload carries neither)", async () => {
    // Given a store whose first variant's item is untracked (a gift card, a service) and imported
    const { domain, shop, simulator, state } = await installedShop({ products: 2, variantsPerProduct: 2, seed: 8 });
    const product = state.products[0];
    const [untracked, tracked] = product.variants;
    untracked.inventoryItem.tracked = false;
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });
    const item = (variantShopifyId: string) => prisma.inventoryItem.findFirstOrThrow({ where: { shopId: shop.id, variant: { shopifyId: variantShopifyId } } });
    expect(await item(untracked.id)).toMatchObject({ tracked: false, costCents: cents(untracked.inventoryItem.cost) });

    // When its title changes in Shopify (products/update, signed, through the route and the worker)
    simulator.store.updateProduct(domain, product.id, { title: "Renamed in Shopify" });
    await eventually(async () => (await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: product.id } })).title === "Renamed in Shopify");

    // Then tracked and cost are as Shopify holds them, not defaulted
    expect(await item(untracked.id)).toMatchObject({ tracked: false, costCents: cents(untracked.inventoryItem.cost), requiresShipping: true });
    expect(await item(tracked.id)).toMatchObject({ tracked: true, costCents: cents(tracked.inventoryItem.cost) });
    const delivery = simulator.deliveries.log.at(-1)!;
    expect([delivery.topic, delivery.status]).toEqual(["products/update", 200]);
    expect(delivery.body).not.toContain("inventory_management");
  });

  it("given a product with 130 variants created in Shopify, when products/create arrives with the first 100 in full, then all 130 variants are mirrored with their items' cost", async () => {
    const { shop, simulator, state } = await installedShop({ products: 1, variantsPerProduct: 1, seed: 4, variantsAt: { 0: 130 } });
    const product = state.products[0];

    simulator.deliveries.publish(state, "products/create", productPayload(product));
    await eventually(async () => (await prisma.inventoryItem.count({ where: { shopId: shop.id } })) === 130);

    expect(JSON.parse(simulator.deliveries.log.at(-1)!.body).variants).toHaveLength(100);
    const mirrored = await prisma.variant.findMany({ where: { shopId: shop.id }, include: { inventoryItem: true } });
    expect(mirrored).toHaveLength(130);
    for (const variant of product.variants) {
      const row = mirrored.find((m) => m.shopifyId === variant.id)!;
      expect([row.sku, row.priceCents, row.inventoryItem?.shopifyId, row.inventoryItem?.costCents, row.inventoryItem?.tracked]).toEqual([
        variant.sku,
        cents(variant.price),
        variant.inventoryItem.id,
        cents(variant.inventoryItem.cost),
        true,
      ]);
    }
    expect(simulator.deliveries.log.at(-1)!.status).toBe(200);
    expect(await prisma.product.findFirstOrThrow({ where: { shopId: shop.id } })).toMatchObject({ shopifyId: product.id, status: product.status });
  });

  it("given an imported product with 130 variants, when the price of its 120th variant changes in Shopify, then the mirror has the new price although the payload carries only the first 100", async () => {
    const { domain, shop, simulator, state } = await installedShop({ products: 1, variantsPerProduct: 1, seed: 6, variantsAt: { 0: 130 } });
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });
    const variant = state.products[0].variants[119];
    const mirroredPrice = async () => (await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: variant.id } })).priceCents;
    expect(await mirroredPrice()).toBe(cents(variant.price));

    simulator.store.updateVariant(domain, variant.id, { price: "123.45" });
    await eventually(async () => (await mirroredPrice()) === 12345);

    const delivery = simulator.deliveries.log.at(-1)!;
    expect([delivery.topic, delivery.status]).toEqual(["products/update", 200]);
    expect(delivery.body).not.toContain(`"id":${variant.id},`);
  });
});
