import { describe, expect, it } from "vitest";
import { lineTaxLines, type MarketplaceOrderLineForShopify } from "./shopify-orders.server";

const line = (extra: Partial<MarketplaceOrderLineForShopify>): MarketplaceOrderLineForShopify => ({
  variantShopifyId: "1",
  quantity: 2,
  priceCents: 1999,
  sku: "KET-RED",
  ...extra,
});

describe("a marketplace line's sales tax as orderCreate's tax lines", () => {
  it("given Amazon collects and remits the tax on 2 × 19.99, when made a tax line, then it is channelLiable with its amount and its rate over the line's price to 4 places", () => {
    expect(lineTaxLines(line({ taxCents: 260, taxCollectedByMarketplace: true }), "USD", "Amazon")).toEqual([
      {
        title: "Sales tax (collected and remitted by Amazon)",
        // 2.60 / 39.98 = 0.065032…
        rate: "0.065",
        priceSet: { shopMoney: { amount: "2.60", currencyCode: "USD" } },
        channelLiable: true,
      },
    ]);
  });

  it("given a tax the merchant remits, or one whose liability the marketplace did not state, when made a tax line, then channelLiable is false, or null (unknown) rather than left to the schema's default false", () => {
    expect(lineTaxLines(line({ taxCents: 120, taxCollectedByMarketplace: false }), "USD", "eBay")).toEqual([
      { title: "Sales tax", rate: "0.03", priceSet: { shopMoney: { amount: "1.20", currencyCode: "USD" } }, channelLiable: false },
    ]);
    expect(lineTaxLines(line({ taxCents: 120 }), "USD", "eBay")).toEqual([expect.objectContaining({ channelLiable: null })]);
  });

  it("given no tax, a zero tax, no currency or no price to take the rate from, when made tax lines, then there are none", () => {
    expect(lineTaxLines(line({ taxCents: null, taxCollectedByMarketplace: true }), "USD", "Amazon")).toEqual([]);
    expect(lineTaxLines(line({ taxCents: 0, taxCollectedByMarketplace: false }), "USD", "Amazon")).toEqual([]);
    expect(lineTaxLines(line({ taxCents: 260, taxCollectedByMarketplace: true }), null, "Amazon")).toEqual([]);
    expect(lineTaxLines(line({ priceCents: null, taxCents: 260, taxCollectedByMarketplace: true }), "USD", "Amazon")).toEqual([]);
  });
});
