import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify/server";
import { createAdminClient, type AdminClient } from "./admin-client.server";
import { CATALOG_BULK_QUERY, LEVELS_BULK_QUERY } from "./bulk-import.server";

// The importer reads Shopify's bulk JSONL by the shape of each line (which keys are inline, which
// object a `__parentId` names). These stories pin that shape for the importer's own two queries,
// as Shopify documents it ("Perform bulk operations with the GraphQL Admin API": one line per node,
// nested connections as separate lines after their parent, other nested objects inline).
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
    const { node } = await client.request<{ node: { status: string; url: string | null } }>(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id });
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
  it("given the catalog query, when it runs, then products are root lines and each variant follows under its product with its inventory item inline", async () => {
    const lines = await runBulk(CATALOG_BULK_QUERY);
    const shop = simulator.store.shop(domain);
    expect(lines).toHaveLength(shop.products.length + shop.variants.length);

    let currentProduct: string | null = null;
    for (const line of lines) {
      if (line.id.startsWith("gid://shopify/Product/")) {
        expect(line.__parentId).toBeUndefined();
        expect(line).not.toHaveProperty("variants");
        currentProduct = line.id;
        continue;
      }
      // A variant comes after its product, and names it
      expect(line.__parentId).toBe(currentProduct);
      const variant = shop.variants.find((v) => `gid://shopify/ProductVariant/${v.id}` === line.id)!;
      expect(line).toMatchObject({
        sku: variant.sku,
        price: variant.price,
        compareAtPrice: variant.compareAtPrice,
        selectedOptions: [
          { name: "Size", value: expect.any(String) },
          { name: "Color", value: expect.any(String) },
        ],
        inventoryItem: {
          id: `gid://shopify/InventoryItem/${variant.inventoryItem.id}`,
          tracked: true,
          sku: variant.sku,
          requiresShipping: true,
          unitCost: { amount: variant.inventoryItem.cost },
        },
      });
    }
    const product = lines[0];
    const first = shop.products[0];
    expect(product).toMatchObject({ id: `gid://shopify/Product/${first.id}`, title: first.title, handle: first.handle, vendor: first.vendor, status: first.status, tags: first.tags });
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
