import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { useInstalledShopifyShops } from "../../test/installed-shopify-shop";
import { eventually } from "../../test/marketplaces";
import { adminClientForShop } from "./admin-client.server";
import { importCatalog } from "./bulk-import.server";

// Collections in the mirror, end to end: the bulk import brings every collection with its
// products; collections/* and products/* webhooks, signed by the simulated Shopify, go through the
// app's route and the webhook worker and keep the membership as Shopify holds it.
const shops = useInstalledShopifyShops();

async function installedShop() {
  return shops.install({
    label: "collections",
    catalog: { products: 5, variantsPerProduct: 2, locations: 1, seed: 12 },
  });
}

/** Each mirrored collection's handle with the Shopify ids of its products, sorted. */
async function mirrored(shopId: string): Promise<Record<string, string[]>> {
  const collections = await prisma.collection.findMany({ where: { shopId }, include: { products: { include: { product: true } } } });
  return Object.fromEntries(collections.map((c) => [c.handle, c.products.map((m) => m.product.shopifyId).sort()]));
}

describe("Shopify's collections in the mirror", () => {
  it("given a custom and a smart collection, when the store is imported, then both are mirrored with their products; when one is emptied and the other deleted in Shopify, a reconciliation follows", async () => {
    const { domain, shop, simulator, state } = await installedShop();
    const [a, b, c] = state.products;
    simulator.store.updateProduct(domain, c.id, { tags: ["sale"] });
    simulator.store.createCollection(domain, { title: "Kitchen", productIds: [a.id, b.id] });
    const smart = simulator.store.createCollection(domain, { title: "On sale", rules: [{ column: "TAG", relation: "EQUALS", condition: "sale" }] });
    await simulator.deliveries.settled();

    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });

    expect(await mirrored(shop.id)).toEqual({ kitchen: [a.id, b.id].sort(), "on-sale": [c.id] });
    expect(await prisma.collection.findFirstOrThrow({ where: { shopId: shop.id, handle: "on-sale" } })).toMatchObject({ smart: true, title: "On sale" });

    // Changes the webhooks would bring, made while no one listens: the reconciliation sees them.
    simulator.deliveries.unsubscribe("collections/update");
    simulator.deliveries.unsubscribe("collections/delete");
    simulator.store.changeCollectionProducts(domain, state.collections[0].id, { remove: [a.id] });
    simulator.store.deleteCollection(domain, smart.id);
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10, kind: "reconcile" });

    expect(await mirrored(shop.id)).toEqual({ kitchen: [b.id] });
  });

  it("given an imported store, when the merchant makes a custom collection, adds a product by hand and deletes it, then collections/* keep the mirror as Shopify holds it", async () => {
    const { domain, shop, simulator, state } = await installedShop();
    const [a, b] = state.products;
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });

    const collection = simulator.store.createCollection(domain, { title: "Gifts", productIds: [a.id] });
    await eventually(async () => JSON.stringify(await mirrored(shop.id)) === JSON.stringify({ gifts: [a.id] }));

    simulator.store.changeCollectionProducts(domain, collection.id, { add: [b.id] });
    await eventually(async () => (await mirrored(shop.id)).gifts?.length === 2);
    expect(await mirrored(shop.id)).toEqual({ gifts: [a.id, b.id].sort() });

    simulator.store.deleteCollection(domain, collection.id);
    await eventually(async () => Object.keys(await mirrored(shop.id)).length === 0);
    expect(await prisma.collectionProduct.count({ where: { shopId: shop.id } })).toBe(0);
    await simulator.deliveries.settled();
    expect(simulator.deliveries.log.map((d) => [d.topic, d.status])).toEqual([
      ["collections/create", 200],
      ["collections/update", 200],
      ["collections/delete", 200],
    ]);
  });

  it("given a smart collection on the tag 'sale', when a product gains the tag in Shopify, then products/update alone brings it into the collection, and losing the tag takes it out", async () => {
    const { domain, shop, simulator, state } = await installedShop();
    const product = state.products[3];
    simulator.store.createCollection(domain, { title: "On sale", rules: [{ column: "TAG", relation: "EQUALS", condition: "sale" }] });
    await simulator.deliveries.settled();
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });
    expect(await mirrored(shop.id)).toEqual({ "on-sale": [] });

    simulator.store.updateProduct(domain, product.id, { tags: ["sale"] });
    await eventually(async () => (await mirrored(shop.id))["on-sale"].length === 1);
    expect(await mirrored(shop.id)).toEqual({ "on-sale": [product.id] });
    expect(simulator.deliveries.log.at(-1)!.topic).toBe("products/update");

    simulator.store.updateProduct(domain, product.id, { tags: [] });
    await eventually(async () => (await mirrored(shop.id))["on-sale"].length === 0);
  });
});
