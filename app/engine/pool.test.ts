import { describe, expect, it } from "vitest";
import { availableToSell } from "./ats";
import { aChannel, aListing, aVariant, stockAt } from "./test-fixtures";

describe("the pool a channel draws from", () => {
  it("adds up every saleable location that feeds the channel", () => {
    const result = availableToSell(aListing({ levels: [stockAt(10, { id: "a", name: "East" }), stockAt(7, { id: "b", name: "West" })] }));
    expect(result.pool).toBe(17);
    expect(result.quantity).toBe(17);
  });

  it("leaves out a location that is not saleable, and says so", () => {
    const result = availableToSell(aListing({ levels: [stockAt(10), stockAt(30, { id: "returns", name: "Returns shelf", saleable: false })] }));
    expect(result.pool).toBe(10);
    expect(result.explanation.map((s) => s.text)).toContain("Returns shelf is not saleable: not counted");
  });

  it("leaves out a location not eligible for this channel while another channel still counts it", () => {
    const levels = [stockAt(10), stockAt(20, { id: "fba", name: "FBA", eligibleChannelIds: ["ch-amazon"] })];
    expect(availableToSell(aListing({ levels, channel: aChannel("amazon") })).pool).toBe(30);
    expect(availableToSell(aListing({ levels, channel: aChannel("ebay") })).pool).toBe(10);
  });

  it("counts a location with negative availability as zero rather than letting it eat other stock", () => {
    const result = availableToSell(aListing({ levels: [stockAt(10), stockAt(-4, { id: "b", name: "Oversold" })] }));
    expect(result.pool).toBe(10);
  });

  it("counts a drop shipper at its share, rounding each vendor's share down", () => {
    const vendor = { id: "v", name: "Vendor", isDropShip: true, vendorShareBps: 8_000 };
    const result = availableToSell(aListing({ levels: [stockAt(5), stockAt(7, vendor)] }));
    // 80% of 7 is 5.6: 5 whole units are promised, never the fraction.
    expect(result.pool).toBe(10);
    expect(result.explanation.find((s) => s.rule === "pool.vendorLocation")?.text).toBe(
      "Vendor (vendor) reports 7 units, counted at 80%, rounded down: +5 units",
    );
  });

  it("given a vendor whose feed went stale, when the pool is counted, then its units count for nothing and the explanation says why", () => {
    const vendor = { id: "v", name: "Acme Drop", isDropShip: true, vendorShareBps: 5_000, notCountedBecause: "its feed is stale (no import for 24 hours)" };
    const result = availableToSell(aListing({ levels: [stockAt(5), stockAt(40, vendor)] }));
    expect(result.pool).toBe(5);
    expect(result.explanation.map((s) => s.text)).toContain("Acme Drop (vendor) is not counted: its feed is stale (no import for 24 hours)");
  });

  it("gives an untracked item the channel's untracked quantity, ignoring locations and buffers", () => {
    const result = availableToSell(
      aListing({
        variant: aVariant({ tracked: false }),
        channel: aChannel("ebay", { untrackedQuantity: 25 }),
        levels: [stockAt(3)],
        bufferRules: [{ id: "b", channelId: null, scope: "channel", scopeValue: null, kind: "fixed", units: 10 }],
      }),
    );
    expect(result.quantity).toBe(25);
    expect(result.buffer).toBe(0);
  });
});
