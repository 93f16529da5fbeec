import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";
import { SEND_BY_SELLER_OPTION, SHIPPING_PROVIDERS } from "./state";

const shop = {
  appKey: "app-act",
  appSecret: "secret-act",
  shopCipher: "ROW_ACT",
  accessToken: "TTP_act",
  refreshToken: "TTP_ract",
  products: [
    { productId: "P1", skuId: "S1", sellerSku: "KET-RED", quantity: 20, priceCents: 1999 },
    { productId: "P2", skuId: "S2", sellerSku: "MUG", quantity: 20, priceCents: 999 },
  ],
};
let sim: TikTokSimulator;
beforeAll(async () => {
  sim = await startTikTokSimulator({ shops: [shop] });
});
afterAll(() => sim.stop());

// Signed by hand (not with the connector's signer) so the simulator is tested on its own.
async function call(method: "GET" | "POST", path: string, body?: unknown, query: Record<string, string> = {}) {
  const params = { app_key: shop.appKey, timestamp: String(Math.floor(Date.now() / 1000)), shop_cipher: shop.shopCipher, ...query };
  const text = body === undefined ? "" : JSON.stringify(body);
  const sorted = Object.keys(params)
    .sort()
    .map((k) => k + params[k as keyof typeof params])
    .join("");
  const sign = createHmac("sha256", shop.appSecret)
    .update(shop.appSecret + path + sorted + text + shop.appSecret)
    .digest("hex");
  const response = await fetch(`${sim.url}${path}?${new URLSearchParams({ ...params, sign }).toString()}`, {
    method,
    headers: { "x-tts-access-token": shop.accessToken, "content-type": "application/json" },
    body: text || undefined,
  });
  return { status: response.status, envelope: (await response.json()) as { code: number; message: string; data: Record<string, unknown> | null } };
}
const usps = SHIPPING_PROVIDERS.find((p) => p.name === "USPS")!;
const ship = (packageId: string, body: unknown) => call("POST", `/fulfillment/202309/packages/${packageId}/ship`, body);

describe("TikTok simulator: Ship Package, Update Package Shipping Info, Get Shipping Providers, Cancel Order", () => {
  it("given a seller-shipped order, when its package ships with a provider of Get Shipping Providers and a tracking number, then the order and its items are IN_TRANSIT with the tracking, update_time moves, and Get Order Detail shows it", async () => {
    const order = sim.placeOrder(shop.shopCipher, { skuId: "S1", quantity: 2, shippingType: "SELLER", createTime: Math.floor(Date.now() / 1000) - 60 });
    const providers = await call("GET", `/logistics/202309/delivery_options/${SEND_BY_SELLER_OPTION}/shipping_providers`);
    expect(providers.envelope.data).toEqual({ shipping_providers: SHIPPING_PROVIDERS });

    const shipped = await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "9400111899223344" } });

    expect([shipped.status, shipped.envelope.code]).toEqual([200, 0]);
    expect(order.status).toBe("IN_TRANSIT");
    expect(order.updateTime).toBeGreaterThan(order.createTime);
    const detail = await call("GET", "/order/202309/orders", undefined, { ids: order.id });
    const doc = (detail.envelope.data as { orders: Array<Record<string, unknown> & { line_items: Array<Record<string, unknown>> }> }).orders[0];
    expect(doc).toMatchObject({ status: "IN_TRANSIT", tracking_number: "9400111899223344", shipping_provider: "USPS", packages: [{ id: order.packageId }] });
    expect(doc.line_items.map((i) => [i.display_status, i.tracking_number])).toEqual([
      ["IN_TRANSIT", "9400111899223344"],
      ["IN_TRANSIT", "9400111899223344"],
    ]);

    const fixed = await call("POST", `/fulfillment/202309/packages/${order.packageId}/shipping_info/update`, {
      shipping_provider_id: usps.id,
      tracking_number: "9400-FIXED",
    });
    expect(fixed.envelope.code).toBe(0);
    expect(order.shipment?.trackingNumber).toBe("9400-FIXED");
  });

  it("given a seller-shipped package, when Ship Package comes without self_shipment, with an unknown provider, with an unknown property, twice, or for a TikTok-shipped, cancelled or unknown package, then each is refused in TikTok's envelope and nothing ships", async () => {
    const order = sim.placeOrder(shop.shopCipher, { skuId: "S2", quantity: 1, shippingType: "SELLER" });
    expect((await ship(order.packageId, { handover_method: "DROP_OFF" })).envelope.code).toBe(36009004);
    expect((await ship(order.packageId, { self_shipment: { shipping_provider_id: "123", tracking_number: "T1" } })).envelope.code).toBe(21011005);
    expect((await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T1" }, carrier: "USPS" })).envelope.code).toBe(
      36009004,
    );
    expect((await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: " " } })).envelope.code).toBe(36009004);
    expect((await ship("999", { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T1" } })).status).toBe(404);
    expect(order.status).toBe("AWAITING_SHIPMENT");
    expect((await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T1" } })).envelope.code).toBe(0);
    const twice = await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T2" } });
    expect([twice.status, twice.envelope.code, twice.envelope.message]).toEqual([400, 21011004, expect.stringContaining("IN_TRANSIT")]);

    const tiktokShipped = sim.placeOrder(shop.shopCipher, { skuId: "S2", quantity: 1 });
    expect((await ship(tiktokShipped.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T3" } })).envelope.code).toBe(36009004);
    expect((await ship(tiktokShipped.packageId, { handover_method: "PICKUP" })).envelope.code).toBe(0);
    expect(tiktokShipped.status).toBe("AWAITING_COLLECTION");

    const cancelled = sim.placeOrder(shop.shopCipher, { skuId: "S2", quantity: 1, shippingType: "SELLER" });
    sim.cancelOrder(shop.shopCipher, cancelled.id);
    expect((await ship(cancelled.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T4" } })).envelope.code).toBe(21011004);
    const unshipped = sim.placeOrder(shop.shopCipher, { skuId: "S2", quantity: 1, shippingType: "SELLER" });
    const update = await call("POST", `/fulfillment/202309/packages/${unshipped.packageId}/shipping_info/update`, {
      shipping_provider_id: usps.id,
      tracking_number: "T5",
    });
    expect(update.envelope.code).toBe(21011004);
  });

  it("given an order awaiting shipment, when the seller cancels one of its units by SKU, then that line item is CANCELLED by SELLER with the reason, update_time moves and the unit goes back; once shipped, cancelling is refused; a body without cancel_reason is refused", async () => {
    const order = sim.placeOrder(shop.shopCipher, { skuId: "S1", quantity: 2, shippingType: "SELLER", createTime: Math.floor(Date.now() / 1000) - 60 });
    const stock = sim.shop(shop.shopCipher).skus.get("S1")!.quantity;
    const answer = await call("POST", "/return_refund/202309/cancellations", {
      order_id: order.id,
      cancel_reason: "seller_cancel_reason_out_of_stock",
      skus: [{ sku_id: "S1", quantity: 1 }],
    });
    expect(answer.envelope).toMatchObject({ code: 0, data: { cancel_status: "CANCELLATION_REQUEST_COMPLETE" } });
    expect(order.lineItems.map((i) => [i.status, i.cancelUser ?? null])).toEqual([
      ["AWAITING_SHIPMENT", null],
      ["CANCELLED", "SELLER"],
    ]);
    expect(order.updateTime).toBeGreaterThan(order.createTime);
    expect(sim.shop(shop.shopCipher).skus.get("S1")!.quantity).toBe(stock + 1);
    expect((await call("POST", "/return_refund/202309/cancellations", { order_id: order.id })).envelope.code).toBe(36009004);

    await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T9" } });
    const late = await call("POST", "/return_refund/202309/cancellations", { order_id: order.id, cancel_reason: "seller_cancel_reason_out_of_stock" });
    expect([late.status, late.envelope.code, late.envelope.message]).toEqual([400, 21011002, expect.stringContaining("AWAITING_SHIPMENT")]);
    expect(order.lineItems[0].status).toBe("IN_TRANSIT");
  });

  it("given the shop throttled, when Ship Package is called, then 429 with 36009002 and nothing ships", async () => {
    const order = sim.placeOrder(shop.shopCipher, { skuId: "S2", quantity: 1, shippingType: "SELLER" });
    sim.throttleNext(shop.shopCipher, 1);
    const answer = await ship(order.packageId, { self_shipment: { shipping_provider_id: usps.id, tracking_number: "T1" } });
    expect([answer.status, answer.envelope.code]).toEqual([429, 36009002]);
    expect(order.status).toBe("AWAITING_SHIPMENT");
  });
});
