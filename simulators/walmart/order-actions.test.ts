import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walmartAccessToken } from "./test-helpers";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

const CLIENT = "wm-actions";
let sim: WalmartSimulator;
let token: string;

beforeAll(async () => {
  sim = await startWalmartSimulator({
    accounts: [
      {
        clientId: CLIENT,
        clientSecret: "wm-secret",
        listings: [
          { sku: "KET-RED", quantity: 10, priceCents: 2999 },
          { sku: "MUG-BLK", quantity: 10, priceCents: 1200 },
        ],
      },
    ],
  });
  token = await walmartAccessToken(sim.url, CLIENT, "wm-secret");
});
afterAll(() => sim.stop());

interface StatusOut {
  status: string;
  statusQuantity: { amount: string };
  cancellationReason?: string;
  trackingInfo?: { carrierName: { carrier?: string; otherCarrier?: string }; trackingNumber: string };
}
interface Answer {
  status: number;
  headers: Headers;
  body: {
    errors?: Array<{ code: string; field?: string; description: string }>;
    order?: { orderLines: { orderLine: Array<{ lineNumber: string; statusDate: number; orderLineStatuses: { orderLineStatus: StatusOut[] } }> } };
  };
}

async function post(path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: {
      "WM_SEC.ACCESS_TOKEN": token,
      "WM_QOS.CORRELATION_ID": randomUUID(),
      "WM_SVC.NAME": "Walmart Marketplace",
      Accept: "application/json",
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer["body"] };
}

const tracking = (over: Record<string, unknown> = {}) => ({
  shipDateTime: Date.now(),
  carrierName: { carrier: "UPS" },
  methodCode: "Standard",
  trackingNumber: "1Z999AA10123456784",
  ...over,
});
const shipBody = (lines: Array<{ lineNumber: string; amount: string; status?: string; trackingInfo?: unknown }>) => ({
  orderShipment: {
    orderLines: {
      orderLine: lines.map((l) => ({
        lineNumber: l.lineNumber,
        sellerOrderId: "1001",
        orderLineStatuses: {
          orderLineStatus: [
            {
              status: l.status ?? "Shipped",
              statusQuantity: { unitOfMeasurement: "EACH", amount: l.amount },
              ...(l.trackingInfo === null ? {} : { trackingInfo: l.trackingInfo ?? tracking() }),
            },
          ],
        },
      })),
    },
  },
});
const cancelBody = (lineNumber: string, amount: string, cancellationReason = "SELLER_CANCEL_OUT_OF_STOCK") => ({
  orderCancellation: {
    orderLines: {
      orderLine: [
        {
          lineNumber,
          orderLineStatuses: { orderLineStatus: [{ status: "Cancelled", cancellationReason, statusQuantity: { unitOfMeasurement: "EACH", amount } }] },
        },
      ],
    },
  },
});
const statusesOf = (answer: Answer, lineNumber: string) =>
  answer.body
    .order!.orderLines.orderLine.find((l) => l.lineNumber === lineNumber)!
    .orderLineStatuses.orderLineStatus.map((s) => [s.status, s.statusQuantity.amount, s.trackingInfo?.trackingNumber ?? s.cancellationReason ?? null]);

describe("Walmart simulator: Ship Order Lines and Cancel Order Lines", () => {
  it("given a PO of two lines, when one unit of line 1 ships by UPS, then that unit is Shipped with its trackingInfo, the PO's last-modified time moves so a reader by lastModifiedStartDate sees it, and the shipment is visible to tests", async () => {
    const placedAt = Date.now() - 60_000;
    const po = sim.placeOrder(CLIENT, {
      lines: [
        { sku: "KET-RED", quantity: 2 },
        { sku: "MUG-BLK", quantity: 1 },
      ],
      orderDate: placedAt,
    });
    const checked = sim.responseChecks.length;

    const answer = await post(`/v3/orders/${po.purchaseOrderId}/shipping`, shipBody([{ lineNumber: "1", amount: "1" }]));

    expect(answer.status).toBe(200);
    expect(statusesOf(answer, "1")).toEqual([
      ["Created", "1", null],
      ["Shipped", "1", "1Z999AA10123456784"],
    ]);
    expect(statusesOf(answer, "2")).toEqual([["Created", "1", null]]);
    expect(sim.account(CLIENT).orders.find((o) => o.purchaseOrderId === po.purchaseOrderId)!.lastModified).toBeGreaterThan(placedAt);
    expect(sim.shipments(CLIENT, po.purchaseOrderId)).toEqual([
      expect.objectContaining({ lineNumber: "1", sku: "KET-RED", quantity: 1, carrier: "UPS", trackingNumber: "1Z999AA10123456784", methodCode: "Standard" }),
    ]);
    const since = new Date(placedAt + 1).toISOString();
    const listed = await fetch(`${sim.url}/v3/orders?lastModifiedStartDate=${since}&purchaseOrderId=${po.purchaseOrderId}`, {
      headers: { "WM_SEC.ACCESS_TOKEN": token, "WM_QOS.CORRELATION_ID": randomUUID(), "WM_SVC.NAME": "Walmart Marketplace" },
    });
    const page = (await listed.json()) as { list: { elements: { order: Array<{ purchaseOrderId: string }> } } };
    expect(page.list.elements.order.map((o) => o.purchaseOrderId)).toEqual([po.purchaseOrderId]);
    expect(sim.responseChecks.slice(checked).flatMap((c) => c.errors)).toEqual([]);
  });

  it("given a carrier not on Walmart's list, when it ships as otherCarrier with a trackingURL, then it is taken; without the URL, as `carrier`, with both, or without trackingInfo, it is refused 400 and nothing moves", async () => {
    const po = sim.placeOrder(CLIENT, { sku: "MUG-BLK", quantity: 2 });
    const path = `/v3/orders/${po.purchaseOrderId}/shipping`;

    const noUrl = await post(path, shipBody([{ lineNumber: "1", amount: "1", trackingInfo: tracking({ carrierName: { otherCarrier: "Acme Couriers" } }) }]));
    expect([noUrl.status, noUrl.body.errors?.[0].field]).toEqual([400, "trackingURL"]);
    const offList = await post(path, shipBody([{ lineNumber: "1", amount: "1", trackingInfo: tracking({ carrierName: { carrier: "Acme Couriers" } }) }]));
    expect([offList.status, offList.body.errors?.[0].code]).toEqual([400, "INVALID_REQUEST.GMP_GATEWAY_API"]);
    expect(offList.body.errors?.[0].description).toContain("carrier");
    const both = await post(
      path,
      shipBody([{ lineNumber: "1", amount: "1", trackingInfo: tracking({ carrierName: { carrier: "UPS", otherCarrier: "Acme" } }) }]),
    );
    expect([both.status, both.body.errors?.[0].field]).toEqual([400, "carrierName"]);
    const bare = await post(path, shipBody([{ lineNumber: "1", amount: "1", trackingInfo: null }]));
    expect(bare.status).toBe(400);
    expect(bare.body.errors?.[0].description).toContain("trackingInfo");
    const empty = await post(path, {});
    expect([empty.status, empty.body.errors?.[0].field]).toEqual([400, "orderShipment"]);
    expect(sim.shipments(CLIENT, po.purchaseOrderId)).toEqual([]);

    const other = await post(
      path,
      shipBody([
        { lineNumber: "1", amount: "2", trackingInfo: tracking({ carrierName: { otherCarrier: "Acme Couriers" }, trackingURL: "https://acme.example/t/42" }) },
      ]),
    );
    expect(other.status).toBe(200);
    expect(sim.shipments(CLIENT, po.purchaseOrderId)).toEqual([
      expect.objectContaining({ otherCarrier: "Acme Couriers", quantity: 2, trackingURL: "https://acme.example/t/42" }),
    ]);
  });

  it("given a PO, when asked to ship more units than are left, a status other than Shipped, a line or PO that does not exist, or a WFS PO, then each is refused (400, 404) in Walmart's error body", async () => {
    const po = sim.placeOrder(CLIENT, { sku: "KET-RED", quantity: 1 });
    const path = `/v3/orders/${po.purchaseOrderId}/shipping`;
    const tooMany = await post(path, shipBody([{ lineNumber: "1", amount: "2" }]));
    expect([tooMany.status, tooMany.body.errors?.[0].code]).toEqual([400, "INVALID_REQUEST_CONTENT.GMP_ORDER_API"]);
    expect(tooMany.body.errors?.[0].description).toContain("1 units left to ship");
    expect((await post(path, shipBody([{ lineNumber: "1", amount: "1", status: "Delivered" }]))).body.errors?.[0].field).toBe("status");
    expect((await post(path, shipBody([{ lineNumber: "9", amount: "1" }]))).body.errors?.[0].field).toBe("lineNumber");
    expect((await post("/v3/orders/999/shipping", shipBody([{ lineNumber: "1", amount: "1" }]))).status).toBe(404);
    const wfs = sim.placeOrder(CLIENT, { sku: "KET-RED", quantity: 1, shipNodeType: "WFSFulfilled" });
    const refused = await post(`/v3/orders/${wfs.purchaseOrderId}/shipping`, shipBody([{ lineNumber: "1", amount: "1" }]));
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0].description).toContain("WFSFulfilled");

    expect((await post(path, shipBody([{ lineNumber: "1", amount: "1" }]))).status).toBe(200);
    const again = await post(path, shipBody([{ lineNumber: "1", amount: "1" }]));
    expect(again.status).toBe(400);
    expect(again.body.errors?.[0].description).toContain("1 Shipped");
  });

  it("given a shipped unit, when its tracking is corrected with processMode PARTIAL_UPDATE, then the Shipped units carry the new tracking number", async () => {
    const po = sim.placeOrder(CLIENT, { sku: "KET-RED", quantity: 1 });
    const path = `/v3/orders/${po.purchaseOrderId}/shipping`;
    expect((await post(path, shipBody([{ lineNumber: "1", amount: "1" }]))).status).toBe(200);
    const fixed = shipBody([{ lineNumber: "1", amount: "1", trackingInfo: tracking({ trackingNumber: "1Z-FIXED" }) }]);
    const answer = await post(path, { orderShipment: { ...fixed.orderShipment, processMode: "PARTIAL_UPDATE" } });
    expect(answer.status).toBe(200);
    expect(sim.shipments(CLIENT, po.purchaseOrderId).map((s) => s.trackingNumber)).toEqual(["1Z-FIXED"]);
  });

  it("given a PO of three units of which one shipped, when the seller cancels one Created unit, then it is Cancelled with the reason and goes back to the listing; cancelling more than the Created units left, so a shipped one, is refused 400 naming the Shipped units; a reason not in the definition's list is refused", async () => {
    const po = sim.placeOrder(CLIENT, { sku: "MUG-BLK", quantity: 3 });
    const path = `/v3/orders/${po.purchaseOrderId}/cancel`;
    expect((await post(`/v3/orders/${po.purchaseOrderId}/shipping`, shipBody([{ lineNumber: "1", amount: "1" }]))).status).toBe(200);
    const before = sim.account(CLIENT).listings.get("MUG-BLK")!.quantity;

    const cancelled = await post(path, cancelBody("1", "1"));
    expect(cancelled.status).toBe(200);
    expect(statusesOf(cancelled, "1")).toEqual([
      ["Created", "1", null],
      ["Shipped", "1", "1Z999AA10123456784"],
      ["Cancelled", "1", "SELLER_CANCEL_OUT_OF_STOCK"],
    ]);
    expect(sim.account(CLIENT).listings.get("MUG-BLK")!.quantity).toBe(before + 1);

    const shipped = await post(path, cancelBody("1", "2"));
    expect(shipped.status).toBe(400);
    expect(shipped.body.errors?.[0].description).toContain("1 Shipped");
    const reason = await post(path, cancelBody("1", "1", "CHANGED_MY_MIND"));
    expect([reason.status, reason.body.errors?.[0].code]).toEqual([400, "INVALID_REQUEST.GMP_GATEWAY_API"]);
    expect(
      sim
        .account(CLIENT)
        .orders.find((o) => o.purchaseOrderId === po.purchaseOrderId)!
        .lines[0].statuses.find((s) => s.status === "Created")!.quantity,
    ).toBe(1);
  });

  it("given the account's calls throttled, when a shipment is sent, then Walmart's 429 comes back with Retry-After and nothing ships", async () => {
    const po = sim.placeOrder(CLIENT, { sku: "KET-RED", quantity: 1 });
    sim.throttleNext(CLIENT, 1);
    const answer = await post(`/v3/orders/${po.purchaseOrderId}/shipping`, shipBody([{ lineNumber: "1", amount: "1" }]));
    expect([answer.status, answer.headers.get("retry-after"), answer.body.errors?.[0].code]).toEqual([429, "1", "TOO_MANY_REQUESTS.GMP_GATEWAY_API"]);
    expect(sim.shipments(CLIENT, po.purchaseOrderId)).toEqual([]);
  });
});
