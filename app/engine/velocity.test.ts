import { describe, expect, it } from "vitest";
import { NOW } from "./test-fixtures";
import { type ChannelSale, type Sale, salesVelocity, salesVelocityByVariantAndChannel, velocityKey } from "./velocity";

const DAY = 86_400_000;
const daysAgo = (days: number, quantity: number): Sale => ({ at: new Date(NOW.getTime() - days * DAY - 1), quantity });

describe("sales velocity", () => {
  it("given 3 sold every day for the whole window, when averaged, then velocity is exactly 3 a day whatever the half-life", () => {
    const steady = Array.from({ length: 28 }, (_, d) => daysAgo(d, 3));
    expect(salesVelocity(steady, { now: NOW }).perDay).toBeCloseTo(3, 9);
    expect(salesVelocity(steady, { now: NOW, halfLifeDays: 2 }).perDay).toBeCloseTo(3, 9);
  });

  it("given the same 10 units sold yesterday or 20 days ago, when averaged, then the recent sale weighs more", () => {
    const recent = salesVelocity([daysAgo(1, 10)], { now: NOW }).perDay;
    const old = salesVelocity([daysAgo(20, 10)], { now: NOW }).perDay;
    expect(recent).toBeGreaterThan(old);
    expect(old).toBeGreaterThan(0);
  });

  it("given a merchant-set 7-day window, when a sale is 8 days old, then it is not counted", () => {
    const result = salesVelocity([daysAgo(8, 40), daysAgo(2, 7)], { now: NOW, windowDays: 7 });
    expect(result.unitsInWindow).toBe(7);
    expect(result.windowDays).toBe(7);
  });

  it("given a sale dated in the future, when averaged, then it is left out", () => {
    const result = salesVelocity([{ at: new Date(NOW.getTime() + DAY), quantity: 50 }], { now: NOW });
    expect(result.perDay).toBe(0);
    expect(result.unitsInWindow).toBe(0);
  });

  it("given no sales, when averaged, then velocity is 0 and the explanation says what was counted", () => {
    const result = salesVelocity([], { now: NOW, windowDays: 14 });
    expect(result.perDay).toBe(0);
    expect(result.explanation[0].text).toBe("0 sold in the last 14 days, recent days weighted more (half-life 3.5 days): 0/day");
  });

  it("given an order history of two variants on two channels, when grouped, then each variant and channel gets its own velocity", () => {
    const at = new Date(NOW.getTime() - 1);
    const sales: ChannelSale[] = [
      { variantId: "v1", channelId: "amazon", at, quantity: 28 },
      { variantId: "v1", channelId: "ebay", at, quantity: 0 },
      { variantId: "v2", channelId: "amazon", at, quantity: 5 },
    ];
    const byKey = salesVelocityByVariantAndChannel(sales, { now: NOW });
    expect(byKey.size).toBe(3);
    expect(byKey.get(velocityKey("v1", "amazon"))!.perDay).toBeGreaterThan(byKey.get(velocityKey("v2", "amazon"))!.perDay);
    expect(byKey.get(velocityKey("v1", "ebay"))!.perDay).toBe(0);
  });

  it("given where the sales were made, when averaged, then the explanation says how many sold and where; with nothing sold anywhere it says so", () => {
    const result = salesVelocity([daysAgo(0, 9), daysAgo(3, 5)], { now: NOW, soldOn: ["the Shopify store", "Amazon US", "eBay US"] });
    expect(result.unitsInWindow).toBe(14);
    expect(result.soldOn).toBe("the Shopify store, Amazon US and eBay US");
    expect(result.explanation[0].text).toBe(
      `14 sold in the last 28 days across the Shopify store, Amazon US and eBay US, recent days weighted more (half-life 7 days): ${Math.round(result.perDay * 1000) / 1000}/day`,
    );
    expect(salesVelocity([], { now: NOW, soldOn: [] }).explanation[0].text).toBe(
      "0 sold in the last 28 days in the store or on any channel, recent days weighted more (half-life 7 days): 0/day",
    );
  });

  it("given a half-life of 0 or less, when averaged, then the default half-life is used instead of dividing by zero", () => {
    const result = salesVelocity([daysAgo(1, 10)], { now: NOW, windowDays: 28, halfLifeDays: 0 });
    expect(Number.isFinite(result.perDay)).toBe(true);
    expect(result.halfLifeDays).toBe(7);
  });
});
