import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walmartAccessToken } from "./test-helpers";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

const CLIENT = "wm-wfs";
let sim: WalmartSimulator;
let token: string;

beforeAll(async () => {
  sim = await startWalmartSimulator({
    accounts: [
      {
        clientId: CLIENT,
        clientSecret: "wm-secret",
        listings: [
          { sku: "KET-RED", quantity: 50, priceCents: 2999 },
          { sku: "WFS-A", quantity: 0, priceCents: 1999, wfsQuantity: 12 },
          { sku: "WFS-B", quantity: 0, priceCents: 1999, wfsQuantity: 4 },
          { sku: "WFS-C", quantity: 0, priceCents: 1999, wfsQuantity: 0 },
        ],
      },
    ],
  });
  token = await walmartAccessToken(sim.url, CLIENT, "wm-secret");
});
afterAll(() => sim.stop());

interface WfsPage {
  headers: { totalCount: number; limit: number; offset: number };
  payload: { inventory: Array<{ sku: string; shipNodes: Array<{ availToSellQty: number; onHandQty: number; shipNodeType: string; modifiedDate: string }> }> };
}

async function wfs(
  query: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: WfsPage & { errors?: Array<{ field?: string; description: string }> } }> {
  const response = await fetch(`${sim.url}/v3/fulfillment/inventory${query}`, {
    headers: {
      "WM_SEC.ACCESS_TOKEN": token,
      "WM_QOS.CORRELATION_ID": randomUUID(),
      "WM_SVC.NAME": "Walmart Marketplace",
      Accept: "application/json",
      ...headers,
    },
  });
  return { status: response.status, body: (await response.json()) as WfsPage };
}

const stockOf = (page: WfsPage) => page.payload.inventory.map((i) => [i.sku, i.shipNodes[0].availToSellQty, i.shipNodes[0].onHandQty]);

describe("Walmart simulator: WFS inventory (getWFSInventory)", () => {
  it("given three items Walmart fulfils and one the seller does, when WFS inventory is read two at a time, then only the WFS items come, by offset, with their WFSFulfilled ship node, as the definition says", async () => {
    const first = await wfs("?limit=2&offset=0");
    const second = await wfs("?limit=2&offset=2");
    expect(first.status).toBe(200);
    expect(first.body.headers).toEqual({ totalCount: 3, limit: 2, offset: 0 });
    expect(stockOf(first.body)).toEqual([
      ["WFS-A", 12, 12],
      ["WFS-B", 4, 4],
    ]);
    expect(stockOf(second.body)).toEqual([["WFS-C", 0, 0]]);
    expect(first.body.payload.inventory[0].shipNodes[0].shipNodeType).toBe("WFSFulfilled");
    // Without paging parameters: the definition's defaults, limit 10 from offset 0
    expect((await wfs("")).body.headers).toEqual({ totalCount: 3, limit: 10, offset: 0 });
    expect(sim.responseChecks.filter((c) => c.operationId === "getWFSInventory" && c.errors.length)).toEqual([]);
  });

  it("given a WFS PO not shipped yet and Walmart's recount, when one SKU is read, then available to sell drops at once and on hand keeps the reserved units", async () => {
    sim.placeOrder(CLIENT, { sku: "WFS-B", quantity: 3, shipNodeType: "WFSFulfilled" });
    expect(stockOf((await wfs("?sku=WFS-B")).body)).toEqual([["WFS-B", 1, 4]]);
    expect(sim.account(CLIENT).listings.get("WFS-B")!.quantity).toBe(0);
    sim.setWfsQuantity(CLIENT, "WFS-A", 30);
    expect(stockOf((await wfs("?sku=WFS-A")).body)).toEqual([["WFS-A", 30, 30]]);
  });

  it("given a limit above 300, a negative offset, no access token or a wrong one, when WFS inventory is read, then each is refused with its reason", async () => {
    const tooMany = await wfs("?limit=301");
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors![0]).toMatchObject({ field: "limit" });
    const negative = await wfs("?offset=-1");
    expect(negative.status).toBe(400);
    expect(negative.body.errors![0]).toMatchObject({ field: "offset" });
    const noToken = await fetch(`${sim.url}/v3/fulfillment/inventory`, {
      headers: { "WM_QOS.CORRELATION_ID": randomUUID(), "WM_SVC.NAME": "Walmart Marketplace" },
    });
    expect(noToken.status).toBe(400);
    expect((await wfs("", { "WM_SEC.ACCESS_TOKEN": "not-a-token" })).status).toBe(401);
  });
});
