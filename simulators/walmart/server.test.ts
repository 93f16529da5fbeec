import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

const account = {
  clientId: "wm-client",
  clientSecret: "wm-secret",
  listings: [
    {
      sku: "KET-RED",
      quantity: 5,
      priceCents: 2999,
      gtin: "00036000291452",
      productType: "Kettles",
      content: { productName: "Kettle", shortDescription: "Walmart's own words" },
    },
  ],
};
let sim: WalmartSimulator;
let token: string;

const wmHeaders = (extra: Record<string, string> = {}) => ({
  "WM_SEC.ACCESS_TOKEN": token,
  "WM_QOS.CORRELATION_ID": randomUUID(),
  "WM_SVC.NAME": "Walmart Marketplace",
  Accept: "application/json",
  ...extra,
});

beforeAll(async () => {
  sim = await startWalmartSimulator({ accounts: [account], feedDelayMs: 10 });
  const answer = await fetch(`${sim.url}/v3/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from("wm-client:wm-secret").toString("base64")}`,
      "WM_SVC.NAME": "Walmart Marketplace",
      "WM_QOS.CORRELATION_ID": randomUUID(),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  token = ((await answer.json()) as { access_token: string }).access_token;
});
afterAll(() => sim.stop());

/** An item maintenance feed file (item spec 5.0) for KET-RED, with what the test changes. */
const maintenanceFile = (item: { gtin?: string; productType?: string; visible?: Record<string, unknown> } = {}, version = "5.0.20240517-04_08_27-api") => ({
  MPItemFeedHeader: { businessUnit: "WALMART_US", locale: "en", version },
  MPItem: [
    {
      Orderable: { sku: "KET-RED", productIdentifiers: { productIdType: "GTIN", productId: item.gtin ?? "00036000291452" } },
      Visible: { [item.productType ?? "Kettles"]: item.visible ?? { productName: "Acme Kettle" } },
    },
  ],
});

async function submitItemFeed(file: unknown, headers: Record<string, string> = wmHeaders()) {
  const form = new FormData();
  form.append("file", new Blob([JSON.stringify(file)], { type: "application/json" }), "item.json");
  return fetch(`${sim.url}/v3/feeds?feedType=MP_MAINTENANCE`, { method: "POST", headers, body: form });
}

async function itemStatus(feedId: string) {
  for (;;) {
    const answer = (await (await fetch(`${sim.url}/v3/feeds/${encodeURIComponent(feedId)}?includeDetails=true`, { headers: wmHeaders() })).json()) as {
      feedStatus: string;
      ingestionErrors?: { ingestionError: Array<{ description: string }> };
      itemDetails: {
        itemIngestionStatus: Array<{ ingestionStatus: string; ingestionErrors?: { ingestionError: Array<{ code: string; description: string }> } }>;
      };
    };
    if (answer.feedStatus !== "INPROGRESS") return answer;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("Walmart simulator, item maintenance feed", () => {
  it("given an MP_MAINTENANCE feed naming the item's GTIN and product type, when processed, then only the attributes it names change", async () => {
    const answer = await submitItemFeed(maintenanceFile({ visible: { productName: "Acme Kettle", keyFeatures: ["Boils fast"] } }));
    const { feedId } = (await answer.json()) as { feedId: string };
    expect(sim.account("wm-client").listings.get("KET-RED")!.content.productName).toBe("Kettle"); // not before it is processed
    expect((await itemStatus(feedId)).itemDetails.itemIngestionStatus[0].ingestionStatus).toBe("SUCCESS");
    expect(sim.account("wm-client").listings.get("KET-RED")!.content).toEqual({
      productName: "Acme Kettle",
      shortDescription: "Walmart's own words",
      keyFeatures: ["Boils fast"],
    });
  });

  it("given another item's GTIN or another product type, when processed, then the item is a DATA_ERROR saying which, and nothing changes", async () => {
    const before = { ...sim.account("wm-client").listings.get("KET-RED")!.content };
    const wrongGtin = (await (await submitItemFeed(maintenanceFile({ gtin: "4006381333931" }))).json()) as { feedId: string };
    const wrongType = (await (await submitItemFeed(maintenanceFile({ productType: "Mugs" }))).json()) as { feedId: string };
    const [gtin, type] = [await itemStatus(wrongGtin.feedId), await itemStatus(wrongType.feedId)];
    expect(gtin.itemDetails.itemIngestionStatus[0]).toMatchObject({
      ingestionStatus: "DATA_ERROR",
      ingestionErrors: { ingestionError: [expect.objectContaining({ description: expect.stringContaining("is not the GTIN") })] },
    });
    expect(type.itemDetails.itemIngestionStatus[0]).toMatchObject({
      ingestionStatus: "DATA_ERROR",
      ingestionErrors: { ingestionError: [expect.objectContaining({ description: "SKU KET-RED is a Kettles, not Mugs" })] },
    });
    expect(sim.account("wm-client").listings.get("KET-RED")!.content).toEqual(before);
  });

  it("given a 4.x header or an attribute the simulator does not know, when processed, then the whole feed ends in ERROR with the reason", async () => {
    const old = (await (await submitItemFeed(maintenanceFile({}, "4.8"))).json()) as { feedId: string };
    const unknown = (await (await submitItemFeed(maintenanceFile({ visible: { productName: "X", colour: "Red" } }))).json()) as { feedId: string };
    expect((await itemStatus(old.feedId)).ingestionErrors!.ingestionError[0].description).toContain("item spec 5.x");
    expect((await itemStatus(unknown.feedId)).ingestionErrors!.ingestionError[0].description).toContain("colour");
  });

  it("given an item feed without WM_SVC.NAME, when posted, then it is refused with 400 naming the header", async () => {
    const headers: Record<string, string> = wmHeaders();
    delete headers["WM_SVC.NAME"];
    const answer = await submitItemFeed(maintenanceFile(), headers);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).toContain("header parameter WM_SVC.NAME is required");
  });

  it("given a SKU, when the item is asked for by SKU, then its GTIN and product type come back; an unknown SKU is 404", async () => {
    const known = await fetch(`${sim.url}/v3/items/KET-RED?productIdType=SKU`, { headers: wmHeaders() });
    expect(await known.json()).toMatchObject({ ItemResponse: [{ sku: "KET-RED", gtin: "00036000291452", productType: "Kettles" }], totalItems: 1 });
    expect((await fetch(`${sim.url}/v3/items/NOPE?productIdType=SKU`, { headers: wmHeaders() })).status).toBe(404);
  });
});

describe("Walmart simulator", () => {
  it("given a call without WM_QOS.CORRELATION_ID, when it arrives, then it is refused with 400 naming the header the definition requires", async () => {
    const headers: Record<string, string> = wmHeaders();
    delete headers["WM_QOS.CORRELATION_ID"];
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { errors: Array<{ description: string }> };
    expect(body.errors.map((e) => e.description)).toContain("header parameter WM_QOS.CORRELATION_ID is required");
  });

  it("given an inventory body without quantity.unit, when PUT, then it is refused for its shape before any state changes", async () => {
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, {
      method: "PUT",
      headers: wmHeaders({ "Content-Type": "application/json" }),
      body: JSON.stringify({ sku: "KET-RED", quantity: { amount: 1 } }),
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).toContain("unit");
    expect(sim.account("wm-client").listings.get("KET-RED")!.quantity).toBe(5);
  });

  it("given an unknown token, when a documented call arrives, then it answers 401", async () => {
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers: wmHeaders({ "WM_SEC.ACCESS_TOKEN": "forged" }) });
    expect(answer.status).toBe(401);
  });

  it("given a throttled account, when it calls, then 429 carries Retry-After and the replenish time", async () => {
    sim.throttleNext("wm-client");
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers: wmHeaders() });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(Number(answer.headers.get("x-next-replenish-time"))).toBeGreaterThan(Date.now() - 1000);
  });

  it("given a buyer who takes more than is listed, when the order is placed, then the listing goes to 0 and the order is flagged oversold", () => {
    const order = sim.placeOrder("wm-client", { sku: "KET-RED", quantity: 7 });
    expect(order.oversold).toBe(true);
    expect(sim.account("wm-client").listings.get("KET-RED")!.quantity).toBe(0);
  });

  it("given every answer it gave to documented operations, then each passed checkResponse against Walmart's definition", async () => {
    await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers: wmHeaders() });
    await fetch(`${sim.url}/v3/orders?createdStartDate=2020-01-01`, { headers: wmHeaders() });
    expect(sim.responseChecks.map((c) => c.operationId)).toEqual(expect.arrayContaining(["getInventory", "getAllOrders"]));
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });
});
