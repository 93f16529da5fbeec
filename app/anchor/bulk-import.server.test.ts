import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { uniqueShopDomain } from "../../test/factories";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify/server";
import { createAdminClient, type AdminClient } from "./admin-client.server";
import { importCatalog, LEVELS_BULK_QUERY, PRODUCTS_BULK_QUERY, VARIANTS_BULK_QUERY } from "./bulk-import.server";
import { parkInventoryUpdate } from "./parked.server";

// The importer reads Shopify's bulk JSONL by the shape of each line (which keys are inline, which
// object a `__parentId` names). These stories pin that shape for the importer's own queries, as
// Shopify documents it ("Perform bulk operations with the GraphQL Admin API": one line per node,
// nested connections as separate lines naming their parent, other nested objects inline).
const domain = "bulk-shapes.myshopify.com";
let simulator: ShopifySimulator;
let client: AdminClient;

type Line = Record<string, unknown> & { id: string; __parentId?: string };

async function runBulk(query: string): Promise<Line[]> {
  const started = await client.request<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: unknown[] } }>(
    `mutation($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { field message } } }`,
    { query },
  );
  expect(started.bulkOperationRunQuery.userErrors).toEqual([]);
  const id = started.bulkOperationRunQuery.bulkOperation!.id;
  for (;;) {
    const { node } = await client.request<{ node: { status: string; url: string | null } }>(
      `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`,
      { id },
    );
    if (node.status === "COMPLETED") {
      const text = await (await fetch(node.url!)).text();
      return text
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as Line);
    }
    expect(["CREATED", "RUNNING"]).toContain(node.status);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  simulator = await startShopifySimulator({
    apiSecret: "bulk-shapes",
    shops: [{ domain, accessToken: "shpat_bulk", catalog: { products: 12, variantsPerProduct: 3, locations: 3, seed: 21 } }],
    // Several windows, so lines of one product or item never straddle a window wrongly.
    bulk: { windowSize: 5 },
  });
  client = createAdminClient({ shopDomain: domain, accessToken: "shpat_bulk", origin: simulator.url });
});

afterAll(() => simulator.stop());

describe("the importer's bulk queries on the simulated Shopify", () => {
  it("given the products query, when it runs, then each product is one root line with its fields", async () => {
    const lines = await runBulk(PRODUCTS_BULK_QUERY);
    const shop = simulator.store.shop(domain);
    expect(lines).toEqual(
      shop.products.map((p) => ({
        id: `gid://shopify/Product/${p.id}`,
        title: p.title,
        handle: p.handle,
        vendor: p.vendor,
        productType: p.productType,
        tags: p.tags,
        status: p.status,
        descriptionHtml: expect.any(String),
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      })),
    );
  });

  it("given the variants query, when it runs, then each variant is one root line naming its product and carrying its inventory item inline", async () => {
    const lines = await runBulk(VARIANTS_BULK_QUERY);
    const shop = simulator.store.shop(domain);
    expect(lines).toHaveLength(shop.variants.length);
    for (const [index, variant] of shop.variants.entries()) {
      expect(lines[index]).toEqual({
        id: `gid://shopify/ProductVariant/${variant.id}`,
        title: variant.title,
        sku: variant.sku,
        barcode: variant.barcode,
        price: variant.price,
        compareAtPrice: variant.compareAtPrice,
        selectedOptions: [
          { name: "Size", value: expect.any(String) },
          { name: "Color", value: expect.any(String) },
        ],
        product: { id: `gid://shopify/Product/${variant.product.id}` },
        inventoryItem: {
          id: `gid://shopify/InventoryItem/${variant.inventoryItem.id}`,
          tracked: true,
          sku: variant.sku,
          requiresShipping: true,
          unitCost: { amount: variant.inventoryItem.cost },
        },
        // No variant of this store is a bundle: no component lines follow.
        requiresComponents: false,
      });
    }
  });

  it("given the levels query, when it runs, then each stocked level is a line under its inventory item with location and quantities inline", async () => {
    const lines = await runBulk(LEVELS_BULK_QUERY);
    const shop = simulator.store.shop(domain);
    const stocked = shop.items.flatMap((item) => shop.locations.filter((location) => item.levels[location.slot]).map((location) => ({ item, location })));
    const levels = lines.filter((line) => line.id.startsWith("gid://shopify/InventoryLevel/"));
    expect(lines).toHaveLength(shop.items.length + stocked.length);
    expect(levels).toHaveLength(stocked.length);

    for (const [index, { item, location }] of stocked.entries()) {
      const quantities = simulator.store.getLevel(domain, item.id, location.id)!;
      expect(levels[index]).toEqual({
        id: `gid://shopify/InventoryLevel/${location.id}?inventory_item_id=${item.id}`,
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        location: { id: `gid://shopify/Location/${location.id}` },
        quantities: [
          { name: "available", quantity: quantities.available },
          { name: "on_hand", quantity: quantities.on_hand },
          { name: "committed", quantity: quantities.committed },
        ],
        __parentId: `gid://shopify/InventoryItem/${item.id}`,
      });
    }
  });
});

describe("product statuses of 2026-10", () => {
  it("given a store with ACTIVE, DRAFT and UNLISTED products, when it is imported and reconciled, then both succeed and the mirror holds each product's status", async () => {
    const shopDomain = uniqueShopDomain("statuses");
    const sim = await startShopifySimulator({
      apiSecret: "statuses",
      shops: [{ domain: shopDomain, accessToken: "shpat_statuses", catalog: { products: 40, variantsPerProduct: 1, locations: 1, seed: 7 } }],
    });
    try {
      await prisma.shop.create({ data: { domain: shopDomain } });
      const shopifyClient = createAdminClient({ shopDomain, accessToken: "shpat_statuses", origin: sim.url });
      const products = sim.store.shop(shopDomain).products;
      expect(new Set(products.map((p) => p.status))).toEqual(new Set(["ACTIVE", "DRAFT", "UNLISTED"]));

      const imported = await importCatalog(shopDomain, shopifyClient, { pollIntervalMs: 5 });
      const reconciled = await importCatalog(shopDomain, shopifyClient, { pollIntervalMs: 5, kind: "reconcile" });

      expect([imported.products, reconciled.products]).toEqual([40, 40]);
      const mirrored = await prisma.product.findMany({ where: { shop: { domain: shopDomain } }, select: { shopifyId: true, status: true } });
      expect(Object.fromEntries(mirrored.map((p) => [p.shopifyId, p.status]))).toEqual(Object.fromEntries(products.map((p) => [p.id, p.status])));
      const runs = await prisma.importRun.findMany({ where: { shop: { domain: shopDomain } }, select: { state: true } });
      expect(runs.map((r) => r.state)).toEqual(["COMPLETED", "COMPLETED"]);
    } finally {
      await sim.stop();
    }
  });
});

describe("reconciliation", () => {
  it("given an imported store whose Shopify levels moved without webhooks, when it is reconciled, then exactly those levels are drift and the mirror equals Shopify again", async () => {
    // Given a store imported in small batches, written two at a time
    const shopDomain = uniqueShopDomain("reconcile");
    const sim = await startShopifySimulator({
      apiSecret: "reconcile",
      shops: [{ domain: shopDomain, accessToken: "shpat_reconcile", catalog: { products: 30, variantsPerProduct: 2, locations: 3, seed: 5 } }],
    });
    try {
      await prisma.shop.create({ data: { domain: shopDomain } });
      const shopifyClient = createAdminClient({ shopDomain, accessToken: "shpat_reconcile", origin: sim.url });
      const first = await importCatalog(shopDomain, shopifyClient, { pollIntervalMs: 5, batchSize: 7, concurrency: 2 });
      expect(first.drift).toEqual([]);

      // When three levels change in Shopify (no webhook reaches the app) and the shop is reconciled
      const shop = sim.store.shop(shopDomain);
      const stocked = shop.items.flatMap((item) => shop.locations.filter((location) => item.levels[location.slot]).map((location) => ({ item, location })));
      const moved = [stocked[0], stocked[17], stocked[40]].map(({ item, location }) => ({ item, location, before: item.levels[location.slot]!.available }));
      for (const [n, { item, location }] of moved.entries()) sim.store.setAvailable(shopDomain, item.id, location.id, 500 + n);
      const reconciled = await importCatalog(shopDomain, shopifyClient, { pollIntervalMs: 5, batchSize: 7, concurrency: 2, kind: "reconcile" });

      // Then the drift names exactly those levels, with before and after
      const mirrored = await prisma.inventoryLevel.findMany({
        where: { shop: { domain: shopDomain } },
        select: {
          available: true,
          locationId: true,
          inventoryItem: { select: { shopifyId: true, variantId: true } },
          location: { select: { shopifyId: true } },
        },
      });
      const idsOf = (itemShopifyId: string, locationShopifyId: string) => {
        const row = mirrored.find((m) => m.inventoryItem.shopifyId === itemShopifyId && m.location.shopifyId === locationShopifyId)!;
        return { variantId: row.inventoryItem.variantId, locationId: row.locationId };
      };
      expect(reconciled.drift.map((d) => ({ ...d })).sort((a, b) => a.after - b.after)).toEqual(
        moved.map(({ item, location, before }, n) => ({ ...idsOf(item.id, location.id), before, after: 500 + n })),
      );
      // And the mirror equals Shopify at every stocked level
      expect(mirrored).toHaveLength(stocked.length);
      for (const { item, location } of stocked) {
        const row = mirrored.find((m) => m.inventoryItem.shopifyId === item.id && m.location.shopifyId === location.id)!;
        expect(row.available).toBe(item.levels[location.slot]!.available);
      }
      const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shop: { domain: shopDomain }, action: "mirror.drift_repaired" } });
      expect(audit.details).toMatchObject({ levels: 3 });
    } finally {
      await sim.stop();
    }
  });
});

describe("deliveries that came before the import mirrored their item", () => {
  it("given a level delivered while the initial import runs, before its item is mirrored, when the import mirrors the item, then the delivered level (newer than the export's line) is in the mirror", async () => {
    const shopDomain = uniqueShopDomain("parked");
    const sim = await startShopifySimulator({
      apiSecret: "parked",
      shops: [{ domain: shopDomain, accessToken: "shpat_parked", catalog: { products: 3, variantsPerProduct: 1, locations: 1, seed: 2, stockedRatio: 1 } }],
    });
    try {
      const shop = await prisma.shop.create({ data: { domain: shopDomain } });
      const shopifyClient = createAdminClient({ shopDomain, accessToken: "shpat_parked", origin: sim.url });
      const state = sim.store.shop(shopDomain);
      const [item, location] = [state.items[1], state.locations[0]];
      // A change after the export read the level, whose delivery came before the item was mirrored
      const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000).toISOString();
      await parkInventoryUpdate(shop.id, "delivered-during-import", {
        itemShopifyId: item.id,
        level: { locationShopifyId: location.id, available: 777, shopifyUpdatedAt: later, triggeredAt: later },
      });

      await importCatalog(shopDomain, shopifyClient, { pollIntervalMs: 5 });

      const level = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id, inventoryItem: { shopifyId: item.id } } });
      expect(level.available).toBe(777);
      expect(await prisma.parkedInventoryUpdate.count({ where: { shopId: shop.id } })).toBe(0);
    } finally {
      await sim.stop();
    }
  });
});
