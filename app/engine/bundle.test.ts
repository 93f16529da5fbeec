import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availableToSell } from "./ats";
import { bundleAvailableToSell, type BundleComponentStock } from "./bundle";
import { desiredListing, type DesiredListingInput } from "./listing";
import { aChannel, aListing, aVariant, NOW, stockAt } from "./test-fixtures";
import type { AllocationRule, BufferRule, BundleComponent } from "./types";

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
      "case: 9 units ÷ 2 per kit, rounded down = 4 kits",
      "charger: 7 units ÷ 1 per kit, rounded down = 7 kits",
      "Kit of 2 × case (ATS 9 → 4) and 1 × charger (ATS 7): 4, limited by case",
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
    expect(result.explanation[0].text).toBe("Kit has no components: listed at 0");
  });

  it("given any components, when computed, then the kit never needs more of a component than that component can sell", () => {
    const components = fc.array(
      fc.record({
        variantId: fc.string(),
        name: fc.string(),
        availableToSell: fc.integer({ min: -10, max: 500 }),
        unitsPerBundle: fc.integer({ min: 1, max: 12 }),
      }),
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

describe("a bundle listing through desiredListing", () => {
  const amazon = aChannel("amazon");
  const phoneCase = aVariant({ id: "case", productId: "p-case" });
  const charger = aVariant({ id: "charger", productId: "p-charger" });
  const kitVariant = aVariant({ id: "kit", productId: "p-kit" });
  const components = (caseStock: number, chargerStock: number): BundleComponent[] => [
    { variant: phoneCase, name: "Phone case", unitsPerBundle: 2, levels: [stockAt(caseStock)], velocityPerDay: 0 },
    { variant: charger, name: "Charger", unitsPerBundle: 1, levels: [stockAt(chargerStock)], velocityPerDay: 0 },
  ];
  const kitInput = (overrides: Partial<DesiredListingInput> = {}): DesiredListingInput => ({
    ...aListing({ listingId: "kit-on-amazon", channel: amazon, variant: kitVariant, levels: [] }),
    bundleComponents: components(9, 7),
    shopifyPriceCents: 4_000,
    mapCents: null,
    costCents: null,
    priceRules: [],
    ...overrides,
  });

  it("given a kit of 2 cases and 1 charger with 9 cases and 7 chargers in stock, when listed, then 4 kits are offered, limited by the cases", () => {
    const listing = desiredListing(kitInput());
    expect(listing.quantity).toBe(4);
    expect(listing.availableToSell.components?.map((c) => c.quantity)).toEqual([9, 7]);
    expect(listing.explanation.quantity.map((s) => s.text)).toContain("Kit of 2 × Phone case (ATS 9 → 4) and 1 × Charger (ATS 7): 4, limited by Phone case");
  });

  it("given a buffer rule on the charger's variant, when the kit is listed, then the component's buffer lowers the kit count", () => {
    const chargerBuffer: BufferRule = { id: "b", channelId: null, scope: "variant", scopeValue: "charger", kind: "fixed", units: 5 };
    expect(desiredListing(kitInput({ bufferRules: [chargerBuffer] })).quantity).toBe(2);
  });

  it("given a cap of 3 on the kit listing, when listed, then 3 kits are offered and the components are not capped", () => {
    const cap: AllocationRule = { id: "c", channelId: null, scope: "listing", scopeValue: "kit-on-amazon", kind: "cap", units: 3 };
    const listing = desiredListing(kitInput({ allocationRules: [cap] }));
    expect(listing.quantity).toBe(3);
    expect(listing.availableToSell.components?.map((c) => c.quantity)).toEqual([9, 7]);
  });

  it("given a share of the vendor's stock on the kit's channel, when the kit is listed, then it is that share of the kits the vendor's own stock makes", () => {
    const vendor = { id: "loc-vendor", name: "Vendor", isDropShip: true };
    const parts: BundleComponent[] = [
      { variant: phoneCase, name: "Phone case", unitsPerBundle: 2, levels: [stockAt(9), stockAt(9, vendor)], velocityPerDay: 0 },
      { variant: charger, name: "Charger", unitsPerBundle: 1, levels: [stockAt(7), stockAt(3, vendor)], velocityPerDay: 0 },
    ];
    // The vendor's 9 cases make 4 kits, its 3 chargers 3: 3 kits, half of which is 1.
    const share: AllocationRule = {
      id: "v",
      channelId: null,
      scope: "channel",
      scopeValue: null,
      kind: "vendorShare",
      percentBps: 5000,
      locationId: "loc-vendor",
    };
    const listing = desiredListing(kitInput({ bundleComponents: parts, allocationRules: [share] }));
    expect(listing.quantity).toBe(1);
    expect(listing.explanation.quantity.map((s) => s.text)).toContain("Share of Vendor: 50% of 3 units, rounded down = at most 1 unit");
  });

  it("given a low-stock threshold that the component's own listing sees, when the kit is listed, then the component is throttled by it and the kit lists 0", () => {
    const strict = [{ ...amazon, lowStockThreshold: 10 }];
    const parts = components(9, 7).map((part) => (part.variant.id === "charger" ? { ...part, channels: strict } : part));
    const listing = desiredListing(kitInput({ bundleComponents: parts, channels: [amazon] }));
    expect(listing.availableToSell.components?.map((c) => c.throttled)).toEqual([false, true]);
    expect(listing.quantity).toBe(0);
  });

  it("given a kit released next week, when listed today, then it is held at 0", () => {
    const held = desiredListing(kitInput({ variant: aVariant({ id: "kit", releaseAt: new Date(NOW.getTime() + 7 * 86_400_000) }) }));
    expect(held.quantity).toBe(0);
    expect(held.availableToSell.held).toBe(true);
  });

  it("given a kit with an empty component list, when listed, then it is 0", () => {
    expect(desiredListing(kitInput({ bundleComponents: [] })).quantity).toBe(0);
  });

  it("given any stock, buffers and artificial counts, when a kit is listed, then it never offers more kits than any component's own available-to-sell allows", () => {
    const arbitraryKit = fc.record({
      stocks: fc.array(
        fc.record({ available: fc.integer({ min: -5, max: 80 }), units: fc.integer({ min: 1, max: 4 }), buffer: fc.integer({ min: 0, max: 10 }) }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      fixed: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    });
    fc.assert(
      fc.property(arbitraryKit, ({ stocks, fixed }) => {
        const parts: BundleComponent[] = stocks.map((s, i) => ({
          variant: aVariant({ id: `part-${i}` }),
          unitsPerBundle: s.units,
          levels: [stockAt(s.available)],
          velocityPerDay: 0,
        }));
        const bufferRules: BufferRule[] = stocks.map((s, i) => ({
          id: `b${i}`,
          channelId: null,
          scope: "variant",
          scopeValue: `part-${i}`,
          kind: "fixed",
          units: s.buffer,
        }));
        const allocationRules: AllocationRule[] =
          fixed === null ? [] : [{ id: "f", channelId: null, scope: "channel", scopeValue: null, kind: "fixed", units: fixed }];
        const kit = desiredListing(kitInput({ bundleComponents: parts, bufferRules, allocationRules }));
        expect(kit.quantity).toBeGreaterThanOrEqual(0);
        parts.forEach((part) => {
          const own = availableToSell({ ...aListing({ channel: amazon, variant: part.variant, levels: part.levels, bufferRules }) });
          expect(kit.quantity! * part.unitsPerBundle).toBeLessThanOrEqual(own.quantity);
        });
        expect(kit.explanation.quantity.reduce((sum, s) => sum + s.effect, 0)).toBe(kit.quantity);
      }),
      { numRuns: 300 },
    );
  });
});
