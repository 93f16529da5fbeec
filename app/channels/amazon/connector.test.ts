import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAmazonSimulator, type AmazonSimulator, type AmazonSimulatorOptions } from "../../../simulators/amazon/server";
import { ChannelError, type Connector } from "../connector";
import { createAmazonConnector } from "./index";
import { FEED_THRESHOLD } from "./limits";
import { toImportedOrder } from "./orders";

const SELLER = "A2SELLER0001";
const US = "ATVPDKIKX0DER";
const CREDENTIALS = { clientId: "amzn1.application-oa2-client.anchor", clientSecret: "lwa-secret", refreshToken: "Atzr|anchor-refresh" };
const bulkSkus = Array.from({ length: FEED_THRESHOLD + 5 }, (_, i) => `BULK-${i}`);

let sim: AmazonSimulator | undefined;
const running = () => sim!;
let clock: number;
let waits: number[];

async function start(overrides: Partial<AmazonSimulatorOptions> = {}) {
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...CREDENTIALS,
        listings: [
          { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01", title: "Red kettle", productType: "KITCHEN" },
          { sku: "KET-BLU", quantity: 2, priceCents: 2999, asin: "B0KETBLU01", title: "Blue kettle", productType: "KITCHEN" },
          { sku: "KET-FBA", quantity: 9, priceCents: 3499, asin: "B0KETFBA01", title: "Kettle, FBA", productType: "KITCHEN", fulfilledByAmazon: true },
          ...bulkSkus.map((sku) => ({ sku, quantity: 1, priceCents: 1000, asin: `B0${sku}` })),
        ],
      },
    ],
    feedDelayMs: 20,
    now: () => clock,
    ...overrides,
  });
}

function connector(): Connector {
  return createAmazonConnector(
    { accountId: SELLER, region: US, credentials: CREDENTIALS, endpoints: { api: running().url, auth: running().url } },
    {
      // A wait advances the clock the simulator's rate limits run on: backoff without real time.
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
        baseDelayMs: 1,
        attempts: 8,
      },
      feedPolling: { intervalMs: 5, timeoutMs: 5_000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
      now: () => clock,
    },
  );
}

const calls = (method: string, prefix: string) => running().requests.filter((r) => r.method === method && r.path.startsWith(prefix));

beforeEach(() => {
  clock = Date.now();
  waits = [];
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("Amazon connector against the simulator", () => {
  it("given a listing showing 5, when a quantity of 3 is pushed, then one patchListingsItem lands and the listing shows 3", async () => {
    await start();
    const outcomes = await connector().pushQuantities([{ channelSku: "KET-RED", quantity: 3 }]);
    expect(outcomes).toEqual([{ channelSku: "KET-RED", status: "accepted" }]);
    expect(running().state.listing("KET-RED")!.quantity).toBe(3);
    expect(calls("PATCH", "/listings/2021-08-01/items/")).toHaveLength(1);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a new price, when it is pushed, then purchasable_offer carries it and Amazon shows the new price in the marketplace currency", async () => {
    await start();
    const outcomes = await connector().pushPrices([{ channelSku: "KET-BLU", priceCents: 3450, currencyCode: "USD" }]);
    expect(outcomes).toEqual([{ channelSku: "KET-BLU", status: "accepted" }]);
    const listing = running().state.listing("KET-BLU")!;
    expect(listing.priceCents).toBe(3450);
    expect(listing.currency).toBe("USD");
    expect(listing.quantity).toBe(2);
  });

  it("given a price in a currency the marketplace does not use, when it is pushed, then Amazon's INVALID answer makes it rejected with Amazon's issue code", async () => {
    await start();
    const outcomes = await connector().pushPrices([{ channelSku: "KET-BLU", priceCents: 3450, currencyCode: "EUR" }]);
    expect(outcomes).toEqual([expect.objectContaining({ channelSku: "KET-BLU", status: "rejected", code: "4000001" })]);
    expect(running().state.listing("KET-BLU")!.priceCents).toBe(2999);
  });

  it("given a backlog above the feed threshold with one malformed quantity, when pushed, then one JSON_LISTINGS_FEED carries them all and each SKU gets its own outcome from the report", async () => {
    await start();
    const updates = bulkSkus.map((channelSku) => ({ channelSku, quantity: 7 }));
    updates[3] = { channelSku: bulkSkus[3], quantity: Number.NaN };
    const outcomes = await connector().pushQuantities(updates);

    expect(calls("POST", "/feeds/2021-06-30/feeds")).toHaveLength(1);
    expect(calls("PATCH", "/listings/2021-08-01/items/")).toHaveLength(0);
    expect(
      running()
        .state.feeds()
        .map((f) => [f.feedType, f.processingStatus, f.reportErrors]),
    ).toEqual([["JSON_LISTINGS_FEED", "DONE", []]]);
    expect(outcomes).toHaveLength(bulkSkus.length);
    expect(outcomes.filter((o) => o.status === "accepted")).toHaveLength(bulkSkus.length - 1);
    expect(outcomes[3]).toMatchObject({ channelSku: bulkSkus[3], status: "rejected", code: "4000001" });
    expect(running().state.listing(bulkSkus[0])!.quantity).toBe(7);
    expect(running().state.listing(bulkSkus[3])!.quantity).toBe(1);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given patchListingsItem allows a burst of 2, when ten quantities are pushed, then the 429s are waited out at Amazon's stated rate and every SKU lands", async () => {
    await start({ usagePlanOverrides: { patchListingsItem: { rate: 4, burst: 2 } } });
    const updates = bulkSkus.slice(0, 10).map((channelSku, i) => ({ channelSku, quantity: 20 + i }));
    const outcomes = await connector().pushQuantities(updates);

    expect(outcomes).toEqual(updates.map((u) => ({ channelSku: u.channelSku, status: "accepted" })));
    updates.forEach((u) => expect(running().state.listing(u.channelSku)!.quantity).toBe(u.quantity));
    const throttled = calls("PATCH", "/listings/").filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // x-amzn-RateLimit-Limit said 4 per second: each wait is the quarter second a token takes.
    expect(waits).toHaveLength(throttled.length);
    expect(new Set(waits)).toEqual(new Set([250]));
  });

  it("given a buyer orders twice, when orders are fetched with the returned cursor, then each order comes once with its lines and their sales tax (Amazon collecting it as marketplace facilitator), and a cancellation comes back as a change", async () => {
    await start();
    const amazon = connector();
    const first = running().state.placeOrder({ sku: "KET-RED", quantity: 2, buyerName: "Ada Buyer", shipToState: "WA" });
    const page1 = await amazon.fetchOrders(null);
    // 2 × 29.99 in Washington: 6.5% of 59.98 is 3.90, which Amazon's grand total includes.
    const taxed = { taxCents: 390, taxCollectedByMarketplace: true };
    expect(page1.orders).toEqual([
      expect.objectContaining({
        externalOrderId: first.orderId,
        status: "UNSHIPPED",
        currencyCode: "USD",
        totalCents: 6388,
        cancelled: false,
        lines: [{ channelSku: "KET-RED", quantity: 2, priceCents: 2999, ...taxed, cancelledQuantity: 0 }],
      }),
    ]);
    expect(page1.orders[0].buyer?.name).toBe("Ada Buyer");

    const again = await amazon.fetchOrders(page1.cursor);
    expect(again.orders).toEqual([]);

    const second = running().state.placeOrder({ sku: "KET-BLU", quantity: 1 });
    const page2 = await amazon.fetchOrders(again.cursor);
    expect(page2.orders.map((o) => o.externalOrderId)).toEqual([second.orderId]);

    running().state.cancelOrder(first.orderId);
    const page3 = await amazon.fetchOrders(page2.cursor);
    expect(page3.orders).toEqual([
      expect.objectContaining({
        externalOrderId: first.orderId,
        cancelled: true,
        status: "CANCELLED",
        lines: [{ channelSku: "KET-RED", quantity: 2, priceCents: 2999, ...taxed, cancelledQuantity: 2 }],
      }),
    ]);
    expect(page3.orders[0].updatedAt!.getTime()).toBeGreaterThan(page1.orders[0].updatedAt!.getTime());
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a buyer orders an FBA listing and a seller-fulfilled one, when fetched, then only the FBA order is flagged fulfilledByMarketplace and each carries Amazon's lastUpdatedTime as updatedAt", async () => {
    await start();
    const fba = running().state.placeOrder({ sku: "KET-FBA", quantity: 2 });
    const own = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    const page = await connector().fetchOrders(null);
    const byId = new Map(page.orders.map((o) => [o.externalOrderId, o]));
    expect(byId.get(fba.orderId)).toMatchObject({ fulfilledByMarketplace: true, updatedAt: new Date(fba.order.lastUpdatedTime), cancelled: false });
    expect(byId.get(own.orderId)).toMatchObject({ fulfilledByMarketplace: false, updatedAt: new Date(own.order.lastUpdatedTime) });
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a two-item order already imported, when the buyer cancels one item and later the other, then each fetch brings the order back: first that line's units cancelled, then the whole order", async () => {
    await start();
    const amazon = connector();
    const placed = running().state.placeOrder({
      items: [
        { sku: "KET-RED", quantity: 2 },
        { sku: "KET-BLU", quantity: 1 },
      ],
    });
    const first = await amazon.fetchOrders(null);
    expect(first.orders[0].lines.map((l) => l.cancelledQuantity)).toEqual([0, 0]);

    running().state.cancelOrderItems(placed.orderId, ["KET-RED"]);
    const second = await amazon.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({
        externalOrderId: placed.orderId,
        status: "UNSHIPPED",
        cancelled: false,
        lines: [
          // Shipped to California (the simulator's default): 7.25%, each item's tax on its own.
          { channelSku: "KET-RED", quantity: 2, priceCents: 2999, taxCents: 435, taxCollectedByMarketplace: true, cancelledQuantity: 2 },
          { channelSku: "KET-BLU", quantity: 1, priceCents: 2999, taxCents: 217, taxCollectedByMarketplace: true, cancelledQuantity: 0 },
        ],
      }),
    ]);

    running().state.cancelOrderItems(placed.orderId, ["KET-BLU"]);
    const third = await amazon.fetchOrders(second.cursor);
    expect(third.orders).toEqual([expect.objectContaining({ externalOrderId: placed.orderId, status: "CANCELLED", cancelled: true })]);
    expect(third.orders[0].lines.map((l) => l.cancelledQuantity)).toEqual([2, 1]);
    expect((await amazon.fetchOrders(third.cursor)).orders).toEqual([]);
  });

  it("given a buyer who only asks to cancel, when fetched again, then the order comes back changed but nothing is counted as cancelled", async () => {
    await start();
    const amazon = connector();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 2 });
    const first = await amazon.fetchOrders(null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running().state.requestCancellation(placed.orderId);
    const second = await amazon.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({ externalOrderId: placed.orderId, cancelled: false, lines: [expect.objectContaining({ quantity: 2, cancelledQuantity: 0 })] }),
    ]);
  });

  it("given more orders than one page holds, when fetched, then the pages are followed and none is lost or repeated", async () => {
    await start();
    const placed = Array.from({ length: 105 }, () => running().state.placeOrder({ sku: bulkSkus[0], quantity: 1 }).orderId);
    const amazon = connector();
    const page = await amazon.fetchOrders(null);
    expect(page.orders.map((o) => o.externalOrderId).sort()).toEqual([...placed].sort());
    expect(calls("GET", "/orders/2026-01-01/orders")).toHaveLength(2);
    expect((await amazon.fetchOrders(page.cursor)).orders).toEqual([]);
  });

  it("given several calls within the token's hour, when they run, then Login with Amazon is asked once; after the tokens expire, once more", async () => {
    await start();
    const amazon = connector();
    await amazon.pushQuantities([{ channelSku: "KET-RED", quantity: 4 }]);
    await amazon.fetchListing("KET-RED");
    await amazon.fetchOrders(null);
    expect(calls("POST", "/auth/o2/token")).toHaveLength(1);

    // An hour later by the connector's clock: it renews before calling.
    clock += 3600_000;
    await amazon.fetchListing("KET-BLU");
    await amazon.fetchListing("KET-RED");
    expect(calls("POST", "/auth/o2/token")).toHaveLength(2);

    // Amazon ends the token early (403 "expired"): one new token, and the call goes through.
    running().state.expireAccessTokens();
    expect(await amazon.fetchListing("KET-RED")).toMatchObject({ quantity: 4 });
    expect(calls("POST", "/auth/o2/token")).toHaveLength(3);
  });

  it("given the seller revoked the app, when a push is attempted, then LWA's invalid_grant becomes a ChannelError marked authFailed", async () => {
    await start();
    running().state.revokeAuthorization();
    const failure = await connector()
      .pushQuantities([{ channelSku: "KET-RED", quantity: 1 }])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details).toMatchObject({ authFailed: true, retryable: false, code: "invalid_grant", status: 400 });
    expect(await connector().testConnection()).toMatchObject({ ok: false });
  });

  it("given a listing, when it is fetched, then quantity, price, status, issues and the reason it does not sell are what Amazon shows; an unknown SKU is null", async () => {
    await start();
    expect(await connector().fetchListing("KET-RED")).toEqual({
      channelSku: "KET-RED",
      quantity: 5,
      priceCents: 2999,
      status: "BUYABLE,DISCOVERABLE",
      issues: [],
      suspension: null,
    });
    expect(await connector().fetchListing("NOPE")).toBeNull();
    // Suppressed: the reason a LISTINGS_ITEM_STATUS_CHANGE does not carry, in Amazon's words.
    running().state.suppressListing("KET-RED", "Missing required attribute: brand");
    expect(await connector().fetchListing("KET-RED")).toMatchObject({ status: null, suspension: "LISTING_SUPPRESSED: Missing required attribute: brand" });
    expect(await connector().testConnection()).toEqual({ ok: true });
  });

  it("given a new title and bullets, when content is pushed, then they land under the listing's own product type and unknown fields are refused", async () => {
    await start();
    const outcomes = await connector().pushContent([
      { channelSku: "KET-RED", fields: { title: "Red kettle, 1.7 l", bullets: ["Boils fast", "Auto shut-off"] } },
      { channelSku: "KET-BLU", fields: { colourName: "blue" } },
      { channelSku: "NOPE", fields: { title: "x" } },
    ]);
    expect(outcomes).toEqual([
      { channelSku: "KET-RED", status: "accepted" },
      expect.objectContaining({ channelSku: "KET-BLU", status: "rejected", code: "INVALID_CONTENT" }),
      expect.objectContaining({ channelSku: "NOPE", status: "rejected", code: "NOT_FOUND" }),
    ]);
    const attributes = running().state.listing("KET-RED")!.attributes;
    expect(attributes.item_name).toEqual([{ value: "Red kettle, 1.7 l", language_tag: "en_US", marketplace_id: US }]);
    expect(attributes.bullet_point?.map((b) => b.value)).toEqual(["Boils fast", "Auto shut-off"]);
  });

  it("given a config without a refresh token, when the connector is created, then it refuses with authFailed", () => {
    expect(() => createAmazonConnector({ accountId: SELLER, region: US, credentials: { clientId: "x", clientSecret: "y" } })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ authFailed: true }) }),
    );
  });
});

describe("Amazon connector: an order's sales tax", () => {
  const usd = (amount: string) => ({ amount, currencyCode: "USD" });
  const order = (items: Array<Record<string, unknown>>) =>
    toImportedOrder({
      orderId: "114-0000000-0000001",
      createdTime: "2026-10-01T10:00:00Z",
      lastUpdatedTime: "2026-10-01T10:00:00Z",
      fulfillment: { fulfillmentStatus: "UNSHIPPED", fulfilledBy: "MERCHANT" },
      orderItems: items.map((item, i) => ({ quantityOrdered: 1, product: { sellerSku: `SKU-${i}`, price: { unitPrice: usd("40.00") } }, ...item })),
    });

  it("given items whose TAX proceeds are detailed, whole, absent or not Amazon's to remit, when read, then each line carries the tax on its price only and says whether Amazon collects it", () => {
    const facilitator = { taxCollections: [{ model: "MARKETPLACE_FACILITATOR", responsibleParty: "Amazon.com Services LLC" }] };
    const tax = (subtotal: string, detail?: Array<[string, string]>) => ({
      type: "TAX",
      subtotal: usd(subtotal),
      ...(detail ? { detailedBreakdowns: detail.map(([subtype, amount]) => ({ subtype, value: usd(amount) })) } : {}),
    });
    const read = order([
      // Tax on the item and on its shipping: only the item's part belongs to the line.
      {
        proceeds: {
          breakdowns: [
            tax("3.50", [
              ["ITEM", "2.90"],
              ["SHIPPING", "0.60"],
            ]),
          ],
        },
        tax: facilitator,
      },
      // Not detailed (as in the model's getOrder example): the whole TAX subtotal.
      { proceeds: { breakdowns: [{ type: "ITEM", subtotal: usd("40.00") }, tax("10.00")] }, tax: facilitator },
      // Only its shipping was taxed.
      { proceeds: { breakdowns: [tax("0.60", [["SHIPPING", "0.60"]])] }, tax: facilitator },
      // No TAX proceeds, no collection model: nothing stated.
      { proceeds: { breakdowns: [{ type: "ITEM", subtotal: usd("40.00") }] } },
      // Taxed, but no MARKETPLACE_FACILITATOR collection: the seller's to remit.
      { proceeds: { breakdowns: [tax("1.00")] }, tax: { taxCollections: [] } },
    ]);
    expect(read.lines.map((l) => [l.channelSku, l.taxCents, l.taxCollectedByMarketplace])).toEqual([
      ["SKU-0", 290, true],
      ["SKU-1", 1000, true],
      ["SKU-2", 0, true],
      ["SKU-3", null, false],
      ["SKU-4", 100, false],
    ]);
  });
});

describe("Amazon connector: shipments and cancellations made in Shopify", () => {
  const shippedAt = () => new Date(Date.now() - 3_600_000);

  it("given a two-item order, when the merchant ships one SKU with UPS and then the other with a carrier Amazon does not list, then both are accepted, the order item ids come from getOrder, and Amazon holds each carrier and tracking number with the order SHIPPED", async () => {
    await start();
    const placed = running().state.placeOrder({
      items: [
        { sku: "KET-RED", quantity: 2 },
        { sku: "KET-BLU", quantity: 1 },
      ],
    });
    const [red, blue] = placed.order.orderItems.map((i) => i.orderItemId);
    const amazon = connector();

    const first = await amazon.confirmShipment!({
      externalOrderId: placed.orderId,
      lines: [{ channelSku: "KET-RED", quantity: 2 }],
      carrier: "ups",
      trackingNumber: "1Z999AA10123456784",
      shippedAt: shippedAt(),
    });
    expect(first).toEqual({ status: "accepted" });
    const orderStatus = () =>
      running()
        .state.seller()
        .orders.find((o) => o.order.orderId === placed.orderId)!.order.fulfillment.fulfillmentStatus;
    expect(orderStatus()).toBe("PARTIALLY_SHIPPED");

    const second = await amazon.confirmShipment!({
      externalOrderId: placed.orderId,
      lines: [{ channelSku: "KET-BLU", quantity: 1 }],
      carrier: "Bob's Couriers",
      trackingNumber: "BOB-42",
      shippedAt: shippedAt(),
    });
    expect(second).toEqual({ status: "accepted" });
    expect(
      running()
        .state.shipments()
        .map((s) => [s.packageReferenceId, s.carrierCode, s.carrierName, s.trackingNumber, s.orderItems]),
    ).toEqual([
      ["1", "UPS", undefined, "1Z999AA10123456784", [{ orderItemId: red, quantity: 2 }]],
      ["2", "Other", "Bob's Couriers", "BOB-42", [{ orderItemId: blue, quantity: 1 }]],
    ]);
    expect(orderStatus()).toBe("SHIPPED");
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given an order the buyer cancelled, when the merchant confirms its shipment, then Amazon's refusal is answered rejected with Amazon's message and nothing ships", async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    running().state.cancelOrder(placed.orderId);
    const outcome = await connector().confirmShipment!({
      externalOrderId: placed.orderId,
      lines: [{ channelSku: "KET-RED", quantity: 1 }],
      carrier: "USPS",
      trackingNumber: "9400111899223197428490",
      shippedAt: shippedAt(),
    });
    expect(outcome).toEqual({ status: "rejected", message: expect.stringMatching(/400.*cancelled/) });
    expect(running().state.shipments()).toEqual([]);
  });

  it("given a SKU the order does not hold, when confirmed, then rejected without a confirmShipment call", async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    const outcome = await connector().confirmShipment!({
      externalOrderId: placed.orderId,
      lines: [{ channelSku: "KET-BLU", quantity: 1 }],
      carrier: "USPS",
      trackingNumber: "9400111899223197428490",
      shippedAt: shippedAt(),
    });
    expect(outcome).toEqual({ status: "rejected", message: expect.stringContaining("KET-BLU") });
    expect(calls("POST", "/orders/v0/")).toHaveLength(0);
  });

  it("given confirmShipment's burst is spent (rate 0.01 per second), when another shipment is confirmed, then Amazon's 429 is answered retry with the wait its x-amzn-RateLimit-Limit implies", async () => {
    await start({ usagePlanOverrides: { confirmShipment: { rate: 0.01, burst: 1 } } });
    const one = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    const two = running().state.placeOrder({ sku: "KET-BLU", quantity: 1 });
    const amazon = connector();
    const ship = (orderId: string, sku: string) =>
      amazon.confirmShipment!({
        externalOrderId: orderId,
        lines: [{ channelSku: sku, quantity: 1 }],
        carrier: "FedEx",
        trackingNumber: "123456789012",
        shippedAt: shippedAt(),
      });
    expect(await ship(one.orderId, "KET-RED")).toEqual({ status: "accepted" });
    expect(await ship(two.orderId, "KET-BLU")).toEqual({ status: "retry", message: expect.stringContaining("429"), retryAfterMs: 100_000 });
    expect(
      running()
        .state.shipments()
        .map((s) => s.orderId),
    ).toEqual([one.orderId]);
  });

  it("given a cancellation made in Shopify, when passed on, then it is unsupported with a message sending the merchant to Seller Central, and Amazon is not called", async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    const outcome = await connector().cancelOrder!({
      externalOrderId: placed.orderId,
      lines: [{ channelSku: "KET-RED", quantity: 1 }],
      reason: "Out of stock",
    });
    expect(outcome).toEqual({ status: "unsupported", message: expect.stringContaining("Seller Central") });
    expect(outcome.status === "unsupported" && outcome.message).toContain(placed.orderId);
    expect(running().requests).toHaveLength(0);
    expect(running().state.seller().orders[0].order.fulfillment.fulfillmentStatus).toBe("UNSHIPPED");
  });
});

describe("Amazon connector: FBA stock (getInventorySummaries)", () => {
  it("given five FBA SKUs read two a page under a burst of 2, when marketplace stock is fetched, then every FBA SKU comes once with Amazon's fulfillable count, the pages are followed by nextToken and the 429 is waited out at Amazon's stated rate", async () => {
    // Given
    const fba = Array.from({ length: 5 }, (_, i) => ({
      sku: `FBA-${i + 1}`,
      quantity: 10 + i,
      priceCents: 1999,
      asin: `B0FBA0000${i + 1}`,
      fulfilledByAmazon: true,
    }));
    await start({
      sellers: [
        { sellerId: SELLER, marketplaceId: US, ...CREDENTIALS, listings: [...fba, { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01" }] },
      ],
      fbaInventoryPageSize: 2,
    });
    running().state.placeOrder({ sku: "FBA-2", quantity: 3 });
    // When
    const stock = await connector().fetchMarketplaceStock!();
    // Then
    expect(stock).toEqual([
      { channelSku: "FBA-1", quantity: 10 },
      { channelSku: "FBA-2", quantity: 8 },
      { channelSku: "FBA-3", quantity: 12 },
      { channelSku: "FBA-4", quantity: 13 },
      { channelSku: "FBA-5", quantity: 14 },
    ]);
    // Three pages of two, and the third call at once met the burst of 2
    expect(calls("GET", "/fba/inventory/v1/summaries").map((r) => r.status)).toEqual([200, 200, 429, 200]);
    expect(running().responseChecks.filter((c) => c.operationId === "getInventorySummaries" && c.status === 200)).toHaveLength(3);
    expect(waits).toContain(500);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a seller without FBA listings, when marketplace stock is fetched, then none; given a revoked authorisation, then a ChannelError marked authFailed", async () => {
    await start({
      sellers: [{ sellerId: SELLER, marketplaceId: US, ...CREDENTIALS, listings: [{ sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01" }] }],
    });
    expect(await connector().fetchMarketplaceStock!()).toEqual([]);
    running().state.revokeAuthorization();
    const failure = await connector().fetchMarketplaceStock!().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details.authFailed).toBe(true);
  });
});
