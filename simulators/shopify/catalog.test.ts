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
});
