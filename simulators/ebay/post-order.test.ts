import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenApiContract } from "../common/openapi";
import { SELLER_CANCEL_WINDOW_MS } from "./cancellations";
import { startEbaySimulator, type EbaySimulator } from "./server";
import { ebayAccessToken } from "./test-helpers";

// The Post-Order API v2 as the simulator holds it to eBay's reference pages: the seller's
// cancellation (its eligibility, and the order it cancels in the Fulfillment API's view) and
// buyers' returns (search by creation date and state, one return's detail), behind the API's own
// gateway rules (`IAF <token>`, X-EBAY-C-MARKETPLACE-ID).

const SELLER = { userId: "seller-1", marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };
const DAY_MS = 86_400_000;

let sim: EbaySimulator;
let token: string;
/** The simulated eBay's clock: real time, moved on by `skipped` (never back). */
let skipped = 0;
const now = () => Date.now() + skipped;

beforeAll(async () => {
  sim = await startEbaySimulator({
    now,
    // A day's worth of skipped time must not outlive the access token.
    accessTokenLifetimeSeconds: 365 * 86_400,
    accounts: [{ ...SELLER, listings: [{ sku: "MUG-BLUE", offerId: "5000000001", quantity: 50, priceCents: 1299, title: "Blue mug" }] }],
  });
  token = await ebayAccessToken(sim.url, SELLER);
});

afterAll(async () => {
  await sim.stop();
});

interface Call {
  method?: string;
  body?: unknown;
  authorization?: string | null;
  marketplace?: string | null;
}

function postOrder(path: string, { method = "GET", body, authorization = `IAF ${token}`, marketplace = "EBAY_US" }: Call = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (authorization) headers.authorization = authorization;
  if (marketplace) headers["x-ebay-c-marketplace-id"] = marketplace;
  return fetch(`${sim.url}/post-order/v2${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const fulfillmentContract = new OpenApiContract("ebay-sell/sell_fulfillment_v1_oas3.json", "/sell/fulfillment/v1");

interface FulfillmentOrder {
  orderId: string;
  lastModifiedDate: string;
  orderPaymentStatus: string;
  cancelStatus: { cancelState: string };
  lineItems: Array<{ lineItemId: string; legacyItemId: string; refunds: Array<{ amount: { value: string } }> }>;
}

async function fulfillmentOrder(orderId: string): Promise<FulfillmentOrder> {
  const response = await fetch(`${sim.url}/sell/fulfillment/v1/order?orderIds=${orderId}`, { headers: { authorization: `Bearer ${token}` } });
  const page = (await response.json()) as { orders: FulfillmentOrder[] };
  expect(fulfillmentContract.checkResponse("getOrders", 200, page)).toEqual([]);
  return page.orders[0];
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
const errorOf = async (response: Response) => ((await response.json()) as { errorMessage: { error: Array<Record<string, unknown>> } }).errorMessage.error[0];

describe("the eBay simulator's seller cancellation (Post-Order POST /cancellation)", () => {
  it("given an order of 2 not shipped, when the seller checks it and cancels it for being out of stock, then it is eligible, eBay answers 201 with a cancelId, and getOrders shows it CANCELED, refunded in full and modified, with the units back on the listing", async () => {
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 2 });
    const listed = sim.state.listing("MUG-BLUE")!.quantity;
    const before = await fulfillmentOrder(orderId);
    await pause();

    const check = await postOrder("/cancellation/check_eligibility", { method: "POST", body: { legacyOrderId: orderId } });
    expect(check.status).toBe(200);
    expect(await check.json()).toEqual({
      legacyOrderId: orderId,
      eligible: true,
      eligibleCancelReason: ["ADDRESS_ISSUES", "BUYER_ASKED_CANCEL", "OUT_OF_STOCK_OR_CANNOT_FULFILL"],
      itemEligibilityResult: [{ itemId: before.lineItems[0].legacyItemId, transactionId: before.lineItems[0].lineItemId, eligible: true }],
    });
    const created = await postOrder("/cancellation", {
      method: "POST",
      body: {
        legacyOrderId: orderId,
        cancelReason: "OUT_OF_STOCK_OR_CANNOT_FULFILL",
        buyerPaid: true,
        buyerPaidDate: { value: new Date(now() - 1000).toISOString() },
      },
    });
    expect(created.status).toBe(201);
    const { cancelId } = (await created.json()) as { cancelId: string };
    expect(cancelId).toMatch(/^\d+$/);

    const after = await fulfillmentOrder(orderId);
    expect(after).toMatchObject({ cancelStatus: { cancelState: "CANCELED" }, orderPaymentStatus: "FULLY_REFUNDED" });
    expect(Date.parse(after.lastModifiedDate)).toBeGreaterThan(Date.parse(before.lastModifiedDate));
    expect(sim.state.listing("MUG-BLUE")!.quantity).toBe(listed + 2);
    expect(sim.state.orders.find((o) => o.orderId === orderId)?.sellerCancellation).toMatchObject({ cancelId, reason: "OUT_OF_STOCK_OR_CANNOT_FULFILL" });

    const again = await postOrder("/cancellation", { method: "POST", body: { legacyOrderId: orderId, cancelReason: "OUT_OF_STOCK_OR_CANNOT_FULFILL" } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ orderEligibilityResult: { eligible: false, failureReason: ["CANCELLATION_EXIST"] } });
  });

  it("given an order shipped, one with the buyer's request open, one past the seller's 30 days and one eBay does not have, when the seller asks, then each is refused with eBay's reason, no cancelId, and nothing changes", async () => {
    const shipped = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 }).orderId;
    sim.state.shipOrder(shipped);
    const requested = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 }).orderId;
    sim.state.requestCancellation(requested);
    const old = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 }).orderId;
    // The clock only moves on (the call limits' buckets would not survive it going back): later stories run a month on.
    skipped += SELLER_CANCEL_WINDOW_MS + DAY_MS;
    const refusals: Array<[string, string[]]> = [
      [shipped, ["SHIPPED_ORDER", "CANCEL_WINDOW_ELAPSED"]],
      [requested, ["CANCELLATION_EXIST", "CANCEL_WINDOW_ELAPSED"]],
      [old, ["CANCEL_WINDOW_ELAPSED"]],
      ["99-99999-99999", ["INVALID_ORDER"]],
    ];
    for (const [orderId, reasons] of refusals) {
      const check = (await (await postOrder("/cancellation/check_eligibility", { method: "POST", body: { legacyOrderId: orderId } })).json()) as Record<
        string,
        unknown
      >;
      expect(check).toMatchObject({ legacyOrderId: orderId, eligible: false, failureReason: reasons });
      expect(check.eligibleCancelReason).toBeUndefined();
      const created = await postOrder("/cancellation", { method: "POST", body: { legacyOrderId: orderId, cancelReason: "BUYER_ASKED_CANCEL" } });
      expect(created.status).toBe(200);
      const body = (await created.json()) as Record<string, unknown>;
      expect(body.cancelId).toBeUndefined();
      expect(body.orderEligibilityResult).toEqual(check);
    }
    expect(sim.state.orders.filter((o) => [shipped, requested, old].includes(o.orderId)).map((o) => o.cancelled)).toEqual([false, false, false]);
  });

  it("given requests eBay's gateway or the request type refuse (a Bearer or TOKEN header, no marketplace header, no order id, a buyer's or deprecated reason, a buyerPaid that is not a boolean, a body that is not JSON), when posted, then each is refused in the Post-Order error shape and the order stays as it was", async () => {
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
    const body = { legacyOrderId: orderId, cancelReason: "OUT_OF_STOCK_OR_CANNOT_FULFILL" };

    for (const authorization of [`Bearer ${token}`, `TOKEN ${token}`, `iaf ${token}`, null]) {
      const refused = await postOrder("/cancellation", { method: "POST", body, authorization });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ errors: [{ errorId: 1001, domain: "OAuth" }] });
    }
    const noMarketplace = await postOrder("/cancellation", { method: "POST", body, marketplace: null });
    expect(noMarketplace.status).toBe(400);
    expect(await errorOf(noMarketplace)).toMatchObject({ domain: "cancelErrorDomain", severity: "ERROR", parameter: [{ name: "X-EBAY-C-MARKETPLACE-ID" }] });

    const badBodies: Array<[unknown, string]> = [
      [{ cancelReason: "OUT_OF_STOCK_OR_CANNOT_FULFILL" }, "legacyOrderId"],
      [{ legacyOrderId: orderId, cancelReason: "ORDER_MISTAKE" }, "only be given by the buyer"],
      [{ legacyOrderId: orderId, cancelReason: "OTHER" }, "deprecated"],
      [{ legacyOrderId: orderId, cancelReason: "NOT_A_REASON" }, "CancelReasonEnum"],
      [{ legacyOrderId: orderId, cancelReason: "ORDER_UNPAID" }, "not one this order can be cancelled for"],
      [{ legacyOrderId: orderId, buyerPaid: "yes" }, "buyerPaid"],
      [{ legacyOrderId: orderId, buyerPaidDate: { value: "yesterday" } }, "buyerPaidDate"],
    ];
    for (const [bad, says] of badBodies) {
      const refused = await postOrder("/cancellation", { method: "POST", body: bad });
      expect(refused.status).toBe(400);
      expect(await errorOf(refused)).toMatchObject({
        domain: "cancelErrorDomain",
        category: "REQUEST",
        message: expect.stringContaining(says),
        httpStatusCode: "400",
      });
    }
    const unreadable = await fetch(`${sim.url}/post-order/v2/cancellation`, {
      method: "POST",
      headers: { authorization: `IAF ${token}`, "x-ebay-c-marketplace-id": "EBAY_US", "content-type": "application/json" },
      body: "{not json",
    });
    expect(unreadable.status).toBe(400);
    expect(sim.state.orders.find((o) => o.orderId === orderId)?.cancelled).toBe(false);
  });
});

interface ReturnSummary {
  returnId: string;
  orderId: string;
  state: string;
  status: string;
  creationInfo: { item: { itemId: string; transactionId: string; returnQuantity: number }; creationDate: { value: string } };
  sellerTotalRefund: { estimatedRefundAmount: { value: number; currency: string }; actualRefundAmount?: { value: number; currency: string } };
}
interface SearchAnswer {
  countSummary: Array<{ count: number; type: string }>;
  members: ReturnSummary[];
  paginationOutput: { limit: number; offset: number; totalEntries: number; totalPages: number };
}

async function search(query: Record<string, string>): Promise<SearchAnswer> {
  const response = await postOrder(`/return/search?${new URLSearchParams(query).toString()}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SearchAnswer;
}

describe("the eBay simulator's returns (Post-Order GET /return/search, GET /return/{returnId})", () => {
  it("given a shipped order of 3 at 12.99, when the buyer returns 2, the parcel reaches the seller and the seller refunds them, then the search by creation date shows each step with the line's item and transaction ids, only the refund moves the order in getOrders, and the detail's history says the parcel was delivered", async () => {
    const since = new Date(now() - 1000).toISOString();
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 3 });
    sim.state.shipOrder(orderId);
    const shipped = await fulfillmentOrder(orderId);
    await pause();

    const { returnId } = sim.state.openReturn(orderId, 2);
    const opened = await search({ creation_date_range_from: since, creation_date_range_to: new Date(now() + 1000).toISOString(), return_state: "ALL_OPEN" });
    expect(opened.members.filter((m) => m.orderId === orderId)).toEqual([
      expect.objectContaining({
        returnId,
        state: "RETURN_REQUESTED",
        status: "RETURN_REQUESTED",
        creationInfo: expect.objectContaining({
          item: { itemId: shipped.lineItems[0].legacyItemId, transactionId: shipped.lineItems[0].lineItemId, returnQuantity: 2 },
        }),
        sellerTotalRefund: { estimatedRefundAmount: { value: 25.98, currency: "USD" } },
      }),
    ]);

    sim.state.deliverReturn(returnId);
    const delivered = await search({ order_id: orderId, return_state: "ITEM_DELIVERED" });
    expect(delivered.members.map((m) => [m.returnId, m.state, m.status])).toEqual([[returnId, "ITEM_DELIVERED", "ITEM_DELIVERED"]]);
    expect(delivered.countSummary).toEqual([{ count: 1, type: "ITEM_DELIVERED" }]);
    expect((await fulfillmentOrder(orderId)).lastModifiedDate).toBe(shipped.lastModifiedDate);
    await pause();

    sim.state.refundReturn(returnId);
    expect((await search({ order_id: orderId })).members).toEqual([]);
    const closed = await search({ order_id: orderId, return_state: "CLOSED" });
    expect(closed.members).toEqual([
      expect.objectContaining({
        returnId,
        state: "CLOSED",
        status: "CLOSED",
        sellerTotalRefund: expect.objectContaining({ actualRefundAmount: { value: 25.98, currency: "USD" } }),
      }),
    ]);
    const refunded = await fulfillmentOrder(orderId);
    expect(Date.parse(refunded.lastModifiedDate)).toBeGreaterThan(Date.parse(shipped.lastModifiedDate));
    expect(refunded.lineItems[0].refunds.map((r) => r.amount.value)).toEqual(["25.98"]);

    const detail = (await (await postOrder(`/return/${returnId}`)).json()) as {
      detail: { itemDetail: { returnQuantity: number }; responseHistory: Array<{ activity: string; fromState: string; toState: string }> };
    };
    expect(detail.detail.itemDetail.returnQuantity).toBe(2);
    expect(detail.detail.responseHistory.map((h) => [h.activity, h.toState])).toEqual([
      ["BUYER_CREATE_RETURN", "RETURN_REQUESTED"],
      ["SELLER_APPROVE_REQUEST", "ITEM_READY_TO_SHIP"],
      ["BUYER_MARK_RETURN_SHIPPED", "ITEM_SHIPPED"],
      ["NOTIFIED_DELIVERED", "ITEM_DELIVERED"],
      ["SELLER_ISSUE_REFUND", "CLOSED"],
    ]);
    const summary = (await (await postOrder(`/return/${returnId}?fieldgroups=SUMMARY`)).json()) as { summary: ReturnSummary; detail?: unknown };
    expect([summary.summary.state, summary.detail]).toEqual(["CLOSED", undefined]);
    expect((await postOrder("/return/5999999999")).status).toBe(404);
  });

  it("given 5 returns, when searched in pages of 2, by creation window, by return id or as the buyer, then pages skip entries by offset, the window and the id narrow the list, and the buyer's role finds none", async () => {
    const since = new Date(now() - 1000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 1 });
      sim.state.shipOrder(orderId);
      ids.push(sim.state.openReturn(orderId, 1).returnId);
      await pause();
    }
    const window = { creation_date_range_from: since, creation_date_range_to: new Date(now() + 1000).toISOString(), sort: "+FILING_DATE", limit: "2" };
    const pages = [];
    for (let offset = 0; offset < 6; offset += 2) pages.push(await search({ ...window, offset: String(offset) }));
    expect(pages.map((p) => p.members.map((m) => m.returnId))).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
    expect(pages[0].paginationOutput).toEqual({ limit: 2, offset: 0, totalEntries: 5, totalPages: 3 });

    const later = await search({
      ...window,
      limit: "200",
      creation_date_range_from: new Date(now() + 500).toISOString(),
      creation_date_range_to: new Date(now() + 2000).toISOString(),
    });
    expect(later.members).toEqual([]);
    expect((await search({ return_id: ids[3], order_id: "ignored" })).members.map((m) => m.returnId)).toEqual([ids[3]]);
    expect((await search({ ...window, role: "BUYER" })).members).toEqual([]);
  });

  it("given searches eBay would refuse (a limit over 200, a window that ends before it starts or starts 19 months back, an unknown state filter, a role in lower case, an unknown sort) and a Bearer header, when sent, then each is refused", async () => {
    const refused: Array<Record<string, string>> = [
      { limit: "201" },
      { limit: "0" },
      { offset: "-1" },
      { creation_date_range_from: new Date(now()).toISOString(), creation_date_range_to: new Date(now() - DAY_MS).toISOString() },
      { creation_date_range_from: new Date(now() - 580 * DAY_MS).toISOString() },
      { creation_date_range_from: "last week" },
      { return_state: "UNKNOWN" },
      { states: "NOT_A_STATE" },
      { role: "seller" },
      { sort: "FILING" },
    ];
    for (const query of refused) {
      const response = await postOrder(`/return/search?${new URLSearchParams(query).toString()}`);
      expect([query, response.status]).toEqual([query, 400]);
      expect(await errorOf(response)).toMatchObject({ domain: "returnErrorDomain", category: "REQUEST" });
    }
    expect((await postOrder("/return/search", { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it("given an order not shipped, when the buyer would return it, more units than shipped or a step out of order, then the hooks refuse as eBay's flow would", async () => {
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG-BLUE", quantity: 2 });
    expect(() => sim.state.openReturn(orderId, 1)).toThrow(/0 shipped unit/);
    sim.state.shipOrder(orderId);
    expect(() => sim.state.openReturn(orderId, 3)).toThrow(/2 shipped unit/);
    const { returnId } = sim.state.openReturn(orderId, 2);
    expect(() => sim.state.openReturn(orderId, 1)).toThrow(/0 shipped unit/);
    sim.state.refundReturn(returnId);
    expect(() => sim.state.deliverReturn(returnId)).toThrow(/CLOSED/);
    expect(() => sim.state.refundReturn(returnId)).toThrow(/closed/);

    const control = await fetch(`${sim.url}/_simulator/orders/${orderId}/returns`, { method: "POST", body: JSON.stringify({ quantity: 1 }) });
    expect(control.status).toBe(400);
  });

  it("given everything above, then every Fulfillment API answer still matched eBay's documented response", () => {
    expect(sim.responseViolations).toEqual([]);
  });
});
