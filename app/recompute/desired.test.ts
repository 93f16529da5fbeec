import { describe, expect, it } from "vitest";
import type { ParityEdge } from "~/engine/parity";
import { type ComputedListing, computeListing, decide, parityHolds, type SiblingPrice, type StoredListing } from "./desired";
import { type AllocationRuleRow, batchInputsFromRows, type BufferRuleRow, channelFromRow, locationsFromRows, type ShopInputs, type VariantRow } from "./inputs";
import { batchesByVariant } from "./recompute.server";

const amazon = channelFromRow({ id: "ch-amazon", kind: "AMAZON", name: "Amazon", priority: 1, settings: {} });
const ebay = channelFromRow({ id: "ch-ebay", kind: "EBAY", name: "eBay", priority: 2, settings: {} });

const amazonWatchesEbay: ParityEdge = {
  watcherId: "ch-amazon",
  watchedId: "ch-ebay",
  toleranceBps: 0,
  toleranceCents: 0,
  includeShipping: true,
  includeCoupons: true,
  allowViolations: false,
};

function shopWith(edges: ParityEdge[]): ShopInputs {
  return {
    channels: new Map([
      [amazon.id, amazon],
      [ebay.id, ebay],
    ]),
    locations: new Map(),
    parityEdges: edges,
    velocityWindowDays: 28,
    priceGuardrailBps: 5_000,
  };
}

function stored(id: string, channelId: string, overrides: Partial<StoredListing> = {}): StoredListing {
  return {
    id,
    channelId,
    variantId: "var-1",
    desiredQuantity: 5,
    desiredPriceCents: 5000,
    desiredVersion: 1,
    pushedPriceCents: 5000,
    syncState: "IN_SYNC",
    staleSince: "2025-06-01 12:00:00.000",
    ...overrides,
  };
}

function computed(listing: StoredListing, quantity: number, priceCents: number): ComputedListing {
  return {
    listingId: listing.id,
    channelId: listing.channelId,
    variantId: listing.variantId,
    quantity,
    priceCents,
    explanation: { quantity: [], price: [], priceNotices: [], parity: [], guardrail: [] },
    beyondGuardrail: null,
    ruleId: null,
    margin: { priceCents, feeCents: 0, shippingCents: 0, costCents: null, marginCents: null, marginBps: null, floorCents: null, unprofitable: false },
  };
}

function siblingsOf(listings: StoredListing[]): SiblingPrice[] {
  return listings.map((l) => ({
    id: l.id,
    channelId: l.channelId,
    variantId: l.variantId,
    desiredPriceCents: l.desiredPriceCents,
    pushedPriceCents: l.pushedPriceCents,
    syncState: l.syncState,
  }));
}

describe("deciding what each recomputed listing becomes", () => {
  it("given an unchanged listing and a changed one, when decided, then only the changed one gets a new version and the unchanged one only loses its mark", () => {
    const same = stored("a", "ch-amazon");
    const moved = stored("b", "ch-ebay");
    const decisions = decide(
      [same, moved],
      new Map([
        ["a", computed(same, 5, 5000)],
        ["b", computed(moved, 3, 5000)],
      ]),
      [],
      shopWith([]),
    );
    expect(decisions.map((d) => [d.listing.id, d.kind, d.kind === "write" ? d.bump : null])).toEqual([
      ["a", "clear", null],
      ["b", "write", true],
    ]);
  });

  it("given a listing never computed before, when decided, then it is a new desired state even at quantity 0", () => {
    const fresh = stored("a", "ch-amazon", { desiredQuantity: null, desiredPriceCents: null, desiredVersion: 0 });
    const [decision] = decide([fresh], new Map([["a", computed(fresh, 0, 5000)]]), [], shopWith([]));
    expect(decision).toMatchObject({ kind: "write", bump: true, state: "PENDING", message: null });
  });

  it("given a listing whose variant or channel vanished (no engine answer), when decided, then it only loses its mark", () => {
    const orphan = stored("a", "ch-amazon");
    expect(decide([orphan], new Map(), [], shopWith([]))).toEqual([{ kind: "clear", listing: orphan }]);
  });

  it("given a Shopify price drop that moves both sides of a parity edge together, when the violation narrows, then neither is held", () => {
    // Live: Amazon 55.00 watches eBay 50.00 (a 5.00 violation the merchant lives with); both drop 20%
    const onAmazon = stored("a", "ch-amazon", { desiredPriceCents: 5500, pushedPriceCents: 5500 });
    const onEbay = stored("b", "ch-ebay");
    const holds = parityHolds(
      [onAmazon, onEbay],
      new Map([
        ["a", computed(onAmazon, 5, 4400)],
        ["b", computed(onEbay, 5, 4000)],
      ]),
      siblingsOf([onAmazon, onEbay]),
      shopWith([amazonWatchesEbay]),
    );
    expect([holds.get("a")?.held, holds.get("b")?.held]).toEqual([false, false]);
  });

  it("given two edges on one pair of channels, when a price change narrows the violation each shows, then nothing is held", () => {
    // Live: Amazon 55.00 watches eBay 50.00 under two edges: no tolerance (5.00 over) and a 3.00
    // tolerance (2.00 over). Amazon moves to 54.00: each edge's excess shrinks by 1.00.
    const withTolerance: ParityEdge = { ...amazonWatchesEbay, toleranceCents: 300 };
    const onAmazon = stored("a", "ch-amazon", { desiredPriceCents: 5500, pushedPriceCents: 5500 });
    const onEbay = stored("b", "ch-ebay");
    const holds = parityHolds(
      [onAmazon, onEbay],
      new Map([
        ["a", computed(onAmazon, 5, 5400)],
        ["b", computed(onEbay, 5, 5000)],
      ]),
      siblingsOf([onAmazon, onEbay]),
      shopWith([amazonWatchesEbay, withTolerance]),
    );
    expect([holds.get("a")?.held, holds.get("b")?.held]).toEqual([false, false]);
  });

  it("given eBay alone cut under Amazon, when decided, then eBay is held with the reason and Amazon, unchanged, is not", () => {
    const onAmazon = stored("a", "ch-amazon");
    const onEbay = stored("b", "ch-ebay");
    const decisions = decide(
      [onAmazon, onEbay],
      new Map([
        ["a", computed(onAmazon, 5, 5000)],
        ["b", computed(onEbay, 5, 4500)],
      ]),
      siblingsOf([onAmazon, onEbay]),
      shopWith([amazonWatchesEbay]),
    );
    expect(decisions[0].kind).toBe("clear");
    expect(decisions[1]).toMatchObject({ kind: "write", bump: true, state: "HELD" });
    expect(decisions[1].kind === "write" && decisions[1].message).toContain("eBay shows 45.00, 5.00 under Amazon's 50.00");
    expect(decisions[1].kind === "write" && decisions[1].computed.explanation.parity).toHaveLength(1);
  });

  it("given an edge the merchant allows, when eBay is cut under Amazon, then it is not held", () => {
    const onAmazon = stored("a", "ch-amazon");
    const onEbay = stored("b", "ch-ebay");
    const [, decision] = decide(
      [onAmazon, onEbay],
      new Map([
        ["a", computed(onAmazon, 5, 5000)],
        ["b", computed(onEbay, 5, 4500)],
      ]),
      siblingsOf([onAmazon, onEbay]),
      shopWith([{ ...amazonWatchesEbay, allowViolations: true }]),
    );
    expect(decision).toMatchObject({ kind: "write", state: "PENDING", message: null });
  });

  it("given a held listing whose violation is gone, when recomputed to the same numbers, then it is released without a new version", () => {
    // eBay's 45.00 was held; Amazon has since dropped to 45.00 as well
    const onAmazon = stored("a", "ch-amazon", { desiredPriceCents: 4500, pushedPriceCents: 4500 });
    const onEbay = stored("b", "ch-ebay", { desiredPriceCents: 4500, syncState: "HELD" });
    const [, decision] = decide(
      [onAmazon, onEbay],
      new Map([
        ["a", computed(onAmazon, 5, 4500)],
        ["b", computed(onEbay, 5, 4500)],
      ]),
      siblingsOf([onAmazon, onEbay]),
      shopWith([amazonWatchesEbay]),
    );
    expect(decision).toMatchObject({ kind: "write", bump: false, state: "PENDING", message: null });
  });

  it("given a quantity-only change on a listing priced as it is live, when decided, then it is never held for parity", () => {
    const onAmazon = stored("a", "ch-amazon", { pushedPriceCents: 9000, desiredPriceCents: 9000 });
    const onEbay = stored("b", "ch-ebay", { pushedPriceCents: 4000, desiredPriceCents: 4000 });
    const [decision] = decide([onAmazon], new Map([["a", computed(onAmazon, 1, 9000)]]), siblingsOf([onAmazon, onEbay]), shopWith([amazonWatchesEbay]));
    expect(decision).toMatchObject({ kind: "write", bump: true, state: "PENDING" });
  });

  it("given a price beyond the shop's guardrail, when decided, then it is held with the guardrail's reason, and once that price is live a quantity change goes out", () => {
    const beyond = "Price 99.99 is 100.02% above the Shopify price 49.99: beyond the ±50% price guardrail (at most 74.99) by 25.00";
    const onAmazon = stored("a", "ch-amazon", { desiredPriceCents: 5499, pushedPriceCents: 5499 });
    const [decision] = decide([onAmazon], new Map([["a", { ...computed(onAmazon, 5, 9999), beyondGuardrail: beyond }]]), [], shopWith([]));
    expect(decision).toMatchObject({ kind: "write", bump: true, state: "HELD", message: `Price held for review (price guardrail): ${beyond}` });
    expect(decision.kind === "write" && decision.computed.explanation).toMatchObject({ guardrail: [beyond], parity: [] });

    // Approved and pushed: the price is live, so it is no longer a change to confirm
    const approved = stored("a", "ch-amazon", { desiredPriceCents: 9999, pushedPriceCents: 9999 });
    const [after] = decide([approved], new Map([["a", { ...computed(approved, 4, 9999), beyondGuardrail: beyond }]]), [], shopWith([]));
    expect(after).toMatchObject({ kind: "write", bump: true, state: "PENDING", message: null });
  });

  it("given eBay's new price held by the guardrail, when Amazon (watching eBay) moves, then Amazon is judged against eBay's live price and goes out, and eBay's hold names both checks", () => {
    const onAmazon = stored("a", "ch-amazon", { desiredPriceCents: 5000, pushedPriceCents: 5000 });
    const onEbay = stored("b", "ch-ebay", { desiredPriceCents: 5000, pushedPriceCents: 5000 });
    const decisions = decide(
      [onAmazon, onEbay],
      new Map([
        ["a", computed(onAmazon, 5, 4000)],
        ["b", { ...computed(onEbay, 5, 2000), beyondGuardrail: "Price 20.00 is 60% below the Shopify price 50.00" }],
      ]),
      siblingsOf([onAmazon, onEbay]),
      shopWith([amazonWatchesEbay]),
    );
    expect(decisions.map((d) => (d.kind === "write" ? [d.state, d.message] : d.kind))).toEqual([
      ["PENDING", null],
      [
        "HELD",
        "Price held for review (parity and price guardrail): eBay shows 20.00, 20.00 under Amazon's 40.00 (tolerance 0.00); Price 20.00 is 60% below the Shopify price 50.00",
      ],
    ]);
  });

  it("given Amazon watching eBay, when eBay's price drops to 40.00 by a launched promotion, then the push goes out (its checklist was the review); the same drop by a rule is held", () => {
    const onAmazon = stored("a", "ch-amazon");
    const onEbay = stored("b", "ch-ebay");
    const byPromotion = { ...computed(onEbay, 5, 4000), promotionId: "promo-spring" };
    const promoted = decide([onEbay], new Map([["b", byPromotion]]), siblingsOf([onAmazon, onEbay]), shopWith([amazonWatchesEbay]));
    expect(promoted[0]).toMatchObject({ kind: "write", bump: true, state: "PENDING", message: null });
    const byRule = decide([onEbay], new Map([["b", computed(onEbay, 5, 4000)]]), siblingsOf([onAmazon, onEbay]), shopWith([amazonWatchesEbay]));
    expect(byRule[0]).toMatchObject({ kind: "write", bump: true, state: "HELD" });
  });
});

describe("cutting stale listings into batches", () => {
  it("given refs in variant order, when batched by 2, then no variant's listings are split across batches", () => {
    const refs = [
      { id: "1", variantId: "v1" },
      { id: "2", variantId: "v1" },
      { id: "3", variantId: "v1" },
      { id: "4", variantId: "v2" },
      { id: "5", variantId: "v3" },
    ];
    expect(batchesByVariant(refs, 2)).toEqual([
      ["1", "2", "3"],
      ["4", "5"],
    ]);
  });
});

describe("a kit listing through the recompute's engine call", () => {
  const mug: VariantRow = {
    id: "var-mug",
    productId: "prod-mug",
    name: "MUG-BLUE",
    priceCents: 2000,
    mapCents: null,
    discontinued: false,
    releaseAt: null,
    isBundle: false,
    tags: [],
    productStatus: "ACTIVE",
    tracked: true,
    costCents: null,
  };
  const pack: VariantRow = { ...mug, id: "var-pack", name: "MUG-2", priceCents: 3500, isBundle: true };
  const warehouse = { id: "loc-1", name: "Warehouse", saleable: true, isActive: true, isDropShip: false, vendorShareBps: 10_000 };
  const vendor = { id: "loc-2", name: "Vendor", saleable: true, isActive: true, isDropShip: true, vendorShareBps: 10_000 };
  const shop: ShopInputs = {
    ...shopWith([]),
    locations: locationsFromRows([warehouse, vendor], [], ["ch-amazon", "ch-ebay"]),
  };
  const kitOnEbay = { id: "kit-on-ebay", channelId: "ch-ebay", variantId: "var-pack" };
  const batchWith = (allocationRules: AllocationRuleRow[], bufferRules: BufferRuleRow[] = []) =>
    batchInputsFromRows({
      variants: [mug, pack],
      levels: [
        { variantId: "var-mug", locationId: "loc-1", available: 15 },
        { variantId: "var-mug", locationId: "loc-2", available: 9 },
      ],
      components: [{ bundleId: "var-pack", componentId: "var-mug", unitsPerBundle: 2 }],
      bufferRules,
      allocationRules,
      priceRules: [],
      promotions: [],
      sales: [],
      now: NOW,
    });
  const rule = (overrides: Partial<AllocationRuleRow>): AllocationRuleRow => ({
    id: "a1",
    channelId: "ch-ebay",
    scope: "LISTING",
    scopeValue: "kit-on-ebay",
    kind: "CAP",
    units: 3,
    percentBps: null,
    locationId: null,
    ...overrides,
  });
  const NOW = new Date("2025-06-01T12:00:00Z");

  it("given a two-pack of a mug with 24 in the pool (12 packs) and a cap of 3 on the pack's eBay listing, when computed, then eBay gets 3 packs and the cap is a step of its explanation", () => {
    const answer = computeListing(kitOnEbay, shop, batchWith([rule({})]), NOW);
    expect(answer?.quantity).toBe(3);
    const steps = answer?.explanation.quantity ?? [];
    expect(steps.map((s) => s.text)).toContain("Listed at most 3 units (cap)");
    expect(steps.reduce((sum, s) => sum + s.effect, 0)).toBe(3);
  });

  it("given a cap on the pack's eBay listing, when its component is computed, then the component is not capped: the mug's own eBay listing still gets its 24", () => {
    const batch = batchWith([rule({})]);
    expect(computeListing({ id: "mug-on-ebay", channelId: "ch-ebay", variantId: "var-mug" }, shop, batch, NOW)?.quantity).toBe(24);
    expect(computeListing(kitOnEbay, shop, batch, NOW)?.quantity).toBe(3);
  });

  it("given a fixed count of 20 on a kit that can make 12, when computed, then it lists 12: a kit's fixed count only lowers it", () => {
    expect(computeListing(kitOnEbay, shop, batchWith([rule({ kind: "FIXED", units: 20 })]), NOW)?.quantity).toBe(12);
  });

  it("given a 50% share of the vendor's quantity for every eBay listing, when the pack is computed, then it lists half the packs the vendor's 9 mugs make (4 packs, 2 after rounding down)", () => {
    const share = rule({ scope: "CHANNEL", scopeValue: null, kind: "VENDOR_SHARE", units: null, percentBps: 5000, locationId: "loc-2" });
    const answer = computeListing(kitOnEbay, shop, batchWith([share]), NOW);
    expect(answer?.quantity).toBe(2);
    expect(answer?.explanation.quantity.map((s) => s.text)).toContain("Share of Vendor: 50% of 4 units, rounded down = at most 2 units");
  });
});
