import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultParityMatrix, type ParityEdge, parityViolations, pushHeldForReview, type VisiblePrice } from "./parity";
import { aChannel } from "./test-fixtures";
import type { Channel } from "./types";

const edge = (overrides: Partial<ParityEdge> = {}): ParityEdge => ({
  watcherId: "amazon",
  watchedId: "shopify",
  toleranceBps: 0,
  toleranceCents: 0,
  includeShipping: true,
  includeCoupons: true,
  allowViolations: false,
  ...overrides,
});

const price = (channelId: string, priceCents: number, extra: Partial<VisiblePrice> = {}): VisiblePrice => ({
  channelId,
  channelName: channelId[0].toUpperCase() + channelId.slice(1),
  priceCents,
  shippingCents: 0,
  couponCents: 0,
  ...extra,
});

describe("parity violations", () => {
  it("reports a watched channel cheaper than its watcher, with the amounts and by how much", () => {
    const [violation] = parityViolations([edge({ toleranceCents: 50 })], [price("amazon", 2_000), price("shopify", 1_800)]);
    expect(violation).toMatchObject({
      watcherId: "amazon",
      watchedId: "shopify",
      watcherPriceCents: 2_000,
      watchedPriceCents: 1_800,
      differenceCents: 200,
      toleranceCents: 50,
      excessCents: 150,
    });
    expect(violation.text).toBe("Shopify shows 18.00, 2.00 under Amazon's 20.00 (tolerance 0.50)");
  });

  it("accepts a difference within the tolerance, absolute or percent, whichever is larger", () => {
    const prices = [price("amazon", 2_000), price("shopify", 1_900)];
    expect(parityViolations([edge({ toleranceCents: 100 })], prices)).toEqual([]);
    expect(parityViolations([edge({ toleranceBps: 500 })], prices)).toEqual([]);
    expect(parityViolations([edge({ toleranceBps: 400, toleranceCents: 10 })], prices)).toHaveLength(1);
  });

  it("does not mind the watched channel being dearer", () => {
    expect(parityViolations([edge()], [price("amazon", 2_000), price("shopify", 2_500)])).toEqual([]);
  });

  it("counts shipping and a visible coupon when the edge says so, and ignores them when not", () => {
    const prices = [price("amazon", 2_000), price("shopify", 1_800, { shippingCents: 500 }), price("tiktok", 2_000, { couponCents: 300 })];
    const withShipping = [edge(), edge({ watchedId: "tiktok" })];
    expect(parityViolations(withShipping, prices).map((v) => v.watchedId)).toEqual(["tiktok"]);
    const withoutExtras = withShipping.map((e) => ({ ...e, includeShipping: false, includeCoupons: false }));
    expect(parityViolations(withoutExtras, prices).map((v) => v.watchedId)).toEqual(["shopify"]);
  });

  it("skips an edge when either channel has no price for the variant", () => {
    expect(parityViolations([edge()], [price("shopify", 100)])).toEqual([]);
  });
});

describe("holding a push for review", () => {
  const edges = [edge(), edge({ watcherId: "walmart" })];
  const current = [price("amazon", 2_000), price("walmart", 2_000), price("shopify", 2_000)];

  it("holds a push that would create a violation, naming it", () => {
    const review = pushHeldForReview(edges, current, price("shopify", 1_800));
    expect(review.held).toBe(true);
    expect(review.blocking.map((v) => v.watcherId)).toEqual(["amazon", "walmart"]);
    expect(review.reasons[0]).toContain("2.00 under Amazon's 20.00");
  });

  it("lets it through when the merchant allows violations on those edges", () => {
    const allowed = edges.map((e) => ({ ...e, allowViolations: true }));
    expect(pushHeldForReview(allowed, current, price("shopify", 1_800)).held).toBe(false);
  });

  it("holds a watcher's price rise that opens a gap to a cheaper channel", () => {
    expect(pushHeldForReview(edges, current, price("amazon", 2_300)).held).toBe(true);
  });

  it("holds a push that deepens an existing violation but not one that narrows it", () => {
    const violating = [price("amazon", 2_000), price("walmart", 1_700), price("shopify", 1_800)];
    expect(pushHeldForReview(edges, violating, price("shopify", 1_700)).held).toBe(true);
    expect(pushHeldForReview(edges, violating, price("shopify", 1_900)).held).toBe(false);
  });
});

describe("the default parity matrix (domain.md: Amazon and Walmart watch every public price)", () => {
  // Which marketplaces crawl prices is each one's channel module's (app/channels/registry.test.ts);
  // here, test data.
  const watching = (channel: Channel) => ({ ...channel, watchesOtherPrices: channel.kind === "amazon" || channel.kind === "walmart" });

  it("given Amazon, Walmart, eBay and the Shopify store, when the default matrix is built, then Amazon and Walmart each watch the three others and nobody else watches", () => {
    const channels = [aChannel("amazon"), aChannel("walmart"), aChannel("ebay"), aChannel("shopify")];
    const edges = defaultParityMatrix(channels.map(watching));
    expect(edges.map((e) => `${e.watcherId}>${e.watchedId}`).sort()).toEqual(
      ["ch-amazon>ch-ebay", "ch-amazon>ch-shopify", "ch-amazon>ch-walmart", "ch-walmart>ch-amazon", "ch-walmart>ch-ebay", "ch-walmart>ch-shopify"].sort(),
    );
    expect(edges.every((e) => e.toleranceBps === 0 && e.includeCoupons && e.includeShipping && !e.allowViolations)).toBe(true);
  });

  it("given the default matrix, when the Shopify store shows a visible coupon taking it under Amazon, then that is a violation (seed 001: coupon discounts can trigger alerts)", () => {
    const edges = defaultParityMatrix([aChannel("amazon"), aChannel("shopify")].map(watching));
    const prices: VisiblePrice[] = [
      { channelId: "ch-amazon", channelName: "Amazon", priceCents: 2_000, shippingCents: 0, couponCents: 0 },
      { channelId: "ch-shopify", channelName: "Shopify", priceCents: 2_000, shippingCents: 0, couponCents: 200 },
    ];
    expect(parityViolations(edges, prices).map((v) => v.watchedId)).toEqual(["ch-shopify"]);
  });
});

describe("two edges on one channel pair", () => {
  it("given Amazon watching Shopify twice, once counting coupons and once not, when Amazon re-pushes its price, then neither edge's standing violation holds the push", () => {
    // The deeper violation first: compared by channel pair, it would be judged against the
    // shallower one and look new.
    const edges: ParityEdge[] = [edge({ includeCoupons: true }), edge({ includeCoupons: false })];
    const prices: VisiblePrice[] = [
      { channelId: "amazon", channelName: "Amazon", priceCents: 2_000, shippingCents: 0, couponCents: 0 },
      { channelId: "shopify", channelName: "Shopify", priceCents: 1_900, shippingCents: 0, couponCents: 300 },
    ];
    expect(parityViolations(edges, prices).map((v) => v.excessCents)).toEqual([400, 100]);
    expect(pushHeldForReview(edges, prices, prices[0]).held).toBe(false);
  });
});

describe("parity, for any prices", () => {
  const ids = ["a", "b", "c"];
  const anEdge = fc.record({
    watcherId: fc.constantFrom(...ids),
    watchedId: fc.constantFrom(...ids),
    toleranceBps: fc.integer({ min: 0, max: 2_000 }),
    toleranceCents: fc.integer({ min: 0, max: 500 }),
    includeShipping: fc.boolean(),
    includeCoupons: fc.boolean(),
    allowViolations: fc.boolean(),
  });
  const prices = fc.tuple(
    ...ids.map((id) =>
      fc.record({
        channelId: fc.constant(id),
        channelName: fc.constant(id.toUpperCase()),
        priceCents: fc.integer({ min: 0, max: 50_000 }),
        shippingCents: fc.integer({ min: 0, max: 1_500 }),
        couponCents: fc.integer({ min: 0, max: 2_000 }),
      }),
    ),
  );

  it("given any matrix and prices, when violations are listed, then a watched channel is reported exactly when it is cheaper than its watcher by more than the tolerance", () => {
    fc.assert(
      fc.property(fc.array(anEdge, { maxLength: 6 }), prices, (edges, visible) => {
        const found = parityViolations(edges, visible);
        const expected = edges.filter((e) => {
          const watcher = visible.find((p) => p.channelId === e.watcherId)!;
          const watched = visible.find((p) => p.channelId === e.watchedId)!;
          const seen = (p: VisiblePrice) => p.priceCents + (e.includeShipping ? p.shippingCents : 0) - (e.includeCoupons ? p.couponCents : 0);
          const tolerance = Math.max(e.toleranceCents, Math.floor((Math.max(0, seen(watcher)) * e.toleranceBps) / 10_000));
          return seen(watcher) - seen(watched) > tolerance;
        });
        expect(found.map((v) => `${v.watcherId}>${v.watchedId}`)).toEqual(expected.map((e) => `${e.watcherId}>${e.watchedId}`));
        for (const v of found) expect(v.excessCents).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it("given any matrix and prices, when a channel re-pushes the price it already shows, then the push is never held", () => {
    fc.assert(
      fc.property(fc.array(anEdge, { maxLength: 6 }), prices, fc.nat({ max: 2 }), (edges, visible, which) => {
        expect(pushHeldForReview(edges, visible, visible[which]).held).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
