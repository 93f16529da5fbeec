import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { useInstalledShopifyShops } from "../../test/installed-shopify-shop";
import { eventually } from "../../test/marketplaces";
import { adminClientForShop } from "./admin-client.server";
import { importCatalog } from "./bulk-import.server";

// Shopify's own bundles mirrored: the simulated Shopify holds a variant that requires components
// (2026-10), the bulk import writes it as a bundle with its components, and a change of its
// components in Shopify (products/update, signed, through the app's route and the webhook worker,
// its payload naming none) is read from the Admin API, written, and the bundle's listings marked
// for the recompute.

const shops = useInstalledShopifyShops();

/** Three products of one variant each: the bundle, a mug and a box. */
async function installedShop() {
  const installed = await shops.install({
    label: "bundles",
    catalog: { products: 3, variantsPerProduct: 1, locations: 1, seed: 11 },
  });
  const [bundle, mug, box] = installed.state.products.map((p) => p.variants[0]);
  return { ...installed, bundle, mug, box };
}

/** The bundle's make-up as the mirror holds it: [component SKU, units per bundle], by SKU. */
async function mirroredComponents(shopId: string, bundleShopifyId: string) {
  const variant = await prisma.variant.findFirstOrThrow({
    where: { shopId, shopifyId: bundleShopifyId },
    include: { components: { include: { component: { select: { sku: true } } } } },
  });
  return {
    isBundle: variant.isBundle,
    shopifyBundle: variant.shopifyBundle,
    components: variant.components.map((c) => [c.component.sku, c.unitsPerBundle]).sort(),
  };
}

describe("Shopify's bundles mirrored", () => {
  it("given a variant Shopify bundles as 2 × a mug and 1 × a box, when the catalog is imported, then the mirror holds it as a Shopify bundle with those components", async () => {
    const { domain, shop, simulator, bundle, mug, box } = await installedShop();
    simulator.store.setVariantComponents(domain, bundle.id, [
      { variantId: mug.id, quantity: 2 },
      { variantId: box.id, quantity: 1 },
    ]);

    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });

    expect(await mirroredComponents(shop.id, bundle.id)).toEqual({
      isBundle: true,
      shopifyBundle: true,
      components: [
        [box.sku, 1],
        [mug.sku, 2],
      ].sort(),
    });
    expect((await mirroredComponents(shop.id, mug.id)).isBundle).toBe(false);
  });

  it("given an imported Shopify bundle listed on eBay, when its components change in Shopify and then are removed, then products/update brings each change into the mirror and marks the bundle's listing stale", async () => {
    const { domain, shop, simulator, bundle, mug, box } = await installedShop();
    simulator.store.setVariantComponents(domain, bundle.id, [{ variantId: mug.id, quantity: 2 }]);
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: bundle.id } });
    const channel = await prisma.channel.create({ data: { shopId: shop.id, kind: "EBAY", accountId: "bundles", name: "eBay" } });
    const listing = await prisma.listing.create({
      data: { shopId: shop.id, channelId: channel.id, variantId: variant.id, channelSku: "KIT-EBAY", staleSince: null },
    });

    // When the merchant makes it 3 mugs and a box in Shopify
    simulator.store.setVariantComponents(domain, bundle.id, [
      { variantId: mug.id, quantity: 3 },
      { variantId: box.id, quantity: 1 },
    ]);
    // The handler writes the components before it marks the listings stale (after the collections'
    // re-read): both are waited for, so the checks below read the delivery's whole work. Marked means
    // stale, or recomputed already: the test files share the queues, and another file's recompute
    // worker may take this shop's job and clear the mark before a poll sees it (seen in CI).
    let versionBefore = 0;
    const marked = async () => {
      const now = await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } });
      return now.staleSince !== null || now.desiredVersion > versionBefore;
    };
    await eventually(async () => (await mirroredComponents(shop.id, bundle.id)).components.length === 2 && (await marked()));

    // Then the mirror has Shopify's components, and the bundle's listing waits for the recompute
    expect(await mirroredComponents(shop.id, bundle.id)).toEqual({
      isBundle: true,
      shopifyBundle: true,
      components: [
        [box.sku, 1],
        [mug.sku, 3],
      ].sort(),
    });
    const delivery = simulator.deliveries.log.at(-1)!;
    expect([delivery.topic, delivery.status]).toEqual(["products/update", 200]);
    expect(JSON.parse(delivery.body)).toMatchObject({ has_variants_that_requires_components: true });
    expect(await marked()).toBe(true);

    // When the bundle is taken apart in Shopify, the mirror sells the variant as itself again
    const settled = await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });
    versionBefore = settled.desiredVersion;
    simulator.store.setVariantComponents(domain, bundle.id, []);
    await eventually(async () => !(await mirroredComponents(shop.id, bundle.id)).isBundle && (await marked()));
    expect(await mirroredComponents(shop.id, bundle.id)).toEqual({ isBundle: false, shopifyBundle: false, components: [] });
    expect(await marked()).toBe(true);
  });

  it("given a bundle one of whose components is not mirrored yet, when products/update arrives, then the bundle is not counted from its other part: the delivery fails and is retried, and is applied whole once the component is mirrored", async () => {
    const { domain, shop, simulator, bundle, mug, box } = await installedShop();
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });
    // The box's product is not in the mirror (its products/create still on its way).
    await prisma.variant.deleteMany({ where: { shopId: shop.id, shopifyId: box.id } });

    simulator.store.setVariantComponents(domain, bundle.id, [
      { variantId: mug.id, quantity: 2 },
      { variantId: box.id, quantity: 1 },
    ]);
    const delivery = () => prisma.webhookDelivery.findFirst({ where: { shopDomain: domain, topic: "PRODUCTS_UPDATE" }, orderBy: { receivedAt: "desc" } });
    await eventually(async () => (await delivery())?.state === "FAILED");
    expect((await delivery())?.error).toContain("is not in the mirror yet");
    expect(await mirroredComponents(shop.id, bundle.id)).toEqual({ isBundle: false, shopifyBundle: false, components: [] });

    // The box arrives (here by the reconciliation); the retried delivery then succeeds.
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10, kind: "reconcile" });
    await eventually(async () => (await delivery())?.state === "PROCESSED", 20_000);
    expect(await mirroredComponents(shop.id, bundle.id)).toEqual({
      isBundle: true,
      shopifyBundle: true,
      components: [
        [box.sku, 1],
        [mug.sku, 2],
      ].sort(),
    });
  });

  it("given a kit the merchant made in the app, when the catalog is imported again, then the import leaves it as it is", async () => {
    const { domain, shop, bundle, mug } = await installedShop();
    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10 });
    const [kit, component] = await Promise.all([bundle.id, mug.id].map((id) => prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: id } })));
    await prisma.variant.update({ where: { id: kit.id }, data: { isBundle: true } });
    await prisma.bundleComponent.create({ data: { shopId: shop.id, bundleId: kit.id, componentId: component.id, unitsPerBundle: 2 } });

    await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 10, kind: "reconcile" });

    expect(await mirroredComponents(shop.id, bundle.id)).toEqual({ isBundle: true, shopifyBundle: false, components: [[mug.sku, 2]] });
  });
});
