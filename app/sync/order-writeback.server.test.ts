import { describe, expect, it } from "vitest";
import { lineStepKey, unitsToTake } from "./order-writeback.server";

// What a line should have taken off Shopify, for every combination of its life and the channel's
// returns setting; and the key of each step, which makes each apply once.

const line = (counts: Partial<{ cancelledQuantity: number; returnedQuantity: number; refundedQuantity: number }> = {}) => ({
  quantity: 4,
  cancelledQuantity: 0,
  returnedQuantity: 0,
  refundedQuantity: 0,
  ...counts,
});

describe("units a marketplace order line takes off Shopify", () => {
  it("given a sale of 4, all 4 are taken; a whole cancellation takes none; a partial one gives its units back", () => {
    expect(unitsToTake(line(), { cancelled: false }, "ON_RETURN_RECEIVED")).toBe(4);
    expect(unitsToTake(line(), { cancelled: true }, "ON_RETURN_RECEIVED")).toBe(0);
    expect(unitsToTake(line({ cancelledQuantity: 1 }), { cancelled: false }, "NEVER")).toBe(3);
  });

  it("given 1 cancelled, 2 refunded (the cancelled one among them) and 1 returned, then each returns setting gives back what it says", () => {
    const lived = line({ cancelledQuantity: 1, refundedQuantity: 2, returnedQuantity: 1 });
    // Received back: the cancelled unit and the returned one.
    expect(unitsToTake(lived, { cancelled: false }, "ON_RETURN_RECEIVED")).toBe(2);
    // Refunded: 2 units in all, the cancelled one not counted twice.
    expect(unitsToTake(lived, { cancelled: false }, "ON_REFUND")).toBe(2);
    expect(unitsToTake(line({ cancelledQuantity: 1, refundedQuantity: 3 }), { cancelled: false }, "ON_REFUND")).toBe(1);
    // Never: only the cancellation comes back.
    expect(unitsToTake(lived, { cancelled: false }, "NEVER")).toBe(3);
  });

  it("never gives back more than was sold", () => {
    expect(unitsToTake(line({ cancelledQuantity: 3, returnedQuantity: 3 }), { cancelled: false }, "ON_RETURN_RECEIVED")).toBe(0);
  });

  it("keys the sale once and each later level of units given back once, per kit component where there are components", () => {
    expect(lineStepKey("L1", 4, 4, 0)).toBe("channel-order-line:L1");
    expect(lineStepKey("L1", 4, 3, 4)).toBe("channel-order-line:L1:back:1");
    expect(lineStepKey("L1", 4, 0, 3)).toBe("channel-order-line:L1:back:4");
    expect(lineStepKey("L1", 4, 4, 0, "C9")).toBe("channel-order-line:L1:component:C9");
  });
});
