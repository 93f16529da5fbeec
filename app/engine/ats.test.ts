import { describe, expect, it } from "vitest";
import { availableToSell } from "./ats";
import { aChannel, aListing, aPromotionReserve, aVariant, NOW, stockAt } from "./test-fixtures";
import type { AllocationRule, BufferRule, ListingContext, ProductStatus } from "./types";

const HOUR = 3_600_000;

const aPromotion = aPromotionReserve;

describe("promotion reserves", () => {
  it("withholds a running promotion's exclusive reserve from the other channels", () => {
    const result = availableToSell(aListing({ promotions: [aPromotion()] }));
    expect(result.reserve).toBe(10);
    expect(result.quantity).toBe(40);
    expect(result.explanation.find((s) => s.rule === "reserve.promotion")?.text).toBe(
      'Reserved for promotion "Summer flash sale" on other channels: -10 units',
    );
  });

  it("leaves the reserve sellable on the promotion's own channel", () => {
    const result = availableToSell(aListing({ channel: aChannel("tiktok"), promotions: [aPromotion()] }));
    expect(result.reserve).toBe(0);
    expect(result.quantity).toBe(50);
  });

  it("starts holding the reserve 48 hours before the promotion starts, not earlier", () => {
    const inTwoDays = aPromotion({ status: "ready", startsAt: new Date(NOW.getTime() + 47 * HOUR) });
    const inThreeDays = aPromotion({ status: "ready", startsAt: new Date(NOW.getTime() + 72 * HOUR) });
    expect(availableToSell(aListing({ promotions: [inTwoDays] })).reserve).toBe(10);
    expect(availableToSell(aListing({ promotions: [inThreeDays] })).reserve).toBe(0);
  });

  it("holds nothing for a draft, an ended or a cancelled promotion, or one whose window is over", () => {
    for (const status of ["draft", "ended", "cancelled"] as const) {
      expect(availableToSell(aListing({ promotions: [aPromotion({ status })] })).reserve).toBe(0);
    }
    const over = aPromotion({ endsAt: new Date(NOW.getTime() - 1) });
    expect(availableToSell(aListing({ promotions: [over] })).reserve).toBe(0);
  });

  it("keeps holding the reserve while a promotion is paused", () => {
    expect(availableToSell(aListing({ promotions: [aPromotion({ status: "paused" })] })).reserve).toBe(10);
  });

  it("does not withhold a non-exclusive reserve, which is only a planning figure", () => {
    expect(availableToSell(aListing({ promotions: [aPromotion({ exclusive: false })] })).reserve).toBe(0);
  });

  it("lists 0, not a negative number, when reserves exceed the pool", () => {
    const result = availableToSell(aListing({ promotions: [aPromotion({ reserveUnits: 80 })] }));
    expect(result.quantity).toBe(0);
  });
});

describe("artificial counts", () => {
  const rule = (r: Partial<AllocationRule> & Pick<AllocationRule, "kind">): AllocationRule =>
    ({ id: "alloc", channelId: "ch-amazon", scope: "channel", scopeValue: null, ...r }) as AllocationRule;
  const buffer5: BufferRule = { id: "b", channelId: null, scope: "channel", scopeValue: null, kind: "fixed", units: 5 };

  it("caps the listing at N units", () => {
    const result = availableToSell(aListing({ allocationRules: [rule({ kind: "cap", units: 12 })] }));
    expect(result.quantity).toBe(12);
  });

  it("does not raise a figure already under the cap", () => {
    const result = availableToSell(aListing({ levels: [stockAt(4)], allocationRules: [rule({ kind: "cap", units: 12 })] }));
    expect(result.quantity).toBe(4);
  });

  it("lists at most a share of the pool, rounded down", () => {
    const result = availableToSell(aListing({ levels: [stockAt(45)], allocationRules: [rule({ kind: "poolShare", percentBps: 3_000 })] }));
    // 30% of 45 = 13.5 → 13.
    expect(result.quantity).toBe(13);
  });

  it("lists at most a share of one vendor location's reported quantity", () => {
    const levels = [stockAt(40), stockAt(9, { id: "vendor", name: "Acme Supply", isDropShip: true, vendorShareBps: 10_000 })];
    const result = availableToSell(aListing({ levels, allocationRules: [rule({ kind: "vendorShare", percentBps: 5_000, locationId: "vendor" })] }));
    expect(result.quantity).toBe(4);
  });

  it("lists a fixed number in place of the buffered figure", () => {
    const result = availableToSell(aListing({ bufferRules: [buffer5], levels: [stockAt(8)], allocationRules: [rule({ kind: "fixed", units: 6 })] }));
    // Buffered figure would be 3; the fixed count replaces it.
    expect(result.quantity).toBe(6);
  });

  it("never lists a fixed number beyond the stock left after reserves", () => {
    const promotion = aPromotion({ reserveUnits: 5 });
    const result = availableToSell(aListing({ levels: [stockAt(8)], promotions: [promotion], allocationRules: [rule({ kind: "fixed", units: 6 })] }));
    expect(result.quantity).toBe(3);
  });

  it("uses the more specific artificial count, and the smaller of two at the same level", () => {
    const channelCap = rule({ kind: "cap", units: 30 });
    const variantCap = rule({ id: "v", scope: "variant", scopeValue: "var-1", kind: "cap", units: 40 });
    expect(availableToSell(aListing({ allocationRules: [channelCap, variantCap] })).quantity).toBe(40);
    const tie = rule({ id: "t", kind: "poolShare", percentBps: 5_000 });
    expect(availableToSell(aListing({ allocationRules: [channelCap, tie] })).quantity).toBe(25);
  });
});

describe("low-stock throttling", () => {
  const amazon = aChannel("amazon", { priority: 1, lowStockThreshold: 5 });
  const ebay = aChannel("ebay", { priority: 2, lowStockThreshold: 10 });
  const tiktok = aChannel("tiktok", { priority: 3, lowStockThreshold: 0 });
  const channels = [amazon, ebay, tiktok];

  it("lists 0 on a channel whose threshold the pool falls under, and explains why", () => {
    const result = availableToSell(aListing({ channel: ebay, channels, levels: [stockAt(8)] }));
    expect(result.throttled).toBe(true);
    expect(result.quantity).toBe(0);
    expect(result.explanation.find((s) => s.rule === "throttle.lowStock")?.text).toContain("under the low-stock threshold");
  });

  it("keeps the higher-priority channel listed with the last units", () => {
    const result = availableToSell(aListing({ channel: amazon, channels, levels: [stockAt(8)] }));
    expect(result.quantity).toBe(8);
  });

  it("pauses a lower-priority channel no later than the higher-priority ones, whatever its own threshold", () => {
    // TikTok has no threshold of its own, but eBay (higher priority) pauses under 10.
    const result = availableToSell(aListing({ channel: tiktok, channels, levels: [stockAt(8)] }));
    expect(result.throttled).toBe(true);
    expect(result.explanation.find((s) => s.rule === "throttle.lowStock")?.inputs.raisedBy).toBe("Ebay");
  });

  it("lists normally once the pool reaches the threshold", () => {
    expect(availableToSell(aListing({ channel: ebay, channels, levels: [stockAt(10)] })).quantity).toBe(10);
  });
});

describe("a suspended listing whose units the merchant offers to the other channels", () => {
  const amazon = aChannel("amazon", { priority: 1, lowStockThreshold: 10 });
  const ebay = aChannel("ebay", { priority: 2, lowStockThreshold: 0 });
  const channels = [amazon, ebay];
  const suspendedChannels = [{ channelId: amazon.id, channelName: amazon.name, reason: "Missing required attribute: brand" }];

  it("given Amazon ranked first pausing under 10 and 8 in the pool, when its listing is not suspended, then eBay gives way to it and lists 0", () => {
    expect(availableToSell(aListing({ channel: ebay, channels, levels: [stockAt(8)] })).quantity).toBe(0);
  });

  it("given Amazon's listing suspended with its units offered, when eBay is computed, then eBay lists the 8 and its explanation names Amazon's suspension", () => {
    const result = availableToSell(aListing({ channel: ebay, channels, levels: [stockAt(8)], suspendedChannels }));
    expect(result.quantity).toBe(8);
    expect(result.throttled).toBe(false);
    expect(result.explanation.find((s) => s.rule === "pool.offeredBySuspended")?.text).toBe(
      "Amazon suspended its listing: its units are offered here, and it no longer ranks ahead in low-stock throttling",
    );
  });

  it("given Amazon's listing suspended with its units offered and 50 in the pool, when Amazon is computed, then it lists 0 with the marketplace's reason", () => {
    const result = availableToSell(aListing({ channel: amazon, channels, levels: [stockAt(50)], suspendedChannels }));
    expect(result.quantity).toBe(0);
    expect(result.pool).toBe(50);
    const step = result.explanation.find((s) => s.rule === "hold.suspended");
    expect(step?.text).toBe("Amazon suspended this listing (Missing required attribute: brand): listed at 0, its units offered to the other channels");
    expect(step?.effect).toBe(-50);
  });

  it("given a kit listed on Amazon, when Amazon suspended the kit's listing with its units offered, then the kit lists 0 there with the reason", () => {
    const kit = availableToSell(
      aListing({
        channel: amazon,
        channels,
        levels: [],
        suspendedChannels,
        bundleComponents: [{ variant: aVariant({ id: "case" }), name: "Case", unitsPerBundle: 1, levels: [stockAt(9)], velocityPerDay: 0 }],
      }),
    );
    expect([kit.quantity, kit.held]).toEqual([0, true]);
    expect(kit.explanation.at(-2)?.rule).toBe("hold.suspended");
  });
});

describe("holds", () => {
  it("lists 0 before the release date even with stock, and explains the hold", () => {
    const result = availableToSell(aListing({ variant: aVariant({ releaseAt: new Date("2025-06-15T00:00:00Z") }) }));
    expect(result.held).toBe(true);
    expect(result.quantity).toBe(0);
    expect(result.explanation.at(-2)?.text).toBe("On hold until its release on 2025-06-15: listed at 0");
  });

  it("given a release at midnight in Berlin (23:00 UTC the day before), then the hold names the instant in UTC, not a day early", () => {
    const result = availableToSell(aListing({ variant: aVariant({ releaseAt: new Date("2025-06-14T22:00:00Z") }) }));
    expect(result.explanation.at(-2)?.text).toBe("On hold until its release on 2025-06-14 22:00 UTC: listed at 0");
  });

  it("lists normally from the release instant on", () => {
    const result = availableToSell(aListing({ variant: aVariant({ releaseAt: NOW }) }));
    expect(result.quantity).toBe(50);
  });
});

describe("the product's status in Shopify", () => {
  const withStatus = (productStatus: ProductStatus, overrides: Partial<ListingContext> = {}) =>
    availableToSell(
      aListing({
        variant: aVariant({ productStatus }),
        bufferRules: [{ id: "b", channelId: null, scope: "channel", scopeValue: null, kind: "fixed", units: 6 }],
        ...overrides,
      }),
    );

  it("given an UNLISTED product (active, reachable only by direct link), when its variant is computed, then it is offered exactly as an active one", () => {
    const unlisted = withStatus("unlisted");
    expect(unlisted.quantity).toBe(44);
    expect(unlisted.held).toBe(false);
    expect(unlisted.explanation.map((s) => s.text)).toEqual(withStatus("active").explanation.map((s) => s.text));
  });

  it("given a draft, archived or unknown product, when its variant is computed with stock, then it lists 0 and says why", () => {
    for (const [status, text] of [
      ["draft", "The product is draft in Shopify, not for sale: listed at 0"],
      ["archived", "The product is archived in Shopify, not for sale: listed at 0"],
      ["unknown", "The product's status in Shopify is one Anchorline does not know yet: listed at 0"],
    ] as const) {
      const result = withStatus(status);
      expect([status, result.quantity, result.held]).toEqual([status, 0, true]);
      expect(result.explanation.at(-2)?.text).toBe(text);
      expect(result.explanation.reduce((sum, s) => sum + s.effect, 0)).toBe(0);
    }
  });

  it("given a kit whose component's product was archived, when the kit is computed, then it lists 0", () => {
    const kit = availableToSell(
      aListing({
        levels: [],
        bundleComponents: [
          { variant: aVariant({ id: "case" }), name: "Case", unitsPerBundle: 1, levels: [stockAt(9)], velocityPerDay: 0 },
          { variant: aVariant({ id: "charger", productStatus: "archived" }), name: "Charger", unitsPerBundle: 1, levels: [stockAt(9)], velocityPerDay: 0 },
        ],
      }),
    );
    expect(kit.quantity).toBe(0);
  });
});

describe("the explanation", () => {
  it("reads as a ledger whose steps add up to the result", () => {
    const result = availableToSell(
      aListing({
        levels: [stockAt(30, { id: "a", name: "East" }), stockAt(20, { id: "b", name: "West" })],
        promotions: [aPromotion({ reserveUnits: 4 })],
        bufferRules: [{ id: "b", channelId: null, scope: "channel", scopeValue: null, kind: "fixed", units: 6 }],
      }),
    );
    const total = result.explanation.reduce((sum, s) => sum + s.effect, 0);
    expect(total).toBe(result.quantity);
    expect(result.quantity).toBe(40);
    expect(result.explanation.at(-1)?.text).toBe("Available to sell on Amazon: 40 units");
  });
});
