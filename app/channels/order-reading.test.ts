import { describe, expect, it } from "vitest";
import { toImportedOrder as amazonOrder } from "./amazon/orders";
import { orderWithItsLife as ebayOrder } from "./ebay/order-reads";
import { readOrder } from "./order-reading";
import { toImportedOrder as walmartOrder } from "./walmart/orders";

describe("reading one marketplace order", () => {
  it("given a Walmart PO whose line has no item, when read, then it comes back unreadable under its PO number with the reason, and no lines", () => {
    const raw = { purchaseOrderId: "PO-77", orderDate: Date.now(), orderLines: { orderLine: [{ orderLineQuantity: { amount: "1" } }] } };

    const order = readOrder(raw as never, walmartOrder, (o: { purchaseOrderId?: string }) => o.purchaseOrderId);

    expect(order).toMatchObject({ externalOrderId: "PO-77", status: "UNREADABLE", lines: [] });
    expect(order.unreadable).toMatch(/sku/);
  });

  it("given an Amazon order without its items, when read, then it is unreadable under its order id", () => {
    const raw = { orderId: "111-2222222-3333333", createdTime: new Date().toISOString(), lastUpdatedTime: new Date().toISOString() };

    const order = readOrder(raw as never, amazonOrder, (o: { orderId?: string }) => o.orderId);

    expect(order.externalOrderId).toBe("111-2222222-3333333");
    expect(order.unreadable).toBeTruthy();
  });

  it("given two copies of one payload that has no id either, when read, then both get the same made-up id (the order is recorded once)", () => {
    const raw = { lineItems: "not a list" };
    const first = readOrder(raw as never, ebayOrder, (o: { orderId?: string }) => o.orderId);
    const again = readOrder({ ...raw } as never, ebayOrder, (o: { orderId?: string }) => o.orderId);

    expect(first.externalOrderId).toMatch(/^unreadable-/);
    expect(again.externalOrderId).toBe(first.externalOrderId);
  });

  it("given an eBay line item without its quantity, when read, then it is unreadable under its order id, saying which field is missing", () => {
    const raw = { orderId: "12-35", creationDate: "2026-12-01T10:00:00.000Z", lineItems: [{ sku: "EB-1" }] };

    const order = readOrder(raw as never, ebayOrder, (o: { orderId?: string }) => o.orderId);

    expect([order.externalOrderId, order.unreadable, order.lines]).toEqual(["12-35", "lineItems[0].quantity is missing", []]);
  });

  it("given a readable eBay order, when read, then it is the mapping's own answer", () => {
    const raw = { orderId: "12-34", creationDate: "2026-12-01T10:00:00.000Z", lineItems: [{ sku: "EB-1", quantity: 2 }] };

    const order = readOrder(raw as never, ebayOrder, (o: { orderId?: string }) => o.orderId);

    expect(order.unreadable).toBeUndefined();
    expect(order.lines).toMatchObject([{ channelSku: "EB-1", quantity: 2 }]);
  });
});
