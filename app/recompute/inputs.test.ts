import { describe, expect, it } from "vitest";
import { salesVelocity } from "~/engine/velocity";
import {
  allocationRuleFromRow,
  batchInputsFromRows,
  type BufferRuleRow,
  bufferRuleFromRow,
  channelFromRow,
  priceGuardrailBps,
  listingInput,
  locationsFromRows,
  lowStockThresholdFor,
  priceRuleFromRow,
  promotionReserveFromRow,
  type PromotionRow,
  salesByVariant,
  soldOnNames,
  type ShopInputs,
  type VariantRow,
  variantFactsFromRow,
  velocityWindowDays,
} from "./inputs";

const NOW = new Date("2025-06-01T12:00:00Z");

const mug: VariantRow = {
  id: "var-mug",
  productId: "prod-mug",
  name: "MUG-BLUE",
  priceCents: 2000,
  mapCents: 1800,
  discontinued: false,
  releaseAt: null,
  isBundle: false,
  tags: ["kitchen"],
  productStatus: "ACTIVE",
  tracked: true,
  costCents: 600,
};

function bufferRow(overrides: Partial<BufferRuleRow>): BufferRuleRow {
  return {
    id: "b1",
    channelId: "ch-amazon",
    scope: "CHANNEL",
    scopeValue: null,
    kind: "FIXED",
    units: 2,
    percentBps: null,
    leadTimeDays: null,
    safetyStock: null,
    riskMultiplier: null,
    lowStockThreshold: null,
    ...overrides,
  };
}

function emptyBatch(overrides: Partial<Parameters<typeof batchInputsFromRows>[0]> = {}) {
  return batchInputsFromRows({
    variants: [mug],
    levels: [],
    components: [],
    bufferRules: [],
    allocationRules: [],
    priceRules: [],
    promotions: [],
    sales: [],
    now: NOW,
    ...overrides,
  });
}

/** "Spring" on eBay as the loader's SQL returns it for the mug: running, exclusive, 20 % off, nothing reserved or sold. */
function promotionRow(overrides: Partial<PromotionRow> = {}): PromotionRow {
  return {
    promotionId: "pr1",
    variantId: "var-mug",
    name: "Spring",
    status: "RUNNING",
    startsAt: NOW,
    endsAt: NOW,
    exclusive: true,
    reserveUnits: 0,
    soldUnits: 0,
    channelIds: ["ch-ebay"],
    discountKind: "PERCENT",
    discountValue: 2000,
    autoPause: {},
    ...overrides,
  };
}

describe("mapping database rows to the engine's inputs", () => {
  it("given holds set in Anchorline and as Shopify product tags, when mapped, then either discontinues and the later release date holds", () => {
    const tagged = { ...mug, tags: ["kitchen", "anchorline:discontinued", "anchorline:release:2025-07-01"] };
    expect(variantFactsFromRow(tagged)).toMatchObject({ discontinued: true, releaseAt: new Date("2025-07-01T00:00:00Z") });
    const later = new Date("2025-08-01T09:00:00Z");
    expect(variantFactsFromRow({ ...tagged, releaseAt: later })).toMatchObject({ releaseAt: later });
    expect(variantFactsFromRow({ ...mug, discontinued: true, releaseAt: later })).toMatchObject({ discontinued: true, releaseAt: later });
    expect(variantFactsFromRow(mug)).toMatchObject({ discontinued: false, releaseAt: null });
  });

  it("given channel settings with a risk multiplier, threshold and untracked quantity, when mapped, then the channel carries them; wrong types read as unset", () => {
    const amazon = channelFromRow({
      id: "c1",
      kind: "AMAZON",
      name: "Amazon US",
      priority: 1,
      settings: { riskMultiplier: 2, lowStockThreshold: 4, untrackedQuantity: 25 },
    });
    expect(amazon).toMatchObject({ kind: "amazon", riskMultiplier: 2, lowStockThreshold: 4, untrackedQuantity: 25, priority: 1 });
    const ebay = channelFromRow({ id: "c2", kind: "EBAY", name: "eBay", priority: 2, settings: { riskMultiplier: "lots", lowStockThreshold: null } });
    expect(ebay).toMatchObject({ kind: "ebay", riskMultiplier: null, lowStockThreshold: 0, untrackedQuantity: 0 });
  });

  it("given channel settings saved before they had bounds (untracked quantity and threshold 1e15, risk multiplier 1e308), when mapped, then each is read within its bound", () => {
    const legacy = channelFromRow({
      id: "c1",
      kind: "AMAZON",
      name: "Amazon US",
      priority: 1,
      settings: { riskMultiplier: 1e308, lowStockThreshold: 1e15, untrackedQuantity: 1e15 },
    });
    expect(legacy).toMatchObject({ riskMultiplier: 10, lowStockThreshold: 1_000_000, untrackedQuantity: 1_000_000 });
  });

  it("given a shop's price guardrail setting, when read, then one within 1-500% is used and anything else falls back to ±50%", () => {
    expect(priceGuardrailBps({ priceGuardrailBps: 15_000 })).toBe(15_000);
    expect([
      priceGuardrailBps({}),
      priceGuardrailBps({ priceGuardrailBps: 0 }),
      priceGuardrailBps({ priceGuardrailBps: 1e12 }),
      priceGuardrailBps(null),
    ]).toEqual([5_000, 5_000, 5_000, 5_000]);
  });

  it("given a shop's velocity window setting, when read, then a valid one is used and anything else falls back to 28 days", () => {
    expect(velocityWindowDays({ velocityWindowDays: 14 })).toBe(14);
    expect([velocityWindowDays({}), velocityWindowDays({ velocityWindowDays: 0 }), velocityWindowDays(null)]).toEqual([28, 28, 28]);
  });

  it("given a location excluded from eBay and one with no rows, when mapped, then the first feeds every channel but eBay, the second every channel; a deactivated location is not saleable", () => {
    const locations = locationsFromRows(
      [
        { id: "l1", name: "Warehouse", saleable: true, isActive: true, isDropShip: false, vendorShareBps: 10_000 },
        { id: "l2", name: "Vendor", saleable: true, isActive: true, isDropShip: true, vendorShareBps: 8000 },
        { id: "l3", name: "Closed store", saleable: true, isActive: false, isDropShip: false, vendorShareBps: 10_000 },
      ],
      [{ locationId: "l2", channelId: "ch-ebay" }],
      ["ch-amazon", "ch-ebay", "ch-walmart"],
    );
    expect(locations.get("l1")?.eligibleChannelIds).toBeNull();
    expect(locations.get("l2")).toMatchObject({ eligibleChannelIds: ["ch-amazon", "ch-walmart"], isDropShip: true, vendorShareBps: 8000 });
    expect(locations.get("l3")?.saleable).toBe(false);
  });

  it("given buffer rules as stored, when mapped, then numeric columns become numbers and a rule missing its number is left out", () => {
    expect(
      bufferRuleFromRow(bufferRow({ kind: "VELOCITY", leadTimeDays: "2.50", safetyStock: 4, riskMultiplier: "1.250", scope: "TAG", scopeValue: "kitchen" })),
    ).toEqual({
      id: "b1",
      channelId: "ch-amazon",
      scope: "tag",
      scopeValue: "kitchen",
      kind: "velocity",
      leadTimeDays: 2.5,
      safetyStock: 4,
      riskMultiplier: 1.25,
    });
    expect(bufferRuleFromRow(bufferRow({ kind: "PERCENT", percentBps: 1500 }))).toMatchObject({ kind: "percent", percentBps: 1500 });
    expect(bufferRuleFromRow(bufferRow({ kind: "FIXED", units: null }))).toBeNull();
    expect(bufferRuleFromRow(bufferRow({ kind: "VELOCITY", leadTimeDays: null }))).toBeNull();
  });

  it("given allocation and price rules as stored, when mapped, then their kinds and roundings are the engine's", () => {
    const base = { id: "a1", channelId: "ch-ebay", scope: "VARIANT", scopeValue: "var-mug", units: null, percentBps: null, locationId: null };
    expect(allocationRuleFromRow({ ...base, kind: "POOL_SHARE", percentBps: 3000 })).toMatchObject({ kind: "poolShare", percentBps: 3000, scope: "variant" });
    expect(allocationRuleFromRow({ ...base, kind: "VENDOR_SHARE", percentBps: 5000, locationId: "l2" })).toMatchObject({
      kind: "vendorShare",
      locationId: "l2",
    });
    expect(allocationRuleFromRow({ ...base, kind: "VENDOR_SHARE", percentBps: 5000 })).toBeNull();
    const price = priceRuleFromRow({
      id: "p1",
      channelId: "ch-ebay",
      scope: "CHANNEL",
      scopeValue: null,
      differentialBps: 500,
      differentialCents: 0,
      rounding: "CENTS_99",
      mapIsAnchor: false,
      feeBps: 1300,
      fixedFeeCents: 30,
      shippingCents: 0,
      minMarginBps: 1000,
    });
    expect(price).toMatchObject({ rounding: "cents99", differentialBps: 500, feeBps: 1300, maxPriceCents: null, scope: "channel" });
  });

  it("given a promotion reserving 5 of which 2 sold, when mapped, then 3 are still held; more sold than reserved holds 0", () => {
    const row = promotionRow({ reserveUnits: 5, soldUnits: 2 });
    expect(promotionReserveFromRow(row)).toMatchObject({ status: "running", reserveUnits: 3, exclusive: true, channelIds: ["ch-ebay"] });
    expect(promotionReserveFromRow({ ...row, soldUnits: 9 }).reserveUnits).toBe(0);
  });

  it("given a promotion's discount and auto-pause as stored, when mapped, then the engine gets them; an auto-pause of an older shape or a discount kind unknown reads as nothing", () => {
    const row = promotionRow({
      discountKind: "COUPON_AMOUNT",
      discountValue: 500,
      autoPause: { mode: "throttle", throttleUnits: 2, channelIds: ["ch-amazon"] },
    });
    expect(promotionReserveFromRow(row)).toMatchObject({
      discount: { kind: "couponAmount", value: 500 },
      autoPause: { mode: "throttle", throttleUnits: 2, channelIds: ["ch-amazon"] },
    });
    const older = promotionReserveFromRow({ ...row, discountKind: "BOGO", autoPause: { reserveBelowUnits: 1, onParityViolation: true } });
    expect(older.discount).toBeUndefined();
    expect(older.autoPause).toEqual({ mode: "none", throttleUnits: null, channelIds: [] });
  });

  it("given sales bucketed by day in SQL, when mapped, then velocity reads them as the raw sales, the store's and every channel's together", () => {
    const rows = [
      { variantId: "var-mug", channelId: "ch-amazon", ageDays: 0, units: 3 },
      { variantId: "var-mug", channelId: "ch-ebay", ageDays: 6, units: 2 },
      { variantId: "var-mug", channelId: null, ageDays: 1, units: 4 },
      { variantId: "var-cup", channelId: "ch-ebay", ageDays: 2, units: 1 },
    ];
    const sales = salesByVariant(rows, NOW);
    const fromBuckets = salesVelocity(sales.get("var-mug")?.sales ?? [], { now: NOW }).perDay;
    const raw = [
      { at: new Date(NOW.getTime() - 3_600_000), quantity: 3 },
      { at: new Date(NOW.getTime() - 6.5 * 86_400_000), quantity: 2 },
      { at: new Date(NOW.getTime() - 1.2 * 86_400_000), quantity: 4 },
    ];
    expect(fromBuckets).toBeCloseTo(salesVelocity(raw, { now: NOW }).perDay, 12);
    expect(sales.get("var-mug")?.sales.reduce((sum, s) => sum + s.quantity, 0)).toBe(9);
    expect([...(sales.get("var-mug")?.channelIds ?? [])]).toEqual(["ch-amazon", "ch-ebay", null]);
    expect(sales.get("var-cup")?.sales).toEqual([{ at: new Date(NOW.getTime() - 2 * 86_400_000), quantity: 1 }]);
  });

  it("given sales in the store, on eBay, on Amazon and on a channel since removed, when named for the explanation, then the store comes first and the channels by name", () => {
    const channels = new Map([
      ["ch-ebay", channelFromRow({ id: "ch-ebay", kind: "EBAY", name: "eBay US", priority: 2, settings: {} })],
      ["ch-amazon", channelFromRow({ id: "ch-amazon", kind: "AMAZON", name: "Amazon US", priority: 1, settings: {} })],
    ]);
    expect(soldOnNames(new Set(["ch-ebay", null, "ch-amazon", "ch-gone"]), channels)).toEqual([
      "the Shopify store",
      "Amazon US",
      "eBay US",
      "a removed channel",
    ]);
    expect(soldOnNames(new Set(), channels)).toEqual([]);
  });

  it("given a channel threshold of 3 and a tag rule setting 8, when the threshold of a tagged listing is asked, then the rule's 8 applies, and the channel's own elsewhere", () => {
    const channel = channelFromRow({ id: "ch-amazon", kind: "AMAZON", name: "Amazon", priority: 1, settings: { lowStockThreshold: 3 } });
    const batch = emptyBatch({ bufferRules: [bufferRow({ scope: "TAG", scopeValue: "kitchen", lowStockThreshold: 8 })] });
    const tagged = { id: "var-mug", productId: "p", tags: ["kitchen"], collections: [], tracked: true, discontinued: false, releaseAt: null };
    expect(lowStockThresholdFor(channel, "lst-1", tagged, batch)).toBe(8);
    expect(lowStockThresholdFor(channel, "lst-1", { ...tagged, tags: [] }, batch)).toBe(3);
  });

  it("given a listing's rows, when its input is built, then it has the variant's stock per mapped location, prices, rules and velocity", () => {
    const shop: ShopInputs = {
      channels: new Map([["ch-amazon", channelFromRow({ id: "ch-amazon", kind: "AMAZON", name: "Amazon", priority: 1, settings: {} })]]),
      locations: locationsFromRows(
        [{ id: "l1", name: "Warehouse", saleable: true, isActive: true, isDropShip: false, vendorShareBps: 10_000 }],
        [],
        ["ch-amazon"],
      ),
      parityEdges: [],
      velocityWindowDays: 28,
      priceGuardrailBps: 5_000,
    };
    const batch = emptyBatch({
      levels: [
        { variantId: "var-mug", locationId: "l1", available: 12 },
        { variantId: "var-mug", locationId: "l-unknown", available: 99 },
      ],
      sales: [
        { variantId: "var-mug", channelId: "ch-amazon", ageDays: 0, units: 14 },
        { variantId: "var-mug", channelId: null, ageDays: 0, units: 14 },
      ],
    });
    const input = listingInput({ id: "lst-1", channelId: "ch-amazon", variantId: "var-mug" }, "var-mug", shop, batch, NOW);
    expect(input).not.toBeNull();
    expect(input?.levels.map((l) => [l.location.name, l.available])).toEqual([["Warehouse", 12]]);
    expect(input).toMatchObject({ listingId: "lst-1", shopifyPriceCents: 2000, mapCents: 1800, costCents: 600, now: NOW });
    expect(input?.variant).toMatchObject({ tags: ["kitchen"], tracked: true });
    // The store's 14 count beside Amazon's own 14: the same velocity as 28 sold on Amazon alone.
    expect(input?.velocityPerDay).toBeCloseTo(salesVelocity([{ at: NOW, quantity: 28 }], { now: NOW }).perDay, 12);
    expect(input?.velocity).toMatchObject({ unitsInWindow: 28, soldOn: "the Shopify store and Amazon" });
    expect(listingInput({ id: "lst-2", channelId: "ch-gone", variantId: "var-mug" }, "var-mug", shop, batch, NOW)).toBeNull();
  });
});
