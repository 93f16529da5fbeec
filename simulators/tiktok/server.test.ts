import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";

const shop = {
  appKey: "app-1",
  appSecret: "secret-1",
  shopCipher: "ROW_1",
  accessToken: "TTP_a",
  refreshToken: "TTP_r",
  products: [{ productId: "P1", skuId: "S1", sellerSku: "KET-RED", quantity: 5, priceCents: 1999 }],
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

  it("given a buyer who orders more than the SKU has, when placed, then the SKU goes to 0, the order is flagged oversold and is listed one line item per unit", async () => {
    const order = sim.placeOrder("ROW_1", { skuId: "S1", quantity: 4 });
    expect(order.oversold).toBe(true);
    expect(sim.shop("ROW_1").skus.get("S1")!.quantity).toBe(0);
    const body = JSON.stringify({ create_time_ge: 0 });
    const answer = await post(
      signedUrl("/order/202309/orders/search", { app_key: "app-1", timestamp: now(), shop_cipher: "ROW_1", page_size: "10" }, body),
      body,
    );
    const envelope = (await answer.json()) as { data: { orders: Array<{ line_items: unknown[] }> } };
    expect(envelope.data.orders[0].line_items).toHaveLength(4);
  });

  it("given an authorization code, when exchanged at /api/v2/token/get, then new tokens come back and the code cannot be used twice", async () => {
    const code = sim.issueAuthCode("ROW_1");
    const url = `${sim.url}/api/v2/token/get?${new URLSearchParams({ app_key: "app-1", app_secret: "secret-1", auth_code: code, grant_type: "authorized_code" })}`;
    expect(await (await fetch(url)).json()).toMatchObject({ code: 0, data: { access_token: expect.stringMatching(/^TTP_/) } });
    expect(await (await fetch(url)).json()).toMatchObject({ code: 36004004 });
  });
});
