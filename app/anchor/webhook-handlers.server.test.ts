import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { parseExactJson } from "~/lib/exact-json";
import { DEFAULT_JOB_OPTIONS, queues } from "~/queues.server";
import { applyWebhookDelivery } from "~/anchor/ingest/webhook-processor.server";
import { WEBHOOK_PAYLOADS } from "~/webhooks/payloads";
import { stringifyExact } from "../../simulators/shopify/ids";
import { startShopifySimulator } from "../../simulators/shopify/server";
import { productPayload } from "../../simulators/shopify/webhooks";
import { seedShopWithEveryModel, uniqueShopDomain } from "../../test/factories";
import type { AdminClient } from "./admin-client.server";
import { upsertLocations } from "./mirror.server";
import { applyCollectionDelete, applyProductUpsert } from "./webhook-handlers.server";

afterAll(async () => {
  await queues().close();
});

async function stored(shopDomain: string, topic: string, payload: object) {
  const webhookId = randomUUID();
  await prisma.webhookDelivery.create({ data: { webhookId, shopDomain, topic, payload } });
  return webhookId;
}

/** A payload as the route stores it: Shopify's JSON text, read with every id exact. */
const asReceived = (payload: unknown) => parseExactJson(stringifyExact(payload)) as object;

/** An Admin API client a handler must not need: the test fails if it asks Shopify anything. */
const noAdminCalls = async (): Promise<AdminClient> => {
  throw new Error("the handler asked the Admin API for something the payload and the mirror already had");
};

/** A products/update body in 2026-04's shape for the seeded kettle (variants 100 and 101). */
function kettleUpdate(overrides: { status?: string; price?: string; tags?: string } = {}) {
  const variant = (id: string, title: string, sku: string, price: string, item: string | null) => ({
    admin_graphql_api_id: `gid://shopify/ProductVariant/${id}`,
    barcode: null,
    compare_at_price: null,
    created_at: "2026-11-01T10:00:00-05:00",
    id,
    inventory_policy: "deny",
    position: 1,
    price,
    product_id: "10",
    sku,
    taxable: true,
    title,
    updated_at: "2026-11-22T10:00:00-05:00",
    option1: title,
    option2: null,
    option3: null,
    image_id: null,
    inventory_item_id: item,
    inventory_quantity: 12,
    old_inventory_quantity: 12,
  });
  return WEBHOOK_PAYLOADS.PRODUCTS_UPDATE.parse({
    admin_graphql_api_id: "gid://shopify/Product/10",
    body_html: "",
    created_at: null,
    handle: "kettle",
    id: "10",
    product_type: "Kitchen",
    published_at: null,
    template_suffix: null,
    title: "Kettle",
    updated_at: "2026-11-22T10:00:00-05:00",
    vendor: "Acme",
    status: overrides.status ?? "active",
    published_scope: "web",
    tags: overrides.tags ?? "kitchen",
    options: [],
    images: [],
    image: null,
    media: [],
    has_variants_that_requires_components: false,
    category: null,
    variants: [variant("100", "Red", "KET-RED", overrides.price ?? "49.99", "1000"), variant("101", "Two-pack", "KET-2", "89.99", "1001")],
    variant_gids: [
      { admin_graphql_api_id: "gid://shopify/ProductVariant/100", updated_at: "2026-11-22T15:00:00.000Z" },
      { admin_graphql_api_id: "gid://shopify/ProductVariant/101", updated_at: "2026-11-22T15:00:00.000Z" },
    ],
  });
}

describe("Shopify's webhooks applied to the mirror", () => {
  it("given a level delivered before its product, when the delivery has run out of retries before products/create arrives, then the newest level is applied once the product is mirrored, its item's tracked flag and cost read from the Admin API", async () => {
    // Given a shop in (simulated) Shopify with one product the mirror does not have yet
    const domain = uniqueShopDomain("created");
    const sim = await startShopifySimulator({
      apiSecret: "created",
      shops: [{ domain, accessToken: "shpat_created", catalog: { products: 1, variantsPerProduct: 1, locations: 1, seed: 3 } }],
    });
    process.env.SHOPIFY_ADMIN_API_ORIGIN = sim.url;
    try {
      const shop = await prisma.shop.create({ data: { domain } });
      await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "installed", accessToken: "shpat_created" } });
      const state = sim.store.shop(domain);
      await upsertLocations(prisma, shop.id, [{ shopifyId: state.locations[0].id, name: state.locations[0].name, isActive: true }]);
      const [variant] = state.variants;
      variant.inventoryItem.tracked = false;
      // And two level updates for its variant (Shopify does not order deliveries: the newer first)
      const levelUpdate = (available: number, updatedAt: string) =>
        stored(
          domain,
          "INVENTORY_LEVELS_UPDATE",
          asReceived({ inventory_item_id: variant.inventoryItem.id, location_id: state.locations[0].id, available, updated_at: updatedAt }),
        );
      const newer = await levelUpdate(9, "2026-11-22T10:00:05Z");
      const older = await levelUpdate(4, "2026-11-22T10:00:00Z");
      // When each is applied as often as its job may try (and the job then stops for good)
      for (let attempt = 0; attempt < (DEFAULT_JOB_OPTIONS.attempts ?? 1); attempt++) {
        for (const webhookId of [newer, older]) await applyWebhookDelivery(webhookId).catch(() => undefined);
      }
      // Then neither failed: each is kept until its item is mirrored
      for (const webhookId of [newer, older]) expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).state).toBe("PROCESSED");
      // And when products/create (2026-04: no tracked flag, no cost) arrives, the newest level is in the mirror
      const product = await stored(domain, "PRODUCTS_CREATE", asReceived(productPayload(state.products[0])));
      expect(await applyWebhookDelivery(product)).toBe("applied");
      const mirrored = await prisma.variant.findFirstOrThrow({
        where: { shopId: shop.id, shopifyId: variant.id },
        include: { inventoryItem: { include: { levels: true } }, product: true },
      });
      expect(mirrored.priceCents).toBe(Math.round(Number(variant.price) * 100));
      expect(mirrored.product.title).toBe(state.products[0].title);
      // The item as Shopify holds it: not tracked, with its cost (the payload has neither)
      expect(mirrored.inventoryItem).toMatchObject({
        shopifyId: variant.inventoryItem.id,
        tracked: false,
        costCents: Math.round(Number(variant.inventoryItem.cost) * 100),
        requiresShipping: true,
      });
      expect(mirrored.inventoryItem?.levels.map((l) => l.available)).toEqual([9]);
      expect(await prisma.parkedInventoryUpdate.count({ where: { shopId: shop.id } })).toBe(0);
    } finally {
      await sim.stop();
    }
  });

  it("given a listed kettle, when a level at a location not mirrored yet arrives before locations/create, then the level is applied when the location arrives and the kettle's listing is marked for recompute", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });
    const level = await stored(
      shop.domain,
      "INVENTORY_LEVELS_UPDATE",
      asReceived({ inventory_item_id: "1000", location_id: "77", available: 6, updated_at: "2026-11-22T10:00:00Z" }),
    );
    for (let attempt = 0; attempt < (DEFAULT_JOB_OPTIONS.attempts ?? 1); attempt++) await applyWebhookDelivery(level).catch(() => undefined);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeNull();

    expect(await applyWebhookDelivery(await stored(shop.domain, "LOCATIONS_CREATE", { id: "77", name: "Pop-up" }))).toBe("applied");

    const popUp = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id, location: { shopifyId: "77" } } });
    expect(popUp.available).toBe(6);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("given inventory_items/update for an item not mirrored yet, when its product arrives later, then the delivery did not fail and the item is as Shopify holds it", async () => {
    const domain = uniqueShopDomain("item-first");
    const sim = await startShopifySimulator({
      apiSecret: "item-first",
      shops: [{ domain, accessToken: "shpat_item_first", catalog: { products: 1, variantsPerProduct: 1, locations: 1, seed: 5 } }],
    });
    process.env.SHOPIFY_ADMIN_API_ORIGIN = sim.url;
    try {
      const shop = await prisma.shop.create({ data: { domain } });
      await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "installed", accessToken: "shpat_item_first" } });
      const state = sim.store.shop(domain);
      const item = state.variants[0].inventoryItem;
      item.cost = "7.25";
      const update = await stored(
        domain,
        "INVENTORY_ITEMS_UPDATE",
        asReceived({ id: item.id, sku: item.sku, tracked: true, cost: "7.25", requires_shipping: true }),
      );
      for (let attempt = 0; attempt < (DEFAULT_JOB_OPTIONS.attempts ?? 1); attempt++) await applyWebhookDelivery(update).catch(() => undefined);
      expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId: update } })).state).toBe("PROCESSED");

      await applyWebhookDelivery(await stored(domain, "PRODUCTS_CREATE", asReceived(productPayload(state.products[0]))));

      expect(await prisma.inventoryItem.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: item.id } })).toMatchObject({ costCents: 725, tracked: true });
      expect(await prisma.parkedInventoryUpdate.count({ where: { shopId: shop.id } })).toBe(0);
    } finally {
      await sim.stop();
    }
  });

  it("given a mirrored kettle that is not tracked and costs 20.00, when a 2026-04 products/update reprices it, then the price moves and tracked and cost stay, without asking the Admin API", async () => {
    const { shop, variant, listing } = await seedShopWithEveryModel(prisma);
    await prisma.inventoryItem.update({ where: { variantId: variant.id }, data: { tracked: false, requiresShipping: false } });
    const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "101" } });
    await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: "1001", variantId: bundle.id, sku: "KET-2", costCents: 3500 } });
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });

    await applyProductUpsert(shop.domain, kettleUpdate({ price: "44.99" }), { prisma, adminClientFor: noAdminCalls });

    const kettle = await prisma.variant.findUniqueOrThrow({ where: { id: variant.id }, include: { inventoryItem: true } });
    expect(kettle.priceCents).toBe(4499);
    expect(kettle.inventoryItem).toMatchObject({ tracked: false, costCents: 2000, requiresShipping: false });
    expect((await prisma.inventoryItem.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "1001" } })).costCents).toBe(3500);
    // The new price moves the kettle's listing
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("given a status no version Anchorline knows, when products/update says so, then the product is mirrored as UNKNOWN, not a failed delivery, and its listings are marked", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "101" } });
    await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: "1001", variantId: bundle.id, sku: "KET-2", costCents: 3500 } });
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });

    await applyProductUpsert(shop.domain, kettleUpdate({ status: "scheduled" }), { prisma, adminClientFor: noAdminCalls });
    expect((await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "10" } })).status).toBe("UNKNOWN");
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();

    await applyProductUpsert(shop.domain, kettleUpdate({ status: "unlisted" }), { prisma, adminClientFor: noAdminCalls });
    expect((await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "10" } })).status).toBe("UNLISTED");
  });

  it("given a mirrored kettle, when products/update adds a hold tag, then every listing of the product is marked; another tag marks none", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "101" } });
    await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: "1001", variantId: bundle.id, sku: "KET-2", costCents: 3500 } });
    const unmark = () => prisma.listing.updateMany({ where: { shopId: shop.id }, data: { staleSince: null } });
    const marked = async () => (await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince !== null;
    await applyProductUpsert(shop.domain, kettleUpdate(), { prisma, adminClientFor: noAdminCalls });
    await unmark();
    await applyProductUpsert(shop.domain, kettleUpdate({ tags: "kitchen, gifts" }), { prisma, adminClientFor: noAdminCalls });
    expect(await marked()).toBe(false);
    await applyProductUpsert(shop.domain, kettleUpdate({ tags: "kitchen, gifts, Anchorline:Release:2031-01-15" }), { prisma, adminClientFor: noAdminCalls });
    expect(await marked()).toBe(true);
    await unmark();
    await applyProductUpsert(shop.domain, kettleUpdate({ tags: "kitchen, gifts" }), { prisma, adminClientFor: noAdminCalls });
    expect(await marked()).toBe(true);
  });

  it("archives a deleted product and marks its listings, so marketplaces are pushed to zero", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await applyWebhookDelivery(await stored(shop.domain, "PRODUCTS_DELETE", { id: "10" }));
    expect((await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "10" } })).status).toBe("ARCHIVED");
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("records the units of a Shopify order once, however often it is delivered", async () => {
    const { shop, variant } = await seedShopWithEveryModel(prisma);
    const order = {
      id: "5550001",
      created_at: "2026-11-22T09:00:00Z",
      line_items: [
        { variant_id: "100", quantity: 2 },
        { variant_id: "100", quantity: 1 },
        { variant_id: null, quantity: 1 },
      ],
    };
    await applyWebhookDelivery(await stored(shop.domain, "ORDERS_CREATE", order));
    await applyWebhookDelivery(await stored(shop.domain, "ORDERS_CREATE", order));
    const sales = await prisma.sale.findMany({ where: { shopId: shop.id, sourceKey: "shopify-order:5550001" } });
    expect(sales.map((s) => [s.variantId, s.quantity])).toEqual([[variant.id, 3]]);
  });

  it("given Amazon's velocity buffer on the kettle, when a store order of it arrives, then the Amazon listing is recomputed; the same order delivered again counts nothing and recomputes nothing", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });
    const order = { id: "5550002", created_at: "2026-11-22T09:00:00Z", line_items: [{ variant_id: "100", quantity: 2 }] };
    await applyWebhookDelivery(await stored(shop.domain, "ORDERS_CREATE", order));
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeInstanceOf(Date);

    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });
    await applyWebhookDelivery(await stored(shop.domain, "ORDERS_CREATE", order));
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeNull();
  });

  it("ignores deliveries for a shop that uninstalled", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.shop.update({ where: { id: shop.id }, data: { uninstalledAt: new Date() } });
    await applyWebhookDelivery(await stored(shop.domain, "LOCATIONS_CREATE", { id: "99", name: "Pop-up" }));
    expect(await prisma.location.count({ where: { shopId: shop.id, shopifyId: "99" } })).toBe(0);
  });
});

describe("Shopify's collections applied to the mirror", () => {
  /** An Admin API that answers the product's collections as given, and records what it was asked. */
  const productInCollections = (asked: string[], nodes: { id: string; handle: string; title: string; smart: boolean }[]) => async (): Promise<AdminClient> =>
    ({
      shopDomain: "fake",
      request: async (query: string) => {
        asked.push(/query (\w+)/.exec(query)?.[1] ?? query);
        return {
          product: {
            collections: {
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: nodes.map((n) => ({
                id: n.id,
                handle: n.handle,
                title: n.title,
                updatedAt: "2026-12-01T10:00:00Z",
                ruleSet: n.smart ? { appliedDisjunctively: false } : null,
              })),
            },
          },
        };
      },
    }) as unknown as AdminClient;

  it("given the kettle listed and in the custom collection kitchen-essentials, when collections/delete arrives, then the collection leaves the mirror and the kettle's listing is marked, without asking the Admin API", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });

    const payload = { id: 20, published_scope: "web", admin_graphql_api_id: "gid://shopify/Collection/20" };
    await applyCollectionDelete(shop.domain, WEBHOOK_PAYLOADS.COLLECTIONS_DELETE.parse(payload), { prisma, adminClientFor: noAdminCalls });

    expect(await prisma.collection.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await prisma.collectionProduct.count({ where: { shopId: shop.id } })).toBe(0);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("given a shop with a smart collection, when products/update arrives for the kettle, then its collections are re-read from the Admin API: it joins the smart one, leaves the one Shopify no longer lists, and its listing is marked", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await prisma.collection.create({ data: { shopId: shop.id, shopifyId: "21", handle: "clearance", title: "Clearance", smart: true } });
    const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "101" } });
    await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: "1001", variantId: bundle.id, sku: "KET-2", costCents: 3500 } });
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });
    const asked: string[] = [];

    await applyProductUpsert(shop.domain, kettleUpdate(), {
      prisma,
      adminClientFor: productInCollections(asked, [{ id: "gid://shopify/Collection/21", handle: "clearance", title: "Clearance", smart: true }]),
    });

    expect(asked).toEqual(["ProductCollectionsForMirror"]);
    const memberships = await prisma.collectionProduct.findMany({ where: { shopId: shop.id }, include: { collection: true } });
    expect(memberships.map((m) => m.collection.handle)).toEqual(["clearance"]);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
  });

  it("given a shop with a smart collection and the kettle's membership unchanged, when products/update arrives, then its listing is not marked for that", async () => {
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await prisma.collection.update({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: "20" } }, data: { smart: true } });
    const bundle = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: "101" } });
    await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: "1001", variantId: bundle.id, sku: "KET-2", costCents: 3500 } });
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: null } });

    await applyProductUpsert(shop.domain, kettleUpdate(), {
      prisma,
      adminClientFor: productInCollections([], [{ id: "gid://shopify/Collection/20", handle: "kitchen-essentials", title: "Kitchen essentials", smart: true }]),
    });

    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeNull();
  });
});
