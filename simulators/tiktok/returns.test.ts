import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";

const shop = {
  appKey: "app-r",
  appSecret: "secret-r",
  shopCipher: "ROW_R",
  accessToken: "TTP_ra",
  refreshToken: "TTP_rr",
  products: [
    { productId: "P1", skuId: "S1", sellerSku: "KET-RED", quantity: 9, priceCents: 1999 },
    { productId: "P2", skuId: "S2", sellerSku: "MUG", quantity: 9, priceCents: 999 },
  ],
};
let sim: TikTokSimulator;

interface ReturnDoc {
  return_id: string;
  order_id: string;
  return_type: string;
  return_status: string;
  create_time: number;
  update_time: number;
  refund_amount: { currency: string; refund_total: string };
  return_line_items: Array<{
    return_line_item_id: string;
    order_line_item_id: string;
    sku_id: string;
    seller_sku: string;
    refund_amount: { refund_total: string };
  }>;
}
interface Envelope {
  code: number;
  message: string;
  data: { return_orders: ReturnDoc[]; total_count: number; next_page_token: string };
}

// Signed by hand (not with the connector's signer), as in server.test.ts.
async function signedPost(path: string, body: unknown, query: Record<string, string> = {}, secret = shop.appSecret) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const params: Record<string, string> = { app_key: shop.appKey, timestamp: String(Math.floor(Date.now() / 1000)), shop_cipher: shop.shopCipher, ...query };
  const sorted = Object.keys(params)
    .sort()
    .map((k) => k + params[k])
    .join("");
  const sign = createHmac("sha256", secret)
    .update(secret + path + sorted + text + secret)
    .digest("hex");
  const answer = await fetch(`${sim.url}${path}?${new URLSearchParams({ ...params, sign }).toString()}`, {
    method: "POST",
    headers: { "x-tts-access-token": shop.accessToken, "content-type": "application/json" },
    body: text,
  });
  return { status: answer.status, envelope: (await answer.json()) as Envelope };
}
const searchReturns = (body: unknown, query: Record<string, string> = { page_size: "20" }) => signedPost("/return_refund/202309/returns/search", body, query);

/** A seller-fulfilled order of `units` of S1 (and one S2) placed at `at` and shipped a minute later. */
function shippedOrder(at: number, units = 2) {
  const order = sim.placeOrder(shop.shopCipher, {
    lines: [
      { skuId: "S1", quantity: units },
      { skuId: "S2", quantity: 1 },
    ],
    createTime: at,
    shippingType: "SELLER",
  });
  sim
    .shop(shop.shopCipher)
    .shipPackage(order, "IN_TRANSIT", { shippingProviderId: "6617675021119438849", shippingProviderName: "USPS", trackingNumber: "9400", shippedAt: at + 60 });
  return order;
}

const T = 1_700_000_000;

beforeAll(async () => {
  sim = await startTikTokSimulator({ shops: [shop] });
});
afterAll(() => sim.stop());

describe("TikTok Shop simulator: Search Returns (202309)", () => {
  it("given a shipped order whose buyer returns one S1, when the return moves from request to refund, then Search Returns by order_ids shows each status with one return line item per unit naming the order line item, sku_id and seller_sku, and each step moves the order's update_time", async () => {
    const order = shippedOrder(T);
    const requested = sim.requestReturn(shop.shopCipher, order.id, { type: "RETURN_AND_REFUND", units: 1, skuId: "S1", at: T + 3600 });
    expect(sim.shop(shop.shopCipher).orders.find((o) => o.id === order.id)!.updateTime).toBe(T + 3600);

    const first = await searchReturns({ order_ids: [order.id] });
    expect(first.envelope.code).toBe(0);
    expect(first.envelope.data).toEqual({
      return_orders: [
        expect.objectContaining({
          return_id: requested.id,
          order_id: order.id,
          return_type: "RETURN_AND_REFUND",
          return_status: "RETURN_OR_REFUND_REQUEST_PENDING",
          create_time: T + 3600,
          update_time: T + 3600,
          refund_amount: expect.objectContaining({ currency: "USD", refund_total: "19.99" }),
          return_line_items: [
            expect.objectContaining({
              order_line_item_id: order.lineItems[0].id,
              sku_id: "S1",
              seller_sku: "KET-RED",
              refund_amount: expect.objectContaining({ refund_total: "19.99" }),
            }),
          ],
        }),
      ],
      total_count: 1,
      next_page_token: "",
    });

    const steps = ["AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM", "RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"] as const;
    for (const [n, status] of steps.entries()) {
      sim.advanceReturn(shop.shopCipher, requested.id, status, T + 7200 + n);
      const { envelope } = await searchReturns({ order_ids: [order.id], update_time_ge: T + 7200 + n });
      expect(envelope.data.return_orders.map((r) => [r.return_status, r.update_time])).toEqual([[status, T + 7200 + n]]);
      expect(sim.shop(shop.shopCipher).orders.find((o) => o.id === order.id)!.updateTime).toBe(T + 7200 + n);
    }
    const byStatus = await searchReturns({
      return_status: ["RETURN_OR_REFUND_REQUEST_COMPLETE"],
      return_types: ["RETURN_AND_REFUND"],
      update_time_ge: T,
      update_time_lt: T + 8000,
    });
    expect(byStatus.envelope.data.return_orders.map((r) => r.return_id)).toEqual([requested.id]);
  });

  it("given an order not shipped, a step the return cannot take, or more units than can be returned, when asked for, then the simulator refuses", () => {
    const unshipped = sim.placeOrder(shop.shopCipher, { skuId: "S1", quantity: 1, createTime: T + 100_000 });
    expect(() => sim.requestReturn(shop.shopCipher, unshipped.id, { type: "REFUND" })).toThrow(/shipped/);
    const order = shippedOrder(T + 100_000, 1);
    const refund = sim.requestReturn(shop.shopCipher, order.id, { type: "REFUND", skuId: "S1", at: T + 100_100 });
    expect(() => sim.advanceReturn(shop.shopCipher, refund.id, "BUYER_SHIPPED_ITEM")).toThrow(/cannot go/);
    expect(() => sim.requestReturn(shop.shopCipher, order.id, { type: "REFUND", skuId: "S1" })).toThrow(/0 units/);
    sim.advanceReturn(shop.shopCipher, refund.id, "RETURN_OR_REFUND_REQUEST_CANCEL", T + 100_200);
    // A cancelled request gives its units back to be asked for again.
    expect(sim.requestReturn(shop.shopCipher, order.id, { type: "REFUND", skuId: "S1", at: T + 100_300 }).lineItemIds).toEqual(refund.lineItemIds);
  });

  it("given filters the request model does not have, a time as a string, ids as numbers, an unknown status, a _ge not before its _lt or a page_size over 50, when searched, then each is refused with 36009004 naming it", async () => {
    const refusals = await Promise.all([
      searchReturns({ order_status: "DELIVERED" }),
      searchReturns({ update_time_ge: String(T) }),
      searchReturns({ order_ids: [576000001] }),
      searchReturns({ return_status: ["RECEIVED"] }),
      searchReturns({ update_time_ge: T + 10, update_time_lt: T + 10 }),
      searchReturns({}, { page_size: "51" }),
      searchReturns({}, {}),
    ]);
    for (const r of refusals) {
      expect(r.status).toBe(400);
      expect(r.envelope.code).toBe(36009004);
    }
    expect(refusals[1].envelope.message).toContain("param update_time_ge type invalid,actual type is:string,expected type is:int64");
    expect(refusals[0].envelope.message).toContain("order_status");
  });

  it("given a request signed with the wrong secret, when searched, then 106001 and no returns", async () => {
    const answer = await signedPost("/return_refund/202309/returns/search", {}, { page_size: "10" }, "not-the-secret");
    expect(answer.status).toBe(401);
    expect(answer.envelope.code).toBe(106001);
    expect(answer.envelope.data ?? null).toBeNull();
  });

  it("given more returns than one page, when searched with page tokens, then each comes once", async () => {
    const order = shippedOrder(T + 200_000, 3);
    for (let n = 0; n < 3; n++) sim.requestReturn(shop.shopCipher, order.id, { type: "REFUND", skuId: "S1", units: 1, at: T + 200_100 + n });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const { envelope } = await searchReturns(
        { order_ids: [order.id] },
        { page_size: "2", sort_field: "create_time", sort_order: "ASC", ...(token ? { page_token: token } : {}) },
      );
      seen.push(...envelope.data.return_orders.map((r) => r.return_line_items[0].order_line_item_id));
      token = envelope.data.next_page_token || undefined;
    } while (token);
    expect(seen).toEqual(order.lineItems.filter((i) => i.skuId === "S1").map((i) => i.id));
  });
});
