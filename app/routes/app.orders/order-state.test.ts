import { describe, expect, it } from "vitest";
import { orderState, type OrderFacts } from "./order-state";

const written: OrderFacts = {
  writeback: "WRITTEN",
  writebackAttempts: 1,
  writebackMessage: null,
  cancelledAt: null,
  fulfilledByMarketplace: false,
  oversold: false,
  lines: [{ quantity: 2, cancelledQuantity: 0 }],
};

describe("an order's state in the merchant's words", () => {
  it("given an order shipped from Shopify and told to the marketplace, then it says so with the carrier and tracking number", () => {
    const state = orderState({ ...written, shippedBackAt: new Date(), carrier: "UPS", trackingNumber: "1Z999" });
    expect([state.words, state.marks]).toEqual(["Taken off Shopify", [{ words: "Shipped: UPS 1Z999", tone: "success" }]]);
  });

  it("given the marketplace refused the shipment, then its words are shown beside the state", () => {
    const state = orderState({ ...written, marketplaceMessage: "Shipment: order already cancelled" });
    expect(state.marks).toEqual([{ words: "Shipment: order already cancelled", tone: "warning" }]);
  });
});
