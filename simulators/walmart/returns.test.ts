import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walmartAccessToken } from "./test-helpers";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

const CLIENT = "wm-returns";
let sim: WalmartSimulator;
let token: string;

beforeAll(async () => {
  sim = await startWalmartSimulator({
    accounts: [
      {
        clientId: CLIENT,
        clientSecret: "wm-secret",
        listings: [
          { sku: "KET-RED", quantity: 50, priceCents: 2999 },
          { sku: "MUG-BLK", quantity: 50, priceCents: 1200 },
        ],
      },
    ],
  });
  token = await walmartAccessToken(sim.url, CLIENT, "wm-secret");
});
afterAll(() => sim.stop());

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      "WM_SEC.ACCESS_TOKEN": token,
      "WM_QOS.CORRELATION_ID": randomUUID(),
      "WM_SVC.NAME": "Walmart Marketplace",
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface ReturnLineOut {
  purchaseOrderId: string;
  purchaseOrderLineNumber: number;
  item: { sku: string };
  quantity: { measurementValue: number };
  refundedQty: number;
  status: string;
  statusTime: string;
  currentRefundStatus?: string;
  isKeepIt: boolean;
  returnTrackingDetail: Array<{ eventTag: string; eventTime: string }>;
}
interface ReturnsOut {
  meta: { totalCount: number; limit: number; nextCursor: string };
  returnOrders: Array<{ returnOrderId: string; customerOrderId: string; returnOrderLines: ReturnLineOut[] }>;
  errors?: Array<{ field?: string; description: string }>;
}
interface PoLineOut {
  statusDate: number;
  orderLineStatuses: { orderLineStatus: Array<{ status: string; statusQuantity: { amount: string } }> };
  returnOrderId?: string;
  refund?: { refundCharges: { refundCharge: Array<{ refundReason: string; charge: { chargeAmount: { amount: number } } }> } };
}
interface OrdersOut {
  list: { elements: { order: Array<{ purchaseOrderId: string; orderLines: { orderLine: PoLineOut[] } }> } };
  errors?: Array<{ field?: string; description: string }>;
}

const returns = (query: Record<string, string>) => call<ReturnsOut>("GET", `/v3/returns?${new URLSearchParams(query).toString()}`);
const iso = (ms: number) => new Date(ms).toISOString();
const statusesOf = (line: PoLineOut) => line.orderLineStatuses.orderLineStatus.map((s) => [s.status, Number(s.statusQuantity.amount)]);

/** A PO of `quantity` placed `minutesAgo`, its first `shipped` units shipped by the seller through shippingUpdates. */
async function shippedPo(quantity: number, shipped: number, minutesAgo = 30) {
  const po = sim.placeOrder(CLIENT, { sku: "KET-RED", quantity, orderDate: Date.now() - minutesAgo * 60_000 });
  if (shipped > 0) {
    const trackingInfo = { shipDateTime: Date.now(), carrierName: { carrier: "UPS" }, methodCode: "Standard", trackingNumber: "1Z999AA10123456784" };
    const answer = await call("POST", `/v3/orders/${po.purchaseOrderId}/shipping`, {
      orderShipment: {
        orderLines: {
          orderLine: [
            {
              lineNumber: "1",
              sellerOrderId: "1001",
              orderLineStatuses: {
                orderLineStatus: [{ status: "Shipped", statusQuantity: { unitOfMeasurement: "EACH", amount: String(shipped) }, trackingInfo }],
              },
            },
          ],
        },
      },
    });
    expect(answer.status).toBe(200);
  }
  return po;
}

describe("the Walmart simulator's buyer returns (Returns Management getReturns)", () => {
  it("given a PO of 3 with 3 shipped, when the buyer returns 2 that travel, arrive and are refunded, then getReturns shows INITIATED, DELIVERED and COMPLETED with 2 refunded, and only the refund moves the PO: 2 units Refund with their charge, statusDate and last-modified time at the refund", async () => {
    const t0 = Date.now() - 10 * 60_000;
    const po = await shippedPo(3, 3);
    const poModified = sim.account(CLIENT).orders.find((o) => o.purchaseOrderId === po.purchaseOrderId)!.lastModified;
    const rma = sim.returnOrder(CLIENT, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 2 }], reason: "DAMAGED", at: t0 });
    const line = async () => (await returns({ returnOrderId: rma.returnOrderId })).body.returnOrders[0].returnOrderLines[0];

    expect(await line()).toMatchObject({
      purchaseOrderId: po.purchaseOrderId,
      purchaseOrderLineNumber: 1,
      item: { sku: "KET-RED" },
      quantity: { measurementValue: 2 },
      refundedQty: 0,
      status: "INITIATED",
      isKeepIt: false,
      returnTrackingDetail: [{ eventTag: "RETURN_INITIATED", eventTime: iso(t0) }],
    });
    sim.advanceReturn(CLIENT, rma.returnOrderId, "RETURN_IN_TRANSIT", t0 + 1000);
    sim.advanceReturn(CLIENT, rma.returnOrderId, "DELIVERED_AT_RETURN_CENTER", t0 + 2000);
    expect(await line()).toMatchObject({ status: "DELIVERED", statusTime: iso(t0 + 2000), refundedQty: 0 });
    expect(sim.account(CLIENT).orders.find((o) => o.purchaseOrderId === po.purchaseOrderId)!.lastModified).toBe(poModified);

    const refundAt = Date.now();
    sim.advanceReturn(CLIENT, rma.returnOrderId, "REFUND_ISSUED", refundAt);
    expect(await line()).toMatchObject({ status: "COMPLETED", refundedQty: 2, currentRefundStatus: "REFUND_COMPLETED" });
    expect((await line()).returnTrackingDetail.map((e) => e.eventTag)).toEqual([
      "REFUND_ISSUED",
      "DELIVERED_AT_RETURN_CENTER",
      "RETURN_IN_TRANSIT",
      "RETURN_INITIATED",
    ]);

    const changed = await call<OrdersOut>("GET", `/v3/orders?lastModifiedStartDate=${iso(refundAt)}`);
    expect(changed.body.list.elements.order.map((o) => o.purchaseOrderId)).toEqual([po.purchaseOrderId]);
    const [poLine] = changed.body.list.elements.order[0].orderLines.orderLine;
    expect(statusesOf(poLine)).toEqual([
      ["Shipped", 1],
      ["Refund", 2],
    ]);
    expect([poLine.statusDate, poLine.returnOrderId, poLine.refund?.refundCharges.refundCharge]).toEqual([
      refundAt,
      rma.returnOrderId,
      [
        {
          refundReason: "Customer returned item",
          charge: { chargeType: "PRODUCT", chargeName: "ItemPrice", chargeAmount: { currency: "USD", amount: -59.98 } },
        },
      ],
    ]);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a PO of 3 with 2 shipped, then a return of 3 is refused naming where the units are, a PO with nothing shipped cannot be returned, units already in a return cannot be returned again until that return is cancelled, and steps out of order are refused", async () => {
    const po = await shippedPo(3, 2);
    expect(() => sim.returnOrder(CLIENT, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 3 }] })).toThrow(
      /has 2 shipped units to return \(1 Created, 2 Shipped\), not 3/,
    );
    const unshipped = await shippedPo(1, 0);
    expect(() => sim.returnOrder(CLIENT, unshipped.purchaseOrderId)).toThrow(/no shipped units left to return/);

    const first = sim.returnOrder(CLIENT, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 2 }] });
    expect(() => sim.returnOrder(CLIENT, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 1 }] })).toThrow(/has 0 shipped units to return/);
    expect(() => sim.advanceReturn(CLIENT, first.returnOrderId, "DELIVERED_AFTER_INVOICE")).toThrow(/at RETURN_INITIATED cannot go to DELIVERED_AFTER_INVOICE/);
    sim.advanceReturn(CLIENT, first.returnOrderId, "RETURN_CANCELLED");
    expect(() => sim.advanceReturn(CLIENT, first.returnOrderId, "REFUND_ISSUED")).toThrow(/at RETURN_CANCELLED cannot go to REFUND_ISSUED/);

    const second = sim.returnOrder(CLIENT, po.purchaseOrderId);
    expect(second.lines.map((l) => [l.lineNumber, l.quantity])).toEqual([["1", 2]]);
    sim.advanceReturn(CLIENT, second.returnOrderId, "DELIVERED_AT_RETURN_CENTER");
    expect(() => sim.advanceReturn(CLIENT, second.returnOrderId, "RETURN_CANCELLED")).toThrow(/cannot go to RETURN_CANCELLED/);
    sim.advanceReturn(CLIENT, second.returnOrderId, "REFUND_ISSUED");
    expect(() => sim.advanceReturn(CLIENT, second.returnOrderId, "REFUND_ISSUED")).toThrow(/cannot go to REFUND_ISSUED/);
    // Refunded units stay returned: nothing left to send back, the unshipped unit included.
    expect(() => sim.returnOrder(CLIENT, po.purchaseOrderId)).toThrow(/no shipped units left to return/);
  });

  it("given a shipped unit the buyer may keep, when the keep-it return opens, then it is refunded at once with nothing to send back, the PO shows the unit Refund, and no later step is allowed", async () => {
    const po = await shippedPo(2, 2);
    const rma = sim.returnOrder(CLIENT, po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 1 }], keepIt: true });
    const [line] = (await returns({ returnOrderId: rma.returnOrderId })).body.returnOrders[0].returnOrderLines;
    expect(line).toMatchObject({ status: "COMPLETED", refundedQty: 1, isKeepIt: true, returnExpectedFlag: false });
    expect(line.returnTrackingDetail.map((e) => e.eventTag)).toEqual(["REFUND_ISSUED", "RETURN_INITIATED"]);
    const record = sim.account(CLIENT).orders.find((o) => o.purchaseOrderId === po.purchaseOrderId)!;
    expect(record.lines[0].statuses.map((s) => [s.status, s.quantity])).toEqual([
      ["Shipped", 1],
      ["Refund", 1],
    ]);
    expect(() => sim.advanceReturn(CLIENT, rma.returnOrderId, "DELIVERED_AFTER_INVOICE")).toThrow(/\(keep it\) cannot go to DELIVERED_AFTER_INVOICE/);
  });

  it("given returns opened and moved at known times, then getReturns filters by last-modified time, status and customer order, pages newest created first with a nextCursor that keeps the filters, and refuses what its definition does not take", async () => {
    // An hour back, before the other stories' returns, which the date filters leave out.
    const base = Date.now() - 60 * 60_000;
    const until = iso(base + 120_000);
    const a = await shippedPo(1, 1, 90);
    const b = await shippedPo(1, 1, 90);
    const ra = sim.returnOrder(CLIENT, a.purchaseOrderId, { at: base });
    const rb = sim.returnOrder(CLIENT, b.purchaseOrderId, { at: base + 1000 });
    sim.advanceReturn(CLIENT, ra.returnOrderId, "DELIVERED_AT_RETURN_CENTER", base + 60_000);

    const since = await returns({ returnLastModifiedStartDate: iso(base + 30_000), returnLastModifiedEndDate: until });
    expect(since.body.returnOrders.map((r) => r.returnOrderId)).toEqual([ra.returnOrderId]);
    const delivered = await returns({ status: "DELIVERED", returnCreationEndDate: until });
    expect(delivered.body.returnOrders.map((r) => r.returnOrderId)).toEqual([ra.returnOrderId]);
    expect((await returns({ customerOrderId: b.customerOrderId })).body.returnOrders.map((r) => r.returnOrderId)).toEqual([rb.returnOrderId]);
    // The prose's bare date is taken, whatever `format: date-time` says.
    expect((await returns({ returnCreationStartDate: iso(base).slice(0, 10) })).status).toBe(200);

    const first = await returns({ returnCreationStartDate: iso(base), returnCreationEndDate: iso(base + 1000), limit: "1" });
    expect([first.body.meta.totalCount, first.body.returnOrders.map((r) => r.returnOrderId)]).toEqual([2, [rb.returnOrderId]]);
    const next = await call<ReturnsOut>("GET", `/v3/returns${first.body.meta.nextCursor}`);
    expect([next.body.returnOrders.map((r) => r.returnOrderId), next.body.meta.nextCursor]).toEqual([[ra.returnOrderId], ""]);

    for (const [query, field] of [
      [{ limit: "201" }, "limit"],
      [{ status: "RECEIVED" }, "status"],
      [{ returnType: "EXCHANGE" }, "returnType"],
      [{ returnLastModifiedStartDate: "March 16" }, "returnLastModifiedStartDate"],
      [{ returnCreationStartDate: iso(base + 1000), returnCreationEndDate: iso(base) }, "returnCreationEndDate"],
    ] as const) {
      const refused = await returns(query);
      expect([refused.status, refused.body.errors?.[0].field]).toEqual([400, field]);
    }
    // getAllOrders' status filter lists no Refund, though a line can be in it.
    const byRefund = await call<OrdersOut>("GET", "/v3/orders?status=Refund");
    expect([byRefund.status, byRefund.body.errors?.[0].field]).toEqual([400, "status"]);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });
});
