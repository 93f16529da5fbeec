import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walmartAccessToken } from "./test-helpers";
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
    { sku: "MUG-BLK", quantity: 50, priceCents: 1200 },
    { sku: "MUG-WHT", quantity: 50, priceCents: 1200 },
    { sku: "MUG-RED", quantity: 50, priceCents: 1200 },
    { sku: "MUG-GRN", quantity: 50, priceCents: 1200 },
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
  token = await walmartAccessToken(sim.url, "wm-client", "wm-secret");
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

interface ListedOrder {
  purchaseOrderId: string;
  orderDate: number;
  shipNode?: { type?: string };
  orderLines: {
    orderLine: Array<{
      lineNumber: string;
      statusDate: number;
      orderLineQuantity: { amount: string };
      charges: { charge: Array<Record<string, unknown>> };
      orderLineStatuses: {
        orderLineStatus: Array<{ status: string; statusQuantity: { unitOfMeasurement: string; amount: string }; cancellationReason?: string }>;
      };
    }>;
  };
}
interface OrdersBody {
  list: { meta: { totalCount: number; nextCursor?: string }; elements: { order: ListedOrder[] } };
  errors?: Array<{ field?: string; description: string }>;
}

/** GET /v3/orders with the query string as given (a leading "?" or a nextCursor). */
async function getOrders(query: string) {
  const answer = await fetch(`${sim.url}/v3/orders${query.startsWith("?") ? query : `?${query}`}`, { headers: wmHeaders() });
  return { status: answer.status, body: (await answer.json()) as OrdersBody };
}
const iso = (ms: number) => new Date(ms).toISOString();
const ids = (body: OrdersBody) => body.list.elements.order.map((o) => o.purchaseOrderId);
const checksOf = (from: number) => sim.responseChecks.slice(from).filter((c) => c.operationId === "getAllOrders");

describe("Walmart simulator, buyers who cancel and orders Walmart fulfils", () => {
  it("given a PO of two lines shipped to Texas, when the buyer cancels one unit of line 1 and then the whole of line 2, then each line lists its ItemPrice with its 6.25% sales tax and its Created and Cancelled units with the reason, statusDate and last-modified move, and the answers pass the orders definition", async () => {
    const placedAt = Date.now() - 60_000;
    const po = sim.placeOrder("wm-client", {
      lines: [
        { sku: "MUG-BLK", quantity: 3 },
        { sku: "MUG-RED", quantity: 2 },
      ],
      orderDate: placedAt,
      shipToState: "TX",
    });
    expect(sim.account("wm-client").listings.get("MUG-BLK")!.quantity).toBe(47);
    const checked = sim.responseChecks.length;

    sim.cancelOrder("wm-client", po.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 1 }], at: placedAt + 1000 });
    const partly = await getOrders(`purchaseOrderId=${po.purchaseOrderId}`);
    const [line1, line2] = partly.body.list.elements.order[0].orderLines.orderLine;
    // 3 × 12.00 and 2 × 12.00, each taxed at Texas's 6.25% (2.25 and 1.50).
    expect([line1.charges.charge, line2.charges.charge]).toEqual([
      [
        {
          chargeType: "PRODUCT",
          chargeName: "ItemPrice",
          chargeAmount: { currency: "USD", amount: 36 },
          tax: { taxName: "Tax1", taxAmount: { currency: "USD", amount: 2.25 } },
        },
      ],
      [
        {
          chargeType: "PRODUCT",
          chargeName: "ItemPrice",
          chargeAmount: { currency: "USD", amount: 24 },
          tax: { taxName: "Tax1", taxAmount: { currency: "USD", amount: 1.5 } },
        },
      ],
    ]);
    expect(line1.orderLineStatuses.orderLineStatus).toEqual([
      { status: "Created", statusQuantity: { unitOfMeasurement: "EACH", amount: "2" } },
      { status: "Cancelled", statusQuantity: { unitOfMeasurement: "EACH", amount: "1" }, cancellationReason: "CUSTOMER_REQUESTED_SELLER_TO_CANCEL" },
    ]);
    expect(line1.statusDate).toBe(placedAt + 1000);
    expect(line2.orderLineStatuses.orderLineStatus).toEqual([{ status: "Created", statusQuantity: { unitOfMeasurement: "EACH", amount: "2" } }]);
    expect(line2.statusDate).toBe(placedAt);

    sim.cancelOrder("wm-client", po.purchaseOrderId, { lines: [{ lineNumber: "2" }], at: placedAt + 2000 });
    const more = await getOrders(`purchaseOrderId=${po.purchaseOrderId}&lastModifiedStartDate=${iso(placedAt + 2000)}`);
    expect(more.body.list.elements.order[0].orderLines.orderLine[1].orderLineStatuses.orderLineStatus).toEqual([
      { status: "Cancelled", statusQuantity: { unitOfMeasurement: "EACH", amount: "2" }, cancellationReason: "CUSTOMER_REQUESTED_SELLER_TO_CANCEL" },
    ]);
    expect(po.lastModified).toBe(placedAt + 2000);
    expect(sim.account("wm-client").listings.get("MUG-BLK")!.quantity).toBe(48); // the cancelled unit came back
    expect(checksOf(checked)).toHaveLength(2);
    expect(checksOf(checked).flatMap((c) => c.errors)).toEqual([]);
  });

  it("given a whole PO cancelled, then every unit of every line is Cancelled; cancelling it again, or more units than a line has left, is refused", () => {
    const po = sim.placeOrder("wm-client", {
      lines: [
        { sku: "MUG-BLK", quantity: 2 },
        { sku: "MUG-RED", quantity: 1 },
      ],
    });
    sim.cancelOrder("wm-client", po.purchaseOrderId);
    expect(po.lines.map((l) => l.statuses)).toEqual([
      [{ status: "Cancelled", quantity: 2, cancellationReason: "CUSTOMER_REQUESTED_SELLER_TO_CANCEL" }],
      [{ status: "Cancelled", quantity: 1, cancellationReason: "CUSTOMER_REQUESTED_SELLER_TO_CANCEL" }],
    ]);
    expect(() => sim.cancelOrder("wm-client", po.purchaseOrderId)).toThrow(/nothing left to cancel/);
    const other = sim.placeOrder("wm-client", { sku: "MUG-BLK", quantity: 1 });
    expect(() => sim.cancelOrder("wm-client", other.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 2 }] })).toThrow(/has 1 units to cancel, not 2/);
  });

  it("given POs created and changed at different times, when listed by lastModifiedStartDate/EndDate, then only those changed inside the window come back, an old PO cancelled today among them, but only if createdStartDate reaches back to it (its default is 7 days)", async () => {
    const now = Date.now();
    const old = sim.placeOrder("wm-client", { sku: "MUG-WHT", quantity: 1, orderDate: now - 9 * 86_400_000 });
    const recent = sim.placeOrder("wm-client", { sku: "MUG-WHT", quantity: 1, orderDate: now - 2 * 3_600_000 });
    const untouched = sim.placeOrder("wm-client", { sku: "MUG-WHT", quantity: 1, orderDate: now - 3 * 3_600_000 });
    sim.cancelOrder("wm-client", old.purchaseOrderId, { at: now - 10 * 60_000 });
    sim.cancelOrder("wm-client", recent.purchaseOrderId, { at: now - 5 * 60_000 });

    const lastHalfHour = `sku=MUG-WHT&lastModifiedStartDate=${iso(now - 30 * 60_000)}`;
    expect(ids((await getOrders(lastHalfHour)).body)).toEqual([recent.purchaseOrderId]);
    expect(ids((await getOrders(`${lastHalfHour}&createdStartDate=${iso(now - 10 * 86_400_000)}`)).body)).toEqual([
      old.purchaseOrderId,
      recent.purchaseOrderId,
    ]);
    const before = `sku=MUG-WHT&lastModifiedStartDate=${iso(now - 4 * 3_600_000)}&lastModifiedEndDate=${iso(now - 30 * 60_000)}`;
    expect(ids((await getOrders(before)).body)).toEqual([untouched.purchaseOrderId]);
    // inclusive at the instant: the PO modified exactly at lastModifiedStartDate is listed
    expect(ids((await getOrders(`sku=MUG-WHT&lastModifiedStartDate=${iso(now - 5 * 60_000)}`)).body)).toEqual([recent.purchaseOrderId]);
  });

  it("given dates the definition does not take (epoch numbers, words, a start after its end), a shipNodeType or status it does not list, or a limit above 200, when listed, then 400 names the parameter", async () => {
    const refused = async (query: string) => {
      const { status, body } = await getOrders(query);
      expect(status, query).toBe(400);
      return body.errors!.map((e) => e.field);
    };
    expect(await refused("lastModifiedStartDate=1700000000000")).toEqual(["lastModifiedStartDate"]);
    expect(await refused("lastModifiedEndDate=yesterday")).toEqual(["lastModifiedEndDate"]);
    expect(await refused("lastModifiedStartDate=2024-03-16T10:30:15Z&lastModifiedEndDate=2024-03-15")).toEqual(["lastModifiedEndDate"]);
    expect(await refused("createdStartDate=16/03/2024")).toEqual(["createdStartDate"]);
    expect(await refused("shipNodeType=AmazonFulfilled")).toEqual(["shipNodeType"]);
    expect(await refused("status=Pending")).toEqual(["status"]);
    expect(await refused("limit=500")).toEqual(["limit"]);
    expect((await getOrders("lastModifiedStartDate=2024-03-16&lastModifiedEndDate=2024-03-16T10:30:15.123Z")).status).toBe(200);
  });

  it("given POs Walmart Fulfillment Services ships, when orders are listed without shipNodeType, then they are absent (it defaults to SellerFulfilled); asked for WFSFulfilled, they come back marked shipNode.type WFSFulfilled, paged with the filters kept, and the seller's listing was never decremented", async () => {
    const checked = sim.responseChecks.length;
    const t0 = Date.now() - 5000;
    const wfs = [0, 1].map((i) => sim.placeOrder("wm-client", { sku: "MUG-GRN", quantity: 4, shipNodeType: "WFSFulfilled", orderDate: t0 + i }));
    const seller = sim.placeOrder("wm-client", { sku: "MUG-GRN", quantity: 1, orderDate: t0 + 2 });
    expect(wfs.every((o) => !o.oversold)).toBe(true);
    const listed = ids((await getOrders(`sku=MUG-GRN&createdStartDate=${iso(t0)}`)).body);
    expect(listed).toEqual([seller.purchaseOrderId]);

    const first = await getOrders(`sku=MUG-GRN&createdStartDate=${iso(t0)}&lastModifiedStartDate=${iso(t0)}&shipNodeType=WFSFulfilled&limit=1`);
    expect(first.body.list.elements.order).toEqual([expect.objectContaining({ purchaseOrderId: wfs[0].purchaseOrderId, shipNode: { type: "WFSFulfilled" } })]);
    const cursor = new URLSearchParams(first.body.list.meta.nextCursor!);
    expect([cursor.get("shipNodeType"), cursor.get("lastModifiedStartDate"), cursor.get("sku")]).toEqual(["WFSFulfilled", iso(t0), "MUG-GRN"]);
    const second = await getOrders(first.body.list.meta.nextCursor!);
    expect(second.body.list.elements.order.map((o) => [o.purchaseOrderId, o.shipNode?.type])).toEqual([[wfs[1].purchaseOrderId, "WFSFulfilled"]]);
    expect(second.body.list.meta.nextCursor).toBeUndefined();

    // 50 listed: only the seller-fulfilled PO's unit left it.
    expect(sim.account("wm-client").listings.get("MUG-GRN")!.quantity).toBe(49);
    expect(checksOf(checked).flatMap((c) => c.errors)).toEqual([]);
  });
});
