import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "./server";
import { walmartAccessToken } from "./test-helpers";

// 61 items: more than one page of 50 (the definition's most) and more than the default 10.
const listings = Array.from({ length: 61 }, (_, i) => ({ sku: `INV-${String(i).padStart(3, "0")}`, quantity: i, priceCents: 1000 + i }));
let sim: WalmartSimulator;
let token: string;

type InventoriesAnswer = {
  meta: { totalCount: number; nextCursor?: string };
  elements: { inventories: Array<{ sku: string; nodes: Array<{ inputQty: { amount: number } }> }> };
  errors?: Array<{ field?: string; description: string }>;
};

async function inventories(query: string) {
  const answer = await fetch(`${sim.url}/v3/inventories${query}`, {
    headers: { "WM_SEC.ACCESS_TOKEN": token, "WM_QOS.CORRELATION_ID": randomUUID(), "WM_SVC.NAME": "Walmart Marketplace", Accept: "application/json" },
  });
  return { status: answer.status, body: (await answer.json()) as InventoriesAnswer };
}

beforeAll(async () => {
  sim = await startWalmartSimulator({ accounts: [{ clientId: "wm-inventories", clientSecret: "s", listings }] });
  token = await walmartAccessToken(sim.url, "wm-inventories", "s");
});
afterAll(() => sim.stop());

describe("Walmart simulator, multiple items' inventory (GET /v3/inventories)", () => {
  it("given 61 items, when read with limit 50 following meta.nextCursor, then every item's quantity comes once, in pages of 50 and 11, on the contract", async () => {
    const seen = new Map<string, number>();
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const { status, body } = await inventories(`?limit=50${cursor ? `&nextCursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(status).toBe(200);
      expect(body.meta.totalCount).toBe(61);
      pageSizes.push(body.elements.inventories.length);
      for (const entry of body.elements.inventories) seen.set(entry.sku, entry.nodes[0].inputQty.amount);
      cursor = body.meta.nextCursor;
    } while (cursor !== undefined);
    expect(pageSizes).toEqual([50, 11]);
    expect(seen.size).toBe(61);
    expect(seen.get("INV-007")).toBe(7);
    expect(sim.responseChecks.filter((c) => c.operationId === "getMultiNodeInventoryForAllSkuAndAllShipNodes" && c.errors.length > 0)).toEqual([]);
  });

  it("given no limit, when read, then the definition's default 10 come", async () => {
    const { body } = await inventories("");
    expect(body.elements.inventories).toHaveLength(10);
  });

  it.each([["51"], ["0"], ["ten"]])("given limit %s, when read, then 400 naming limit", async (limit) => {
    const { status, body } = await inventories(`?limit=${limit}`);
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ field: "limit" });
  });

  it("given a cursor it never handed out, when read, then 400 naming nextCursor", async () => {
    const { status, body } = await inventories("?limit=50&nextCursor=bogus");
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ field: "nextCursor" });
  });
});
