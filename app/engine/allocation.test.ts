import { describe, expect, it } from "vitest";
import { allocationFor, type AllocationInput } from "./allocation";
import { availableToSell } from "./ats";
import { aChannel, aListing, aVariant, stockAt } from "./test-fixtures";
import type { AllocationRule } from "./types";

const rule = (r: Partial<AllocationRule> & Pick<AllocationRule, "kind">): AllocationRule =>
  ({ id: "alloc", channelId: null, scope: "channel", scopeValue: null, ...r }) as AllocationRule;

function input(overrides: Partial<AllocationInput>): AllocationInput {
  return {
    rules: [],
    target: { listingId: "lst-1", channelId: "ch-ebay", variant: aVariant() },
    pool: 10,
    afterReserve: 10,
    computed: 10,
    levels: [stockAt(10)],
    ...overrides,
  };
}

describe("artificial counts (shared/seeds/000_7fc7d1aaca5936bb.txt, '4. Artificial Counts')", () => {
  it("given the seed's 10 widgets listed in full on Amazon but only 3 on eBay, when both listings are computed, then Amazon shows 10 and eBay 3", () => {
    const ebayOnly3 = rule({ channelId: "ch-ebay", kind: "fixed", units: 3 });
    const levels = [stockAt(10)];
    expect(availableToSell(aListing({ channel: aChannel("amazon"), levels, allocationRules: [ebayOnly3] })).quantity).toBe(10);
    expect(availableToSell(aListing({ channel: aChannel("ebay"), levels, allocationRules: [ebayOnly3] })).quantity).toBe(3);
  });

  it("given the seed's 'list 10 on one Amazon listing, 5 on another', when two listings of one variant are computed, then each follows its own listing rule", () => {
    const second = rule({ scope: "listing", scopeValue: "lst-2", kind: "cap", units: 5 });
    const levels = [stockAt(10)];
    expect(availableToSell(aListing({ listingId: "lst-1", levels, allocationRules: [second] })).quantity).toBe(10);
    expect(availableToSell(aListing({ listingId: "lst-2", levels, allocationRules: [second] })).quantity).toBe(5);
  });

  it("given the seed's 'X% of one vendor's quantity as it imports each day', when the vendor reports 9 and the share is 50%, then at most 4 are listed", () => {
    const levels = [stockAt(20), stockAt(9, { id: "vendor", name: "Wholesale Cell Phone Co.", isDropShip: true })];
    const result = allocationFor(input({ levels, computed: 29, rules: [rule({ kind: "vendorShare", percentBps: 5_000, locationId: "vendor" })] }));
    expect(result.quantity).toBe(4);
    expect(result.steps[0].text).toBe("Share of Wholesale Cell Phone Co.: 50% of 9 units, rounded down = at most 4 units");
  });

  it("given a vendor share naming a location the variant has no stock at, when computed, then it lists 0", () => {
    const result = allocationFor(input({ rules: [rule({ kind: "vendorShare", percentBps: 10_000, locationId: "gone" })] }));
    expect(result.quantity).toBe(0);
  });

  it("given a cap above the computed figure, when applied, then the computed figure stands (a cap never raises)", () => {
    expect(allocationFor(input({ computed: 6, rules: [rule({ kind: "cap", units: 12 })] })).quantity).toBe(6);
  });

  it("given a 30% share of a pool of 45, when applied, then 13 are listed (rounded down)", () => {
    const result = allocationFor(input({ pool: 45, computed: 45, rules: [rule({ kind: "poolShare", percentBps: 3_000 })] }));
    expect(result.quantity).toBe(13);
    expect(result.steps[0].effect).toBe(-32);
  });

  it("given a fixed count above what is left after promotion reserves, when applied, then only the unreserved units are listed and the step says so", () => {
    const result = allocationFor(input({ afterReserve: 4, computed: 2, rules: [rule({ kind: "fixed", units: 6 })] }));
    expect(result.quantity).toBe(4);
    expect(result.steps[0].text).toBe("Fixed count of 6 units replaces the computed figure (buffer not applied), limited to the 4 units not reserved");
  });

  it("given no rule applies to the listing, when applied, then the computed figure passes through with no step", () => {
    const other = rule({ channelId: "ch-amazon", kind: "cap", units: 1 });
    const result = allocationFor(input({ computed: 7, rules: [other] }));
    expect(result.quantity).toBe(7);
    expect(result.steps).toHaveLength(0);
  });

  it("given a cap of 8 and a share giving 5 at the same level, when applied, then the smaller count holds and the tie is explained", () => {
    const result = allocationFor(input({ rules: [rule({ kind: "cap", units: 8 }), rule({ kind: "poolShare", percentBps: 5_000 })] }));
    expect(result.quantity).toBe(5);
    expect(result.steps.map((s) => s.rule)).toEqual(["allocation.poolShare", "allocation.tie"]);
  });
});
