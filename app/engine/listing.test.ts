import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listingChanged } from "./changes";
import { desiredListing } from "./listing";
import { NEUTRAL_PRICE_RULE, PRICE_ROUNDINGS, type PriceRule } from "./price";
import { aChannel, aDesiredListingInput, stockAt } from "./test-fixtures";

const anInput = aDesiredListingInput;

describe("seed examples, end to end through desiredListing", () => {
  it("given 10 in stock, when 1 sells on Amazon and 2 on eBay and the sales are written back to Shopify, then both channels are pushed 7, not 9 and 8 (shared/seeds/000_7fc7d1aaca5936bb.txt)", () => {
    const amazon = aChannel("amazon");
    const ebay = aChannel("ebay");
    const before = [amazon, ebay].map((channel) => desiredListing(anInput({ listingId: channel.id, channel, levels: [stockAt(10)] })));
    expect(before.map((l) => l.quantity)).toEqual([10, 10]);

    // The anchor, not the channels' own counts, is the truth: 10 − 1 − 2 = 7 in Shopify.
    const after = [amazon, ebay].map((channel) => desiredListing(anInput({ listingId: channel.id, channel, levels: [stockAt(10 - 1 - 2)] })));
    expect(after.map((l) => l.quantity)).toEqual([7, 7]);
    const recorded = before.map((l) => ({ listingId: l.listingId, quantity: l.quantity, priceCents: l.priceCents, fingerprint: "" }));
    expect(after.map((l, i) => listingChanged(recorded[i], l).push)).toEqual([["quantity"], ["quantity"]]);
  });

  it("given the seed's four locations (4 in a warehouse bin, 3 at a drop shipper, 2 at a third party, 5 in a store not for sale), when listed online, then 9 are available and the store is explained as not counted (shared/seeds/000_7fc7d1aaca5936bb.txt)", () => {
    const levels = [
      stockAt(4, { id: "w3", name: "Warehouse 3, Bin 10" }),
      stockAt(3, { id: "cpe", name: "Cell Phones Etc.", isDropShip: true, vendorShareBps: 10_000 }),
      stockAt(2, { id: "wcp", name: "Wholesale Cell Phone Co.", isDropShip: true, vendorShareBps: 10_000 }),
      stockAt(5, { id: "r01", name: "Retail Store 01", saleable: false }),
    ];
    const listing = desiredListing(anInput({ levels }));
    expect(listing.availableToSell.pool).toBe(9);
    expect(listing.quantity).toBe(9);
    expect(listing.explanation.quantity.map((s) => s.text)).toContain("Retail Store 01 is not saleable: not counted");
  });

  it("given the playbook's Amazon risk multiplier 1.5, 3 sales a day, 2 days' lead time and 4 units of safety stock, when 40 are in stock, then 15 are held back and the step reads as the merchant would check it (shared/seeds/001_4ebd8059e59ae1ed.txt)", () => {
    const listing = desiredListing(
      anInput({
        levels: [stockAt(40)],
        velocityPerDay: 3,
        bufferRules: [
          { id: "b", channelId: null, scope: "channel", scopeValue: null, kind: "velocity", leadTimeDays: 2, safetyStock: 4, riskMultiplier: null },
        ],
      }),
    );
    expect(listing.quantity).toBe(25);
    expect(listing.explanation.quantity.find((s) => s.rule === "buffer.velocity")?.text).toBe("Amazon buffer 1.5 × (3/day × 2 days + 4) = 15 units");
  });

  it("given MAP is the anchor (seed 001, example 2: 'Anchor price = MAP'), when a TikTok rule takes 5% off, then the price is clamped back to MAP with a notice", () => {
    const rule: PriceRule = { ...NEUTRAL_PRICE_RULE, id: "tt", differentialBps: -500, mapIsAnchor: true };
    const listing = desiredListing(anInput({ channel: aChannel("tiktok"), mapCents: 2_500, priceRules: [rule] }));
    expect(listing.priceCents).toBe(2_500);
    expect(listing.price.notices.map((n) => n.message)).toContain("Price 23.75 is under MAP 25.00: published at MAP");
  });
});

const priceRule: fc.Arbitrary<PriceRule> = fc.record({
  id: fc.constant("r"),
  channelId: fc.constant(null),
  scope: fc.constant("channel" as const),
  scopeValue: fc.constant(null),
  differentialBps: fc.integer({ min: -9_999, max: 20_000 }),
  differentialCents: fc.integer({ min: -5_000, max: 5_000 }),
  rounding: fc.constantFrom(...PRICE_ROUNDINGS),
  mapIsAnchor: fc.boolean(),
  feeBps: fc.integer({ min: 0, max: 4_000 }),
  fixedFeeCents: fc.integer({ min: 0, max: 500 }),
  shippingCents: fc.integer({ min: 0, max: 1_500 }),
  minMarginBps: fc.integer({ min: 0, max: 4_000 }),
  maxPriceCents: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: null }),
});

const priced = fc.record({
  shopifyPriceCents: fc.integer({ min: 0, max: 100_000 }),
  mapCents: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
  costCents: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: null }),
  priceRules: fc.array(priceRule, { maxLength: 3 }),
});

describe("prices, for any rules", () => {
  it("given any anchor, differentials, rounding and cap, when priced, then the price is a whole number of cents never under MAP", () => {
    fc.assert(
      fc.property(priced, (p) => {
        const { priceCents } = desiredListing(anInput(p));
        expect(Number.isInteger(priceCents)).toBe(true);
        expect(priceCents).toBeGreaterThanOrEqual(p.mapCents ?? 0);
      }),
      { numRuns: 500 },
    );
  });

  it("given any rules, when priced, then the explanation's effects add up to the price and the unprofitable flag matches the floor", () => {
    fc.assert(
      fc.property(priced, (p) => {
        const { price } = desiredListing(anInput(p));
        expect(price.explanation.reduce((sum, s) => sum + s.effect, 0)).toBe(price.priceCents);
        if (price.floorCents !== null) expect(price.unprofitable).toBe(price.priceCents < price.floorCents);
        for (const s of price.explanation) expect(s.text.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe("hybrid pool: a listing the marketplace fulfils (FBA) carries its own stock (shared/seeds/001_4ebd8059e59ae1ed.txt)", () => {
  it("given 10 in Shopify, an FBA Amazon listing and self-fulfilled eBay and TikTok listings, when computed, then eBay and TikTok share the pool of 10, the FBA listing takes none of it and has no quantity to push, its price still computed, and its explanation says it is fulfilled by Amazon from its own stock", () => {
    // Given
    const amazon = aChannel("amazon");
    const ebay = aChannel("ebay");
    const tiktok = aChannel("tiktok");
    const levels = [stockAt(10)];
    // When
    const fba = desiredListing(anInput({ listingId: "fba", channel: amazon, levels, fulfilledByMarketplace: { by: "Amazon" } }));
    const own = [ebay, tiktok].map((channel) => desiredListing(anInput({ listingId: channel.id, channel, levels })));
    // Then
    expect(own.map((l) => l.quantity)).toEqual([10, 10]);
    expect(fba.quantity).toBeNull();
    expect(fba.availableToSell).toMatchObject({ pool: 0, fulfilledByMarketplace: true });
    expect(fba.priceCents).toBe(own[0].priceCents);
    expect(fba.explanation.quantity.map((s) => s.text)).toEqual([`Fulfilled by Amazon: its own stock, none of the pool; ${amazon.name} is pushed no quantity`]);
    // And a recorded FBA state with the same price is no change to push
    expect(listingChanged({ listingId: "fba", quantity: null, priceCents: fba.priceCents, fingerprint: "" }, fba).push).toEqual([]);
  });

  it("given an FBA listing of a kit, when computed, then it is still the marketplace's stock: no kit count from the components", () => {
    const amazon = aChannel("amazon");
    const kit = desiredListing(
      anInput({
        channel: amazon,
        fulfilledByMarketplace: { by: "Amazon" },
        bundleComponents: [{ variant: { ...anInput().variant, id: "part" }, levels: [stockAt(8)], unitsPerBundle: 2, velocityPerDay: 0 }],
      }),
    );
    expect(kit.quantity).toBeNull();
    expect(kit.availableToSell.components).toBeUndefined();
  });
});
