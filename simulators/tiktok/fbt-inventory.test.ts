import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";
import type { TikTokShopSpec } from "./state";

const WEST = "7300000000000000001";
const EAST = "7300000000000000002";
const shop: TikTokShopSpec = {
  appKey: "app-fbt",
  appSecret: "secret-fbt",
  shopCipher: "ROW_FBT",
  accessToken: "TTP_fa",
  refreshToken: "TTP_fr",
  products: [
    { productId: "101", skuId: "201", sellerSku: "KET-RED", quantity: 9, priceCents: 1999 },
    { productId: "102", skuId: "202", sellerSku: "KET-FBT", quantity: 0, priceCents: 2999, fbtStock: { [WEST]: 7, [EAST]: 5 } },
    { productId: "103", skuId: "203", sellerSku: "MUG-FBT", quantity: 0, priceCents: 999, fbtStock: { [WEST]: 3 } },
  ],
};
let sim: TikTokSimulator;

interface Envelope {
  code: number;
  message: string;
  data: {
    inventory: Array<{
      fbt_warehouse_id: string;
      goods: {
        id: string;
        reference_code: string;
        skus: Array<{ id: string; on_hand_detail: { available_quantity: number; reserved_quantity: number; total_quantity: number } }>;
      };
    }>;
    total_count: number;
    next_page_token: string;
  };
}

// Signed by hand (not with the connector's signer), as in server.test.ts.
async function signedPost(path: string, body: unknown, query: Record<string, string> = {}, secret = shop.appSecret) {
  const text = JSON.stringify(body);
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
const searchFbt = (body: unknown, query: Record<string, string> = { page_size: "100" }, secret?: string) =>
  signedPost("/fbt/202408/inventory/search", body, query, secret);
const rowsOf = (e: Envelope) => e.data.inventory.map((r) => [r.goods.skus[0].id, r.fbt_warehouse_id, r.goods.skus[0].on_hand_detail.available_quantity]);

beforeAll(async () => {
  sim = await startTikTokSimulator({ shops: [shop] });
});
afterAll(() => sim.stop());

describe("TikTok Shop simulator: Search FBT Inventory (202408)", () => {
  it("given two SKUs TikTok fulfils, one of them in two FBT warehouses, and one the seller ships, when FBT inventory is searched two rows a page, then each goods comes once per warehouse with its SKU's on-hand detail, followed by next_page_token", async () => {
    const first = await searchFbt({}, { page_size: "2" });
    expect(first.envelope.code).toBe(0);
    expect(first.envelope.data.total_count).toBe(3);
    const second = await searchFbt({}, { page_size: "2", page_token: first.envelope.data.next_page_token });
    expect(second.envelope.data.next_page_token).toBe("");
    expect([...rowsOf(first.envelope), ...rowsOf(second.envelope)]).toEqual([
      ["202", WEST, 7],
      ["202", EAST, 5],
      ["203", WEST, 3],
    ]);
    expect(first.envelope.data.inventory[0].goods.reference_code).toBe("KET-FBT");
  });

  it("given an FBT order not shipped yet and TikTok's recount, when searched by SKU, then its units move from available to reserved and the recount shows", async () => {
    sim.placeOrder(shop.shopCipher, { skuId: "203", quantity: 2, fulfillmentType: "FULFILLMENT_BY_TIKTOK" });
    const after = await searchFbt({ sku_ids: ["203"] });
    expect(after.envelope.data.inventory[0].goods.skus[0].on_hand_detail).toEqual({ available_quantity: 1, reserved_quantity: 2, total_quantity: 3 });
    sim.setFbtQuantity(shop.shopCipher, "202", 20, EAST);
    expect(rowsOf((await searchFbt({ sku_ids: ["202"], fbt_warehouse_ids: [EAST] })).envelope)).toEqual([["202", EAST, 20]]);
  });

  it("given no page_size, one over 100, a filter the request has not, or a wrong signature, when searched, then each is refused", async () => {
    const missing = await searchFbt({}, {});
    expect(missing.status).toBe(400);
    expect(missing.envelope.message).toContain("page_size");
    expect((await searchFbt({}, { page_size: "101" })).envelope.message).toContain("page_size");
    expect((await searchFbt({ seller_skus: ["KET-FBT"] })).status).toBe(400);
    expect((await searchFbt({}, { page_size: "10" }, "not-the-secret")).status).toBe(401);
  });
});
