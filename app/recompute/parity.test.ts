import { describe, expect, it } from "vitest";
import type { ParityEdge } from "~/engine/parity";
import { type Decision, parityHold, type SiblingPrice, type StoredListing } from "./desired";
import type { PromotionReserve } from "~/engine/types";
import {
  holdCauseInWords,
  holdGroupKey,
  parseHoldGroup,
  promotionCoupons,
  shownPrice,
  siblingsAfter,
  standingViolations,
  storeSiblings,
  visiblePricesOf,
} from "./parity";

// The parity parts of the recompute without a database: the store's price as a channel's, shipping
// and coupons as the merchant set them, hold groups, and the violations that stand after a batch.

const amazonWatchesStore: ParityEdge = {
  watcherId: "amazon",
  watchedId: "store",
  toleranceBps: 0,
  toleranceCents: 0,
  includeShipping: true,
  includeCoupons: true,
  allowViolations: false,
};
const names = new Map([
  ["amazon", "Amazon US"],
  ["store", "Shopify store"],
  ["ebay", "eBay US"],
]);

function sibling(id: string, channelId: string, price: number | null, overrides: Partial<SiblingPrice> = {}): SiblingPrice {
  return { id, channelId, variantId: "v1", desiredPriceCents: price, pushedPriceCents: price, syncState: "IN_SYNC", ...overrides };
}

describe("the store's price and what customers see", () => {
  it("given two variants, when the store's siblings are made, then each shows its Shopify price as live and next on the store channel; without a store channel there are none", () => {
    const siblings = storeSiblings(
      [
        { id: "v1", priceCents: 4999 },
        { id: "v2", priceCents: 1200 },
      ],
      "store",
    );
    expect(siblings.map((s) => [s.channelId, s.variantId, s.pushedPriceCents, s.desiredPriceCents, s.syncState])).toEqual([
      ["store", "v1", 4999, 4999, "IN_SYNC"],
      ["store", "v2", 1200, 1200, "IN_SYNC"],
    ]);
    expect(storeSiblings([{ id: "v1", priceCents: 4999 }], null)).toEqual([]);
  });

  it("given eBay's shipping of 4.99 and a 2.00 coupon, when its visible price is made, then both are on it and other channels show none", () => {
    const visible = visiblePricesOf(
      new Map([
        ["ebay", 4000],
        ["amazon", 4500],
      ]),
      names,
      new Map([["ebay", { shippingCents: 499, couponCents: 200 }]]),
    );
    expect(visible).toEqual([
      { channelId: "ebay", channelName: "eBay US", priceCents: 4000, shippingCents: 499, couponCents: 200 },
      { channelId: "amazon", channelName: "Amazon US", priceCents: 4500, shippingCents: 0, couponCents: 0 },
    ]);
  });

  it("given a held listing, when its shown price is read, then it is the live price; a pending one shows its new price", () => {
    expect(shownPrice(sibling("a", "amazon", 5000, { syncState: "HELD", desiredPriceCents: 4000 }))).toBe(5000);
    expect(shownPrice(sibling("a", "amazon", 5000, { syncState: "PENDING", desiredPriceCents: 4000 }))).toBe(4000);
    expect(shownPrice(sibling("a", "amazon", null, { syncState: "PENDING", desiredPriceCents: null }))).toBeNull();
  });
});

describe("holds against the store", () => {
  const amazon: StoredListing = {
    id: "a",
    channelId: "amazon",
    variantId: "v1",
    fulfilledByMarketplace: false,
    desiredQuantity: 5,
    desiredPriceCents: null,
    desiredVersion: 0,
    pushedPriceCents: null,
    syncState: "PENDING",
    staleSince: "2026-12-01 00:00:00",
  };
  const store = storeSiblings([{ id: "v1", priceCents: 4000 }], "store");
  const next = (s: SiblingPrice) => shownPrice(s);

  it("given Amazon's first price above the store's, when judged, then it is held with the store named and the store as its group's other channel", () => {
    const hold = parityHold(amazon, 4400, store, next, [amazonWatchesStore], names);
    expect(hold).toEqual({ held: true, reasons: ["Shopify store shows 40.00, 4.00 under Amazon US's 44.00 (tolerance 0.00)"], otherChannelId: "store" });
  });

  it("given the store's 5.00 shipping counted on the edge, when Amazon's 44.00 (free shipping) is judged, then it is not held: the store's customer pays 45.00", () => {
    const extras = new Map([["store", { shippingCents: 500, couponCents: 0 }]]);
    expect(parityHold(amazon, 4400, store, next, [amazonWatchesStore], names, extras).held).toBe(false);
    // An edge that does not count shipping compares the bare prices
    expect(parityHold(amazon, 4400, store, next, [{ ...amazonWatchesStore, includeShipping: false }], names, extras).held).toBe(true);
  });

  it("given a visible 3.00 coupon on Amazon, when its 42.00 is judged against the store's 40.00, then it passes: customers pay 39.00 there", () => {
    const extras = new Map([["amazon", { shippingCents: 0, couponCents: 300 }]]);
    expect(parityHold(amazon, 4200, store, next, [amazonWatchesStore], names, extras).held).toBe(false);
  });
});

describe("hold groups", () => {
  it("given a price rule and a pair of channels, when keyed and read back, then the same group comes out; the Shopify price as cause reads back as no rule", () => {
    const byRule = { ruleId: "rule1", channelId: "ebay", otherChannelId: "amazon" };
    expect(parseHoldGroup(holdGroupKey(byRule))).toEqual(byRule);
    const byAnchor = { ruleId: null, channelId: "ebay", otherChannelId: "amazon" };
    expect(holdGroupKey(byAnchor)).toBe("anchor:ebay:amazon");
    expect(parseHoldGroup("anchor:ebay:amazon")).toEqual(byAnchor);
  });

  it("given a group's cause, when worded, then a rule says what it targets and its differential, the Shopify price says so, and a rule gone says so", () => {
    expect(holdCauseInWords("r1", { scope: "CHANNEL", scopeValue: null, differentialBps: -1000, differentialCents: 0 })).toBe(
      "Price rule on every listing (-10%)",
    );
    expect(holdCauseInWords("r1", { scope: "TAG", scopeValue: "sale", differentialBps: 250, differentialCents: 199 })).toBe(
      "Price rule on tag sale (+2.5% +1.99)",
    );
    expect(holdCauseInWords(null, null)).toBe("The Shopify price changed");
    expect(holdCauseInWords("r1", undefined)).toBe("A price rule since removed");
  });

  it("given anything not made by holdGroupKey, when read, then it is no group", () => {
    expect(parseHoldGroup("")).toBeNull();
    expect(parseHoldGroup("anchor:ebay")).toBeNull();
    expect(parseHoldGroup("a:b:c:d")).toBeNull();
    expect(parseHoldGroup("anchor::amazon")).toBeNull();
  });
});

describe("violations that stand after a batch", () => {
  const listing = (id: string, channelId: string, pushed: number | null): StoredListing => ({
    id,
    channelId,
    variantId: "v1",
    fulfilledByMarketplace: false,
    desiredQuantity: 5,
    desiredPriceCents: pushed,
    desiredVersion: 1,
    pushedPriceCents: pushed,
    syncState: "IN_SYNC",
    staleSince: "2026-12-01 00:00:00",
  });

  it("given the store dropped to 30.00 and Amazon's push to its MAP of 40.00 pending, when the batch is written, then Amazon over the store stands as one violation with both prices", () => {
    const onAmazon = listing("a", "amazon", 5000);
    const decisions: Decision[] = [
      {
        kind: "write",
        listing: onAmazon,
        computed: {
          listingId: "a",
          channelId: "amazon",
          variantId: "v1",
          quantity: 5,
          priceCents: 4000,
          explanation: { quantity: [], price: [], priceNotices: [], parity: [], guardrail: [] },
          beyondGuardrail: null,
          ruleId: null,
          margin: {
            priceCents: 4000,
            feeCents: 0,
            shippingCents: 0,
            costCents: null,
            marginCents: null,
            marginBps: null,
            floorCents: null,
            unprofitable: false,
          },
        },
        bump: true,
        state: "PENDING",
        message: null,
        holdGroup: null,
      },
    ];
    const after = siblingsAfter([sibling("a", "amazon", 5000), ...storeSiblings([{ id: "v1", priceCents: 3000 }], "store")], decisions);
    expect(after.find((s) => s.id === "a")).toMatchObject({ desiredPriceCents: 4000, syncState: "PENDING" });
    const standing = standingViolations([amazonWatchesStore], after, names, new Map());
    expect(standing.map((s) => [s.variantId, s.violation.watcherPriceCents, s.violation.watchedPriceCents, s.violation.excessCents])).toEqual([
      ["v1", 4000, 3000, 1000],
    ]);
  });

  it("given Amazon's held push (its live price shows) and an allowed edge, when the violations are read, then the held listing is judged at its live price and the allowed one is marked allowed", () => {
    const held = sibling("a", "amazon", 3000, { syncState: "HELD", desiredPriceCents: 5000 });
    const store = storeSiblings([{ id: "v1", priceCents: 3000 }], "store");
    expect(standingViolations([amazonWatchesStore], [held, ...store], names, new Map())).toEqual([]);
    const pending = sibling("a", "amazon", 3000, { syncState: "PENDING", desiredPriceCents: 5000 });
    const [allowed] = standingViolations([{ ...amazonWatchesStore, allowViolations: true }], [pending, ...store], names, new Map());
    expect(allowed?.violation.allowed).toBe(true);
  });

  it("given a 10 % coupon-style promotion on the store, when the violations are read before, during and after its window, then only while it runs does the store's checkout (price less coupon) stand under Amazon's price", () => {
    const coupon: PromotionReserve = {
      promotionId: "p1",
      name: "Clip coupon",
      status: "ready",
      startsAt: new Date("2026-12-10T09:00:00Z"),
      endsAt: new Date("2026-12-12T09:00:00Z"),
      channelIds: ["store"],
      reserveUnits: 0,
      exclusive: false,
      discount: { kind: "couponPercent", value: 1000 },
    };
    const siblings = [sibling("a", "amazon", 5000), ...storeSiblings([{ id: "v1", priceCents: 5000 }], "store")];
    const at = (iso: string) =>
      standingViolations([amazonWatchesStore], siblings, names, new Map(), promotionCoupons(new Map([["v1", [coupon]]]), new Date(iso)));
    expect(at("2026-12-10T08:59:59Z")).toEqual([]);
    expect(at("2026-12-11T00:00:00Z").map((s) => [s.variantId, s.violation.watcherPriceCents, s.violation.watchedPriceCents])).toEqual([["v1", 5000, 4500]]);
    expect(at("2026-12-12T09:00:00Z")).toEqual([]);
    // An edge that does not count coupons does not see it.
    const ignoringCoupons = { ...amazonWatchesStore, includeCoupons: false };
    expect(
      standingViolations([ignoringCoupons], siblings, names, new Map(), promotionCoupons(new Map([["v1", [coupon]]]), new Date("2026-12-11T00:00:00Z"))),
    ).toEqual([]);
  });

  it("given a variant on one channel only, when the violations are read, then there is nothing to compare", () => {
    expect(standingViolations([amazonWatchesStore], [sibling("a", "amazon", 5000)], names, new Map())).toEqual([]);
  });
});
