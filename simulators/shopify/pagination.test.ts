import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import { adminClient, raw, SHOP, simulatorWith, type Raw } from "./test-helpers";

let sim: ShopifySimulator;
let clock = Date.UTC(2025, 5, 1);
beforeAll(async () => {
  sim = await simulatorWith(
    { products: 101, variantsPerProduct: 3, locations: 3, seed: 42 },
    {
      now: () => clock,
      // The clock jumps a month below; these tests are about search, not about token expiry (oauth.test.ts).
      tokens: { accessTokenTtlSeconds: 365 * 24 * 3600 },
    },
  );
});
afterAll(() => sim.stop());

const PAGE = `query Page($after: String) {
  productVariants(first: 50, after: $after) { edges { cursor node { id sku } } pageInfo { hasNextPage endCursor } }
}`;

interface NodeId {
  id: string;
}
interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface LevelNode {
  location: NodeId;
  quantities: { name: string; quantity: number }[];
}
interface VariantNodeResult {
  node: { sku: string; product: NodeId; inventoryItem: { id: string; inventoryLevels: { nodes: LevelNode[] } } };
  nodes: (NodeId | null)[];
}

describe("cursor pagination", () => {
  it("given 303 variants, when they are read 50 at a time following endCursor, then each comes exactly once", async () => {
    const client = adminClient(sim);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      type VariantPage = { productVariants: { edges: { cursor: string; node: NodeId }[]; pageInfo: PageInfo } };
      const res: Raw<VariantPage> = await raw<VariantPage>(client, PAGE, { after });
      const conn = res.data!.productVariants;
      seen.push(...conn.edges.map((e) => e.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(7);
    expect(seen).toHaveLength(303);
    expect(new Set(seen).size).toBe(303);
    expect(seen).toEqual(sim.store.shop(SHOP).variants.map((v) => `gid://shopify/ProductVariant/${v.id}`));
  });

  it("given reverse order, when two pages are read, then they continue without overlap and from the largest id", async () => {
    const client = adminClient(sim);
    const q = `query($after: String) { products(first: 60, reverse: true, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    type ProductPage = { products: { nodes: NodeId[]; pageInfo: PageInfo } };
    const a = (await raw<ProductPage>(client, q)).data!;
    const b = (await raw<ProductPage>(client, q, { after: a.products.pageInfo.endCursor })).data!;
    const ids = [...a.products.nodes, ...b.products.nodes].map((n) => n.id);
    expect(ids).toHaveLength(101);
    expect(new Set(ids).size).toBe(101);
    expect(ids[0]).toBe(`gid://shopify/Product/${sim.store.shop(SHOP).products.at(-1)!.id}`);
    expect(b.products.pageInfo.hasNextPage).toBe(false);
  });

  it("given no first or last, when a connection is read, then Shopify's error comes back", async () => {
    const res = await raw(adminClient(sim), `{ products { nodes { id } } }`);
    expect(res.errors?.[0].message).toBe("you must provide one of first or last");
  });

  it("given a product changed later, when products are filtered by updated_at:>, then only it is returned", async () => {
    const product = sim.store.shop(SHOP).products[17];
    clock = Date.UTC(2025, 6, 1);
    sim.store.updateProduct(SHOP, product.id, { title: "Renamed" });
    const res = await raw<{ products: { nodes: unknown[] } }>(
      adminClient(sim),
      `{ products(first: 10, query: "updated_at:>'2025-06-15T00:00:00Z'") { nodes { id title } } }`,
    );
    expect(res.data!.products.nodes).toEqual([{ id: `gid://shopify/Product/${product.id}`, title: "Renamed" }]);
  });

  it("given a variant GID, when it is read through node and nodes, then product, inventory item and level quantities follow", async () => {
    const v = sim.store.shop(SHOP).variants[4];
    const res = await raw<VariantNodeResult>(
      adminClient(sim),
      `query($id: ID!) {
        node(id: $id) { ... on ProductVariant { sku product { id } inventoryItem { id inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } }
        nodes(ids: [$id, "gid://shopify/ProductVariant/1"]) { id }
      }`,
      { id: `gid://shopify/ProductVariant/${v.id}` },
    );
    expect(res.data!.node.sku).toBe(v.sku);
    expect(res.data!.node.inventoryItem.id).toBe(`gid://shopify/InventoryItem/${v.inventoryItem.id}`);
    const first = res.data!.node.inventoryItem.inventoryLevels.nodes[0];
    const level = sim.store.getLevel(SHOP, v.inventoryItem.id, first.location.id)!;
    expect(first.quantities).toEqual([
      { name: "available", quantity: level.available },
      { name: "on_hand", quantity: level.on_hand },
      { name: "committed", quantity: level.committed },
    ]);
    expect(res.data!.nodes).toEqual([{ id: `gid://shopify/ProductVariant/${v.id}` }, null]);
  });
});
