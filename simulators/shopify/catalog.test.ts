import { describe, expect, it } from "vitest";
import { generateCatalog } from "./catalog";

const ids = () => {
  let n = 1000n;
  return () => (n++).toString();
};

describe("catalog seeding", () => {
  it("given the same description and seed, when generated twice, then SKUs, barcodes, prices and quantities are identical", () => {
    const spec = { products: 50, variantsPerProduct: 3, locations: 4, seed: 42 };
    const a = generateCatalog(spec, ids());
    const b = generateCatalog(spec, ids());
    const shape = (c: typeof a) => c.variants.map((v) => [v.sku, v.barcode, v.price, v.inventoryItem.cost, v.inventoryItem.levels.map((l) => l?.available)]);
    expect(shape(a)).toEqual(shape(b));
    expect(shape(generateCatalog({ ...spec, seed: 43 }, ids()))).not.toEqual(shape(a));
  });

  it("given a catalog, when generated, then SKUs are unique, barcodes are valid EAN-13 and every item is stocked somewhere", () => {
    const c = generateCatalog({ products: 300, variantsPerProduct: 4, locations: 6, seed: 1, stockedRatio: 0.3 }, ids());
    expect(new Set(c.variants.map((v) => v.sku)).size).toBe(1200);
    for (const v of c.variants) {
      if (v.barcode) {
        const d = [...v.barcode].map(Number);
        expect(d.reduce((s, x, i) => s + x * (i % 2 === 0 ? 1 : 3), 0) % 10).toBe(0);
      }
      expect(v.inventoryItem.levels.some(Boolean)).toBe(true);
    }
    expect(c.locations.map((l) => l.name)).toContain("Main Warehouse");
    expect(c.locations.some((l) => /dropship/i.test(l.name))).toBe(true);
  });

  it("given 200 products, when generated, then one in every 20 is UNLISTED, chosen by the seed, beside ACTIVE and DRAFT ones", () => {
    const spec = { products: 200, variantsPerProduct: 1, locations: 2, seed: 42 };
    const statuses = generateCatalog(spec, ids()).products.map((p) => p.status);
    const unlisted = (list: string[]) => list.flatMap((s, i) => (s === "UNLISTED" ? [i] : []));
    expect(unlisted(statuses)).toHaveLength(10);
    for (let block = 0; block < 200; block += 20) expect(unlisted(statuses.slice(block, block + 20))).toHaveLength(1);
    expect(statuses).toContain("ACTIVE");
    expect(statuses).toContain("DRAFT");
    // The same seed picks the same products; another seed picks others.
    expect(unlisted(generateCatalog(spec, ids()).products.map((p) => p.status))).toEqual(unlisted(statuses));
    expect(unlisted(generateCatalog({ ...spec, seed: 43 }, ids()).products.map((p) => p.status))).not.toEqual(unlisted(statuses));
    // Fewer than 20 products: none, so small test catalogs stay as they were.
    expect(generateCatalog({ ...spec, products: 19 }, ids()).products.some((p) => p.status === "UNLISTED")).toBe(false);
  });

  it("given variantsAt, when generated, then that product has that many variants with unique SKUs and titles, the others keep variantsPerProduct", () => {
    const c = generateCatalog({ products: 3, variantsPerProduct: 2, locations: 2, seed: 5, variantsAt: { 1: 150 } }, ids());
    expect(c.products.map((p) => p.variants.length)).toEqual([2, 150, 2]);
    expect(c.variants).toHaveLength(154);
    const big = c.products[1].variants;
    expect(new Set(big.map((v) => v.sku)).size).toBe(150);
    expect(new Set(big.map((v) => v.title)).size).toBe(150);
    expect(big.map((v) => v.position)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });
});
