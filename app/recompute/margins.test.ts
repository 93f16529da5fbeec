import { describe, expect, it } from "vitest";
import { listingPrice, NEUTRAL_PRICE_RULE, type PriceRule } from "~/engine/price";
import { aChannel, aVariant } from "~/engine/test-fixtures";
import { listingMargin, type Margin, type StoredMargin, unprofitableCause } from "./margins";

// eBay's 13.25 % final value fee and 0.30 per order, 5.00 shipping, 10 % minimum margin.
const EBAY_RULE: PriceRule = {
  ...NEUTRAL_PRICE_RULE,
  id: "rule-ebay",
  channelId: "ch-ebay",
  feeBps: 1_325,
  fixedFeeCents: 30,
  shippingCents: 500,
  minMarginBps: 1_000,
};

function marginAt(shopifyPriceCents: number, costCents: number | null, rule: PriceRule = EBAY_RULE): Margin {
  const price = listingPrice({
    listingId: "lst-1",
    channel: aChannel("ebay"),
    variant: aVariant(),
    shopifyPriceCents,
    mapCents: null,
    costCents,
    priceRules: [rule],
  });
  return listingMargin(price, costCents);
}

const stored = (margin: Margin, cause: string | null = null): StoredMargin => ({ ...margin, cause });

describe("a listing's margin at its price", () => {
  it("given a 49.99 price, a 20.00 cost and eBay's fees, then it shows fees 6.92, shipping 5.00, margin 18.07 (36.15 %) above a floor of 32.97", () => {
    const margin = marginAt(4_999, 2_000);
    // 13.25 % of 49.99 = 6.6237 → 6.62, plus 0.30.
    expect(margin.feeCents).toBe(692);
    expect(margin.shippingCents).toBe(500);
    expect(margin.marginCents).toBe(4_999 - 692 - 500 - 2_000);
    expect(margin.marginBps).toBe(Math.round((1_807 * 10_000) / 4_999));
    // (20.00 + 0.30 + 5.00) / (1 − 13.25 % − 10 %) = 32.964… → 32.97, rounded up.
    expect(margin.floorCents).toBe(3_297);
    expect(margin.unprofitable).toBe(false);
  });

  it("given a cost that takes the price under the floor, then it is unprofitable with the engine's own floor", () => {
    const margin = marginAt(4_999, 3_500);
    expect(margin.floorCents).toBe(Math.ceil(((3_500 + 30 + 500) * 10_000) / (10_000 - 1_325 - 1_000)));
    expect(margin.floorCents).toBeGreaterThan(4_999);
    expect(margin.unprofitable).toBe(true);
    expect(margin.marginCents).toBe(4_999 - 692 - 500 - 3_500);
  });

  it("given no cost in Shopify, then no margin and no floor are claimed, and it is not called unprofitable", () => {
    const margin = marginAt(4_999, null);
    expect(margin).toMatchObject({ costCents: null, marginCents: null, marginBps: null, floorCents: null, unprofitable: false, feeCents: 692 });
  });

  it("given fees and minimum margin of 100 % or more, then there is no floor and the listing is unprofitable", () => {
    const margin = marginAt(4_999, 1_000, { ...EBAY_RULE, feeBps: 6_000, minMarginBps: 4_000 });
    expect(margin.floorCents).toBeNull();
    expect(margin.unprofitable).toBe(true);
  });

  it("given a price of 0, then the margin is negative and no share of the price is claimed", () => {
    const margin = marginAt(0, 1_000, NEUTRAL_PRICE_RULE);
    expect(margin.marginCents).toBe(-1_000);
    expect(margin.marginBps).toBeNull();
  });
});

describe("why a listing turned unprofitable", () => {
  it("given the cost rose in Shopify from 20.00 to 35.00, then the cause says so", () => {
    expect(unprofitableCause(stored(marginAt(4_999, 2_000)), marginAt(4_999, 3_500))).toBe("cost rose from 20.00 to 35.00 in Shopify");
  });

  it("given a cost set for the first time, then the cause says it was set", () => {
    expect(unprofitableCause(stored(marginAt(4_999, null)), marginAt(4_999, 4_000))).toBe("cost set to 40.00 in Shopify");
  });

  it("given the price fell, then the cause names the old and the new price", () => {
    expect(unprofitableCause(stored(marginAt(4_999, 2_500)), marginAt(3_500, 2_500))).toBe("price fell from 49.99 to 35.00");
  });

  it("given higher fees at the same price, then the cause names the fees", () => {
    expect(unprofitableCause(stored(marginAt(4_999, 2_500)), marginAt(4_999, 2_500, { ...EBAY_RULE, feeBps: 3_500 }))).toBe("fees changed from 6.92 to 17.80");
  });

  it("given a listing computed for the first time under its floor, then the cause states the price and the floor", () => {
    expect(unprofitableCause(null, marginAt(4_999, 3_500))).toBe("price 49.99 is under the floor of 52.51");
  });

  it("given a listing still unprofitable, then it keeps the cause it turned with; a profitable one has none", () => {
    const turned = marginAt(4_999, 3_500);
    expect(unprofitableCause(stored(turned, "cost rose from 20.00 to 35.00 in Shopify"), marginAt(4_999, 3_600))).toBe(
      "cost rose from 20.00 to 35.00 in Shopify",
    );
    expect(unprofitableCause(stored(turned, "cost rose from 20.00 to 35.00 in Shopify"), marginAt(4_999, 2_000))).toBeNull();
  });
});
