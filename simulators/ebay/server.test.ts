import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenApiContract } from "../common/openapi";
import { startEbaySimulator, type EbaySimulator } from "./server";
import { ebayAccessToken } from "./test-helpers";

const SELLER = { userId: "seller-1", marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };

let sim: EbaySimulator;
let token: string;

async function mintToken(refreshToken = SELLER.refreshToken, certId = SELLER.certId) {
  return fetch(`${sim.url}/identity/v1/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${SELLER.appId}:${certId}`).toString("base64")}` },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
  });
}

function api(path: string, init: { method?: string; body?: unknown; raw?: string; bearer?: string | null } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", "content-language": "en-US" };
  const bearer = init.bearer === undefined ? token : init.bearer;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return fetch(`${sim.url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
}

beforeAll(async () => {
  sim = await startEbaySimulator({
    accounts: [
      {
        ...SELLER,
        listings: [
          { sku: "MUG-BLUE", offerId: "5000000001", quantity: 4, priceCents: 1299, title: "Blue mug" },
          { sku: "MUG-TIRED", offerId: "5000000002", quantity: 9, priceCents: 1299, revisionsToday: 250 },
        ],
      },
    ],
  });
  token = ((await (await mintToken()).json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await sim.stop();
});

describe("the eBay simulator", () => {
  it("given a malformed bulk body, when posted, then it answers 400 in eBay's error shape saying what is wrong", async () => {
    const response = await api("/sell/inventory/v1/bulk_update_price_quantity", {
      method: "POST",
      body: { requests: [{ sku: "MUG-BLUE", shipToLocationAvailability: { quantity: "four" } }] },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<Record<string, unknown>> };
    expect(body.errors[0]).toMatchObject({ errorId: 25709, domain: "API_INVENTORY", category: "REQUEST" });
    expect(String(body.errors[0].message)).toContain("quantity");
    expect(sim.state.listing("MUG-BLUE")?.quantity).toBe(4);

    const unreadable = await api("/sell/inventory/v1/bulk_update_price_quantity", { method: "POST", raw: "{not json" });
    expect(unreadable.status).toBe(400);
    expect(await unreadable.json()).toMatchObject({ errors: [{ errorId: 2004, domain: "ACCESS" }] });
  });

  it("given an inventory item written without the Content-Language header the definition requires, when put, then it answers 400 in eBay's error shape and keeps the item", async () => {
    const response = await fetch(`${sim.url}/sell/inventory/v1/inventory_item/MUG-BLUE`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ product: { title: "Renamed" }, availability: { shipToLocationAvailability: { quantity: 4 } } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<Record<string, unknown>> };
    expect(body.errors).toEqual([
      expect.objectContaining({ errorId: 25709, domain: "API_INVENTORY", category: "REQUEST", longMessage: expect.stringContaining("Content-Language") }),
    ]);
    expect(sim.state.listing("MUG-BLUE")?.title).toBe("Blue mug");
  });

  it("given one offer named twice in a bulk request, when posted, then that SKU gets eBay's invalid-value error and nothing changes", async () => {
    const response = await api("/sell/inventory/v1/bulk_update_price_quantity", {
      method: "POST",
      body: {
        requests: [
          {
            sku: "MUG-BLUE",
            offers: [
              { offerId: "5000000001", availableQuantity: 1 },
              { offerId: "5000000001", availableQuantity: 2 },
            ],
          },
        ],
      },
    });
    expect(response.status).toBe(207);
    const { responses } = (await response.json()) as { responses: Array<{ statusCode: number; errors?: Array<{ errorId: number }> }> };
    expect(responses.every((r) => r.statusCode === 400 && r.errors?.[0].errorId === 25709)).toBe(true);
    expect(sim.state.listing("MUG-BLUE")?.quantity).toBe(4);
  });

  it("given no token or one it never issued, when called, then it answers 401 with eBay's invalid-token error", async () => {
    for (const bearer of [null, "v^1.1#forged"]) {
      const response = await api("/sell/inventory/v1/inventory_item/MUG-BLUE", { bearer });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ errors: [expect.objectContaining({ errorId: 1001, domain: "OAuth", message: "Invalid access token" })] });
    }
  });

  it("given wrong app keys or an unknown refresh token, when a token is asked for, then it answers like eBay's OAuth endpoint", async () => {
    const badClient = await mintToken(SELLER.refreshToken, "wrong-cert");
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toMatchObject({ error: "invalid_client" });
    const badGrant = await mintToken("v^1.1#r^1#nobody");
    expect(badGrant.status).toBe(400);
    expect(await badGrant.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("given 26 items in one bulk call, when posted, then it refuses the call (25 is eBay's maximum)", async () => {
    const requests = Array.from({ length: 26 }, () => ({ sku: "MUG-BLUE", shipToLocationAvailability: { quantity: 1 } }));
    const response = await api("/sell/inventory/v1/bulk_update_price_quantity", { method: "POST", body: { requests } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ errorId: 25727 }] });
  });

  it("given a listing revised 250 times today, when revised again, then that SKU gets an error while the others are updated (207)", async () => {
    const response = await api("/sell/inventory/v1/bulk_update_price_quantity", {
      method: "POST",
      body: {
        requests: [
          { sku: "MUG-TIRED", shipToLocationAvailability: { quantity: 1 } },
          { sku: "MUG-BLUE", shipToLocationAvailability: { quantity: 6 }, offers: [{ offerId: "5000000001", availableQuantity: 6 }] },
        ],
      },
    });
    expect(response.status).toBe(207);
    const { responses } = (await response.json()) as { responses: Array<{ sku: string; statusCode: number; errors?: unknown[] }> };
    expect(responses.find((r) => r.sku === "MUG-TIRED")).toMatchObject({ statusCode: 400, errors: [expect.objectContaining({ errorId: 25002 })] });
    expect(responses.filter((r) => r.sku === "MUG-BLUE").every((r) => r.statusCode === 200)).toBe(true);
    expect(sim.state.listing("MUG-TIRED")?.quantity).toBe(9);
    expect(sim.state.revisions("MUG-TIRED")).toBe(250);
    expect(sim.state.listing("MUG-BLUE")?.quantity).toBe(6);
  });

  it("given a buyer in California who takes more than is listed, when the order is placed, then the listing goes to zero, the order is flagged oversold and getOrders lists it with its 7.25% sales tax as 'eBay Collect and Remit', the totals including it only with fieldGroups TAX_BREAKDOWN", async () => {
    const placed = await fetch(`${sim.url}/_simulator/orders`, {
      method: "POST",
      body: JSON.stringify({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 8 }),
    });
    expect(placed.status).toBe(201);
    const { orderId, oversold } = (await placed.json()) as { orderId: string; oversold: boolean };
    expect(oversold).toBe(true);
    expect(sim.state.listing("MUG-BLUE")).toMatchObject({ quantity: 0, status: "OUT_OF_STOCK" });
    const filter = encodeURIComponent(`lastmodifieddate:[${new Date(Date.now() - 60_000).toISOString()}..]`);
    const response = await api(`/sell/fulfillment/v1/order?filter=${filter}&limit=10`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { total: number; orders: Array<{ orderId: string; lineItems: Array<{ sku: string; quantity: number }> }> };
    expect(page.orders.map((o) => o.orderId)).toContain(orderId);
    expect(page.orders.find((o) => o.orderId === orderId)?.lineItems[0]).toMatchObject({ sku: "MUG-BLUE", quantity: 8 });
    const contract = new OpenApiContract("ebay-sell/sell_fulfillment_v1_oas3.json", "/sell/fulfillment/v1");
    expect(contract.checkResponse("getOrders", 200, page)).toEqual([]);

    const unitCents = sim.state.orders.find((o) => o.orderId === orderId)!.unitPriceCents;
    const usd = (cents: number) => ({ value: (cents / 100).toFixed(2), currency: "USD" });
    const taxCents = Math.round(8 * unitCents * 0.0725);
    const taxed = async (extra: string) => {
      const answer = (await (await api(`/sell/fulfillment/v1/order?orderIds=${orderId}${extra}`)).json()) as { orders: Array<Record<string, unknown>> };
      expect(contract.checkResponse("getOrders", 200, answer)).toEqual([]);
      return answer.orders[0];
    };
    expect(await taxed("")).toMatchObject({
      fulfillmentStartInstructions: [{ shippingStep: { shipTo: { contactAddress: { stateOrProvince: "CA" } } } }],
      pricingSummary: { total: usd(8 * unitCents) },
      lineItems: [
        {
          total: usd(8 * unitCents),
          taxes: [{ amount: usd(taxCents) }],
          ebayCollectAndRemitTaxes: [{ taxType: "STATE_SALES_TAX", amount: usd(taxCents), collectionMethod: "NET" }],
        },
      ],
    });
    expect(await taxed("&fieldGroups=TAX_BREAKDOWN")).toMatchObject({
      pricingSummary: { tax: usd(taxCents), total: usd(8 * unitCents + taxCents) },
      lineItems: [{ total: usd(8 * unitCents + taxCents), taxes: [{ taxType: "STATE_SALES_TAX", amount: usd(taxCents) }] }],
    });
  });

  it("given a buyer who cancels that order, when getOrders is asked again, then it shows the cancellation and the listing has its units back", async () => {
    const [order] = sim.state.orders.filter((o) => o.sku === "MUG-BLUE");
    const cancelled = await fetch(`${sim.url}/_simulator/orders/${order.orderId}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(204);
    const response = await api(`/sell/fulfillment/v1/order?orderIds=${order.orderId}`);
    const page = (await response.json()) as { orders: Array<{ orderId: string; cancelStatus: { cancelState: string } }> };
    expect(page.orders).toEqual([expect.objectContaining({ orderId: order.orderId, cancelStatus: expect.objectContaining({ cancelState: "CANCELED" }) })]);
    // The oversold order took the 6 there were, and gives back those 6.
    expect(sim.state.listing("MUG-BLUE")).toMatchObject({ quantity: 6, status: "ACTIVE" });
  });

  it("given a buyer who asks to cancel and whose cancellation then completes, when getOrders reads by lastmodifieddate, then first IN_PROGRESS with nothing given back, then CANCELED, refunded in full and the units back, each a later lastModifiedDate the definition accepts", async () => {
    const contract = new OpenApiContract("ebay-sell/sell_fulfillment_v1_oas3.json", "/sell/fulfillment/v1");
    type Order = {
      orderId: string;
      lastModifiedDate: string;
      orderPaymentStatus: string;
      cancelStatus: { cancelState: string; cancelledDate?: string; cancelRequests: unknown[] };
      paymentSummary: { refunds: Array<{ refundStatus: string; amount: { value: string } }> };
      lineItems: Array<{ quantity: number; lineItemFulfillmentStatus: string; refunds: unknown[] }>;
    };
    const read = async (since: number) => {
      const filter = encodeURIComponent(`lastmodifieddate:[${new Date(since).toISOString()}..]`);
      const page = (await (await api(`/sell/fulfillment/v1/order?filter=${filter}`)).json()) as { orders: Order[] };
      expect(contract.checkResponse("getOrders", 200, page)).toEqual([]);
      return page.orders;
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-TIRED", quantity: 3 });
    expect(sim.state.listing("MUG-TIRED")!.quantity).toBe(6);
    const placedAt = Date.now();
    await pause();

    expect((await fetch(`${sim.url}/_simulator/orders/${orderId}/cancel-request`, { method: "POST" })).status).toBe(204);
    const [requested] = await read(placedAt + 1);
    expect(requested).toMatchObject({ orderId, orderPaymentStatus: "PAID", cancelStatus: { cancelState: "IN_PROGRESS", cancelRequests: [] } });
    expect(requested.cancelStatus.cancelledDate).toBeUndefined();
    expect(sim.state.listing("MUG-TIRED")!.quantity).toBe(6);
    await pause();

    expect((await fetch(`${sim.url}/_simulator/orders/${orderId}/cancel`, { method: "POST" })).status).toBe(204);
    const [cancelled] = await read(Date.parse(requested.lastModifiedDate) + 1);
    expect(cancelled).toMatchObject({
      orderId,
      orderPaymentStatus: "FULLY_REFUNDED",
      cancelStatus: { cancelState: "CANCELED", cancelledDate: cancelled.lastModifiedDate, cancelRequests: [] },
      paymentSummary: { refunds: [{ refundStatus: "REFUNDED", amount: { value: "38.97" } }] },
      // Lines never say they were cancelled: the order's cancelStatus does.
      lineItems: [{ quantity: 3, lineItemFulfillmentStatus: "NOT_STARTED", refunds: [] }],
    });
    expect(sim.state.listing("MUG-TIRED")!.quantity).toBe(9);
  });

  it("given getOrders asked for 201 orders a page or for a window ending in the future, when called, then it answers eBay's 400 errors", async () => {
    expect(await (await api("/sell/fulfillment/v1/order?limit=201")).json()).toMatchObject({ errors: [{ errorId: 31100 }] });
    const future = encodeURIComponent(`lastmodifieddate:[2020-01-01T00:00:00.000Z..${new Date(Date.now() + 3_600_000).toISOString()}]`);
    const response = await api(`/sell/fulfillment/v1/order?filter=${future}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ errorId: 30850, domain: "API_FULFILLMENT" }] });
  });

  it("given an inventory item written back without its availability, when read, then its quantity is gone, as eBay warns", async () => {
    const put = await api("/sell/inventory/v1/inventory_item/MUG-BLUE", {
      method: "PUT",
      body: { product: { title: "Blue mug", aspects: { Colour: ["Blue"] } } },
    });
    expect(put.status).toBe(204);
    const item = (await (await api("/sell/inventory/v1/inventory_item/MUG-BLUE")).json()) as {
      availability: { shipToLocationAvailability: { quantity: number } };
      product: unknown;
    };
    expect(item.availability.shipToLocationAvailability.quantity).toBe(0);
    expect(item.product).toEqual({ title: "Blue mug", aspects: { Colour: ["Blue"] } });
  });

  it("given everything above, then every answer to a documented operation matched eBay's documented response", async () => {
    const offers = await api("/sell/inventory/v1/offer?sku=MUG-BLUE");
    expect(offers.status).toBe(200);
    const operations = new Set(sim.calls.map((c) => c.operationId));
    for (const op of ["bulkUpdatePriceQuantity", "getInventoryItem", "createOrReplaceInventoryItem", "getOffers", "getOrders"])
      expect(operations).toContain(op);
    expect(sim.responseViolations).toEqual([]);
  });
});

describe("the eBay simulator's call limits", () => {
  it("given a short-term rate scaled down, when calls come faster, then it answers 429 with eBay's error", async () => {
    const small = await startEbaySimulator({
      rateLimitScale: 0.04,
      accounts: [{ ...SELLER, listings: [{ sku: "A", offerId: "1", quantity: 1, priceCents: 100 }] }],
    });
    try {
      const minted = { access_token: await ebayAccessToken(small.url, SELLER) };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${small.url}/sell/inventory/v1/inventory_item/A`, { headers: { authorization: `Bearer ${minted.access_token}` } });
        statuses.push(r.status);
        if (r.status === 429) expect(await r.json()).toMatchObject({ errors: [{ errorId: 2001, domain: "ACCESS" }] });
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await small.stop();
    }
  });
});

describe("the eBay simulator's scopes", () => {
  it("given a seller who granted only read access to inventory, when the app reads and then writes, then the read is served and the write gets eBay's 403 (each operation's scopes come from the definition)", async () => {
    const readOnly = await startEbaySimulator({
      accounts: [
        {
          ...SELLER,
          scopes: ["https://api.ebay.com/oauth/api_scope", "https://api.ebay.com/oauth/api_scope/sell.inventory.readonly"],
          listings: [{ sku: "A", offerId: "1", quantity: 1, priceCents: 100 }],
        },
      ],
    });
    try {
      const minted = { access_token: await ebayAccessToken(readOnly.url, SELLER) };
      const headers = { authorization: `Bearer ${minted.access_token}`, "content-type": "application/json" };
      const read = await fetch(`${readOnly.url}/sell/inventory/v1/offer?sku=A`, { headers });
      expect(read.status).toBe(200);
      const write = await fetch(`${readOnly.url}/sell/inventory/v1/bulk_update_price_quantity`, {
        method: "POST",
        headers,
        body: JSON.stringify({ requests: [{ sku: "A", shipToLocationAvailability: { quantity: 5 } }] }),
      });
      expect(write.status).toBe(403);
      expect(await write.json()).toMatchObject({ errors: [{ errorId: 1100, domain: "ACCESS" }] });
      expect(readOnly.state.listing("A")?.quantity).toBe(1);
      const orders = await fetch(`${readOnly.url}/sell/fulfillment/v1/order`, { headers });
      expect(orders.status).toBe(403);
    } finally {
      await readOnly.stop();
    }
  });
});

describe("the eBay simulator's shipping fulfillments (createShippingFulfillment, getShippingFulfillments)", () => {
  interface EbayErrorBody {
    errors: Array<{ errorId: number; domain: string; longMessage?: string }>;
  }
  interface OrderView {
    orderFulfillmentStatus: string;
    lastModifiedDate: string;
    lineItems: Array<{ lineItemId: string; lineItemFulfillmentStatus: string }>;
  }
  const ship = (orderId: string, body: unknown) => api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment`, { method: "POST", body });
  const orderOf = async (orderId: string) =>
    ((await (await api(`/sell/fulfillment/v1/order?orderIds=${orderId}`)).json()) as { orders: OrderView[] }).orders[0];
  const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
  const errorOf = async (response: Response) => ((await response.json()) as EbayErrorBody).errors[0];

  it("given an order of 3, when 2 units ship with USPS and then 1 with UPS, then each is 201 with the fulfillment's Location, the order goes IN_PROGRESS then FULFILLED and is modified, and getShippingFulfillments holds both carriers and tracking numbers", async () => {
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 3 });
    const before = await orderOf(orderId);
    const lineItemId = before.lineItems[0].lineItemId;
    expect(before.orderFulfillmentStatus).toBe("NOT_STARTED");
    await new Promise((resolve) => setTimeout(resolve, 5));

    const first = await ship(orderId, {
      lineItems: [{ lineItemId, quantity: 2 }],
      shippedDate: anHourAgo(),
      shippingCarrierCode: "USPS",
      trackingNumber: "9400111899223197428490",
    });
    expect(first.status).toBe(201);
    expect(first.headers.get("location")).toMatch(new RegExp(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/9400111899223197428490$`));
    expect(await first.json()).toEqual({});
    const partly = await orderOf(orderId);
    expect([partly.orderFulfillmentStatus, partly.lineItems[0].lineItemFulfillmentStatus]).toEqual(["IN_PROGRESS", "IN_PROGRESS"]);
    expect(Date.parse(partly.lastModifiedDate)).toBeGreaterThan(Date.parse(before.lastModifiedDate));

    const second = await ship(orderId, {
      lineItems: [{ lineItemId, quantity: 1 }],
      shippedDate: anHourAgo(),
      shippingCarrierCode: "UPS",
      trackingNumber: "1Z999AA10123456784",
    });
    expect(second.status).toBe(201);
    expect((await orderOf(orderId)).orderFulfillmentStatus).toBe("FULFILLED");
    const fulfilled = (await (await api(`/sell/fulfillment/v1/order?filter=orderfulfillmentstatus:%7BFULFILLED%7D`)).json()) as {
      orders: Array<{ orderId: string }>;
    };
    expect(fulfilled.orders.map((o) => o.orderId)).toContain(orderId);

    const list = (await (await api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment`)).json()) as {
      total: number;
      fulfillments: Array<{ fulfillmentId: string; shippingCarrierCode: string; shipmentTrackingNumber: string; lineItems: unknown[] }>;
    };
    expect(list.total).toBe(2);
    expect(list.fulfillments.map((f) => [f.fulfillmentId, f.shippingCarrierCode, f.shipmentTrackingNumber, f.lineItems])).toEqual([
      ["9400111899223197428490", "USPS", "9400111899223197428490", [{ lineItemId, quantity: 2 }]],
      ["1Z999AA10123456784", "UPS", "1Z999AA10123456784", [{ lineItemId, quantity: 1 }]],
    ]);
    const one = await api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/1Z999AA10123456784`);
    expect(await one.json()).toMatchObject({ shippingCarrierCode: "UPS", shipmentTrackingNumber: "1Z999AA10123456784" });
    expect(sim.state.shippingFulfillments(orderId).map((f) => [f.shippingCarrierCode, f.shipmentTrackingNumber])).toEqual([
      ["USPS", "9400111899223197428490"],
      ["UPS", "1Z999AA10123456784"],
    ]);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given bodies the definition refuses (a quantity that is not an integer, a tracking number with a hyphen or without a carrier, a shippedDate off its format, an unknown or repeated line item), when posted, then each gets the errorId the definition lists and nothing ships", async () => {
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
    const lineItemId = (await orderOf(orderId)).lineItems[0].lineItemId;
    const line = { lineItemId, quantity: 1 };
    const cases: Array<[unknown, number]> = [
      [{ lineItems: [{ lineItemId, quantity: "one" }], shippingCarrierCode: "USPS", trackingNumber: "94001118" }, 30800],
      [{ lineItems: [line], shippingCarrierCode: "USPS", trackingNumber: "9400-1118" }, 32300],
      [{ lineItems: [line], trackingNumber: "94001118" }, 32300],
      [{ lineItems: [line], shippedDate: "2026-02-21", shippingCarrierCode: "USPS", trackingNumber: "94001118" }, 32500],
      [{ lineItems: [{ lineItemId: "999999", quantity: 1 }], shippingCarrierCode: "USPS", trackingNumber: "94001118" }, 32200],
      [{ lineItems: [line, line], shippingCarrierCode: "USPS", trackingNumber: "94001118" }, 32210],
    ];
    for (const [body, errorId] of cases) {
      const answer = await ship(orderId, body);
      expect(answer.status).toBe(400);
      expect(await errorOf(answer)).toMatchObject({ errorId, domain: "API_FULFILLMENT" });
    }
    expect(sim.state.shippingFulfillments(orderId)).toEqual([]);
    expect((await orderOf(orderId)).orderFulfillmentStatus).toBe("NOT_STARTED");
  });

  it("given an unknown order, a cancelled one, or more units than the line has left, when posted, then 400 with 32100 or 32600 and nothing ships", async () => {
    const unknown = await ship("99-99999-99999", { lineItems: [{ lineItemId: "1", quantity: 1 }] });
    expect(unknown.status).toBe(400);
    expect(await errorOf(unknown)).toMatchObject({ errorId: 32100 });
    expect((await api("/sell/fulfillment/v1/order/99-99999-99999/shipping_fulfillment")).status).toBe(400);

    const cancelled = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
    sim.state.cancelOrder(cancelled.orderId);
    const cancelledLine = (await orderOf(cancelled.orderId)).lineItems[0].lineItemId;
    const refusedCancelled = await ship(cancelled.orderId, {
      lineItems: [{ lineItemId: cancelledLine, quantity: 1 }],
      shippingCarrierCode: "USPS",
      trackingNumber: "94001118",
    });
    expect(refusedCancelled.status).toBe(400);
    expect(await errorOf(refusedCancelled)).toMatchObject({ errorId: 32600, longMessage: expect.stringContaining("cancelled") });

    const open = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
    const openLine = (await orderOf(open.orderId)).lineItems[0].lineItemId;
    const tooMany = await ship(open.orderId, { lineItems: [{ lineItemId: openLine, quantity: 2 }], shippingCarrierCode: "USPS", trackingNumber: "94001118" });
    expect(tooMany.status).toBe(400);
    expect(await errorOf(tooMany)).toMatchObject({ errorId: 32600, longMessage: expect.stringContaining("exceed") });
    expect([...sim.state.shippingFulfillments(cancelled.orderId), ...sim.state.shippingFulfillments(open.orderId)]).toEqual([]);
  });

  it("given the Fulfillment API's call limit scaled down, when a second shipping fulfillment comes at once, then 429 with eBay's error 2001 and nothing ships", async () => {
    const small = await startEbaySimulator({
      rateLimitScale: 0.00001,
      accounts: [{ ...SELLER, listings: [{ sku: "A", offerId: "1", quantity: 5, priceCents: 100 }] }],
    });
    try {
      const minted = { access_token: await ebayAccessToken(small.url, SELLER) };
      const { orderId } = small.state.placeOrder({ userId: SELLER.userId, sku: "A", quantity: 2 });
      const post = () =>
        fetch(`${small.url}/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment`, {
          method: "POST",
          headers: { authorization: `Bearer ${minted.access_token}`, "content-type": "application/json" },
          body: JSON.stringify({
            lineItems: [{ lineItemId: `${orderId.replace(/-/g, "")}1`, quantity: 1 }],
            shippingCarrierCode: "USPS",
            trackingNumber: "111",
          }),
        });
      expect((await post()).status).toBe(201);
      const throttled = await post();
      expect(throttled.status).toBe(429);
      expect(await throttled.json()).toMatchObject({ errors: [{ errorId: 2001, domain: "ACCESS" }] });
      expect(small.state.shippingFulfillments(orderId)).toHaveLength(1);
    } finally {
      await small.stop();
    }
  });
});

describe("the eBay simulator's refunds after shipping (LineItemRefund, OrderRefund)", () => {
  interface RefundedOrder {
    orderId: string;
    lastModifiedDate: string;
    orderPaymentStatus: string;
    paymentSummary: {
      payments: Array<{ paymentStatus: string }>;
      refunds: Array<{ refundId?: string; refundReferenceId?: string; refundStatus: string; amount: { value: string; currency: string }; refundDate: string }>;
      totalDueSeller: { value: string };
    };
    lineItems: Array<{
      lineItemCost: { value: string };
      refunds: Array<{ refundId: string; amount: { value: string; currency: string }; refundDate: string }>;
    }>;
  }
  const contract = new OpenApiContract("ebay-sell/sell_fulfillment_v1_oas3.json", "/sell/fulfillment/v1");
  const readSince = async (since: string) => {
    const filter = encodeURIComponent(`lastmodifieddate:[${since}..]`);
    const page = (await (await api(`/sell/fulfillment/v1/order?filter=${filter}`)).json()) as { orders: RefundedOrder[] };
    expect(contract.checkResponse("getOrders", 200, page)).toEqual([]);
    return page.orders;
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
  const refund = (orderId: string, body: unknown = {}) =>
    fetch(`${sim.url}/_simulator/orders/${orderId}/refund`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("given a shipped order of 3 at 12.99, when one unit's worth is refunded and then the rest, then each refund shows in the line's refunds and in paymentSummary.refunds in the definition's shapes, the order goes PARTIALLY_REFUNDED then FULLY_REFUNDED, and each moves lastModifiedDate", async () => {
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 3 });
    const [placed] = (await readSince(new Date(Date.now() - 1000).toISOString())).filter((o) => o.orderId === orderId);
    const lineItemId = (
      (await (await api(`/sell/fulfillment/v1/order?orderIds=${orderId}`)).json()) as { orders: Array<{ lineItems: Array<{ lineItemId: string }> }> }
    ).orders[0].lineItems[0].lineItemId;
    const shipped = await api(`/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment`, {
      method: "POST",
      body: {
        lineItems: [{ lineItemId, quantity: 3 }],
        shippedDate: new Date(Date.now() - 60_000).toISOString(),
        shippingCarrierCode: "USPS",
        trackingNumber: "9400111899223197428491",
      },
    });
    expect(shipped.status).toBe(201);
    expect(placed.lineItems[0].refunds).toEqual([]);
    await pause();

    const shippedAt = Date.now();
    expect((await refund(orderId, { amountCents: 1299 })).status).toBe(201);
    const [partly] = await readSince(new Date(shippedAt).toISOString());
    expect(partly).toMatchObject({
      orderId,
      orderPaymentStatus: "PARTIALLY_REFUNDED",
      paymentSummary: {
        payments: [{ paymentStatus: "PAID" }],
        refunds: [{ refundStatus: "REFUNDED", amount: { value: "12.99", currency: "USD" } }],
        totalDueSeller: { value: "25.98" },
      },
      lineItems: [{ lineItemCost: { value: "38.97" }, refunds: [{ amount: { value: "12.99", currency: "USD" } }] }],
    });
    expect(Date.parse(partly.lastModifiedDate)).toBeGreaterThanOrEqual(shippedAt);
    expect(partly.lineItems[0].refunds[0].refundDate).toBe(partly.lastModifiedDate);
    expect(partly.lineItems[0].refunds[0].refundId).toMatch(/^\d+$/);
    await pause();

    expect((await refund(orderId)).status).toBe(201);
    const [fully] = await readSince(new Date(Date.parse(partly.lastModifiedDate) + 1).toISOString());
    expect(fully).toMatchObject({ orderId, orderPaymentStatus: "FULLY_REFUNDED", paymentSummary: { totalDueSeller: { value: "0.00" } } });
    expect(fully.lineItems[0].refunds.map((r) => r.amount.value)).toEqual(["12.99", "25.98"]);
    expect(fully.paymentSummary.refunds.map((r) => r.amount.value)).toEqual(["12.99", "25.98"]);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given an order not shipped, a cancelled one, and a shipped one already refunded in full, when a refund is asked for, then each is refused and nothing changes", async () => {
    const { orderId: unshipped } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
    const { orderId: cancelled } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
    sim.state.cancelOrder(cancelled);
    expect((await refund(unshipped, { amountCents: 100 })).status).toBe(400);
    expect((await refund(cancelled, { amountCents: 100 })).status).toBe(400);
    expect((await refund("99-99999-99999")).status).toBe(404);
    expect(() => sim.state.refundLine(unshipped)).toThrow(/not shipped/);
    const order = sim.state.orders.find((o) => o.orderId === unshipped)!;
    order.fulfillments.push({ fulfillmentId: "F1", lineItems: [{ lineItemId: "x", quantity: 1 }], shippedDate: new Date().toISOString() });
    sim.state.refundLine(unshipped);
    expect((await refund(unshipped, { amountCents: 1 })).status).toBe(400);
    expect(() => sim.state.refundLine(unshipped, 0)).toThrow();
    expect(order.lineRefunds).toHaveLength(1);
  });
});
