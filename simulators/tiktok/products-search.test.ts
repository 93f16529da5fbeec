// Search Products (202309) on the TikTok Shop simulator, and the identifier_code Get Product shows.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";
import type { TikTokShopSpec } from "./state";

const shop: TikTokShopSpec = {
  appKey: "app-search",
  appSecret: "secret-search",
  shopCipher: "ROW_SEARCH",
  accessToken: "TTP_sa",
  refreshToken: "TTP_sr",
  products: [
    { productId: "101", skuId: "201", sellerSku: "MUG-S", quantity: 4, priceCents: 1299, title: "Mug", identifierCode: { code: "012345678905", type: "UPC" } },
    { productId: "101", skuId: "202", sellerSku: "MUG-L", quantity: 0, priceCents: 1499 },
    { productId: "102", skuId: "203", sellerSku: "KETTLE", quantity: 9, priceCents: 4500, productStatus: "SELLER_DEACTIVATED" },
    { productId: "103", skuId: "204", sellerSku: "", quantity: 1, priceCents: 999, productStatus: "DRAFT" },
    { productId: "104", skuId: "205", sellerSku: "GONE", quantity: 0, priceCents: 100, productStatus: "DELETED" },
  ],
};
let sim: TikTokSimulator;

interface SearchData {
  products: Array<{
    id: string;
    title: string;
    status: string;
    skus: Array<{ id: string; seller_sku: string; price: { currency: string; tax_exclusive_price: string }; inventory: Array<{ quantity: number }> }>;
  }>;
  total_count: number;
  next_page_token: string;
}
interface Envelope<T> {
  code: number;
  message: string;
  data: T;
}

// Signed by hand (not with the connector's signer), as in server.test.ts.
async function signed<T>(
  method: "GET" | "POST",
  path: string,
  body: unknown,
  query: Record<string, string>,
  options: { secret?: string; cipher?: string | null } = {},
) {
  const secret = options.secret ?? shop.appSecret;
  const text = body === undefined ? "" : JSON.stringify(body);
  const params: Record<string, string> = { app_key: shop.appKey, timestamp: String(Math.floor(Date.now() / 1000)), ...query };
  if (options.cipher !== null) params.shop_cipher = options.cipher ?? shop.shopCipher;
  const sorted = Object.keys(params)
    .sort()
    .map((k) => k + params[k])
    .join("");
  const sign = createHmac("sha256", secret)
    .update(secret + path + sorted + text + secret)
    .digest("hex");
  const answer = await fetch(`${sim.url}${path}?${new URLSearchParams({ ...params, sign }).toString()}`, {
    method,
    headers: { "x-tts-access-token": shop.accessToken, "content-type": "application/json" },
    body: text || undefined,
  });
  return { status: answer.status, envelope: (await answer.json()) as Envelope<T> };
}
const search = (body: unknown, query: Record<string, string> = { page_size: "100" }, options?: { secret?: string; cipher?: string | null }) =>
  signed<SearchData>("POST", "/product/202309/products/search", body, query, options);

beforeAll(async () => {
  sim = await startTikTokSimulator({ shops: [shop] });
});
afterAll(() => sim.stop());

describe("TikTok Shop simulator: Search Products (202309)", () => {
  it("given four products, when searched two a page with status ALL, then each comes once in creation order with its SKUs' seller SKU, tax-exclusive price and inventory, and the last page has an empty next_page_token", async () => {
    const first = await search({ status: "ALL" }, { page_size: "2" });
    expect(first.status).toBe(200);
    expect(first.envelope.code).toBe(0);
    expect(first.envelope.data.total_count).toBe(4);
    const second = await search({ status: "ALL" }, { page_size: "2", page_token: first.envelope.data.next_page_token });
    expect(second.envelope.data.next_page_token).toBe("");
    const products = [...first.envelope.data.products, ...second.envelope.data.products];
    expect(products.map((p) => [p.id, p.status])).toEqual([
      ["101", "ACTIVATE"],
      ["102", "SELLER_DEACTIVATED"],
      ["103", "DRAFT"],
      ["104", "DELETED"],
    ]);
    expect(products[0].skus).toEqual([
      {
        id: "201",
        seller_sku: "MUG-S",
        price: { currency: "USD", tax_exclusive_price: "12.99" },
        inventory: [{ warehouse_id: "7000000000000000001", quantity: 4 }],
      },
      {
        id: "202",
        seller_sku: "MUG-L",
        price: { currency: "USD", tax_exclusive_price: "14.99" },
        inventory: [{ warehouse_id: "7000000000000000001", quantity: 0 }],
      },
    ]);
    // "This API will only return the key product properties": the barcode is Get Product's.
    expect(JSON.stringify(products)).not.toContain("identifier_code");
  });

  it("given filters by status and seller SKU, when searched, then only the matching products come (no status: ALL)", async () => {
    const active = await search({ status: "ACTIVATE" });
    expect(active.envelope.data.products.map((p) => p.id)).toEqual(["101"]);
    const bySku = await search({ seller_skus: ["KETTLE", "MUG-L"] });
    expect(bySku.envelope.data.products.map((p) => p.id)).toEqual(["101", "102"]);
    expect((await search({})).envelope.data.total_count).toBe(4);
  });

  it("given page_size 0 or 101 or none, a page_token it never gave, an unknown status or body property, when searched, then 400 with 36009004 and nothing listed", async () => {
    const refusals = [
      await search({}, { page_size: "0" }),
      await search({}, { page_size: "101" }),
      await search({}, {}),
      await search({}, { page_size: "10", page_token: "bm90LWEtdG9rZW4" }),
      await search({ status: "LIVE" }),
      await search({ sku_ids: ["201"] }),
      await search({ update_time_ge: "1700000000" }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(refusal.envelope.code).toBe(36009004);
      expect(refusal.envelope.data).toBeNull();
    }
    expect(refusals[0].envelope.message).toContain("page_size");
    expect(refusals[3].envelope.message).toContain("page_token");
    expect((await search({}, { page_size: "100" })).status).toBe(200);
  });

  it("given no shop_cipher, another shop's, or a signature made with the wrong secret, when searched, then TikTok's refusals", async () => {
    const noCipher = await search({}, undefined, { cipher: null });
    expect([noCipher.status, noCipher.envelope.code]).toEqual([400, 36009004]);
    expect(noCipher.envelope.message).toContain("shop_cipher");
    const otherCipher = await search({}, undefined, { cipher: "ROW_OTHER" });
    expect([otherCipher.status, otherCipher.envelope.code]).toEqual([400, 36009004]);
    const badSign = await search({}, undefined, { secret: "not-the-secret" });
    expect([badSign.status, badSign.envelope.code]).toEqual([401, 106001]);
  });

  it("given a SKU with a barcode, when its product is read with Get Product, then the SKU carries identifier_code and its sibling none, with the product's status", async () => {
    const detail = await signed<{ status: string; skus: Array<{ id: string; identifier_code?: { code: string; type: string } }> }>(
      "GET",
      "/product/202309/products/101",
      undefined,
      {},
    );
    expect(detail.envelope.data.status).toBe("ACTIVATE");
    expect(detail.envelope.data.skus.map((s) => [s.id, s.identifier_code ?? null])).toEqual([
      ["201", { code: "012345678905", type: "UPC" }],
      ["202", null],
    ]);
  });
});
