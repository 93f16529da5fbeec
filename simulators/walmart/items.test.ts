import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walmartAccessToken } from "./test-helpers";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

// 45 items: a first page of 20 (the definition's default limit) and more after it.
const listings = Array.from({ length: 45 }, (_, i) => ({ sku: `SKU-${String(i).padStart(3, "0")}`, quantity: i, priceCents: 1000 + i }));
let sim: WalmartSimulator;
let token: string;

const headers = () => ({
  "WM_SEC.ACCESS_TOKEN": token,
  "WM_QOS.CORRELATION_ID": randomUUID(),
  "WM_SVC.NAME": "Walmart Marketplace",
  Accept: "application/json",
});

type ItemsAnswer = {
  ItemResponse: Array<{ sku: string; gtin: string; productName: string; price: { amount: number } }>;
  totalItems: number;
  nextCursor?: string;
};

async function items(query: string, h: Record<string, string> = headers()) {
  const answer = await fetch(`${sim.url}/v3/items${query}`, { headers: h });
  return { status: answer.status, body: (await answer.json()) as ItemsAnswer & { errors?: Array<{ field?: string; description: string }> } };
}

beforeAll(async () => {
  sim = await startWalmartSimulator({
    accounts: [
      {
        clientId: "wm-items",
        clientSecret: "s",
        listings: [{ sku: "AAA-KETTLE", quantity: 3, priceCents: 2999, gtin: "00036000291452", content: { productName: "Kettle" } }, ...listings],
      },
    ],
  });
  token = await walmartAccessToken(sim.url, "wm-items", "s");
});
afterAll(() => sim.stop());

describe("Walmart simulator, getAllItems (GET /v3/items)", () => {
  it("given 46 items, when read with limit 20 from the first cursor, then every item comes once, in pages of 20, 20 and 6, the last without a nextCursor", async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined = "*";
    while (cursor !== undefined) {
      const { status, body } = await items(`?limit=20&nextCursor=${encodeURIComponent(cursor)}`);
      expect(status).toBe(200);
      expect(body.totalItems).toBe(46);
      pageSizes.push(body.ItemResponse.length);
      seen.push(...body.ItemResponse.map((i) => i.sku));
      cursor = body.nextCursor;
    }
    expect(pageSizes).toEqual([20, 20, 6]);
    expect(new Set(seen).size).toBe(46);
    expect(sim.responseChecks.filter((c) => c.operationId === "getAllItems" && c.errors.length > 0)).toEqual([]);
  });

  it("given an item with a GTIN and a name, when listed, then it carries them and its price, and no quantity (that is the Inventory API's)", async () => {
    const { body } = await items("?sku=AAA-KETTLE");
    expect(body.ItemResponse).toEqual([
      expect.objectContaining({
        sku: "AAA-KETTLE",
        gtin: "00036000291452",
        productName: "Kettle",
        price: { currency: "USD", amount: 29.99 },
        publishedStatus: "PUBLISHED",
      }),
    ]);
    expect(body.ItemResponse[0]).not.toHaveProperty("quantity");
  });

  it("given a limit above 50, a cursor it never handed out, or no access token, then it is refused naming what is wrong", async () => {
    const tooMany = await items("?limit=51");
    expect([tooMany.status, tooMany.body.errors?.[0].field]).toEqual([400, "limit"]);
    const lost = await items("?nextCursor=bm90LWEtY3Vyc29y");
    expect([lost.status, lost.body.errors?.[0].field]).toEqual([400, "nextCursor"]);
    const { "WM_SEC.ACCESS_TOKEN": _, ...withoutToken } = headers();
    expect((await items("", withoutToken)).status).toBe(400);
    expect((await items("", { ...headers(), "WM_SEC.ACCESS_TOKEN": "forged" })).status).toBe(401);
  });

  it("given the account is throttled, when the catalog is read, then 429 with Retry-After", async () => {
    sim.throttleNext("wm-items", 1);
    const answer = await fetch(`${sim.url}/v3/items`, { headers: headers() });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("1");
  });
});
