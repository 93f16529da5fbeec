import { describe, expect, it } from "vitest";
import { availableToSell } from "./ats";
import { aChannel, aListing, aVariant, stockAt } from "./test-fixtures";
import { effectiveThreshold, ranksFirst, throttleFor } from "./throttle";

const amazon = aChannel("amazon", { priority: 1, lowStockThreshold: 0 });
const shopify = aChannel("shopify", { priority: 2, lowStockThreshold: 10 });
const tiktok = aChannel("tiktok", { priority: 3, lowStockThreshold: 20 });
const channels = [amazon, shopify, tiktok];

describe("low-stock throttling (shared/seeds/001_4ebd8059e59ae1ed.txt)", () => {
  it("given the playbook's rule 'when total stock < 20 units, suppress TikTok Shop first', when 19 are left, then TikTok lists 0 while Shopify and Amazon keep selling", () => {
    const levels = [stockAt(19)];
    expect(availableToSell(aListing({ channel: tiktok, channels, levels })).quantity).toBe(0);
    expect(availableToSell(aListing({ channel: shopify, channels, levels })).quantity).toBe(19);
    expect(availableToSell(aListing({ channel: amazon, channels, levels })).quantity).toBe(19);
  });

  it("given the same shop, when the pool drops under Shopify's threshold too, then the channels go dark lowest priority first and Amazon keeps the last units", () => {
    const levels = [stockAt(7)];
    expect(availableToSell(aListing({ channel: tiktok, channels, levels })).throttled).toBe(true);
    expect(availableToSell(aListing({ channel: shopify, channels, levels })).throttled).toBe(true);
    expect(availableToSell(aListing({ channel: amazon, channels, levels })).quantity).toBe(7);
  });

  it("given a lower-priority channel with a lower threshold than a higher-priority one, when asked its effective threshold, then it is raised and the raiser is named", () => {
    const lowFirst = aChannel("ebay", { priority: 4, lowStockThreshold: 5 });
    const { threshold, raisedBy } = effectiveThreshold(lowFirst, [...channels, lowFirst]);
    expect(threshold).toBe(20);
    expect(raisedBy?.name).toBe("TikTok Shop");
  });

  it("given a pool exactly at the threshold, when throttling is checked, then the channel still lists", () => {
    expect(throttleFor(tiktok, channels, 20, 20).throttled).toBe(false);
    expect(throttleFor(tiktok, channels, 19, 19).throttled).toBe(true);
  });

  it("given a threshold of 0, when the pool is 0, then throttling does not act (nothing to explain)", () => {
    const result = throttleFor(amazon, channels, 0, 0);
    expect(result.throttled).toBe(false);
    expect(result.steps).toHaveLength(0);
  });

  it("given a throttled channel, when explained, then the step removes exactly the running figure and names the threshold", () => {
    const result = throttleFor(tiktok, channels, 12, 9);
    expect(result.steps[0].effect).toBe(-9);
    expect(result.steps[0].result).toBe(0);
    expect(result.steps[0].text).toBe("Pool of 12 units is under the low-stock threshold: TikTok Shop's low-stock threshold is 20 units; listed at 0");
  });
});

describe("a discontinued variant sells to zero (shared/seeds/000_7fc7d1aaca5936bb.txt, 'Marking items Discontinued')", () => {
  const thresholdOnTop = aChannel("amazon", { priority: 1, lowStockThreshold: 5 });
  const all = [thresholdOnTop, shopify, tiktok];

  it("given the top-priority channel has a threshold, when a discontinued variant has 3 left, then that channel still lists all 3", () => {
    const result = availableToSell(aListing({ channel: thresholdOnTop, channels: all, levels: [stockAt(3)], variant: aVariant({ discontinued: true }) }));
    expect(result.quantity).toBe(3);
    expect(result.explanation.some((s) => s.rule === "throttle.discontinuedTopChannel")).toBe(true);
  });

  it("given the same discontinued variant, when a lower-priority channel asks, then it is still throttled so the last units go to the top channel", () => {
    const result = availableToSell(aListing({ channel: tiktok, channels: all, levels: [stockAt(3)], variant: aVariant({ discontinued: true }) }));
    expect(result.quantity).toBe(0);
  });

  it("given a variant that is not discontinued, when the top channel is under its own threshold, then it is throttled like any other", () => {
    expect(availableToSell(aListing({ channel: thresholdOnTop, channels: all, levels: [stockAt(3)] })).quantity).toBe(0);
  });

  it("given channels tied for first place, when ranking, then each of them ranks first", () => {
    const twin = aChannel("walmart", { priority: 1 });
    expect(ranksFirst(twin, [thresholdOnTop, twin, tiktok])).toBe(true);
    expect(ranksFirst(tiktok, [thresholdOnTop, twin, tiktok])).toBe(false);
  });
});
