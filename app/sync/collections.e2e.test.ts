import { describe, expect, it } from "vitest";
import { importBufferRules } from "~/csv/bulk-csv.server";
import prisma from "~/db.server";
import { eventually, MARKETPLACES, type LinkedVariant } from "../../test/marketplaces";
import { useWorkersRig } from "../../test/workers-rig";

// A collection-scoped buffer through the real workers and the four marketplace simulators: the
// merchant keeps 3 units back on eBay for the products of their "Fragile" collection in Shopify.
// Only those products' eBay listings lose the 3 units; a product the merchant adds to the
// collection in Shopify loses them too, once collections/update has brought the change.

const FRAGILE_BUFFER = 3;
const STOCK = 10;
const setUp = useWorkersRig({ catalog: { products: 3, variantsPerProduct: 1, locations: 1 } });

const everywhere = (v: LinkedVariant) => MARKETPLACES.map((m) => setUp.rig.quantityOn(m, v));
/** Amazon, eBay, Walmart, TikTok: the whole pool, but eBay's 3 fewer for a fragile product. */
const expected = (fragile: boolean) => MARKETPLACES.map((m) => (m === "ebay" && fragile ? STOCK - FRAGILE_BUFFER : STOCK));

describe("a collection-scoped buffer end to end", () => {
  it("given a Fragile collection in Shopify and an eBay buffer of 3 on it set by CSV, when linked, then only its product's eBay listing shows 3 fewer; when the merchant adds another product to it in Shopify, that one's eBay listing follows", async () => {
    const [fragile, plain, later] = setUp.rig.variants;
    const location = setUp.rig.shopify.store.shop(setUp.rig.domain).locations[0].id;
    for (const v of setUp.rig.variants) setUp.rig.shopify.store.setAvailable(setUp.rig.domain, v.itemShopifyId, location, STOCK);

    // Given the merchant's Fragile collection in Shopify, brought to the mirror by collections/create
    const collection = setUp.rig.shopify.store.createCollection(setUp.rig.domain, { title: "Fragile", productIds: [fragile.productShopifyId] });
    await eventually(async () => (await prisma.collectionProduct.count({ where: { shopId: setUp.rig.shopId } })) === 1, 15_000, "the collection mirrored");
    // And an eBay buffer of 3 units on it, imported from the merchant's CSV
    const imported = await importBufferRules(
      setUp.rig.domain,
      `channel,applies_to,target,kind,units\r\n${setUp.rig.channels.ebay.name},collection,${collection.handle},fixed,${FRAGILE_BUFFER}\r\n`,
      "merchant:e2e",
    );
    expect(imported).toEqual({ ok: true, created: 1, updated: 0 });

    // When the listings are linked and pushed
    await setUp.rig.linkAll();
    await eventually(
      async () =>
        JSON.stringify(everywhere(fragile)) === JSON.stringify(expected(true)) &&
        JSON.stringify(everywhere(later)) === JSON.stringify(expected(false)) &&
        (await prisma.listing.count({ where: { shopId: setUp.rig.shopId, syncState: { not: "IN_SYNC" } } })) === 0,
      60_000,
      "the first push with the collection's buffer",
    );
    // Then only the collection's product is buffered, and only on eBay
    expect(everywhere(fragile)).toEqual(expected(true));
    expect(everywhere(plain)).toEqual(expected(false));
    expect(everywhere(later)).toEqual(expected(false));

    // When the merchant adds another product to the collection in Shopify
    setUp.rig.shopify.store.changeCollectionProducts(setUp.rig.domain, collection.id, { add: [later.productShopifyId] });

    // Then collections/update brings it into the mirror and its eBay listing loses the 3 units too
    await eventually(() => setUp.rig.quantityOn("ebay", later) === STOCK - FRAGILE_BUFFER, 30_000, "the added product buffered on eBay");
    expect(everywhere(later)).toEqual(expected(true));
    expect(everywhere(plain)).toEqual(expected(false));
    const topics = setUp.rig.shopify.deliveries.log.filter((d) => d.topic.startsWith("collections/")).map((d) => [d.topic, d.status]);
    expect(topics).toEqual([
      ["collections/create", 200],
      ["collections/update", 200],
    ]);
  });

  it("given a smart collection on the tag 'glass' and a Walmart buffer of 2 on it, when the merchant tags a product 'glass' in Shopify, then products/update alone brings it in and its Walmart listing shows 2 fewer", async () => {
    const [, plain] = setUp.rig.variants;
    await setUp.rig.shopify.deliveries.settled();
    const walmartBefore = setUp.rig.quantityOn("walmart", plain);
    expect(walmartBefore).toBe(STOCK);
    // Given a smart collection in Shopify (its products are whatever carries the tag) and the rule
    const glass = setUp.rig.shopify.store.createCollection(setUp.rig.domain, {
      title: "Glassware",
      rules: [{ column: "TAG", relation: "EQUALS", condition: "glass" }],
    });
    await eventually(
      async () => (await prisma.collection.count({ where: { shopId: setUp.rig.shopId, handle: glass.handle, smart: true } })) === 1,
      15_000,
      "the smart collection mirrored",
    );
    const imported = await importBufferRules(
      setUp.rig.domain,
      `channel,applies_to,target,kind,units\r\n${setUp.rig.channels.walmart.name},collection,${glass.handle},fixed,2\r\n`,
      "merchant:e2e",
    );
    expect(imported).toEqual({ ok: true, created: 1, updated: 0 });
    const sent = setUp.rig.shopify.deliveries.log.length;

    // When the merchant tags the product in Shopify
    setUp.rig.shopify.store.updateProduct(setUp.rig.domain, plain.productShopifyId, { tags: ["glass"] });

    // Then its Walmart listing loses 2 units, from products/update alone (Shopify sends no collections/update for it)
    await eventually(() => setUp.rig.quantityOn("walmart", plain) === STOCK - 2, 30_000, "the tagged product buffered on Walmart");
    expect(everywhere(plain)).toEqual(MARKETPLACES.map((m) => (m === "walmart" ? STOCK - 2 : STOCK)));
    expect(setUp.rig.shopify.deliveries.log.slice(sent).map((d) => d.topic)).toEqual(["products/update"]);
  });
});
