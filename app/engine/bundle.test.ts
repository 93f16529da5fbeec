import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundleAvailableToSell, type BundleComponentStock } from "./bundle";

const component = (variantId: string, availableToSell: number, unitsPerBundle: number): BundleComponentStock => ({
  variantId,
  name: variantId,
  availableToSell,
  unitsPerBundle,
});

describe("bundles and kits", () => {
  it("given a kit of 2 cases and 1 charger, when 9 cases and 7 chargers can sell, then 4 kits can sell, limited by the cases", () => {
    const result = bundleAvailableToSell([component("case", 9, 2), component("charger", 7, 1)]);
    expect(result.quantity).toBe(4);
    expect(result.limitingVariantId).toBe("case");
    expect(result.explanation.map((s) => s.text)).toEqual([
      "case: 9 units ÷ 2 per bundle, rounded down = 4 bundles",
      "charger: 7 units ÷ 1 per bundle, rounded down = 7 bundles",
      "Bundle available: 4, limited by case",
    ]);
  });

  it("given one component at 0, when computed, then the kit lists 0", () => {
    expect(bundleAvailableToSell([component("a", 50, 1), component("b", 0, 1)]).quantity).toBe(0);
  });

  it("given a component whose available-to-sell is negative, when computed, then the kit lists 0, not a negative count", () => {
    expect(bundleAvailableToSell([component("a", -3, 1)]).quantity).toBe(0);
  });

  it("given a bundle with no components, when computed, then it lists 0 and says why", () => {
    const result = bundleAvailableToSell([]);
    expect(result.quantity).toBe(0);
    expect(result.explanation[0].text).toBe("Bundle has no components: listed at 0");
  });

  it("given any components, when computed, then the kit never needs more of a component than that component can sell", () => {
    const components = fc.array(
      fc.record({ variantId: fc.string(), name: fc.string(), availableToSell: fc.integer({ min: -10, max: 500 }), unitsPerBundle: fc.integer({ min: 1, max: 12 }) }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(components, (list) => {
        const { quantity } = bundleAvailableToSell(list);
        expect(quantity).toBeGreaterThanOrEqual(0);
        for (const c of list) {
          expect(quantity * c.unitsPerBundle).toBeLessThanOrEqual(Math.max(0, c.availableToSell));
          expect(quantity).toBeLessThanOrEqual(Math.floor(Math.max(0, c.availableToSell) / c.unitsPerBundle));
        }
        // And it is the largest such count: one more kit would overdraw some component.
        expect(list.some((c) => (quantity + 1) * c.unitsPerBundle > Math.max(0, c.availableToSell))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
