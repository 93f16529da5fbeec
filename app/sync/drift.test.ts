import { describe, expect, it } from "vitest";
import { AMAZON_LIMITS } from "~/channels/amazon/limits";
import { EBAY_LIMITS } from "~/channels/ebay";
import { WALMART_LIMITS } from "~/channels/walmart/limits";
import {
  decideDrift,
  decidePriceDrift,
  DRIFT_GRACE_MS,
  DRIFT_READ_EVERY_MS,
  driftReadEveryMs,
  REPEAT_WINDOW_MS,
  type DriftInput,
  type DriftListing,
} from "./drift";

const now = new Date("2026-12-09T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const pushed = (over: Partial<DriftListing> = {}): DriftListing => ({
  pushedQuantity: 10,
  pushedAt: minutesAgo(30),
  desiredQuantity: 10,
  syncState: "IN_SYNC",
  fulfilledByMarketplace: false,
  ...over,
});
const input = (over: Partial<DriftInput> = {}): DriftInput => ({
  listing: pushed(),
  observedQuantity: 10,
  soldSincePush: 0,
  thresholdUnits: 5,
  earlierDrifts: [],
  repairAllowed: true,
  now,
  ...over,
});

describe("the drift decision", () => {
  it("given 10 pushed half an hour ago, when the marketplace shows 3, then it drifts by -7 and is repaired", () => {
    expect(decideDrift(input({ observedQuantity: 3 }))).toEqual({
      drifting: true,
      expected: 10,
      observed: 3,
      units: -7,
      drifts: 1,
      anotherTool: false,
      repair: true,
    });
  });

  it("given the default threshold of 5, when the marketplace shows 5 or 15 for 10 pushed, then that is within it; 4 and 16 are drift", () => {
    expect(decideDrift(input({ observedQuantity: 5 }))).toEqual({ drifting: false, reason: "within the threshold" });
    expect(decideDrift(input({ observedQuantity: 15 }))).toEqual({ drifting: false, reason: "within the threshold" });
    expect(decideDrift(input({ observedQuantity: 4 }))).toMatchObject({ drifting: true, units: -6 });
    expect(decideDrift(input({ observedQuantity: 16 }))).toMatchObject({ drifting: true, units: 6 });
  });

  it("given a merchant threshold of 0, when the marketplace shows one unit more, then it drifts", () => {
    expect(decideDrift(input({ observedQuantity: 11, thresholdUnits: 0 }))).toMatchObject({ drifting: true, units: 1 });
  });

  it("given 8 units sold on the marketplace since the push of 10, when it shows 2, then that is what it should show: no drift", () => {
    expect(decideDrift(input({ observedQuantity: 2, soldSincePush: 8 }))).toEqual({ drifting: false, reason: "within the threshold" });
    expect(decideDrift(input({ observedQuantity: 9, soldSincePush: 8 }))).toMatchObject({ drifting: true, expected: 2, units: 7 });
  });

  it("given a push pending or on its way, or a held quantity not pushed yet, when the marketplace shows anything, then no drift", () => {
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ syncState: "PENDING", desiredQuantity: 0 }) }))).toEqual({
      drifting: false,
      reason: "push in flight",
    });
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ syncState: "HELD", desiredQuantity: 0 }) }))).toEqual({
      drifting: false,
      reason: "push in flight",
    });
    // Held for its price only: the quantity is the pushed one, so a drift of it is real.
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ syncState: "HELD", desiredQuantity: 10 }) }))).toMatchObject({ drifting: true });
  });

  it("given a push acknowledged 9 minutes ago, when the marketplace still shows the old number, then it is within the grace; at 10 minutes it drifts", () => {
    expect(DRIFT_GRACE_MS).toBe(10 * 60_000);
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ pushedAt: minutesAgo(9) }) }))).toEqual({
      drifting: false,
      reason: "push just acknowledged",
    });
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ pushedAt: minutesAgo(10) }) }))).toMatchObject({ drifting: true, units: -10 });
  });

  it("given a listing never pushed, or fulfilled by the marketplace, or showing no quantity, then no drift", () => {
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ pushedQuantity: null, pushedAt: null }) }))).toEqual({
      drifting: false,
      reason: "never pushed",
    });
    expect(decideDrift(input({ observedQuantity: 0, listing: pushed({ fulfilledByMarketplace: true }) }))).toEqual({
      drifting: false,
      reason: "fulfilled by the marketplace",
    });
    expect(decideDrift(input({ observedQuantity: null }))).toEqual({ drifting: false, reason: "nothing shown" });
  });

  it("given two drifts earlier today and one 25 hours ago, when it drifts again, then it is the third within 24 hours: probably another tool", () => {
    const earlier = [minutesAgo(60), minutesAgo(600), new Date(now.getTime() - REPEAT_WINDOW_MS - 3600_000)];
    expect(decideDrift(input({ observedQuantity: 30, earlierDrifts: earlier }))).toMatchObject({ drifting: true, drifts: 3, anotherTool: true });
    expect(decideDrift(input({ observedQuantity: 30, earlierDrifts: earlier.slice(1) }))).toMatchObject({ drifting: true, drifts: 2, anotherTool: false });
  });

  it("given a channel whose merchant turned repair off, when it drifts, then it is reported and not repaired", () => {
    expect(decideDrift(input({ observedQuantity: 0, repairAllowed: false }))).toMatchObject({ drifting: true, repair: false });
  });
});

describe("the drift read's pace", () => {
  it("given 10,000 listings, then Amazon (20 a call at 5/s) is read every 6.7 minutes, eBay (a call per item at 10/s) every 67 and Walmart (an items page and an inventories page per 50 at 5/s) every 5.3: a cycle never takes more than a quarter of the account's rate", () => {
    expect(driftReadEveryMs(AMAZON_LIMITS, 10_000)).toBe(400_000);
    expect(Math.round(driftReadEveryMs(EBAY_LIMITS, 10_000) / 60_000)).toBe(67);
    expect(driftReadEveryMs(WALMART_LIMITS, 10_000)).toBe(320_000);
    expect(driftReadEveryMs(EBAY_LIMITS, 100)).toBe(DRIFT_READ_EVERY_MS);
  });
});

describe("the price drift decision", () => {
  const priced = (over: Partial<Parameters<typeof decidePriceDrift>[0]["listing"]> = {}) => ({
    pushedPriceCents: 2999,
    desiredPriceCents: 2999,
    pushedAt: minutesAgo(30),
    syncState: "IN_SYNC" as const,
    ...over,
  });

  it("given $29.99 pushed half an hour ago, when the marketplace shows $24.99, then it drifts; repaired only where the channel allows it", () => {
    expect(decidePriceDrift({ listing: priced(), observedPriceCents: 2499, repairAllowed: false, now })).toEqual({
      drifting: true,
      expected: 2999,
      observed: 2499,
      repair: false,
    });
    expect(decidePriceDrift({ listing: priced(), observedPriceCents: 2499, repairAllowed: true, now })).toMatchObject({ drifting: true, repair: true });
  });

  it("given the price pushed, one cent off, none shown or never pushed, when judged, then only the cent off drifts (a price has no threshold)", () => {
    const judge = (observed: number | null, listing = priced()) => decidePriceDrift({ listing, observedPriceCents: observed, repairAllowed: true, now });
    expect(judge(2999)).toEqual({ drifting: false, reason: "the price pushed" });
    expect(judge(3000)).toMatchObject({ drifting: true, expected: 2999, observed: 3000 });
    expect(judge(null)).toEqual({ drifting: false, reason: "nothing shown" });
    expect(judge(2499, priced({ pushedPriceCents: null, pushedAt: null }))).toEqual({ drifting: false, reason: "never pushed" });
  });

  it("given a price push waiting, held for review or acknowledged a moment ago, when the marketplace shows another price, then nothing drifts", () => {
    const judge = (listing: ReturnType<typeof priced>) => decidePriceDrift({ listing, observedPriceCents: 2499, repairAllowed: true, now });
    expect(judge(priced({ syncState: "PENDING", desiredPriceCents: 1999 }))).toEqual({ drifting: false, reason: "push in flight" });
    expect(judge(priced({ syncState: "HELD", desiredPriceCents: 1999 }))).toEqual({ drifting: false, reason: "push in flight" });
    expect(judge(priced({ pushedAt: new Date(now.getTime() - DRIFT_GRACE_MS + 1) }))).toEqual({ drifting: false, reason: "push just acknowledged" });
    // Held, but with no price owed: its price is settled and judged.
    expect(judge(priced({ syncState: "HELD" }))).toMatchObject({ drifting: true });
  });
});
