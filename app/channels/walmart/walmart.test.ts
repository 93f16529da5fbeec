import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "../../../simulators/walmart/server";
import { ChannelError, type Connector } from "../connector";
import { createWalmartConnector } from "./index";
import { FEED_THRESHOLD } from "./limits";

const CLIENT = { clientId: "anchor-wm", clientSecret: "s3cret" };
const bulkSkus = Array.from({ length: FEED_THRESHOLD + 5 }, (_, i) => `BULK-${i}`);

/**
 * A line of `units` at 29.99 shipped to Arkansas (the simulator's default): 6.5% of the line's
 * ItemPrice, rounded to the cent, which Walmart remits there.
 */
const taxedAR = (units: 1 | 2 | 3) => ({ taxCents: { 1: 195, 2: 390, 3: 585 }[units], taxCollectedByMarketplace: true });

let sim: WalmartSimulator;
let waits: number[];
let now: number;

function connector(): Connector {
  return createWalmartConnector(
    { accountId: "partner-1", credentials: CLIENT, endpoints: { api: sim.url } },
    {
      retry: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 },
      feedPolling: { intervalMs: 5, timeoutMs: 3000 },
      now: () => now,
    },
  );
}

beforeEach(async () => {
  waits = [];
  now = Date.now();
  sim = await startWalmartSimulator({
    accounts: [
      {
        ...CLIENT,
        listings: [
          {
            sku: "KET-RED",
            quantity: 5,
            priceCents: 2999,
            gtin: "00036000291452",
            productType: "Kettles",
            content: { productName: "Kettle", shortDescription: "Walmart's own words", keyFeatures: ["Whistles"] },
          },
          { sku: "KET-BLU", quantity: 2, priceCents: 2999 },
          ...bulkSkus.map((sku) => ({ sku, quantity: 1, priceCents: 1000 })),
        ],
      },
    ],
    feedDelayMs: 30,
  });
});
afterEach(() => sim.stop());

describe("Walmart connector against the simulator", () => {
  it("given a small batch with one SKU Walmart does not know, when quantities are pushed, then the known ones land one call each and the unknown one is rejected", async () => {
    const outcomes = await connector().pushQuantities([
      { channelSku: "KET-RED", quantity: 3 },
      { channelSku: "NOPE-1", quantity: 9 },
      { channelSku: "KET-BLU", quantity: 0 },
    ]);
    expect(outcomes).toEqual([
      { channelSku: "KET-RED", status: "accepted" },
      expect.objectContaining({ channelSku: "NOPE-1", status: "rejected", code: "CONTENT_NOT_FOUND.GMP_INVENTORY_API" }),
      { channelSku: "KET-BLU", status: "accepted" },
    ]);
    expect(sim.account(CLIENT.clientId).listings.get("KET-RED")!.quantity).toBe(3);
    expect(sim.requests.filter((r) => r.method === "PUT" && r.path === "/v3/inventory")).toHaveLength(3);
  });

  it("given a batch above the feed threshold with one unknown SKU, when quantities are pushed, then one feed carries them and each SKU gets its own ingestion result", async () => {
    const updates = [...bulkSkus.map((channelSku) => ({ channelSku, quantity: 4 })), { channelSku: "GHOST", quantity: 1 }];
    const outcomes = await connector().pushQuantities(updates);
    expect(sim.requests.filter((r) => r.method === "POST" && r.path === "/v3/feeds")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "accepted")).toHaveLength(bulkSkus.length);
    expect(outcomes.at(-1)).toMatchObject({ channelSku: "GHOST", status: "rejected", code: "ERR_PDI_0001" });
    expect(sim.account(CLIENT.clientId).listings.get(bulkSkus[0])!.quantity).toBe(4);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given the hour's ten inventory feeds already spent, when another bulk push comes, then single calls carry it at once instead of it waiting for the quota", async () => {
    const bulk = bulkSkus.slice(0, FEED_THRESHOLD);
    for (let round = 1; round <= 10; round++) await connector().pushQuantities(bulk.map((channelSku) => ({ channelSku, quantity: round })));
    expect(sim.feeds(CLIENT.clientId)).toHaveLength(10);

    const outcomes = await connector().pushQuantities(bulk.map((channelSku) => ({ channelSku, quantity: 42 })));

    expect(outcomes.every((o) => o.status === "accepted")).toBe(true);
    expect(sim.feeds(CLIENT.clientId)).toHaveLength(10);
    expect(sim.requests.filter((r) => r.method === "PUT" && r.path === "/v3/inventory")).toHaveLength(FEED_THRESHOLD);
    expect(sim.account(CLIENT.clientId).listings.get(bulk.at(-1)!)!.quantity).toBe(42);
  });

  it("given prices small and bulk, when pushed, then single PUT /v3/price and the price feed both land, and a currency Walmart does not take is refused", async () => {
    const single = await connector().pushPrices([
      { channelSku: "KET-RED", priceCents: 3499, currencyCode: "USD" },
      { channelSku: "KET-BLU", priceCents: 3499, currencyCode: "EUR" },
    ]);
    expect(single).toEqual([
      { channelSku: "KET-RED", status: "accepted" },
      expect.objectContaining({ channelSku: "KET-BLU", status: "rejected", code: "CURRENCY" }),
    ]);
    expect(sim.account(CLIENT.clientId).listings.get("KET-RED")!.priceCents).toBe(3499);

    const bulk = await connector().pushPrices([
      ...bulkSkus.map((channelSku) => ({ channelSku, priceCents: 1299, currencyCode: "USD" })),
      { channelSku: "GHOST", priceCents: 100, currencyCode: "USD" },
    ]);
    expect(bulk.filter((o) => o.status === "accepted")).toHaveLength(bulkSkus.length);
    expect(bulk.at(-1)).toMatchObject({ channelSku: "GHOST", status: "rejected" });
    expect(sim.feeds(CLIENT.clientId).map((f) => f.feedType)).toEqual(["price"]);
    expect(sim.account(CLIENT.clientId).listings.get(bulkSkus[3])!.priceCents).toBe(1299);
  });

  it("given Walmart answers 429 twice, when a quantity is pushed, then the connector waits the Retry-After each time and then succeeds", async () => {
    sim.throttleNext(CLIENT.clientId, 2);
    const outcomes = await connector().pushQuantities([{ channelSku: "KET-RED", quantity: 1 }]);
    expect(outcomes).toEqual([{ channelSku: "KET-RED", status: "accepted" }]);
    expect(waits).toEqual([1000, 1000]);
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it("given every call it made, then each carried the WM_* headers (nothing was refused for its shape)", async () => {
    const wm = connector();
    await wm.pushQuantities([{ channelSku: "KET-RED", quantity: 2 }]);
    await wm.fetchListing("KET-RED");
    await wm.fetchOrders(null);
    expect(sim.requests.filter((r) => r.status === 400)).toEqual([]);
  });

  it("given orders placed across two fetches, when fetched with the cursor each time, then every PO arrives exactly once, with the sales tax on its ItemPrice, Walmart remitting it in Arkansas and nothing charged in Oregon", async () => {
    const wm = connector();
    const t0 = Date.now();
    sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1, orderDate: t0 - 2000 });
    sim.placeOrder(CLIENT.clientId, { sku: "KET-BLU", quantity: 1, orderDate: t0 - 1000, shipToState: "OR" });
    const first = await wm.fetchOrders(null);
    expect(first.orders.map((o) => o.lines[0].channelSku)).toEqual(["KET-RED", "KET-BLU"]);
    expect(first.orders[0]).toMatchObject({
      status: "Created",
      totalCents: 2999,
      currencyCode: "USD",
      // Shipped to Bentonville, Arkansas (the simulator's default): 6.5% of 29.99.
      lines: [{ channelSku: "KET-RED", quantity: 1, priceCents: 2999, ...taxedAR(1) }],
    });
    expect(first.orders[1].lines).toEqual([expect.objectContaining({ channelSku: "KET-BLU", taxCents: null })]);
    expect(first.orders[1].lines[0].taxCollectedByMarketplace).toBeUndefined();

    // One at the same millisecond as the last delivered, one later: both new, neither old one again.
    sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 2, orderDate: t0 - 1000 });
    sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1, orderDate: t0 });
    const second = await wm.fetchOrders(first.cursor);
    expect(second.orders.map((o) => o.lines[0].quantity)).toEqual([2, 1]);
    const third = await wm.fetchOrders(second.cursor);
    expect(third.orders).toEqual([]);
  });

  it("given more orders than one page, when fetched, then Walmart's nextCursor is followed and none is lost or repeated", async () => {
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 205; i++) sim.placeOrder(CLIENT.clientId, { sku: bulkSkus[i % bulkSkus.length], quantity: 1, orderDate: t0 + i });
    const page = await connector().fetchOrders(null);
    expect(new Set(page.orders.map((o) => o.externalOrderId)).size).toBe(205);
    expect(page.orders).toHaveLength(205);
    // two pages of seller-fulfilled POs, one (empty) of WFS ones
    expect(sim.requests.filter((r) => r.path === "/v3/orders")).toHaveLength(3);
  });

  it("given a PO read and then cancelled by its buyer, when fetched again with the cursor, then it comes back once, cancelled, every unit counted cancelled and updatedAt the cancellation; a further fetch brings nothing", async () => {
    const wm = connector();
    const placed = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 2, orderDate: now - 60_000 });
    const first = await wm.fetchOrders(null);
    expect(first.orders).toEqual([
      expect.objectContaining({
        externalOrderId: placed.purchaseOrderId,
        cancelled: false,
        updatedAt: new Date(now - 60_000),
        fulfilledByMarketplace: false,
        lines: [{ channelSku: "KET-RED", quantity: 2, priceCents: 2999, ...taxedAR(2), cancelledQuantity: 0, refundedQuantity: 0 }],
      }),
    ]);

    sim.cancelOrder(CLIENT.clientId, placed.purchaseOrderId, { at: now - 1000 });
    const second = await wm.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({
        externalOrderId: placed.purchaseOrderId,
        status: "Cancelled",
        cancelled: true,
        orderedAt: new Date(now - 60_000),
        updatedAt: new Date(now - 1000),
        lines: [{ channelSku: "KET-RED", quantity: 2, priceCents: 2999, ...taxedAR(2), cancelledQuantity: 2, refundedQuantity: 2 }],
      }),
    ]);
    expect((await wm.fetchOrders(second.cursor)).orders).toEqual([]);
  });

  it("given a two-line PO of which the buyer cancels one unit of the first line after it was read, when fetched again, then that line counts one unit cancelled, the other none, and the PO is not cancelled", async () => {
    const wm = connector();
    const placed = sim.placeOrder(CLIENT.clientId, {
      lines: [
        { sku: "KET-RED", quantity: 3 },
        { sku: "KET-BLU", quantity: 1 },
      ],
      orderDate: now - 60_000,
    });
    const first = await wm.fetchOrders(null);
    sim.cancelOrder(CLIENT.clientId, placed.purchaseOrderId, { lines: [{ lineNumber: "1", quantity: 1 }], at: now - 500 });
    const second = await wm.fetchOrders(first.cursor);
    expect(second.orders).toHaveLength(1);
    expect(second.orders[0]).toMatchObject({ status: "Created", cancelled: false, updatedAt: new Date(now - 500), totalCents: 3 * 2999 + 2999 });
    expect(second.orders[0].lines).toEqual([
      { channelSku: "KET-RED", quantity: 3, priceCents: 2999, ...taxedAR(3), cancelledQuantity: 1, refundedQuantity: 1 },
      { channelSku: "KET-BLU", quantity: 1, priceCents: 2999, ...taxedAR(1), cancelledQuantity: 0, refundedQuantity: 0 },
    ]);
  });

  it("given a PO created nine days ago, before the first read's window, when its buyer cancels it today, then the next fetch still brings it (createdStartDate would otherwise default to seven days)", async () => {
    const wm = connector();
    const old = sim.placeOrder(CLIENT.clientId, { sku: "KET-BLU", quantity: 1, orderDate: now - 9 * 86_400_000 });
    const first = await wm.fetchOrders(null);
    expect(first.orders).toEqual([]);
    sim.cancelOrder(CLIENT.clientId, old.purchaseOrderId, { at: now - 1000 });
    const second = await wm.fetchOrders(first.cursor);
    expect(second.orders.map((o) => [o.externalOrderId, o.cancelled])).toEqual([[old.purchaseOrderId, true]]);
  });

  it("given one PO Walmart Fulfillment Services ships and one the seller ships, when fetched, then both arrive once, only the WFS one flagged fulfilledByMarketplace", async () => {
    const wm = connector();
    const wfs = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1, shipNodeType: "WFSFulfilled", orderDate: now - 2000 });
    const own = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1, orderDate: now - 1000 });
    const first = await wm.fetchOrders(null);
    expect(Object.fromEntries(first.orders.map((o) => [o.externalOrderId, o.fulfilledByMarketplace]))).toEqual({
      [wfs.purchaseOrderId]: true,
      [own.purchaseOrderId]: false,
    });
    expect(first.orders).toHaveLength(2);
    expect((await wm.fetchOrders(first.cursor)).orders).toEqual([]);
  });

  it("given two POs read, when only one of them changes, then the next fetch brings that one alone, and the unchanged one is not delivered again", async () => {
    const wm = connector();
    const a = sim.placeOrder(CLIENT.clientId, { sku: "KET-RED", quantity: 1, orderDate: now - 3000 });
    const b = sim.placeOrder(CLIENT.clientId, { sku: "KET-BLU", quantity: 1, orderDate: now - 3000 });
    const first = await wm.fetchOrders(null);
    expect(first.orders.map((o) => o.externalOrderId).sort()).toEqual([a.purchaseOrderId, b.purchaseOrderId].sort());
    sim.cancelOrder(CLIENT.clientId, b.purchaseOrderId, { at: now - 2000 });
    const second = await wm.fetchOrders(first.cursor);
    expect(second.orders.map((o) => o.externalOrderId)).toEqual([b.purchaseOrderId]);
  });

  it("given the cached token expired, when the next call is made, then a new token is fetched and the call succeeds", async () => {
    const wm = connector();
    await wm.pushQuantities([{ channelSku: "KET-RED", quantity: 4 }]);
    now += 15 * 60_000; // Walmart tokens live 900 s
    await wm.pushQuantities([{ channelSku: "KET-RED", quantity: 3 }]);
    expect(sim.requests.filter((r) => r.path === "/v3/token")).toHaveLength(2);

    sim.expireTokens(CLIENT.clientId); // ended early on Walmart's side: a 401, then one renewal
    await expect(wm.pushQuantities([{ channelSku: "KET-RED", quantity: 2 }])).resolves.toEqual([{ channelSku: "KET-RED", status: "accepted" }]);
    expect(sim.requests.filter((r) => r.path === "/v3/token")).toHaveLength(3);
  });

  it("given revoked credentials, when anything is pushed, then the whole call fails as authFailed and is not retried", async () => {
    const wm = connector();
    sim.revokeCredentials(CLIENT.clientId);
    const failure = await wm.pushQuantities([{ channelSku: "KET-RED", quantity: 1 }]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details).toMatchObject({ status: 401, authFailed: true, retryable: false });
    expect(waits).toEqual([]);
    expect(await wm.testConnection()).toMatchObject({ ok: false });
  });

  it("given a new title and images for a known item and content for an unknown SKU, when content is pushed, then one MP_MAINTENANCE feed changes only the named attributes and the unknown SKU is rejected", async () => {
    const outcomes = await connector().pushContent([
      { channelSku: "KET-RED", fields: { productName: "Acme Kettle, Red", images: ["https://cdn.example.com/k1.jpg", "https://cdn.example.com/k2.jpg"] } },
      { channelSku: "NOPE-9", fields: { productName: "Ghost" } },
    ]);
    expect(outcomes).toEqual([
      { channelSku: "KET-RED", status: "accepted" },
      expect.objectContaining({ channelSku: "NOPE-9", status: "rejected", code: "CONTENT_NOT_FOUND.GMP_ITEM_QUERY_API" }),
    ]);
    expect(sim.feeds(CLIENT.clientId).map((f) => [f.feedType, f.items.map((i) => i.sku)])).toEqual([["MP_MAINTENANCE", ["KET-RED"]]]);
    // Walmart's description and key features were not named, so they stay Walmart's.
    expect(sim.account(CLIENT.clientId).listings.get("KET-RED")!.content).toEqual({
      productName: "Acme Kettle, Red",
      shortDescription: "Walmart's own words",
      keyFeatures: ["Whistles"],
      mainImageUrl: "https://cdn.example.com/k1.jpg",
      productSecondaryImageURL: ["https://cdn.example.com/k2.jpg"],
    });
  });

  it("given an item looked up once, when its content is pushed again, then the GTIN and product type are not asked for a second time", async () => {
    const wm = connector();
    await wm.pushContent([{ channelSku: "KET-RED", fields: { keyFeatures: ["Boils fast", "Whistles"] } }]);
    await wm.pushContent([{ channelSku: "KET-RED", fields: { brand: "Acme" } }]);
    expect(sim.requests.filter((r) => r.path === "/v3/items/KET-RED")).toHaveLength(1);
    expect(sim.account(CLIENT.clientId).listings.get("KET-RED")!.content).toMatchObject({
      keyFeatures: ["Boils fast", "Whistles"],
      brand: "Acme",
      productName: "Kettle",
    });
  });

  it("given one item already looked up, when the flush asks what a content push costs, then it counts the feed and a read for each SKU not yet looked up", async () => {
    const wm = connector();
    const skus = [{ channelSku: "KET-RED" }, { channelSku: "KET-BLU" }];
    expect(wm.limits.contentCallsPerPush!(skus)).toBe(3);
    await wm.pushContent([{ channelSku: "KET-RED", fields: { brand: "Acme" } }]);
    expect(wm.limits.contentCallsPerPush!(skus)).toBe(2);
  });

  it("given a listing, when fetched, then its quantity comes back; an unknown SKU is null", async () => {
    const wm = connector();
    expect(await wm.fetchListing("KET-BLU")).toEqual({ channelSku: "KET-BLU", quantity: 2, priceCents: null });
    expect(await wm.fetchListing("NOPE")).toBeNull();
    expect(await wm.testConnection()).toEqual({ ok: true });
  });
});

describe("Walmart connector: WFS stock (getWFSInventory)", () => {
  it("given 302 items Walmart fulfils, one of them with a WFS order not shipped yet, and one Walmart answers 429 for, when marketplace stock is fetched, then every WFS item comes once with its available-to-sell units, two pages of at most 300 are read and the 429 is waited out", async () => {
    // Given
    await sim.stop();
    const wfsSkus = Array.from({ length: 302 }, (_, i) => `WFS-${String(i).padStart(3, "0")}`);
    sim = await startWalmartSimulator({
      accounts: [
        {
          ...CLIENT,
          listings: [
            { sku: "KET-RED", quantity: 5, priceCents: 2999 },
            ...wfsSkus.map((sku, i) => ({ sku, quantity: 0, priceCents: 1999, wfsQuantity: i % 7 })),
          ],
        },
      ],
    });
    sim.setWfsQuantity(CLIENT.clientId, "WFS-301", 40);
    sim.placeOrder(CLIENT.clientId, { sku: "WFS-301", quantity: 3, shipNodeType: "WFSFulfilled" });
    sim.throttleNext(CLIENT.clientId, 1);
    // When
    const stock = await connector().fetchMarketplaceStock!();
    // Then
    expect(stock).toHaveLength(302);
    expect(stock.find((s) => s.channelSku === "WFS-301")).toEqual({ channelSku: "WFS-301", quantity: 37 });
    expect(stock.find((s) => s.channelSku === "WFS-006")).toEqual({ channelSku: "WFS-006", quantity: 6 });
    expect(stock.some((s) => s.channelSku === "KET-RED")).toBe(false);
    const reads = sim.requests.filter((r) => r.path === "/v3/fulfillment/inventory");
    // Two pages (300 from offset 0, then the last 2), the first asked twice
    expect(reads.map((r) => r.status)).toEqual([429, 200, 200]);
    expect(waits).toEqual([1000]);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a seller without WFS items, when marketplace stock is fetched, then none; given revoked credentials, then a ChannelError marked authFailed", async () => {
    expect(await connector().fetchMarketplaceStock!()).toEqual([]);
    sim.revokeCredentials(CLIENT.clientId);
    const failure = await connector().fetchMarketplaceStock!().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details.authFailed).toBe(true);
  });
});
