import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyDifferential,
  feeInclusiveFloor,
  NEUTRAL_PRICE_RULE,
  listingPrice,
  type PriceContext,
  priceGuardrailBreach,
  type PriceRule,
  roundPrice,
} from "./price";
import { aChannel, aVariant } from "./test-fixtures";

function aRule(overrides: Partial<PriceRule> = {}): PriceRule {
  return { ...NEUTRAL_PRICE_RULE, id: "rule", channelId: "ch-amazon", ...overrides };
}

function aPriceContext(overrides: Partial<PriceContext> = {}): PriceContext {
  return {
    listingId: "lst-1",
    channel: aChannel("amazon"),
    variant: aVariant(),
    shopifyPriceCents: 2_000,
    mapCents: null,
    costCents: null,
    priceRules: [],
    ...overrides,
  };
}

describe("rounding a price", () => {
  it("rounds up to the next .99, .95 or whole amount and leaves an exact ending alone", () => {
    expect(roundPrice(1_240, "cents99")).toBe(1_299);
    expect(roundPrice(1_299, "cents99")).toBe(1_299);
    expect(roundPrice(1_300, "cents99")).toBe(1_399);
    expect(roundPrice(1_240, "cents95")).toBe(1_295);
    expect(roundPrice(1_297, "cents95")).toBe(1_395);
    expect(roundPrice(1_201, "whole")).toBe(1_300);
    expect(roundPrice(1_200, "whole")).toBe(1_200);
    expect(roundPrice(1_234, "none")).toBe(1_234);
  });

  it("never lowers a price, and never raises it by a whole unit or more", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom("cents99", "cents95", "whole" as const), (cents, rounding) => {
        const rounded = roundPrice(cents, rounding);
        expect(rounded).toBeGreaterThanOrEqual(cents);
        expect(rounded - cents).toBeLessThan(100);
      }),
    );
  });
});

describe("a channel price from the anchor", () => {
  it("applies the percentage in whole cents, rounding half up, without float drift", () => {
    // 19.99 × 1.1 = 21.989 → 21.99.
    expect(applyDifferential(1_999, 1_000)).toBe(2_199);
    expect(applyDifferential(1_005, -5_000)).toBe(503);
  });

  it("adds the percentage, then the amount, then rounds, and explains each step", () => {
    const result = listingPrice(aPriceContext({ priceRules: [aRule({ differentialBps: 1_000, differentialCents: 50, rounding: "cents99" })] }));
    // 20.00 × 1.10 = 22.00, + 0.50 = 22.50, up to 22.99.
    expect(result.priceCents).toBe(2_299);
    expect(result.explanation.map((s) => s.text)).toEqual([
      "Anchor: Shopify price 20.00",
      "Amazon differential +10%: 20.00 → 22.00",
      "Amazon adds 0.50: 22.50",
      "Rounded up to .99: 22.99",
      "Price on Amazon: 22.99",
    ]);
  });

  it("anchors on MAP when the merchant says so", () => {
    const result = listingPrice(aPriceContext({ mapCents: 1_800, priceRules: [aRule({ mapIsAnchor: true, differentialBps: 500 })] }));
    expect(result.anchorCents).toBe(1_800);
    expect(result.priceCents).toBe(1_890);
  });

  it("falls back to the Shopify price with a notice when MAP is the anchor but missing", () => {
    const result = listingPrice(aPriceContext({ priceRules: [aRule({ mapIsAnchor: true })] }));
    expect(result.priceCents).toBe(2_000);
    expect(result.notices.map((n) => n.code)).toContain("mapAnchorMissing");
  });

  it("uses the price as is when no rule applies", () => {
    const result = listingPrice(aPriceContext({ priceRules: [aRule({ channelId: "ch-ebay", differentialBps: 2_000 })] }));
    expect(result.priceCents).toBe(2_000);
  });
});

describe("floors and caps", () => {
  it("never publishes below MAP: clamps up to it and records a notice", () => {
    const result = listingPrice(aPriceContext({ mapCents: 1_950, priceRules: [aRule({ differentialBps: -1_000 })] }));
    expect(result.priceCents).toBe(1_950);
    expect(result.notices.map((n) => n.toJSON())).toContainEqual({ code: "mapClamped", message: "Price 18.00 is under MAP 19.50: published at MAP" });
  });

  it("lowers a price above the channel's cap to the cap", () => {
    const result = listingPrice(aPriceContext({ priceRules: [aRule({ differentialBps: 5_000, maxPriceCents: 2_500 })] }));
    expect(result.priceCents).toBe(2_500);
    expect(result.notices.map((n) => n.code)).toEqual(["priceCapped", "costUnknown"]);
  });

  it("keeps any price at or above MAP whatever the rules say", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: -9_000, max: 20_000 }),
        fc.integer({ min: -5_000, max: 5_000 }),
        fc.constantFrom("none", "cents99", "cents95", "whole" as const),
        (shopify, map, bps, amount, rounding) => {
          const rule = aRule({ differentialBps: bps, differentialCents: amount, rounding });
          const result = listingPrice(aPriceContext({ shopifyPriceCents: shopify, mapCents: map, priceRules: [rule] }));
          expect(result.priceCents).toBeGreaterThanOrEqual(map);
          expect(Number.isInteger(result.priceCents)).toBe(true);
        },
      ),
    );
  });

  it("computes the fee-inclusive floor as (cost + fixed fee + shipping) ÷ (1 − fee% − margin%), rounded up", () => {
    const rule = aRule({ feeBps: 1_500, fixedFeeCents: 30, shippingCents: 500, minMarginBps: 1_000 });
    // (10.00 + 0.30 + 5.00) / 0.75 = 20.40.
    expect(feeInclusiveFloor(1_000, rule)).toBe(2_040);
    // (10.01 + 0.30 + 5.00) / 0.75 = 20.4133… → 20.42.
    expect(feeInclusiveFloor(1_001, rule)).toBe(2_042);
  });

  it("flags a price under the fee-inclusive floor as unprofitable without changing it", () => {
    const rule = aRule({ feeBps: 1_500, fixedFeeCents: 30, shippingCents: 500, minMarginBps: 1_000 });
    const result = listingPrice(aPriceContext({ costCents: 1_000, priceRules: [rule] }));
    expect(result.priceCents).toBe(2_000);
    expect(result.floorCents).toBe(2_040);
    expect(result.unprofitable).toBe(true);
    expect(result.notices.map((n) => n.code)).toEqual(["unprofitable"]);
  });

  it("calls every price unprofitable when fees and margin take 100% or more", () => {
    const result = listingPrice(aPriceContext({ costCents: 100, priceRules: [aRule({ feeBps: 6_000, minMarginBps: 4_000 })] }));
    expect(result.unprofitable).toBe(true);
    expect(result.floorCents).toBeNull();
  });
});

describe("the price guardrail", () => {
  it("given a ±50% guardrail, when a price is 60% under the Shopify price, then it is beyond it, saying by how much and where the limit is", () => {
    expect(priceGuardrailBreach(2_000, 5_000, 5_000)).toEqual({
      priceCents: 2_000,
      shopifyPriceCents: 5_000,
      guardrailBps: 5_000,
      limitCents: 2_500,
      beyondCents: 500,
      text: "Price 20.00 is 60% below the Shopify price 50.00: beyond the ±50% price guardrail (at least 25.00) by 5.00",
    });
  });

  it("given a ±50% guardrail, when a price is exactly at either limit or between, then it is within", () => {
    expect([priceGuardrailBreach(7_500, 5_000, 5_000), priceGuardrailBreach(2_500, 5_000, 5_000), priceGuardrailBreach(5_100, 5_000, 5_000)]).toEqual([
      null,
      null,
      null,
    ]);
    expect(priceGuardrailBreach(7_501, 5_000, 5_000)?.text).toBe(
      "Price 75.01 is 50.02% above the Shopify price 50.00: beyond the ±50% price guardrail (at most 75.00) by 0.01",
    );
  });

  it("given a guardrail of 100% or more, when the price falls to 0, then there is no lower side to break", () => {
    expect(priceGuardrailBreach(0, 5_000, 10_000)).toBeNull();
    expect(priceGuardrailBreach(0, 5_000, 9_000)?.limitCents).toBe(500);
  });

  it("given a Shopify price of 0, when a channel price is above it, then it is beyond any guardrail", () => {
    expect(priceGuardrailBreach(100, 0, 50_000)?.text).toBe(
      "Price 1.00 is above a Shopify price of 0.00: beyond the ±500% price guardrail (at most 0.00) by 1.00",
    );
  });
});
