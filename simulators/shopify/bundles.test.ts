import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifySimulator } from "./server";
import type { StoreEvent } from "./store";
import { adminClient, raw, SHOP, simulatorWith } from "./test-helpers";
import { productPayload } from "./webhooks";

// Shopify's own bundles, as the 2026-10 Admin API holds them: a parent variant that
// `requiresComponents`, its `productVariantComponents` (quantity + the component variant), the
// product's `hasVariantsThatRequiresComponents`, and products/update's
// `has_variants_that_requires_components` (the payload names no components).

let sim: ShopifySimulator;
beforeAll(async () => {
  sim = await simulatorWith({ products: 3, variantsPerProduct: 2, locations: 1, seed: 5 }, { bulk: { windowSize: 2 } });
});
afterAll(() => sim.stop());

const VARIANT_COMPONENTS = `query($id: ID!) {
  productVariant(id: $id) {
    id requiresComponents
    product { hasVariantsThatRequiresComponents }
    productVariantComponents(first: 30) { nodes { id quantity productVariant { id sku } } }
  }
}`;

interface VariantView {
  productVariant: {
    id: string;
    requiresComponents: boolean;
    product: { hasVariantsThatRequiresComponents: boolean };
    productVariantComponents: { nodes: { id: string; quantity: number; productVariant: { id: string; sku: string } }[] };
  };
}

describe("bundles in the simulated Admin API", () => {
  it("given a variant made a bundle of 2 × one variant and 1 × another, when read, then it requires components and lists each with its quantity, and products/update says the product has such variants", async () => {
    const shop = sim.store.shop(SHOP);
    const [bundle, mug, box] = [shop.products[0].variants[0], shop.products[1].variants[0], shop.products[2].variants[0]];
    const events: StoreEvent[] = [];
    sim.store.on("change", (e) => events.push(e));

    sim.store.setVariantComponents(SHOP, bundle.id, [
      { variantId: mug.id, quantity: 2 },
      { variantId: box.id, quantity: 1 },
    ]);

    const read = await raw<VariantView>(adminClient(sim), VARIANT_COMPONENTS, { id: `gid://shopify/ProductVariant/${bundle.id}` });
    expect(read.errors).toBeUndefined();
    const view = read.data!.productVariant;
    expect(view.requiresComponents).toBe(true);
    expect(view.product.hasVariantsThatRequiresComponents).toBe(true);
    expect(view.productVariantComponents.nodes.map((c) => [c.quantity, c.productVariant.sku])).toEqual([
      [2, mug.sku],
      [1, box.sku],
    ]);
    expect(view.productVariantComponents.nodes[0].id).toMatch(/^gid:\/\/shopify\/ProductVariantComponent\/\d+$/);
    expect(events.map((e) => (e.kind === "product" ? [e.action, e.product.id] : e.kind))).toEqual([["update", bundle.product.id]]);
    expect(productPayload(bundle.product).has_variants_that_requires_components).toBe(true);
    expect(productPayload(mug.product).has_variants_that_requires_components).toBe(false);

    // Components removed: the variant is no longer a bundle.
    sim.store.setVariantComponents(SHOP, bundle.id, []);
    const after = await raw<VariantView>(adminClient(sim), VARIANT_COMPONENTS, { id: `gid://shopify/ProductVariant/${bundle.id}` });
    expect(after.data!.productVariant.requiresComponents).toBe(false);
    expect(after.data!.productVariant.productVariantComponents.nodes).toEqual([]);
    expect(productPayload(bundle.product).has_variants_that_requires_components).toBe(false);
  });

  it("given components Shopify refuses (itself, twice, quantity 0, 31 of them, a bundle in a bundle), when set, then each is refused with Shopify's code and nothing changes", () => {
    const shop = sim.store.shop(SHOP);
    const [parent, a, b] = [shop.products[0].variants[1], shop.products[1].variants[1], shop.products[2].variants[1]];
    const set =
      (components: { variantId: string; quantity: number }[], variantId = parent.id) =>
      () =>
        sim.store.setVariantComponents(SHOP, variantId, components);
    expect(set([{ variantId: parent.id, quantity: 1 }])).toThrow(/^CIRCULAR_REFERENCE/);
    expect(
      set([
        { variantId: a.id, quantity: 1 },
        { variantId: a.id, quantity: 2 },
      ]),
    ).toThrow(/^DUPLICATE_PRODUCT_VARIANT_RELATIONSHIP/);
    expect(set([{ variantId: a.id, quantity: 0 }])).toThrow(/^INVALID_QUANTITY/);
    expect(set(Array.from({ length: 31 }, () => ({ variantId: a.id, quantity: 1 })))).toThrow(/^EXCEEDED_PRODUCT_VARIANT_RELATIONSHIP_LIMIT/);
    sim.store.setVariantComponents(SHOP, a.id, [{ variantId: b.id, quantity: 1 }]);
    expect(set([{ variantId: a.id, quantity: 1 }])).toThrow(/^NESTED_PARENT_PRODUCT_VARIANT/);
    expect(set([{ variantId: parent.id, quantity: 1 }], b.id)).toThrow(/^NESTED_PARENT_PRODUCT_VARIANT/);
    expect(parent.requiresComponents ?? false).toBe(false);
    sim.store.setVariantComponents(SHOP, a.id, []);
  });

  it("given a bundle, when the variants are exported in bulk with their components, then each component is a line of its own under its bundle's variant", async () => {
    const shop = sim.store.shop(SHOP);
    const [bundle, mug] = [shop.products[2].variants[1], shop.products[0].variants[1]];
    sim.store.setVariantComponents(SHOP, bundle.id, [{ variantId: mug.id, quantity: 3 }]);
    const client = adminClient(sim);
    const query = `{ productVariants { edges { node { id requiresComponents productVariantComponents { edges { node { id quantity productVariant { id } } } } } } } }`;
    const started = await raw<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: unknown[] } }>(
      client,
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message } } }`,
      { q: query },
    );
    expect(started.data!.bulkOperationRunQuery.userErrors).toEqual([]);
    let url: string | null = null;
    for (let i = 0; i < 200 && !url; i++) {
      const polled = await raw<{ node: { status: string; url: string | null } }>(
        client,
        `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`,
        {
          id: started.data!.bulkOperationRunQuery.bulkOperation!.id,
        },
      );
      if (polled.data!.node.status === "COMPLETED") url = polled.data!.node.url;
      else await new Promise((r) => setTimeout(r, 10));
    }
    const lines = (await (await fetch(url!)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; requiresComponents?: boolean; quantity?: number; productVariant?: { id: string }; __parentId?: string });
    expect(lines.filter((l) => l.requiresComponents).map((l) => l.id)).toEqual([`gid://shopify/ProductVariant/${bundle.id}`]);
    expect(lines.filter((l) => l.id.startsWith("gid://shopify/ProductVariantComponent/")).map((l) => [l.__parentId, l.quantity, l.productVariant?.id])).toEqual(
      [[`gid://shopify/ProductVariant/${bundle.id}`, 3, `gid://shopify/ProductVariant/${mug.id}`]],
    );
  });
});
