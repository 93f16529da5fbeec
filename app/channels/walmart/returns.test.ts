import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "../../../simulators/walmart/server";
import { orderDocument } from "../../../simulators/walmart/orders";
import type { Connector, ImportedOrder } from "../connector";
import { createWalmartConnector } from "./index";
import { toImportedOrder } from "./orders";

const CLIENT = { clientId: "anchor-wm-returns", clientSecret: "s3cret" };

let sim: WalmartSimulator;
let now: number;

function connector(): Connector {
  return createWalmartConnector(
    { accountId: "partner-1", credentials: CLIENT, endpoints: { api: sim.url } },
    { retry: { sleep: async () => {}, baseDelayMs: 1 }, now: () => now },
  );
}

beforeEach(async () => {
  now = Date.now();
  sim = await startWalmartSimulator({
    accounts: [
      {
        ...CLIENT,
        listings: [
          { sku: "KET-RED", quantity: 20, priceCents: 2999 },
          { sku: "KET-BLU", quantity: 20, priceCents: 1999 },
        ],
      },
    ],
  });
});
afterEach(() => sim.stop());

/**
 * A buyer's PO read by the connector, then shipped whole through it (as the merchant's fulfilment
 * would be) and read again; `at(n)`: n seconds after the shipment, when the buyer's steps happen.
 */
async function shippedAndRead(wm: Connector, lines: Array<{ sku: string; quantity: number }>) {
  const po = sim.placeOrder(CLIENT.clientId, { lines, orderDate: now - 60 * 60_000 });
  const first = await wm.fetchOrders(null);
  const shipped = await wm.confirmShipment!({
    externalOrderId: po.purchaseOrderId,
    lines: lines.map((l) => ({ channelSku: l.sku, quantity: l.quantity })),
    carrier: "UPS",
    trackingNumber: "1Z999AA10123456784",
    shippedAt: new Date(now - 50 * 60_000),
  });
  expect(shipped).toEqual({ status: "accepted" });
  // The shipment moved the PO: read past it, so what follows is the buyer's return alone.
  const second = await wm.fetchOrders(first.cursor);
  const shippedAt = sim.account(CLIENT.clientId).orders.find((o) => o.purchaseOrderId === po.purchaseOrderId)!.lastModified;
  return { po, cursor: second.cursor, at: (seconds: number) => shippedAt + seconds * 1000 };
}

const linesOf = (orders: ImportedOrder[], id: string) =>
  orders.filter((o) => o.externalOrderId === id).map((o) => o.lines.map((l) => [l.channelSku, l.quantity, l.returnedQuantity, l.refundedQuantity]));

describe("Walmart connector: buyers' returns and refunds", () => {
  it("given a shipped PO of 3 already read, when the buyer returns 2 that arrive at the return center and are later refunded, then each step comes back once: first 2 received and none refunded, then 2 refunded; a further fetch brings nothing", async () => {
    const wm = connector();
    const { po, cursor, at } = await shippedAndRead(wm, [{ sku: "KET-RED", quantity: 3 }]);
    const rma = sim.returnOrder(CLIENT.clientId, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 2 }], at: at(1) });
    sim.advanceReturn(CLIENT.clientId, rma.returnOrderId, "RETURN_IN_TRANSIT", at(2));

    const opened = await wm.fetchOrders(cursor);
    expect(linesOf(opened.orders, po.purchaseOrderId)).toEqual([[["KET-RED", 3, 0, 0]]]);

    sim.advanceReturn(CLIENT.clientId, rma.returnOrderId, "DELIVERED_AT_RETURN_CENTER", at(3));
    const received = await wm.fetchOrders(opened.cursor);
    expect(received.orders).toHaveLength(1);
    expect(linesOf(received.orders, po.purchaseOrderId)).toEqual([[["KET-RED", 3, 2, 0]]]);

    // The refund moves the PO too: both the orders and the returns read see it, and it comes back once.
    sim.advanceReturn(CLIENT.clientId, rma.returnOrderId, "REFUND_ISSUED", at(4));
    const refunded = await wm.fetchOrders(received.cursor);
    expect(refunded.orders).toHaveLength(1);
    expect(refunded.orders[0]).toMatchObject({ status: "Shipped", cancelled: false, updatedAt: new Date(at(4)) });
    expect(linesOf(refunded.orders, po.purchaseOrderId)).toEqual([[["KET-RED", 3, 2, 2]]]);

    expect((await wm.fetchOrders(refunded.cursor)).orders).toEqual([]);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
    expect(sim.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it("given a PO line of 2 with 1 Shipped and 1 in Refund, when read from the orders list alone (no returns read for it), then it counts 1 refunded and leaves its received units unsaid", () => {
    const po = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 2 });
    po.lines[0].statuses = [
      { status: "Shipped", quantity: 1 },
      { status: "Refund", quantity: 1 },
    ];
    expect(toImportedOrder(orderDocument(po)).lines).toEqual([
      // 6.5% of 2 × 29.99 in Arkansas, which Walmart remits.
      { channelSku: "KET-RED", quantity: 2, priceCents: 2999, taxCents: 390, taxCollectedByMarketplace: true, cancelledQuantity: 0, refundedQuantity: 1 },
    ]);
  });

  it("given a two-line PO whose buyer keeps one unit of the first line for a refund and later returns the second line, then the first line counts 1 refunded and none received, the second 1 received once its parcel arrives, across both returns", async () => {
    const wm = connector();
    const { po, cursor, at } = await shippedAndRead(wm, [
      { sku: "KET-RED", quantity: 2 },
      { sku: "KET-BLU", quantity: 1 },
    ]);
    sim.returnOrder(CLIENT.clientId, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 1 }], keepIt: true, at: at(1) });
    const kept = await wm.fetchOrders(cursor);
    expect(linesOf(kept.orders, po.purchaseOrderId)).toEqual([
      [
        ["KET-RED", 2, 0, 1],
        ["KET-BLU", 1, 0, 0],
      ],
    ]);

    const second = sim.returnOrder(CLIENT.clientId, po.purchaseOrderId, { lines: [{ lineNumber: "2" }], at: at(2) });
    sim.advanceReturn(CLIENT.clientId, second.returnOrderId, "DELIVERED_AT_RETURN_CENTER", at(3));
    const back = await wm.fetchOrders(kept.cursor);
    expect(linesOf(back.orders, po.purchaseOrderId)).toEqual([
      [
        ["KET-RED", 2, 0, 1],
        ["KET-BLU", 1, 1, 0],
      ],
    ]);
  });

  it("given a cancelled return, then nothing counts as received or refunded", async () => {
    const wm = connector();
    const { po, cursor, at } = await shippedAndRead(wm, [{ sku: "KET-RED", quantity: 1 }]);
    const rma = sim.returnOrder(CLIENT.clientId, po.purchaseOrderId, { at: at(1) });
    sim.advanceReturn(CLIENT.clientId, rma.returnOrderId, "RETURN_CANCELLED", at(2));
    expect(linesOf((await wm.fetchOrders(cursor)).orders, po.purchaseOrderId)).toEqual([[["KET-RED", 1, 0, 0]]]);
  });

  it("given a cursor from before returns were read, when fetched, then the order streams go on from it and returns of the last week are read", async () => {
    const wm = connector();
    const { po, at } = await shippedAndRead(wm, [{ sku: "KET-RED", quantity: 1 }]);
    const rma = sim.returnOrder(CLIENT.clientId, po.purchaseOrderId, { at: at(1) });
    sim.advanceReturn(CLIENT.clientId, rma.returnOrderId, "DELIVERED_AT_RETURN_CENTER", at(2));
    const watermark = { from: now - 1000, seen: [] };
    const v2 = Buffer.from(JSON.stringify({ v: 2, streams: { SellerFulfilled: watermark, WFSFulfilled: watermark } })).toString("base64url");

    const page = await wm.fetchOrders(v2);
    expect(linesOf(page.orders, po.purchaseOrderId)).toEqual([[["KET-RED", 1, 1, 0]]]);
  });
});
