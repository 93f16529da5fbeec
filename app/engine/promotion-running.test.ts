import { describe, expect, it } from "vitest";
import { explanationText } from "./explain";
import { desiredListing } from "./listing";
import { aChannel, aDesiredListingInput, aPromotionReserve, NOW } from "./test-fixtures";
import type { PromotionReserve } from "./types";

// A launched promotion while it runs (domain.md "Promotions"): its discount reaches the price its
// channels are pushed, MAP still holds, coupons leave the price and are recorded; its auto-pause
// rule pauses or throttles the channels it does not promote; outside its window nothing of it acts.

const HOUR = 3_600_000;
const tiktok = aChannel("tiktok");
const amazon = aChannel("amazon");
const ebay = aChannel("ebay");

/** "Spring sale" on TikTok Shop, 20 % off the list price, running since an hour before NOW until 14 March. */
const spring = (overrides: Partial<PromotionReserve> = {}): PromotionReserve =>
  aPromotionReserve({
    name: "Spring sale",
    endsAt: new Date("2025-06-14T00:00:00Z"),
    reserveUnits: 0,
    discount: { kind: "percent", value: 2_000 },
    ...overrides,
  });

const onTikTok = (promotions: PromotionReserve[], overrides = {}) =>
  desiredListing(aDesiredListingInput({ channel: tiktok, channels: [tiktok, amazon, ebay], shopifyPriceCents: 5_000, promotions, ...overrides }));
const onAmazon = (promotions: PromotionReserve[], overrides = {}) =>
  desiredListing(aDesiredListingInput({ channel: amazon, channels: [tiktok, amazon, ebay], shopifyPriceCents: 5_000, promotions, ...overrides }));

describe("a running promotion's price", () => {
  it("given 20 % off on TikTok Shop running now, when TikTok's price is computed, then 50.00 becomes 40.00 with a step naming the sale and its end, and Amazon keeps 50.00", () => {
    const promoted = onTikTok([spring()]);
    expect(promoted.priceCents).toBe(4_000);
    expect(explanationText(promoted.explanation.price)).toContain("Spring sale: 20% off until 2025-06-14 → 40.00");
    expect(promoted.price.couponCents).toBe(0);
    expect(onAmazon([spring()]).priceCents).toBe(5_000);
  });

  it("given the same promotion before its start, after its end, paused, or still a draft, when priced, then the rule's price stands", () => {
    const before = spring({ status: "ready", startsAt: new Date(NOW.getTime() + HOUR) });
    const after = spring({ startsAt: new Date(NOW.getTime() - 48 * HOUR), endsAt: new Date(NOW.getTime() - HOUR) });
    for (const promotion of [before, after, spring({ status: "paused" }), spring({ status: "draft" })]) {
      expect(onTikTok([promotion]).priceCents, promotion.status).toBe(5_000);
    }
    // Launched and its start passed, though the start job has not marked it running yet: it acts.
    expect(onTikTok([spring({ status: "ready" })]).priceCents).toBe(4_000);
  });

  it("given a MAP of 45.00, when 20 % off would publish 40.00, then MAP holds: 45.00 with the MAP notice", () => {
    const promoted = onTikTok([spring()], { mapCents: 4_500 });
    expect(promoted.priceCents).toBe(4_500);
    expect(promoted.price.notices.map((n) => n.code)).toContain("mapClamped");
    expect(explanationText(promoted.explanation.price)).toContain("Raised to MAP 45.00");
  });

  it("given a 10 % coupon, when priced, then the pushed price stays 50.00 and the coupon of 5.00 is recorded for parity", () => {
    const promoted = onTikTok([spring({ discount: { kind: "couponPercent", value: 1_000 } })]);
    expect(promoted.priceCents).toBe(5_000);
    expect(promoted.price.couponCents).toBe(500);
    expect(explanationText(promoted.explanation.price)).toContain("the list price stays 50.00, the coupon of 5.00 counts for parity");
  });

  it("given two promotions running on TikTok (10 % off and 8.00 off), when priced, then the lower price wins: 42.00", () => {
    const tenOff = spring({ promotionId: "p-10", name: "Ten", discount: { kind: "percent", value: 1_000 } });
    const eightOff = spring({ promotionId: "p-8", name: "Eight", discount: { kind: "amount", value: 800 } });
    expect(onTikTok([tenOff, eightOff]).priceCents).toBe(4_200);
  });
});

describe("a running promotion's auto-pause rule", () => {
  const pool = {
    levels: [
      { location: { id: "loc", name: "Warehouse", saleable: true, isDropShip: false, vendorShareBps: 10_000, eligibleChannelIds: null }, available: 30 },
    ],
  };

  it("given a promotion on TikTok that pauses the other channels, when Amazon's quantity is computed while it runs, then 0 with a step naming the promotion; TikTok keeps its units", () => {
    const pausing = spring({ autoPause: { mode: "pause", throttleUnits: null, channelIds: [] } });
    const paused = onAmazon([pausing], pool);
    expect(paused.quantity).toBe(0);
    expect(explanationText(paused.explanation.quantity)).toContain(
      'Paused while promotion "Spring sale" runs on other channels (until 2025-06-14): listed at 0',
    );
    expect(onTikTok([pausing], pool).quantity).toBe(30);
  });

  it("given a throttle of 3 units on eBay only, when computed, then eBay lists 3, Amazon its 30, and after the end eBay its 30 again", () => {
    const throttling = spring({ autoPause: { mode: "throttle", throttleUnits: 3, channelIds: [ebay.id] } });
    const onEbay = (promotions: PromotionReserve[], now = NOW) =>
      desiredListing(aDesiredListingInput({ channel: ebay, channels: [tiktok, amazon, ebay], promotions, now, ...pool }));
    expect(onEbay([throttling]).quantity).toBe(3);
    expect(explanationText(onEbay([throttling]).explanation.quantity)).toContain('At most 3 units while promotion "Spring sale" runs on other channels');
    expect(onAmazon([throttling], pool).quantity).toBe(30);
    expect(onEbay([throttling], new Date("2025-06-14T00:00:00Z")).quantity).toBe(30);
  });
});
