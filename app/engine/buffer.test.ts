import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { availableToSell } from "./ats";
import { aChannel, aListing, aVariant, stockAt } from "./test-fixtures";
import type { BufferRule } from "./types";
import { salesVelocity } from "./velocity";

const channelDefault = (units: number): BufferRule => ({
  id: "channel-default",
  channelId: "ch-amazon",
  scope: "channel",
  scopeValue: null,
  kind: "fixed",
  units,
});

describe("buffers", () => {
  it("holds back a fixed number of units", () => {
    const result = availableToSell(aListing({ bufferRules: [channelDefault(5)] }));
    expect(result.buffer).toBe(5);
    expect(result.quantity).toBe(45);
  });

  it("holds back a percent of the pool, rounded up so a partial unit is protected", () => {
    const rule: BufferRule = { id: "p", channelId: null, scope: "channel", scopeValue: null, kind: "percent", percentBps: 1_500 };
    // 15% of 50 = 7.5 → 8 held back.
    const result = availableToSell(aListing({ bufferRules: [rule] }));
    expect(result.buffer).toBe(8);
    expect(result.quantity).toBe(42);
  });

  describe("given a velocity rule on Amazon (risk 1.5), 3 sales a day, 2 days lead time and 4 safety stock", () => {
    const rule: BufferRule = {
      id: "v",
      channelId: null,
      scope: "channel",
      scopeValue: null,
      kind: "velocity",
      leadTimeDays: 2,
      safetyStock: 4,
      riskMultiplier: null,
    };

    it("holds ceil(1.5 × (3 × 2 + 4)) = 15 units and explains the sum in words", () => {
      const result = availableToSell(aListing({ bufferRules: [rule], velocityPerDay: 3 }));
      expect(result.buffer).toBe(15);
      expect(result.quantity).toBe(35);
      expect(result.explanation.find((s) => s.rule === "buffer.velocity")?.text).toBe("Amazon buffer 1.5 × (3/day × 2 days + 4) = 15 units");
    });

    it("given what the velocity counted (the store and eBay), when the buffer is explained, then the step before it says how many sold, where and over which days, and a fixed buffer says nothing of sales", () => {
      const now = new Date("2026-12-01T12:00:00Z");
      const velocity = salesVelocity([{ at: new Date(now.getTime() - 3_600_000), quantity: 14 }], {
        now,
        windowDays: 28,
        soldOn: ["the Shopify store", "eBay US"],
      });
      const result = availableToSell(aListing({ bufferRules: [rule], velocityPerDay: velocity.perDay, velocity }));
      const at = result.explanation.findIndex((s) => s.rule === "buffer.velocity");
      const counted = result.explanation[at - 1];
      expect(counted.rule).toBe("velocity.counted");
      expect(counted.text).toBe(
        `14 sold in the last 28 days across the Shopify store and eBay US, recent days weighted more (half-life 7 days): ${Math.round(velocity.perDay * 1000) / 1000}/day`,
      );
      // It changes nothing itself: the running figure before the buffer is the pool.
      expect([counted.effect, counted.result]).toEqual([0, 50]);
      const fixed = availableToSell(aListing({ bufferRules: [channelDefault(5)], velocityPerDay: velocity.perDay, velocity }));
      expect(fixed.explanation.some((s) => s.rule === "velocity.counted")).toBe(false);
    });

    it("uses the kind's default multiplier when the channel has none set", () => {
      const result = availableToSell(aListing({ bufferRules: [rule], velocityPerDay: 3, channel: aChannel("ebay", { riskMultiplier: null }) }));
      // eBay default 1.2 × 10 = 12.
      expect(result.buffer).toBe(12);
    });

    it("lets the rule's own multiplier override the channel's", () => {
      const result = availableToSell(aListing({ bufferRules: [{ ...rule, riskMultiplier: 2 }], velocityPerDay: 3 }));
      expect(result.buffer).toBe(20);
    });

    it("rounds a fractional buffer up, but not floating-point noise", () => {
      const noisy = availableToSell(aListing({ bufferRules: [{ ...rule, leadTimeDays: 3, safetyStock: 0.3, riskMultiplier: 10 }], velocityPerDay: 0.1 }));
      // (0.1 × 3 + 0.3) × 10 = 6 exactly for a merchant, 6.000000000000001 in doubles.
      expect(noisy.buffer).toBe(6);
      const fractional = availableToSell(aListing({ bufferRules: [rule], velocityPerDay: 2.5 }));
      // 1.5 × (5 + 4) = 13.5 → 14.
      expect(fractional.buffer).toBe(14);
    });
  });

  describe("given rules at several levels, the most specific wins", () => {
    const rules: BufferRule[] = [
      channelDefault(1),
      { id: "tag", channelId: null, scope: "tag", scopeValue: "fragile", kind: "fixed", units: 2 },
      { id: "variant", channelId: null, scope: "variant", scopeValue: "var-1", kind: "fixed", units: 3 },
      { id: "listing", channelId: null, scope: "listing", scopeValue: "lst-1", kind: "fixed", units: 4 },
    ];
    const tagged = aVariant({ tags: ["fragile"] });

    it("applies the listing rule over every other", () => {
      expect(availableToSell(aListing({ bufferRules: rules, variant: tagged })).buffer).toBe(4);
    });

    it("applies the variant rule when no listing rule matches", () => {
      expect(availableToSell(aListing({ bufferRules: rules.slice(0, 3), variant: tagged })).buffer).toBe(3);
    });

    it("applies a tag rule over the channel default, and the default when the tag does not match", () => {
      expect(availableToSell(aListing({ bufferRules: rules.slice(0, 2), variant: tagged })).buffer).toBe(2);
      expect(availableToSell(aListing({ bufferRules: rules.slice(0, 2) })).buffer).toBe(1);
    });

    it("ignores a rule written for another channel", () => {
      const otherChannel: BufferRule = { ...rules[3], channelId: "ch-ebay" };
      expect(availableToSell(aListing({ bufferRules: [channelDefault(1), otherChannel] })).buffer).toBe(1);
    });

    it("prefers a rule for this channel over one for every channel at the same level", () => {
      const everyChannel: BufferRule = { id: "all", channelId: null, scope: "variant", scopeValue: "var-1", kind: "fixed", units: 9 };
      const thisChannel: BufferRule = { ...everyChannel, id: "mine", channelId: "ch-amazon", units: 2 };
      expect(availableToSell(aListing({ bufferRules: [everyChannel, thisChannel] })).buffer).toBe(2);
    });

    it("keeps the larger buffer when two rules tie at the same level", () => {
      const a: BufferRule = { id: "a", channelId: null, scope: "product", scopeValue: "prod-1", kind: "fixed", units: 2 };
      const b: BufferRule = { id: "b", channelId: null, scope: "collection", scopeValue: "summer", kind: "fixed", units: 6 };
      const result = availableToSell(aListing({ bufferRules: [a, b], variant: aVariant({ collections: ["summer"] }) }));
      expect(result.buffer).toBe(6);
      expect(result.explanation.some((s) => s.rule === "buffer.tie")).toBe(true);
    });
  });

  it("gives a discontinued variant no buffer so it sells down to zero", () => {
    const result = availableToSell(aListing({ bufferRules: [channelDefault(20)], variant: aVariant({ discontinued: true }), levels: [] }));
    expect(result.buffer).toBe(0);
    const withStock = availableToSell(aListing({ bufferRules: [channelDefault(20)], variant: aVariant({ discontinued: true }) }));
    expect(withStock.quantity).toBe(50);
  });

  it("never lists below zero when the buffer exceeds the pool", () => {
    const result = availableToSell(aListing({ bufferRules: [channelDefault(80)] }));
    expect(result.quantity).toBe(0);
  });
});

describe("buffers, for any figures", () => {
  const velocityRule = (leadTimeDays: number, safetyStock: number, riskMultiplier: number | null): BufferRule => ({
    id: "v",
    channelId: null,
    scope: "channel",
    scopeValue: null,
    kind: "velocity",
    leadTimeDays,
    safetyStock,
    riskMultiplier,
  });
  const figures = fc.record({
    velocity: fc.double({ min: 0, max: 50, noNaN: true }),
    lead: fc.double({ min: 0, max: 30, noNaN: true }),
    safety: fc.integer({ min: 0, max: 50 }),
    risk: fc.option(fc.double({ min: 0.1, max: 3, noNaN: true }), { nil: null }),
    stock: fc.integer({ min: 0, max: 500 }),
  });

  it("given more velocity, lead time or safety stock, when the buffer is computed, then it never shrinks and available-to-sell never grows", () => {
    fc.assert(
      fc.property(figures, fc.double({ min: 0, max: 10, noNaN: true }), fc.integer({ min: 0, max: 3 }), (f, more, which) => {
        const bigger = {
          velocity: f.velocity + (which === 0 ? more : 0),
          lead: f.lead + (which === 1 ? more : 0),
          safety: f.safety + (which === 2 ? Math.ceil(more) : 0),
        };
        const base = availableToSell(
          aListing({ levels: [stockAt(f.stock)], velocityPerDay: f.velocity, bufferRules: [velocityRule(f.lead, f.safety, f.risk)] }),
        );
        const grown = availableToSell(
          aListing({ levels: [stockAt(f.stock)], velocityPerDay: bigger.velocity, bufferRules: [velocityRule(bigger.lead, bigger.safety, f.risk)] }),
        );
        expect(grown.buffer).toBeGreaterThanOrEqual(base.buffer);
        expect(grown.quantity).toBeLessThanOrEqual(base.quantity);
      }),
      { numRuns: 500 },
    );
  });

  it("given a percent buffer, when the pool grows, then the buffer never shrinks and available-to-sell never falls", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 100 }), (bps, stock, extra) => {
        const rule: BufferRule = { id: "p", channelId: null, scope: "channel", scopeValue: null, kind: "percent", percentBps: bps };
        const small = availableToSell(aListing({ levels: [stockAt(stock)], bufferRules: [rule] }));
        const large = availableToSell(aListing({ levels: [stockAt(stock + extra)], bufferRules: [rule] }));
        expect(large.buffer).toBeGreaterThanOrEqual(small.buffer);
        expect(large.quantity).toBeGreaterThanOrEqual(small.quantity);
        expect(small.buffer).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});
