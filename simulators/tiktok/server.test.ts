import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";

const shop = {
  appKey: "app-1",
  appSecret: "secret-1",
  shopCipher: "ROW_1",
  accessToken: "TTP_a",
  refreshToken: "TTP_r",
  products: [
    { productId: "P1", skuId: "S1", sellerSku: "KET-RED", quantity: 5, priceCents: 1999 },
    { productId: "P2", skuId: "S2", sellerSku: "MUG", quantity: 10, priceCents: 999 },
  ],
};
let sim: TikTokSimulator;

// Signed by hand here (not with the connector's signer) so the simulator's check is tested on its own.
function signedUrl(path: string, params: Record<string, string>, body: string, secret = shop.appSecret) {
  const sorted = Object.keys(params)
    .sort()
    .map((k) => k + params[k])
    .join("");
  const sign = createHmac("sha256", secret)
    .update(secret + path + sorted + body + secret)
    .digest("hex");
  return `${sim.url}${path}?${new URLSearchParams({ ...params, sign }).toString()}`;
}
const now = () => String(Math.floor(Date.now() / 1000));
const post = (url: string, body: string) =>
  fetch(url, { method: "POST", headers: { "x-tts-access-token": shop.accessToken, "content-type": "application/json" }, body });
interface OrderDoc {
  id: string;
  status: string;
  create_time: number;
  update_time: number;
  fulfillment_type: string;
  shipping_type: string;
  cancellation_initiator?: string;
  line_items: Array<{ sku_id: string; display_status: string; cancel_user?: string }>;
}
/** Search Orders, signed; the envelope as TikTok answers it. */
async function searchOrders(body: Record<string, unknown>, query: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  const params = { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1", page_size: "50", ...query };
  // The shop's current token: an earlier test exchanges an auth code, which rotates it.
  const answer = await fetch(signedUrl("/order/202309/orders/search", params, text), {
    method: "POST",
    headers: { "x-tts-access-token": sim.shop("ROW_1").accessToken, "content-type": "application/json" },
    body: text,
  });
  return (await answer.json()) as { code: number; message: string; data: { orders: OrderDoc[] } };
}
/** Far in the past, so the orders of one test stand apart from the others' (the shop is shared). */
const T = 1_600_000_000;
const inventoryPath = "/product/202309/products/P1/inventory/update";
const goodBody = JSON.stringify({ skus: [{ id: "S1", inventory: [{ quantity: 3 }] }] });

beforeAll(async () => {
  sim = await startTikTokSimulator({ shops: [shop] });
});
afterAll(() => sim.stop());

describe("TikTok Shop simulator", () => {
  it("given a correctly signed inventory update, when posted, then code 0 and the SKU holds the new quantity", async () => {
    const answer = await post(signedUrl(inventoryPath, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, goodBody), goodBody);
    expect(await answer.json()).toMatchObject({ code: 0, message: "Success", data: {} });
    expect(sim.shop("ROW_1").skus.get("S1")!.quantity).toBe(3);
  });

  it("given a request signed with the wrong secret, when posted, then 106001 says the sign is invalid and nothing changes", async () => {
    const answer = await post(
      signedUrl(inventoryPath, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, goodBody.replace("3", "9"), "wrong"),
      goodBody.replace("3", "9"),
    );
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ code: 106001, message: expect.stringContaining("'sign' query parameter is invalid") });
    expect(sim.shop("ROW_1").skus.get("S1")!.quantity).toBe(3);
  });

  it("given a body changed after signing, when posted, then the signature no longer matches", async () => {
    const answer = await post(signedUrl(inventoryPath, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, goodBody), goodBody.replace("3", "4"));
    expect(await answer.json()).toMatchObject({ code: 106001 });
  });

  it("given a timestamp six minutes old, when posted, then it is refused as outside the 5-minute window", async () => {
    const stale = String(Math.floor(Date.now() / 1000) - 360);
    const answer = await post(signedUrl(inventoryPath, { app_key: "app-1", timestamp: stale, shop_cipher: "ROW_1" }, goodBody), goodBody);
    expect(await answer.json()).toMatchObject({ code: 36009004, message: expect.stringContaining("Invalid timestamp") });
  });

  it("given a shop-level call without shop_cipher, or a body with a negative quantity, when posted, then each is refused naming what is wrong", async () => {
    const noCipher = await post(signedUrl(inventoryPath, { app_key: "app-1", timestamp: now() }, goodBody), goodBody);
    expect(await noCipher.json()).toMatchObject({ code: 36009004, message: expect.stringContaining("shop_cipher") });
    const negative = JSON.stringify({ skus: [{ id: "S1", inventory: [{ quantity: -1 }] }] });
    const badShape = await post(signedUrl(inventoryPath, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, negative), negative);
    expect(await badShape.json()).toMatchObject({ code: 36009004, message: expect.stringContaining("skus.0.inventory.0.quantity") });
  });

  it("given a signed partial edit with a title, when posted, then the product's title changes, its description stays, and the answer says it is in audit", async () => {
    const path = "/product/202309/products/P1/partial_edit";
    const body = JSON.stringify({ title: "Acme Kettle" });
    const answer = await post(signedUrl(path, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, body), body);
    expect(await answer.json()).toMatchObject({ code: 0, data: { product_id: "P1", audit: { status: "AUDITING" }, skus: [{ id: "S1" }] } });
    expect(sim.shop("ROW_1").products.get("P1")).toMatchObject({ title: "Acme Kettle", description: "" });
  });

  it("given a partial edit with an empty body, a property TikTok does not have, or an <img> hosted elsewhere, when posted, then each is refused naming why", async () => {
    const path = "/product/202309/products/P1/partial_edit";
    const refusal = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      return (await (await post(signedUrl(path, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, body), body)).json()) as {
        code: number;
        message: string;
      };
    };
    expect(await refusal({})).toMatchObject({ code: 36009004, message: expect.stringContaining("at least one property") });
    expect(await refusal({ subtitle: "x" })).toMatchObject({ code: 36009004, message: expect.stringContaining("subtitle") });
    expect(await refusal({ description: '<img src="https://cdn.shopify.com/a.jpg">' })).toMatchObject({
      code: 36009004,
      message: expect.stringContaining("TikTok Shop image URLs"),
    });
  });

  it("given a throttled shop, when it calls, then HTTP 429 carries TikTok's rate-limit code 36009002", async () => {
    sim.throttleNext("ROW_1");
    const answer = await post(signedUrl(inventoryPath, { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1" }, goodBody), goodBody);
    expect(answer.status).toBe(429);
    expect(await answer.json()).toMatchObject({ code: 36009002 });
  });

  it("given a buyer in New York who orders more than the SKU has, when placed, then the SKU goes to 0, the order is flagged oversold and is listed one line item per unit, each with its 4% sales tax, the payment pre-tax plus tax", async () => {
    const order = sim.placeOrder("ROW_1", { skuId: "S1", quantity: 4, shipToState: "NY" });
    expect(order.oversold).toBe(true);
    expect(sim.shop("ROW_1").skus.get("S1")!.quantity).toBe(0);
    const body = JSON.stringify({ create_time_ge: 0 });
    const answer = await post(
      signedUrl("/order/202309/orders/search", { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1", page_size: "10" }, body),
      body,
    );
    const envelope = (await answer.json()) as { data: { orders: Array<{ line_items: Array<Record<string, unknown>>; payment: Record<string, unknown> }> } };
    const [placed] = envelope.data.orders;
    expect(placed.line_items).toHaveLength(4);
    const unitCents = sim.shop("ROW_1").skus.get("S1")!.priceCents;
    const unitTax = Math.round(unitCents * 0.04);
    const money = (cents: number) => (cents / 100).toFixed(2);
    expect(new Set(placed.line_items.map((i) => JSON.stringify(i.item_tax)))).toEqual(
      new Set([JSON.stringify([{ tax_type: "SALES_TAX", tax_amount: money(unitTax), tax_rate: "0.04" }])]),
    );
    expect(placed.payment).toMatchObject({
      sub_total: money(4 * unitCents),
      product_tax: money(4 * unitTax),
      tax: money(4 * unitTax),
      total_amount: money(4 * (unitCents + unitTax)),
    });
  });

  it("given an authorization code, when exchanged at /api/v2/token/get, then new tokens come back and the code cannot be used twice", async () => {
    const code = sim.issueAuthCode("ROW_1");
    const url = `${sim.url}/api/v2/token/get?${new URLSearchParams({ app_key: "app-1", app_secret: "secret-1", auth_code: code, grant_type: "authorized_code" })}`;
    expect(await (await fetch(url)).json()).toMatchObject({ code: 0, data: { access_token: expect.stringMatching(/^TTP_/) } });
    expect(await (await fetch(url)).json()).toMatchObject({ code: 36004004 });
  });

  it("given an order cancelled by its buyer a minute after it was placed, when searched by update time and by creation time, then update_time_ge after its creation finds it CANCELLED on every line item, and sorting by update_time puts it after a later order", async () => {
    const early = sim.placeOrder("ROW_1", { skuId: "S2", quantity: 2, createTime: T });
    const later = sim.placeOrder("ROW_1", { skuId: "S2", quantity: 1, createTime: T + 30 });
    sim.cancelOrder("ROW_1", early.id, { at: T + 60 });

    const updated = await searchOrders({ update_time_ge: T + 45, update_time_lt: T + 100 });
    expect(updated.data.orders.map((o) => o.id)).toEqual([early.id]);
    expect(updated.data.orders[0]).toMatchObject({ status: "CANCELLED", create_time: T, update_time: T + 60, cancellation_initiator: "BUYER" });
    expect(updated.data.orders[0].line_items.map((i) => [i.display_status, i.cancel_user])).toEqual([
      ["CANCELLED", "BUYER"],
      ["CANCELLED", "BUYER"],
    ]);
    expect((await searchOrders({ create_time_ge: T + 45, create_time_lt: T + 100 })).data.orders).toEqual([]);
    const byUpdate = await searchOrders({ update_time_ge: T, update_time_lt: T + 100 }, { sort_field: "update_time", sort_order: "ASC" });
    expect(byUpdate.data.orders.map((o) => o.id)).toEqual([later.id, early.id]);
  });

  it("given a buyer who cancels 2 of an order's 3 units, when searched, then the order awaits shipment with 2 of its 3 line items CANCELLED, its update_time moved and the 2 units back on the SKU", async () => {
    const before = sim.shop("ROW_1").skus.get("S2")!.quantity;
    const order = sim.placeOrder("ROW_1", { skuId: "S2", quantity: 3, createTime: T + 200 });
    sim.cancelOrder("ROW_1", order.id, { units: 2, at: T + 260 });
    expect(sim.shop("ROW_1").skus.get("S2")!.quantity).toBe(before - 1);

    const [found] = (await searchOrders({ update_time_ge: T + 200, update_time_lt: T + 300 })).data.orders;
    expect(found).toMatchObject({ id: order.id, status: "AWAITING_SHIPMENT", update_time: T + 260 });
    expect(found.line_items.map((i) => i.display_status).sort()).toEqual(["AWAITING_SHIPMENT", "CANCELLED", "CANCELLED"]);
    expect(found.line_items.filter((i) => i.display_status === "CANCELLED").every((i) => i.cancel_user === "BUYER")).toBe(true);
    expect(() => sim.cancelOrder("ROW_1", order.id, { units: 2 })).toThrow(/1 active units/);

    sim.cancelOrder("ROW_1", order.id, { units: 1, by: "SELLER", at: T + 270 }); // the last unit: the order is cancelled
    const [after] = (await searchOrders({ update_time_ge: T + 265, update_time_lt: T + 300 })).data.orders;
    expect(after).toMatchObject({ id: order.id, status: "CANCELLED", cancellation_initiator: "SELLER" });
  });

  it("given an order Fulfilled by TikTok and one shipped by the seller, when placed and searched, then fulfillment_type tells them apart (shipping_type does not) and only the seller's order takes the seller's stock", async () => {
    const before = sim.shop("ROW_1").skus.get("S2")!.quantity;
    const fbt = sim.placeOrder("ROW_1", { skuId: "S2", quantity: 2, createTime: T + 400, fulfillmentType: "FULFILLMENT_BY_TIKTOK" });
    const fbs = sim.placeOrder("ROW_1", { skuId: "S2", quantity: 1, createTime: T + 401 });
    expect(sim.shop("ROW_1").skus.get("S2")!.quantity).toBe(before - 1);

    const orders = (await searchOrders({ create_time_ge: T + 400, create_time_lt: T + 402 }, { sort_order: "ASC" })).data.orders;
    expect(orders.map((o) => [o.id, o.fulfillment_type, o.shipping_type])).toEqual([
      [fbt.id, "FULFILLMENT_BY_TIKTOK", "TIKTOK"],
      [fbs.id, "FULFILLMENT_BY_SELLER", "TIKTOK"],
    ]);
  });

  it("given update_time_ge not before update_time_lt, a time sent as a string, a negative time or a filter TikTok does not have, when searched, then each is refused with 36009004 naming it", async () => {
    expect(await searchOrders({ update_time_ge: T + 10, update_time_lt: T + 10 })).toMatchObject({
      code: 36009004,
      message: expect.stringContaining("update_time_ge must be earlier than update_time_lt"),
    });
    expect(await searchOrders({ update_time_ge: String(T) })).toMatchObject({
      code: 36009004,
      message: expect.stringContaining("param update_time_ge type invalid,actual type is:string,expected type is:int64"),
    });
    expect(await searchOrders({ update_time_lt: -1 })).toMatchObject({ code: 36009004, message: expect.stringContaining("update_time_lt") });
    expect(await searchOrders({ updated_after: T })).toMatchObject({ code: 36009004, message: expect.stringContaining("updated_after") });
  });
});
