import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "../../../simulators/tiktok/server";
import type { Connector } from "../connector";
import { createTikTokConnector } from "./index";

const SHOP = {
  appKey: "anchor-app-orders",
  appSecret: "anchor-secret",
  shopCipher: "ROW_orders",
  accessToken: "TTP_orders",
  refreshToken: "TTR_orders",
  products: [
    { productId: "P-KETTLE", skuId: "S-RED", sellerSku: "KET-RED", quantity: 9, priceCents: 2999 },
    { productId: "P-MUG", skuId: "S-MUG", sellerSku: "MUG", quantity: 9, priceCents: 999 },
  ],
};
let sim: TikTokSimulator;
let waits: number[];

function connector(): Connector {
  return createTikTokConnector(
    { accountId: "shop-1", credentials: { ...SHOP, products: undefined } as unknown as Record<string, string>, endpoints: { api: sim.url, auth: sim.url } },
    { retry: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 } },
  );
}

beforeEach(async () => {
  waits = [];
  sim = await startTikTokSimulator({ shops: [SHOP] });
});
afterEach(() => sim.stop());

const shippedAt = new Date();

describe("TikTok Shop connector: shipments and cancellations made in Shopify", () => {
  it('given a seller-shipped order, when the merchant ships it all with "United States Postal Service", then the package ships with TikTok\'s USPS provider id and the tracking number (accepted), and the order is IN_TRANSIT', async () => {
    const order = sim.placeOrder(SHOP.shopCipher, {
      lines: [
        { skuId: "S-RED", quantity: 2 },
        { skuId: "S-MUG", quantity: 1 },
      ],
      shippingType: "SELLER",
    });
    const outcome = await connector().confirmShipment!({
      externalOrderId: order.id,
      lines: [
        { channelSku: "S-RED", quantity: 2 },
        { channelSku: "S-MUG", quantity: 1 },
      ],
      carrier: "United States Postal Service",
      trackingNumber: "9400111899223344",
      shippedAt,
    });
    expect(outcome).toEqual({ status: "accepted" });
    expect(order.status).toBe("IN_TRANSIT");
    expect(order.shipment).toMatchObject({ shippingProviderName: "USPS", trackingNumber: "9400111899223344" });

    const corrected = await connector().confirmShipment!({ externalOrderId: order.id, lines: [], carrier: "UPS", trackingNumber: "1Z-NEW", shippedAt });
    expect(corrected).toEqual({ status: "accepted" });
    expect(order.shipment).toMatchObject({ shippingProviderName: "UPS", trackingNumber: "1Z-NEW" });
  });

  it("given a carrier TikTok has no provider for, a part of a package, or an order TikTok labels itself, when shipped, then rejected or unsupported and nothing ships", async () => {
    const order = sim.placeOrder(SHOP.shopCipher, { skuId: "S-RED", quantity: 2, shippingType: "SELLER" });
    const lines = [{ channelSku: "S-RED", quantity: 2 }];
    expect(await connector().confirmShipment!({ externalOrderId: order.id, lines, carrier: "Purolator", trackingNumber: "P1", shippedAt })).toMatchObject({
      status: "rejected",
      message: expect.stringContaining("Purolator"),
    });
    expect(
      await connector().confirmShipment!({
        externalOrderId: order.id,
        lines: [{ channelSku: "S-RED", quantity: 1 }],
        carrier: "UPS",
        trackingNumber: "1Z",
        shippedAt,
      }),
    ).toMatchObject({ status: "unsupported" });
    const labelled = sim.placeOrder(SHOP.shopCipher, { skuId: "S-RED", quantity: 1 });
    expect(
      await connector().confirmShipment!({
        externalOrderId: labelled.id,
        lines: [{ channelSku: "S-RED", quantity: 1 }],
        carrier: "UPS",
        trackingNumber: "1Z",
        shippedAt,
      }),
    ).toMatchObject({
      status: "unsupported",
    });
    expect([order.status, labelled.status]).toEqual(["AWAITING_SHIPMENT", "AWAITING_SHIPMENT"]);
  });

  it("given an order already shipped, when the merchant cancels it in Shopify, then TikTok's refusal comes back as rejected with its message", async () => {
    const order = sim.placeOrder(SHOP.shopCipher, { skuId: "S-MUG", quantity: 1, shippingType: "SELLER" });
    const tt = connector();
    await tt.confirmShipment!({
      externalOrderId: order.id,
      lines: [{ channelSku: "S-MUG", quantity: 1 }],
      carrier: "FedEx",
      trackingNumber: "7946",
      shippedAt,
    });
    const outcome = await tt.cancelOrder!({ externalOrderId: order.id, lines: [{ channelSku: "S-MUG", quantity: 1 }], reason: "customer" });
    expect(outcome).toMatchObject({ status: "rejected", message: expect.stringContaining("AWAITING_SHIPMENT") });
    expect(order.status).toBe("IN_TRANSIT");
  });

  it("given an order awaiting shipment, when the merchant cancels one of its two units, then TikTok cancels that unit by the seller (accepted)", async () => {
    const order = sim.placeOrder(SHOP.shopCipher, { skuId: "S-RED", quantity: 2 });
    expect(await connector().cancelOrder!({ externalOrderId: order.id, lines: [{ channelSku: "S-RED", quantity: 1 }], reason: "inventory" })).toEqual({
      status: "accepted",
    });
    expect(order.lineItems.map((i) => [i.status, i.cancelUser ?? null, i.cancelReason ?? null])).toEqual([
      ["AWAITING_SHIPMENT", null, null],
      ["CANCELLED", "SELLER", "seller_cancel_reason_out_of_stock"],
    ]);
  });

  it("given TikTok keeps answering 429, when a shipment is confirmed, then the connector answers retry and nothing ships", async () => {
    const order = sim.placeOrder(SHOP.shopCipher, { skuId: "S-RED", quantity: 1, shippingType: "SELLER" });
    sim.throttleNext(SHOP.shopCipher, 20);
    const outcome = await connector().confirmShipment!({
      externalOrderId: order.id,
      lines: [{ channelSku: "S-RED", quantity: 1 }],
      carrier: "UPS",
      trackingNumber: "1Z",
      shippedAt,
    });
    expect(outcome).toMatchObject({ status: "retry", message: expect.stringContaining("36009002") });
    expect(order.status).toBe("AWAITING_SHIPMENT");
  });
});
