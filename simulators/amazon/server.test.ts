import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHttpServer, type SimRequest } from "../common/http";
import { checkMfnQuantityChangeNotification, checkOrderChangeNotification, checkProcessingReport, checkStatusChangeNotification } from "./contracts";
import { startAmazonSimulator, type AmazonSimulator, type AmazonSimulatorOptions } from "./server";

const SELLER = "A3SIMSELLER";
const US = "ATVPDKIKX0DER";
const LWA = { clientId: "amzn1.application-oa2-client.sim", clientSecret: "sim-secret", refreshToken: "Atzr|sim-refresh" };
const LISTING = `/listings/2021-08-01/items/${SELLER}/KET-RED?marketplaceIds=${US}`;

let sim: AmazonSimulator | undefined;
let clock: number;
const running = () => sim!;

interface AmazonErrors {
  errors: Array<{ code: string; message: string; details?: string }>;
}

async function start(overrides: Partial<AmazonSimulatorOptions> = {}) {
  sim = await startAmazonSimulator({
    sellers: [
      {
        sellerId: SELLER,
        marketplaceId: US,
        ...LWA,
        listings: [
          { sku: "KET-RED", quantity: 5, priceCents: 2999, asin: "B0KETRED01", productType: "KITCHEN" },
          { sku: "KET-BLU", quantity: 4, priceCents: 2999, asin: "B0KETBLU01", productType: "KITCHEN" },
          { sku: "KET-FBA", quantity: 9, priceCents: 3499, asin: "B0KETFBA01", productType: "KITCHEN", fulfilledByAmazon: true },
        ],
      },
    ],
    feedDelayMs: 10,
    now: () => clock,
    ...overrides,
  });
}

async function grant(fields: Record<string, string>) {
  return fetch(`${running().url}/auth/o2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
    body: new URLSearchParams(fields).toString(),
  });
}

async function accessToken(): Promise<string> {
  const answer = await grant({ grant_type: "refresh_token", refresh_token: LWA.refreshToken, client_id: LWA.clientId, client_secret: LWA.clientSecret });
  return ((await answer.json()) as { access_token: string }).access_token;
}

async function sp(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const token = init.token ?? (await accessToken());
  return fetch(`${running().url}${path}`, {
    method: init.method ?? "GET",
    headers: { "x-amz-access-token": token, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const quantityPatch = (quantity: unknown) => ({
  productType: "PRODUCT",
  patches: [{ op: "replace", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity }] }],
});

beforeEach(() => {
  clock = Date.now();
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("Amazon simulator: Login with Amazon", () => {
  it("given the seller's refresh token, when the refresh_token grant is posted, then an access token for one hour comes back", async () => {
    await start();
    const answer = await grant({ grant_type: "refresh_token", refresh_token: LWA.refreshToken, client_id: LWA.clientId, client_secret: LWA.clientSecret });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ token_type: "bearer", expires_in: 3600, access_token: expect.stringMatching(/^Atza\|/) });
  });

  it("given a revoked authorisation or a wrong secret, when a token is asked for, then LWA answers 400 invalid_grant or 401 invalid_client", async () => {
    await start();
    const wrongSecret = await grant({ grant_type: "refresh_token", refresh_token: LWA.refreshToken, client_id: LWA.clientId, client_secret: "nope" });
    expect([wrongSecret.status, ((await wrongSecret.json()) as { error: string }).error]).toEqual([401, "invalid_client"]);
    running().state.revokeAuthorization();
    const revoked = await grant({ grant_type: "refresh_token", refresh_token: LWA.refreshToken, client_id: LWA.clientId, client_secret: LWA.clientSecret });
    expect([revoked.status, ((await revoked.json()) as { error: string }).error]).toEqual([400, "invalid_grant"]);
  });

  it("given a token an hour old, when it is used, then SP-API answers 403 Unauthorized saying it expired", async () => {
    await start();
    const token = await accessToken();
    expect((await sp(LISTING, { token })).status).toBe(200);
    clock += 3600_000;
    const answer = await sp(LISTING, { token });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as AmazonErrors).errors[0]).toMatchObject({ code: "Unauthorized", details: "The access token you provided has expired." });
  });
});

describe("Amazon simulator: requests checked against the models", () => {
  it("given a patch without productType, when sent, then 400 InvalidInput in Amazon's error list and the listing is untouched", async () => {
    await start();
    const answer = await sp(`/listings/2021-08-01/items/${SELLER}/KET-RED?marketplaceIds=${US}`, {
      method: "PATCH",
      body: { patches: quantityPatch(1).patches },
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as AmazonErrors;
    expect(body.errors.length).toBeGreaterThan(0);
    expect(body.errors[0]).toMatchObject({ code: "InvalidInput", message: expect.any(String), details: expect.stringContaining("productType") });
    expect(running().state.listing("KET-RED")!.quantity).toBe(5);
  });

  it("given a JSON Patch op the model does not list, or a patch without marketplaceIds, when sent, then both are refused with 400", async () => {
    await start();
    const badOp = await sp(LISTING, {
      method: "PATCH",
      body: { productType: "PRODUCT", patches: [{ op: "upsert", path: "/attributes/fulfillment_availability", value: [] }] },
    });
    expect(badOp.status).toBe(400);
    const noMarketplace = await sp(`/listings/2021-08-01/items/${SELLER}/KET-RED`, { method: "PATCH", body: quantityPatch(1) });
    expect(noMarketplace.status).toBe(400);
    expect(((await noMarketplace.json()) as AmazonErrors).errors[0].code).toBe("InvalidInput");
  });

  it("given searchOrders with both createdAfter and lastUpdatedAfter, when sent, then it is refused as the parameter notes say", async () => {
    await start();
    const at = new Date(clock - 3600_000).toISOString();
    const answer = await sp(`/orders/2026-01-01/orders?createdAfter=${at}&lastUpdatedAfter=${at}`);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as AmazonErrors).errors[0].details).toMatch(/Exactly one of createdAfter and lastUpdatedAfter/);
  });

  it("given no access token, or another seller's id in the path, when a listing is read, then 403; an unknown SKU is 404", async () => {
    await start();
    expect((await fetch(`${running().url}${LISTING}`)).status).toBe(403);
    expect((await sp(`/listings/2021-08-01/items/A9OTHER/KET-RED?marketplaceIds=${US}`)).status).toBe(403);
    expect((await sp(`/listings/2021-08-01/items/${SELLER}/NOPE?marketplaceIds=${US}`)).status).toBe(404);
  });
});

describe("Amazon simulator: usage plans", () => {
  it("given patchListingsItem's burst is spent, when one more comes, then 429 QuotaExceeded with x-amzn-RateLimit-Limit, and after 1/rate seconds it passes", async () => {
    await start({ usagePlanOverrides: { patchListingsItem: { rate: 2, burst: 2 } } });
    const token = await accessToken();
    const patch = () => sp(LISTING, { method: "PATCH", body: quantityPatch(4), token });
    expect((await patch()).status).toBe(200);
    expect((await patch()).status).toBe(200);
    const throttled = await patch();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("x-amzn-ratelimit-limit")).toBe("2");
    expect(((await throttled.json()) as AmazonErrors).errors[0].code).toBe("QuotaExceeded");
    clock += 500;
    expect((await patch()).status).toBe(200);
  });

  it("given the default plans from the models, when searchOrders and createFeed are called, then searchOrders reports 0.0056 per second and the 16th createFeed is throttled (burst 15)", async () => {
    await start();
    const token = await accessToken();
    const answer = await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${new Date(clock - 60_000).toISOString()}`, { token });
    expect(answer.headers.get("x-amzn-ratelimit-limit")).toBe("0.0056");
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++)
      statuses.push(
        (
          await sp("/feeds/2021-06-30/feeds", {
            method: "POST",
            token,
            body: { feedType: "JSON_LISTINGS_FEED", marketplaceIds: [US], inputFeedDocumentId: "none" },
          })
        ).status,
      );
    // 15 answered (each 400: the document does not exist), the 16th throttled.
    expect(statuses.slice(0, 15).every((s) => s === 400)).toBe(true);
    expect(statuses[15]).toBe(429);
  });
});

describe("Amazon simulator: JSON_LISTINGS_FEED", () => {
  async function submitFeed(document: unknown, token: string) {
    const created = (await (
      await sp("/feeds/2021-06-30/documents", { method: "POST", token, body: { contentType: "application/json; charset=UTF-8" } })
    ).json()) as { feedDocumentId: string; url: string };
    const upload = await fetch(created.url, { method: "PUT", headers: { "content-type": "application/json; charset=UTF-8" }, body: JSON.stringify(document) });
    expect(upload.status).toBe(200);
    const feed = await sp("/feeds/2021-06-30/feeds", {
      method: "POST",
      token,
      body: { feedType: "JSON_LISTINGS_FEED", marketplaceIds: [US], inputFeedDocumentId: created.feedDocumentId },
    });
    expect(feed.status).toBe(202);
    return ((await feed.json()) as { feedId: string }).feedId;
  }

  async function finished(feedId: string, token: string) {
    for (;;) {
      const feed = (await (await sp(`/feeds/2021-06-30/feeds/${feedId}`, { token })).json()) as { processingStatus: string; resultFeedDocumentId?: string };
      if (["DONE", "FATAL", "CANCELLED"].includes(feed.processingStatus)) return feed;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it("given a feed with a good and a bad message, when it is processed, then it goes IN_QUEUE to DONE and its gzip report names the bad message", async () => {
    // Feeds held for ten minutes: the test lets them through itself.
    await start({ feedDelayMs: 600_000 });
    const token = await accessToken();
    const feedId = await submitFeed(
      {
        header: { sellerId: SELLER, version: "2.0" },
        messages: [
          { messageId: 1, sku: "KET-RED", operationType: "PATCH", productType: "PRODUCT", patches: quantityPatch(9).patches },
          { messageId: 2, sku: "KET-RED", operationType: "PATCH", productType: "PRODUCT", patches: quantityPatch(-1).patches },
        ],
      },
      token,
    );
    const queued = (await (await sp(`/feeds/2021-06-30/feeds/${feedId}`, { token })).json()) as { processingStatus: string };
    expect(queued.processingStatus).toBe("IN_QUEUE");
    expect(running().state.listing("KET-RED")!.quantity).toBe(5);

    running().state.finishFeeds();
    const feed = await finished(feedId, token);
    expect(feed.processingStatus).toBe("DONE");
    const document = (await (await sp(`/feeds/2021-06-30/documents/${feed.resultFeedDocumentId}`, { token })).json()) as {
      url: string;
      compressionAlgorithm?: string;
    };
    expect(document.compressionAlgorithm).toBe("GZIP");
    const report = JSON.parse(gunzipSync(Buffer.from(await (await fetch(document.url)).arrayBuffer())).toString("utf8")) as {
      summary: { messagesAccepted: number; messagesInvalid: number };
      issues: Array<{ messageId: number; severity: string; code: string }>;
    };
    expect(checkProcessingReport(report)).toEqual([]);
    expect(report.summary).toMatchObject({ messagesAccepted: 1, messagesInvalid: 1 });
    expect(report.issues).toEqual([expect.objectContaining({ messageId: 2, severity: "ERROR", code: "4000001" })]);
    expect(running().state.listing("KET-RED")!.quantity).toBe(9);
  });

  it("given a document off the JSON_LISTINGS_FEED schema, when processed, then the feed ends FATAL", async () => {
    await start();
    const token = await accessToken();
    const feedId = await submitFeed({ header: { sellerId: SELLER, version: "1.0" }, messages: [] }, token);
    expect((await finished(feedId, token)).processingStatus).toBe("FATAL");
  });

  it("given an upload with another content type than the document was made for, when PUT, then S3 refuses the signature", async () => {
    await start();
    const created = (await (await sp("/feeds/2021-06-30/documents", { method: "POST", body: { contentType: "application/json; charset=UTF-8" } })).json()) as {
      url: string;
    };
    const upload = await fetch(created.url, { method: "PUT", headers: { "content-type": "text/xml" }, body: "<x/>" });
    expect(upload.status).toBe(403);
    expect(await upload.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });
});

describe("Amazon simulator: buyers and orders", () => {
  it("given a simulated buyer in Washington orders 2, when orders are searched, then the order is there with the datasets asked for (its item's 6.5% sales tax in PROCEEDS, Amazon collecting it in TAX) and the listing went down by 2", async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 2, buyerName: "Ada Buyer", shipToState: "WA" });
    expect(running().state.listing("KET-RED")!.quantity).toBe(3);
    const since = new Date(Date.now() - 60_000).toISOString();

    const bare = (await (await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${since}&marketplaceIds=${US}`)).json()) as {
      orders: Array<Record<string, unknown>>;
      lastUpdatedBefore: string;
    };
    expect(bare.orders).toHaveLength(1);
    expect(bare.orders[0]).toMatchObject({
      orderId: placed.orderId,
      orderItems: [expect.objectContaining({ quantityOrdered: 2, product: expect.objectContaining({ sellerSku: "KET-RED" }) })],
    });
    expect(bare.orders[0].buyer).toBeUndefined();
    expect(bare.lastUpdatedBefore).toEqual(expect.any(String));

    expect(bare.orders[0].recipient).toBeUndefined();
    expect((bare.orders[0].orderItems as Array<Record<string, unknown>>)[0].tax).toBeUndefined();

    const full = (await (await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${since}&includedData=BUYER,RECIPIENT,PROCEEDS,TAX,FULFILLMENT`)).json()) as {
      orders: Array<Record<string, unknown>>;
    };
    const usd = (amount: string) => ({ amount, currencyCode: "USD" });
    expect(full.orders[0]).toMatchObject({
      buyer: { buyerName: "Ada Buyer" },
      recipient: { deliveryAddress: { stateOrRegion: "WA", countryCode: "US" } },
      proceeds: { grandTotal: usd("63.88") },
      fulfillment: { fulfillmentStatus: "UNSHIPPED" },
      orderItems: [
        expect.objectContaining({
          proceeds: {
            proceedsTotal: usd("63.88"),
            breakdowns: [
              { type: "ITEM", subtotal: usd("59.98") },
              { type: "TAX", subtotal: usd("3.90"), detailedBreakdowns: [{ subtype: "ITEM", value: usd("3.90") }] },
            ],
          },
          tax: { taxCollections: [{ model: "MARKETPLACE_FACILITATOR", responsibleParty: expect.any(String) }] },
        }),
      ],
    });
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a listing marked FBA, when a buyer orders it, then the order says fulfilledBy AMAZON as the model's OrderFulfillment does, the fulfilledBy filter tells it apart, and only Amazon's warehouse count went down", async () => {
    await start();
    const fba = running().state.placeOrder({ sku: "KET-FBA", quantity: 2 });
    const own = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    const since = new Date(Date.now() - 60_000).toISOString();
    const search = async (extra: string) =>
      (
        (await (await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${since}&includedData=FULFILLMENT${extra}`)).json()) as {
          orders: Array<{ orderId: string; fulfillment: { fulfilledBy: string; fulfillmentStatus: string } }>;
        }
      ).orders;

    const all = await search("");
    expect(all.map((o) => [o.orderId, o.fulfillment.fulfilledBy])).toEqual([
      [fba.orderId, "AMAZON"],
      [own.orderId, "MERCHANT"],
    ]);
    expect((await search("&fulfilledBy=AMAZON")).map((o) => o.orderId)).toEqual([fba.orderId]);
    expect((await search("&fulfilledBy=MERCHANT")).map((o) => o.orderId)).toEqual([own.orderId]);
    expect(running().state.listing("KET-FBA")).toMatchObject({
      quantity: 7,
      attributes: { fulfillment_availability: [expect.objectContaining({ fulfillment_channel_code: "AMAZON_NA", quantity: 7 })] },
    });
    expect(running().state.listing("KET-RED")!.quantity).toBe(4);
    expect(() =>
      running().state.placeOrder({
        items: [
          { sku: "KET-FBA", quantity: 1 },
          { sku: "KET-RED", quantity: 1 },
        ],
      }),
    ).toThrow(/separate orders/);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
    expect(running().responseChecks.filter((c) => c.operationId === "searchOrders")).toHaveLength(3);
  });

  it("given a two-item order, when the buyer cancels one item, then with CANCELLATION that item carries the model's cancellationExecution, the order stays UNSHIPPED with a later lastUpdatedTime, and that item's units are back", async () => {
    await start();
    const placed = running().state.placeOrder({
      items: [
        { sku: "KET-RED", quantity: 2 },
        { sku: "KET-BLU", quantity: 3 },
      ],
    });
    expect([running().state.listing("KET-RED")!.quantity, running().state.listing("KET-BLU")!.quantity]).toEqual([3, 1]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running().state.cancelOrderItems(placed.orderId, ["KET-BLU"]);
    const since = new Date(Date.now() - 60_000).toISOString();
    type Found = {
      lastUpdatedTime: string;
      fulfillment: { fulfillmentStatus: string };
      orderItems: Array<{ quantityOrdered: number; product: { sellerSku: string }; cancellation?: unknown; fulfillment?: unknown }>;
    };
    const read = async (included: string) =>
      ((await (await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${since}&includedData=${included}`)).json()) as { orders: Found[] }).orders[0];

    const order = await read("FULFILLMENT,CANCELLATION");
    expect(Date.parse(order.lastUpdatedTime)).toBeGreaterThan(Date.parse(placed.order.createdTime));
    expect(order.fulfillment.fulfillmentStatus).toBe("UNSHIPPED");
    expect(order.orderItems).toEqual([
      {
        orderItemId: expect.any(String),
        quantityOrdered: 2,
        product: expect.objectContaining({ sellerSku: "KET-RED" }),
        fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: 2 },
      },
      {
        orderItemId: expect.any(String),
        quantityOrdered: 3,
        product: expect.objectContaining({ sellerSku: "KET-BLU" }),
        cancellation: { cancellationExecution: { cancelledBy: "BUYER", cancelReason: expect.any(String) } },
        fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: 0 },
      },
    ]);
    expect([running().state.listing("KET-RED")!.quantity, running().state.listing("KET-BLU")!.quantity]).toEqual([3, 4]);
    // Not asked for, the CANCELLATION dataset is left out: nothing then says an item was cancelled.
    expect((await read("FULFILLMENT")).orderItems.map((i) => i.cancellation)).toEqual([undefined, undefined]);

    running().state.cancelOrderItems(placed.orderId, ["KET-RED"]);
    expect((await read("FULFILLMENT")).fulfillment.fulfillmentStatus).toBe("CANCELLED");
    expect(running().state.listing("KET-RED")!.quantity).toBe(5);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a buyer who only asks to cancel, when searched, then the items carry a cancellationRequest and no execution, the order is still UNSHIPPED and no unit came back", async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 2 });
    running().state.requestCancellation(placed.orderId);
    const since = new Date(Date.now() - 60_000).toISOString();
    const { orders } = (await (await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${since}&includedData=FULFILLMENT,CANCELLATION`)).json()) as {
      orders: Array<{ fulfillment: { fulfillmentStatus: string }; orderItems: Array<{ cancellation?: Record<string, unknown> }> }>;
    };
    expect(orders[0].fulfillment.fulfillmentStatus).toBe("UNSHIPPED");
    expect(orders[0].orderItems[0].cancellation).toEqual({ cancellationRequest: { requester: "BUYER", cancelReason: expect.any(String) } });
    expect(running().state.listing("KET-RED")!.quantity).toBe(3);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a buyer orders more than the listing shows, when placed, then the order is kept, flagged oversold, and the listing shows 0", async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 7 });
    expect(placed.oversold).toBe(true);
    expect(running().state.listing("KET-RED")!.quantity).toBe(0);
  });

  it("given an EventBridge API destination for ORDER_CHANGE, when a buyer orders and then cancels, then two ORDER_CHANGE events arrive with its header (each followed by the quantity change it made), each detail valid against OrderChangeNotification.json", async () => {
    const received: SimRequest[] = [];
    let failFirst = true;
    const destination = await startHttpServer((request) => {
      // The first delivery meets a 503: the API destination tries again.
      if (failFirst) {
        failFirst = false;
        return { status: 503 };
      }
      received.push(request);
      return { status: 202 };
    });
    try {
      await start({ orderNotifications: { url: `${destination.url}/notifications/amazon-us`, headers: { "x-api-key": "destination-key" } } });
      const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 2 });
      running().state.cancelOrder(placed.orderId);
      // Each also moved the listing's quantity: a LISTINGS_ITEM_MFN_QUANTITY_CHANGE follows each ORDER_CHANGE.
      expect(await running().state.notificationsSettled()).toEqual({ delivered: 4, failed: 0 });

      expect(received.map((r) => r.headers["x-api-key"])).toEqual(Array(4).fill("destination-key"));
      expect(received.map((r) => (r.body as { "detail-type": string })["detail-type"])).toEqual([
        "ORDER_CHANGE",
        "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
        "ORDER_CHANGE",
        "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
      ]);
      const details = received
        .filter((r) => (r.body as { "detail-type": string })["detail-type"] === "ORDER_CHANGE")
        .map((r) => (r.body as { "detail-type": string; detail: unknown }).detail);
      for (const detail of details) expect(checkOrderChangeNotification(detail)).toEqual([]);
      const summaries = details.map(
        (d) =>
          (d as { Payload: { OrderChangeNotification: { AmazonOrderId: string; Summary: { OrderStatus: string; OrderItems: unknown[] } } } }).Payload
            .OrderChangeNotification,
      );
      expect(summaries.map((n) => [n.AmazonOrderId, n.Summary.OrderStatus])).toEqual([
        [placed.orderId, "Unshipped"],
        [placed.orderId, "Canceled"],
      ]);
      expect(summaries[0].Summary.OrderItems).toEqual([expect.objectContaining({ SellerSKU: "KET-RED", Quantity: 2 })]);
    } finally {
      await destination.close();
    }
  });
});

describe("Amazon simulator: listing change notifications", () => {
  /** Starts with an API destination that keeps every event it is sent. */
  async function withDestination(story: () => Promise<void>): Promise<SimRequest[]> {
    const received: SimRequest[] = [];
    const destination = await startHttpServer((request) => {
      received.push(request);
      return { status: 202 };
    });
    try {
      await start({ orderNotifications: { url: `${destination.url}/notifications/amazon-us` } });
      await story();
    } finally {
      await destination.close();
    }
    return received;
  }
  const events = (received: SimRequest[]) => received.map((r) => r.body as { "detail-type": string; detail: { Payload: Record<string, unknown> } });

  it("given the seller types a quantity in Seller Central, when it changes, then a LISTINGS_ITEM_MFN_QUANTITY_CHANGE valid against its schema carries the SKU and the new quantity; a price typed by hand sends none", async () => {
    const received = await withDestination(async () => {
      running().state.editListingByHand("KET-RED", { quantity: 2 });
      running().state.editListingByHand("KET-RED", { priceCents: 1999 });
      await running().state.notificationsSettled();
    });
    const [event, ...more] = events(received);
    expect(more).toEqual([]);
    expect(event["detail-type"]).toBe("LISTINGS_ITEM_MFN_QUANTITY_CHANGE");
    expect(checkMfnQuantityChangeNotification(event.detail)).toEqual([]);
    expect(event.detail.Payload).toEqual({ SellerId: SELLER, FulfillmentChannelCode: "DEFAULT", Sku: "KET-RED", Quantity: 2 });
  });

  it("given a quantity patched through the API, when Amazon applies it, then the MFN quantity change is sent too (whoever changed it); an FBA listing's count sends none", async () => {
    const received = await withDestination(async () => {
      expect((await sp(LISTING.replace("KET-RED", "KET-BLU"), { method: "PATCH", body: quantityPatch(7) })).status).toBe(200);
      running().state.placeOrder({ sku: "KET-FBA", quantity: 1 });
      await running().state.notificationsSettled();
    });
    expect(events(received).map((e) => [e["detail-type"], e.detail.Payload.Sku, e.detail.Payload.Quantity])).toEqual([
      ["LISTINGS_ITEM_MFN_QUANTITY_CHANGE", "KET-BLU", 7],
      ["ORDER_CHANGE", undefined, undefined],
    ]);
  });

  it("given Amazon suppresses a listing and then lifts it, when each happens, then a LISTINGS_ITEM_STATUS_CHANGE valid against its schema says the listing's status set: none, then BUYABLE and DISCOVERABLE", async () => {
    const received = await withDestination(async () => {
      running().state.suppressListing("KET-RED", "Missing required attribute: brand");
      running().state.suppressListing("KET-RED", null);
      await running().state.notificationsSettled();
    });
    const changes = events(received);
    expect(changes.map((e) => e["detail-type"])).toEqual(["LISTINGS_ITEM_STATUS_CHANGE", "LISTINGS_ITEM_STATUS_CHANGE"]);
    for (const change of changes) expect(checkStatusChangeNotification(change.detail)).toEqual([]);
    expect(changes.map((e) => [e.detail.Payload.Sku, e.detail.Payload.Status])).toEqual([
      ["KET-RED", []],
      ["KET-RED", ["BUYABLE", "DISCOVERABLE"]],
    ]);
  });

  it("given no API destination set up, when the seller edits by hand, then nothing is sent, and a destination set up later hears only what changes after", async () => {
    await start();
    running().state.editListingByHand("KET-RED", { quantity: 1 });
    const received: SimRequest[] = [];
    const destination = await startHttpServer((request) => {
      received.push(request);
      return { status: 202 };
    });
    try {
      running().state.sendOrderNotificationsTo({ url: destination.url });
      running().state.editListingByHand("KET-BLU", { quantity: 0 });
      await running().state.notificationsSettled();
    } finally {
      await destination.close();
    }
    expect(events(received).map((e) => [e["detail-type"], e.detail.Payload.Sku])).toEqual([
      ["LISTINGS_ITEM_MFN_QUANTITY_CHANGE", "KET-BLU"],
      // At 0 it is no longer BUYABLE.
      ["LISTINGS_ITEM_STATUS_CHANGE", "KET-BLU"],
    ]);
  });
});

describe("Amazon simulator: confirmShipment (Orders v0) and getOrder (Orders 2026-01-01)", () => {
  const confirmPath = (orderId: string) => `/orders/v0/orders/${orderId}/shipmentConfirmation`;
  const packageDetail = (orderItems: Array<{ orderItemId: string; quantity: number }>, extra: Record<string, unknown> = {}) => ({
    marketplaceId: US,
    packageDetail: {
      packageReferenceId: "1",
      carrierCode: "UPS",
      trackingNumber: "1Z999AA10123456784",
      shipDate: new Date(Date.now() - 3_600_000).toISOString(),
      orderItems,
      ...extra,
    },
  });
  interface ReadOrder {
    order: {
      lastUpdatedTime: string;
      fulfillment?: { fulfillmentStatus: string };
      orderItems: Array<{ orderItemId: string; fulfillment?: { quantityFulfilled: number; quantityUnfulfilled: number } }>;
      packages?: Array<{ packageReferenceId: string; carrier: string; trackingNumber: string; packageItems: unknown[]; packageStatus: { status: string } }>;
    };
  }
  const readOrder = async (orderId: string, includedData = "FULFILLMENT,PACKAGES") =>
    (await (await sp(`/orders/2026-01-01/orders/${orderId}?includedData=${includedData}`)).json()) as ReadOrder;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("given a two-item order, when one item's units are confirmed and then the other's, then each answers 204, the order goes PARTIALLY_SHIPPED then SHIPPED with each package's carrier and tracking number, and lastUpdatedTime moves so searchOrders returns it", async () => {
    await start();
    const placed = running().state.placeOrder({
      items: [
        { sku: "KET-RED", quantity: 2 },
        { sku: "KET-BLU", quantity: 1 },
      ],
    });
    const [red, blue] = placed.order.orderItems.map((i) => i.orderItemId);
    await pause(5);
    const afterPlacing = new Date().toISOString();
    await pause(5);

    const first = await sp(confirmPath(placed.orderId), { method: "POST", body: packageDetail([{ orderItemId: red, quantity: 2 }]) });
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    expect(first.headers.get("x-amzn-RateLimit-Limit")).toBe("2");
    const partly = await readOrder(placed.orderId);
    expect(partly.order.fulfillment?.fulfillmentStatus).toBe("PARTIALLY_SHIPPED");
    expect(partly.order.orderItems.map((i) => i.fulfillment)).toEqual([
      { quantityFulfilled: 2, quantityUnfulfilled: 0 },
      { quantityFulfilled: 0, quantityUnfulfilled: 1 },
    ]);
    expect(partly.order.packages).toEqual([
      expect.objectContaining({
        packageReferenceId: "1",
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456784",
        packageStatus: { status: "SHIPPED" },
        packageItems: [{ orderItemId: red, quantity: 2 }],
      }),
    ]);
    expect(Date.parse(partly.order.lastUpdatedTime)).toBeGreaterThan(Date.parse(afterPlacing));
    const changed = (await (await sp(`/orders/2026-01-01/orders?lastUpdatedAfter=${afterPlacing}&marketplaceIds=${US}`)).json()) as {
      orders: Array<{ orderId: string }>;
    };
    expect(changed.orders.map((o) => o.orderId)).toEqual([placed.orderId]);

    const second = await sp(confirmPath(placed.orderId), {
      method: "POST",
      body: packageDetail([{ orderItemId: blue, quantity: 1 }], {
        packageReferenceId: "2",
        carrierCode: "Other",
        carrierName: "Bob's Couriers",
        trackingNumber: "BOB42",
      }),
    });
    expect(second.status).toBe(204);
    const shipped = await readOrder(placed.orderId);
    expect(shipped.order.fulfillment?.fulfillmentStatus).toBe("SHIPPED");
    expect(shipped.order.packages?.map((p) => [p.carrier, p.trackingNumber])).toEqual([
      ["UPS", "1Z999AA10123456784"],
      ["Bob's Couriers", "BOB42"],
    ]);
    expect(
      running()
        .state.shipments()
        .map((s) => [s.orderId, s.carrierCode, s.carrierName, s.trackingNumber, s.orderItems]),
    ).toEqual([
      [placed.orderId, "UPS", undefined, "1Z999AA10123456784", [{ orderItemId: red, quantity: 2 }]],
      [placed.orderId, "Other", "Bob's Couriers", "BOB42", [{ orderItemId: blue, quantity: 1 }]],
    ]);
    // Without PACKAGES the dataset is left out, as for every other dataset.
    expect((await readOrder(placed.orderId, "FULFILLMENT")).order.packages).toBeUndefined();
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it('given bodies off the model (the model\'s own sandbox example of a bad shipDate, no carrierCode, no marketplaceId) or "Other" without carrierName, when posted, then each is 400 InvalidInput and the order is untouched', async () => {
    await start();
    const placed = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    const item = placed.order.orderItems[0].orderItemId;
    const good = packageDetail([{ orderItemId: item, quantity: 1 }]);
    const { carrierCode: _dropped, ...withoutCarrier } = good.packageDetail;
    const bodies: unknown[] = [
      packageDetail([{ orderItemId: item, quantity: 1 }], { shipDate: "02/21/2022" }),
      { ...good, packageDetail: withoutCarrier },
      { packageDetail: good.packageDetail },
      packageDetail([{ orderItemId: item, quantity: "1" }] as never),
      packageDetail([{ orderItemId: item, quantity: 1 }], { carrierCode: "Other" }),
    ];
    for (const body of bodies) {
      const answer = await sp(confirmPath(placed.orderId), { method: "POST", body });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as AmazonErrors).errors[0].code).toBe("InvalidInput");
    }
    expect((await readOrder(placed.orderId)).order.fulfillment?.fulfillmentStatus).toBe("UNSHIPPED");
    expect(running().state.shipments()).toEqual([]);
  });

  it("given an unknown order, a cancelled one, an FBA one, an unknown item or more units than ordered, when confirmed, then 404 NotFound for the order Amazon does not have and 400 InvalidInput for the rest, and nothing ships", async () => {
    await start();
    const cancelled = running().state.placeOrder({ sku: "KET-RED", quantity: 1 });
    running().state.cancelOrder(cancelled.orderId);
    const fba = running().state.placeOrder({ sku: "KET-FBA", quantity: 1 });
    const open = running().state.placeOrder({ sku: "KET-BLU", quantity: 2 });
    const itemOf = (p: { order: { orderItems: Array<{ orderItemId: string }> } }) => p.order.orderItems[0].orderItemId;

    const unknown = await sp(confirmPath("111-1111111-1111111"), { method: "POST", body: packageDetail([{ orderItemId: "1", quantity: 1 }]) });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as AmazonErrors).errors[0].code).toBe("NotFound");

    const refusals: Array<[string, unknown, RegExp]> = [
      [cancelled.orderId, packageDetail([{ orderItemId: itemOf(cancelled), quantity: 1 }]), /cancelled/],
      [fba.orderId, packageDetail([{ orderItemId: itemOf(fba), quantity: 1 }]), /fulfilled by Amazon/],
      [open.orderId, packageDetail([{ orderItemId: "00000000000000", quantity: 1 }]), /not an item/],
      [open.orderId, packageDetail([{ orderItemId: itemOf(open), quantity: 3 }]), /exceeds the 2 unit/],
    ];
    for (const [orderId, body, reason] of refusals) {
      const answer = await sp(confirmPath(orderId), { method: "POST", body });
      expect(answer.status).toBe(400);
      const error = ((await answer.json()) as AmazonErrors).errors[0];
      expect(error.code).toBe("InvalidInput");
      expect(error.details).toMatch(reason);
    }
    expect(running().state.shipments()).toEqual([]);
    expect((await readOrder(open.orderId)).order.fulfillment?.fulfillmentStatus).toBe("UNSHIPPED");
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given confirmShipment's plan in ordersV0.json (2 per second, burst 10), when an 11th call comes at once, then 429 QuotaExceeded, and half a second later it passes", async () => {
    await start();
    const body = packageDetail([{ orderItemId: "1", quantity: 1 }]);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await sp(confirmPath("111-1111111-1111111"), { method: "POST", body })).status);
    expect(statuses).toEqual([...Array<number>(10).fill(404), 429]);
    clock += 500;
    expect((await sp(confirmPath("111-1111111-1111111"), { method: "POST", body })).status).toBe(404);
  });

  it("given an Orders v0 operation other than confirmShipment, when called, then 501: only the 2026-01-01 model serves orders; an unknown getOrder is 404", async () => {
    await start();
    expect((await sp(`/orders/v0/orders?MarketplaceIds=${US}&CreatedAfter=2026-01-01T00:00:00Z`)).status).toBe(501);
    expect((await sp("/orders/2026-01-01/orders/111-1111111-1111111")).status).toBe(404);
  });
});

describe("Amazon simulator: FBA Inventory getInventorySummaries (fbaInventory.json)", () => {
  const SUMMARIES = `/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=${US}&marketplaceIds=${US}`;
  interface Summaries {
    payload: {
      granularity: { granularityType: string; granularityId: string };
      inventorySummaries: Array<{
        sellerSku: string;
        asin?: string;
        fnSku?: string;
        totalQuantity: number;
        inventoryDetails?: { fulfillableQuantity: number; reservedQuantity: { pendingCustomerOrderQuantity: number } };
      }>;
    };
    pagination?: { nextToken?: string };
  }
  const fbaListings = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      sku: `FBA-${String(i + 1).padStart(2, "0")}`,
      quantity: 10 + i,
      priceCents: 1999,
      asin: `B0FBA${String(i + 1).padStart(5, "0")}`,
      fulfilledByAmazon: true,
    }));
  const startWith = (listings: AmazonSimulatorOptions["sellers"][number]["listings"], pageSize?: number) =>
    start({ sellers: [{ sellerId: SELLER, marketplaceId: US, ...LWA, listings }], ...(pageSize ? { fbaInventoryPageSize: pageSize } : {}) });

  it("given an FBA listing beside seller-fulfilled ones, when summaries are read with details=true, then only the FBA SKU comes back with Amazon's fulfillable count, an FBA order's units move to reserved, and every answer conforms to the model", async () => {
    // Given
    await start();
    // When
    const first = await sp(`${SUMMARIES}&details=true`);
    // Then
    expect(first.status).toBe(200);
    expect(first.headers.get("x-amzn-ratelimit-limit")).toBe("2");
    const body = (await first.json()) as Summaries;
    expect(body.payload.granularity).toEqual({ granularityType: "Marketplace", granularityId: US });
    expect(body.payload.inventorySummaries).toEqual([
      expect.objectContaining({
        sellerSku: "KET-FBA",
        asin: "B0KETFBA01",
        totalQuantity: 9,
        inventoryDetails: expect.objectContaining({ fulfillableQuantity: 9 }),
      }),
    ]);
    expect(body.pagination).toBeUndefined();

    // When a buyer orders 2 of it (Amazon ships them from its warehouse)
    running().state.placeOrder({ sku: "KET-FBA", quantity: 2 });
    clock += 1000;
    const after = (await (await sp(`${SUMMARIES}&details=true`)).json()) as Summaries;
    // Then 7 are fulfillable, 2 reserved for the customer order, 9 in Amazon's network
    expect(after.payload.inventorySummaries[0]).toMatchObject({
      totalQuantity: 9,
      inventoryDetails: { fulfillableQuantity: 7, reservedQuantity: { pendingCustomerOrderQuantity: 2 } },
    });
    // And without details there are no inventoryDetails ("This object will not appear if the details parameter in the request is false")
    clock += 1000;
    const plain = (await (await sp(SUMMARIES)).json()) as Summaries;
    expect(plain.payload.inventorySummaries[0]).not.toHaveProperty("inventoryDetails");
    expect(running().responseChecks.filter((c) => c.operationId === "getInventorySummaries")).toHaveLength(3);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given requests off the model, when sent, then each is 400 InvalidInput: no granularityType, a granularity the model does not list, 51 sellerSkus, two marketplaceIds, a granularityId that is not the marketplace, a startDateTime that is not a date-time or is older than 18 months", async () => {
    await start();
    const skus51 = Array.from({ length: 51 }, (_, i) => `S${i}`).join(",");
    const refused = [
      `/fba/inventory/v1/summaries?granularityId=${US}&marketplaceIds=${US}`,
      `/fba/inventory/v1/summaries?granularityType=Country&granularityId=${US}&marketplaceIds=${US}`,
      `${SUMMARIES}&sellerSkus=${skus51}`,
      `/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=${US}&marketplaceIds=${US},A2EUQ1WTGCTBG2`,
      `/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=A2EUQ1WTGCTBG2&marketplaceIds=${US}`,
      `${SUMMARIES}&startDateTime=yesterday`,
      `${SUMMARIES}&startDateTime=${new Date(clock - 600 * 86_400_000).toISOString()}`,
    ];
    for (const path of refused) {
      clock += 1000;
      const answer = await sp(path);
      expect(answer.status, path).toBe(400);
      expect(((await answer.json()) as AmazonErrors).errors[0].code, path).toBe("InvalidInput");
    }
    // And 50 sellerSkus are fine
    clock += 1000;
    expect((await sp(`${SUMMARIES}&sellerSkus=${Array.from({ length: 50 }, (_, i) => `S${i}`).join(",")}`)).status).toBe(200);
  });

  it("given five FBA SKUs and pages of two, when read with nextToken, then every SKU comes once in three pages; sellerSkus narrows the set; a token older than 30 seconds is refused", async () => {
    // Given
    await startWith([...fbaListings(5), { sku: "OWN-1", quantity: 3, priceCents: 999, asin: "B0OWN00001" }], 2);
    // When
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      clock += 1000;
      const answer = (await (await sp(`${SUMMARIES}&details=true${token ? `&nextToken=${encodeURIComponent(token)}` : ""}`)).json()) as Summaries;
      seen.push(...answer.payload.inventorySummaries.map((s) => s.sellerSku));
      token = answer.pagination?.nextToken;
      pages++;
    } while (token);
    // Then
    expect(pages).toBe(3);
    expect(seen).toEqual(["FBA-01", "FBA-02", "FBA-03", "FBA-04", "FBA-05"]);

    clock += 1000;
    const some = (await (await sp(`${SUMMARIES}&sellerSkus=FBA-04,FBA-02,OWN-1`)).json()) as Summaries;
    expect(some.payload.inventorySummaries.map((s) => s.sellerSku)).toEqual(["FBA-02", "FBA-04"]);
    clock += 1000;
    const one = (await (await sp(`${SUMMARIES}&sellerSku=FBA-03`)).json()) as Summaries;
    expect(one.payload.inventorySummaries.map((s) => [s.sellerSku, s.totalQuantity])).toEqual([["FBA-03", 12]]);

    clock += 1000;
    const stale = ((await (await sp(SUMMARIES)).json()) as Summaries).pagination!.nextToken!;
    clock += 31_000;
    const expired = await sp(`${SUMMARIES}&nextToken=${encodeURIComponent(stale)}`);
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as AmazonErrors).errors[0].details).toMatch(/expired/);
    expect(running().responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given getInventorySummaries' plan in fbaInventory.json (2 per second, burst 2), when a third call comes at once, then 429 QuotaExceeded, and half a second later it passes", async () => {
    await start();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await sp(SUMMARIES)).status);
    expect(statuses).toEqual([200, 200, 429]);
    clock += 500;
    expect((await sp(SUMMARIES)).status).toBe(200);
  });
});
