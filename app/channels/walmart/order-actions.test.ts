import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "../../../simulators/walmart/server";
import type { Connector } from "../connector";
import { createWalmartConnector } from "./index";
import { walmartCancellationReason, walmartCarrier } from "./order-actions";

const CLIENT = { clientId: "anchor-wm-orders", clientSecret: "s3cret" };
let sim: WalmartSimulator;
let waits: number[];

function connector(): Connector {
  return createWalmartConnector(
    { accountId: "partner-1", credentials: CLIENT, endpoints: { api: sim.url } },
    { retry: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 } },
  );
}

beforeEach(async () => {
  waits = [];
  sim = await startWalmartSimulator({
    accounts: [
      {
        ...CLIENT,
        listings: [
          { sku: "KET-RED", quantity: 10, priceCents: 2999 },
          { sku: "MUG-BLK", quantity: 10, priceCents: 1200 },
        ],
      },
    ],
  });
});
afterEach(() => sim.stop());

const shippedAt = new Date("2025-03-02T15:00:00Z");

describe("Walmart connector: shipments and cancellations made in Shopify", () => {
  it('given a PO of two SKUs, when the merchant ships one unit of each with "FedEx Ground", then Walmart takes it (accepted) and the simulator shows each line Shipped by FedEx with the tracking number', async () => {
    const po = sim.placeOrder(CLIENT.clientId, {
      lines: [
        { sku: "KET-RED", quantity: 2 },
        { sku: "MUG-BLK", quantity: 1 },
      ],
    });
    const outcome = await connector().confirmShipment!({
      externalOrderId: po.purchaseOrderId,
      lines: [
        { channelSku: "KET-RED", quantity: 1 },
        { channelSku: "MUG-BLK", quantity: 1 },
      ],
      carrier: "FedEx Ground",
      trackingNumber: "7946 1234 5678",
      shippedAt,
    });
    expect(outcome).toEqual({ status: "accepted" });
    expect(sim.shipments(CLIENT.clientId, po.purchaseOrderId)).toEqual([
      expect.objectContaining({ sku: "KET-RED", quantity: 1, carrier: "FedEx", trackingNumber: "7946 1234 5678", shipDateTime: shippedAt.getTime() }),
      expect.objectContaining({ sku: "MUG-BLK", quantity: 1, carrier: "FedEx", trackingNumber: "7946 1234 5678" }),
    ]);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a carrier Walmart does not list, when shipped with a tracking URL it goes as otherCarrier; without one it is rejected before any call", async () => {
    const po = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1 });
    const base = {
      externalOrderId: po.purchaseOrderId,
      lines: [{ channelSku: "KET-RED", quantity: 1 }],
      carrier: "Acme Couriers",
      trackingNumber: "AC-1",
      shippedAt,
    };
    const calls = sim.requests.length;
    const refused = await connector().confirmShipment!(base);
    expect(refused).toMatchObject({ status: "rejected", message: expect.stringContaining("tracking URL") });
    expect(sim.requests.length).toBe(calls);
    expect(await connector().confirmShipment!({ ...base, trackingUrl: "https://acme.example/AC-1" })).toEqual({ status: "accepted" });
    expect(sim.shipments(CLIENT.clientId, po.purchaseOrderId)).toEqual([
      expect.objectContaining({ otherCarrier: "Acme Couriers", trackingURL: "https://acme.example/AC-1" }),
    ]);
  });

  it("given a PO line already shipped, when the merchant cancels it in Shopify, then Walmart's refusal comes back as rejected with its words and the line stays Shipped", async () => {
    const po = sim.placeOrder(CLIENT.clientId, { sku: "MUG-BLK", quantity: 1 });
    const wm = connector();
    await wm.confirmShipment!({
      externalOrderId: po.purchaseOrderId,
      lines: [{ channelSku: "MUG-BLK", quantity: 1 }],
      carrier: "USPS",
      trackingNumber: "9400",
      shippedAt,
    });

    const outcome = await wm.cancelOrder!({ externalOrderId: po.purchaseOrderId, lines: [{ channelSku: "MUG-BLK", quantity: 1 }], reason: "customer" });

    expect(outcome).toMatchObject({ status: "rejected", message: expect.stringContaining("1 Shipped") });
    expect(sim.account(CLIENT.clientId).orders[0].lines[0].statuses.map((s) => s.status)).toEqual(["Shipped"]);
  });

  it("given an unshipped PO, when the merchant cancels one of two units for lack of stock, then Walmart cancels it with SELLER_CANCEL_OUT_OF_STOCK", async () => {
    const po = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 2 });
    const outcome = await connector().cancelOrder!({
      externalOrderId: po.purchaseOrderId,
      lines: [{ channelSku: "KET-RED", quantity: 1 }],
      reason: "inventory",
    });
    expect(outcome).toEqual({ status: "accepted" });
    expect(sim.account(CLIENT.clientId).orders[0].lines[0].statuses).toEqual([
      { status: "Created", quantity: 1 },
      { status: "Cancelled", quantity: 1, cancellationReason: "SELLER_CANCEL_OUT_OF_STOCK" },
    ]);
  });

  it("given Walmart keeps answering 429, when a shipment is confirmed, then the connector answers retry with Walmart's Retry-After and nothing shipped", async () => {
    const po = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1 });
    sim.throttleNext(CLIENT.clientId, 20);
    const outcome = await connector().confirmShipment!({
      externalOrderId: po.purchaseOrderId,
      lines: [{ channelSku: "KET-RED", quantity: 1 }],
      carrier: "UPS",
      trackingNumber: "1Z",
      shippedAt,
    });
    expect(outcome).toMatchObject({ status: "retry", retryAfterMs: 1000 });
    expect(sim.shipments(CLIENT.clientId)).toEqual([]);
  });

  it("given a WFS PO, when the merchant ships or cancels it, then the connector answers unsupported (Walmart fulfils it)", async () => {
    const po = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1, shipNodeType: "WFSFulfilled" });
    const lines = [{ channelSku: "KET-RED", quantity: 1 }];
    expect(await connector().confirmShipment!({ externalOrderId: po.purchaseOrderId, lines, carrier: "UPS", trackingNumber: "1Z", shippedAt })).toMatchObject({
      status: "unsupported",
    });
    expect(await connector().cancelOrder!({ externalOrderId: po.purchaseOrderId, lines, reason: "customer" })).toMatchObject({ status: "unsupported" });
  });

  it("given the merchant's carrier names and reasons, then they map to Walmart's carrier list and cancellation reasons", () => {
    expect([walmartCarrier("ups"), walmartCarrier("FedEx SmartPost"), walmartCarrier("DHL Express"), walmartCarrier("Purolator")]).toEqual([
      { carrier: "UPS" },
      { carrier: "FEDEXSP" },
      { carrier: "DHL" },
      { otherCarrier: "Purolator" },
    ]);
    expect(["inventory", "fraud", "customer", "other"].map(walmartCancellationReason)).toEqual([
      "SELLER_CANCEL_OUT_OF_STOCK",
      "SELLER_CANCEL_FRAUD_STOP_SHIPMENT",
      "CUSTOMER_REQUESTED_SELLER_TO_CANCEL",
      "CUSTOMER_REQUESTED_SELLER_TO_CANCEL",
    ]);
  });
});
