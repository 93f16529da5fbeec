import { afterEach, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator } from "../../../simulators/ebay/server";
import type { ImportedOrder, OrderPage } from "../connector";
import { createEbayConnector, type EbayConnectorOptions } from "./connector";
import { encodeCursor } from "./orders";

// The eBay connector after the sale, against the simulated eBay: a cancellation made in Shopify
// passed on through the Post-Order API (whole orders only), and buyers' returns read from the
// Post-Order API into the orders the import already holds.

const SELLER = { userId: "seller-1", marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const running: EbaySimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A simulated eBay and a connector on one clock, which the story moves (never back). */
async function setup(options: Partial<EbayConnectorOptions> = {}) {
  const clock = { at: Date.parse("2026-05-04T10:00:00.000Z") };
  const now = () => clock.at;
  const sim = await startEbaySimulator({
    now,
    accessTokenLifetimeSeconds: 365 * 86_400,
    accounts: [{ ...SELLER, listings: [{ sku: "MUG", offerId: "7000000001", quantity: 50, priceCents: 2500 }] }],
  });
  running.push(sim);
  const connector = createEbayConnector(
    { accountId: SELLER.userId, region: SELLER.marketplaceId, credentials: SELLER, endpoints: { api: sim.url } },
    { now, retry: { attempts: 2, baseDelayMs: 1 }, orderSettleMs: 0, ...options },
  );
  const tick = (ms = 1000) => (clock.at += ms);
  const calls = (operationId: string) => sim.calls.filter((c) => c.operationId === operationId);
  return { sim, connector, clock, tick, calls };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** A buyer's order of `quantity`, fetched once (the import holds it), then shipped by the seller and fetched again. */
async function importedAndShipped({ sim, connector, tick }: Setup, quantity: number) {
  const start = await connector.fetchOrders(null);
  tick();
  const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity });
  tick();
  const imported = await connector.fetchOrders(start.cursor);
  expect(imported.orders.map((o) => o.externalOrderId)).toEqual([orderId]);
  sim.state.shipOrder(orderId);
  tick();
  const shipped = await connector.fetchOrders(imported.cursor);
  expect(shipped.orders.map((o) => [o.externalOrderId, o.status])).toEqual([[orderId, "FULFILLED"]]);
  tick();
  return { orderId, cursor: shipped.cursor };
}

const linesOf = (page: OrderPage) =>
  page.orders.map((o: ImportedOrder) => [o.externalOrderId, o.lines.map((l) => [l.quantity, l.returnedQuantity, l.refundedQuantity])]);

describe("eBay connector: a cancellation made in Shopify", () => {
  it("given an order of 3 not shipped, when the merchant cancels it in Shopify at the customer's request, then eBay is asked whether it may be cancelled and cancels it as BUYER_ASKED_CANCEL, the outcome is accepted, and the next fetch brings it cancelled, every unit", async () => {
    const s = await setup();
    const start = await s.connector.fetchOrders(null);
    s.tick();
    const { orderId } = s.sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 3 });
    s.tick();
    const imported = await s.connector.fetchOrders(start.cursor);
    s.tick();

    const outcome = await s.connector.cancelOrder!({ externalOrderId: orderId, lines: [{ channelSku: "MUG", quantity: 3 }], reason: "customer" });
    expect(outcome).toEqual({ status: "accepted" });
    expect([s.calls("checkCancellationEligibility").length, s.calls("createCancellation").map((c) => c.body)]).toEqual([
      1,
      [{ legacyOrderId: orderId, cancelReason: "BUYER_ASKED_CANCEL", buyerPaid: true, buyerPaidDate: { value: "2026-05-04T10:00:01.000Z" } }],
    ]);
    expect(s.sim.state.orders[0]).toMatchObject({ cancelled: true, sellerCancellation: { reason: "BUYER_ASKED_CANCEL" } });

    s.tick();
    const next = await s.connector.fetchOrders(imported.cursor);
    expect(next.orders).toEqual([
      expect.objectContaining({
        externalOrderId: orderId,
        cancelled: true,
        lines: [expect.objectContaining({ quantity: 3, cancelledQuantity: 3, refundedQuantity: 3 })],
      }),
    ]);
    // Cancelled on eBay already: nothing more is asked of it.
    expect(await s.connector.cancelOrder!({ externalOrderId: orderId, lines: [{ channelSku: "MUG", quantity: 3 }], reason: "other" })).toEqual({
      status: "accepted",
    });
    expect(s.calls("createCancellation")).toHaveLength(1);
    expect(s.sim.responseViolations).toEqual([]);
  });

  it("given an order shipped, one whose buyer asked eBay to cancel it, and one sold 31 days ago, when cancelled in Shopify, then each is rejected with eBay's reason in the merchant's words, eBay cancels nothing and no cancellation is created", async () => {
    const s = await setup();
    const place = () => s.sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 1 }).orderId;
    const old = place();
    s.tick(31 * DAY_MS);
    const shipped = place();
    s.sim.state.shipOrder(shipped);
    const requested = place();
    s.sim.state.requestCancellation(requested);

    const outcomes = [];
    for (const orderId of [shipped, requested, old]) {
      outcomes.push(await s.connector.cancelOrder!({ externalOrderId: orderId, lines: [{ channelSku: "MUG", quantity: 1 }], reason: "inventory" }));
    }
    expect(outcomes).toEqual([
      { status: "rejected", message: expect.stringMatching(/has shipped.*\(SHIPPED_ORDER\)/) },
      { status: "rejected", message: expect.stringMatching(/approve the request in Seller Hub.*\(CANCELLATION_EXIST\)/) },
      { status: "rejected", message: expect.stringMatching(/30 days after the sale.*\(CANCEL_WINDOW_ELAPSED\)/) },
    ]);
    expect(s.calls("createCancellation")).toEqual([]);
    expect(s.sim.state.orders.map((o) => o.cancelled)).toEqual([false, false, false]);
  });

  it("given an order of 3, when Shopify cancels 1 unit of it, then the outcome is unsupported saying eBay cancels whole orders only, and the Post-Order API is not called; an order eBay does not have is rejected", async () => {
    const s = await setup();
    const { orderId } = s.sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 3 });
    const part = await s.connector.cancelOrder!({ externalOrderId: orderId, lines: [{ channelSku: "MUG", quantity: 1 }], reason: "inventory" });
    expect(part).toEqual({
      status: "unsupported",
      message: expect.stringContaining("eBay cancels whole orders only, and this cancels 1 of its 3 unit(s) of MUG"),
    });
    const unknown = await s.connector.cancelOrder!({ externalOrderId: "99-99999-99999", lines: [{ channelSku: "MUG", quantity: 1 }], reason: "inventory" });
    expect(unknown).toEqual({ status: "rejected", message: expect.stringContaining("99-99999-99999") });
    expect(s.sim.calls.filter((c) => ["checkCancellationEligibility", "createCancellation"].includes(c.operationId))).toEqual([]);
    expect(s.sim.state.orders[0].cancelled).toBe(false);
  });
});

describe("eBay connector: buyers' returns (Post-Order API)", () => {
  it("given an order of 3 imported and shipped, when the buyer returns 2, the parcel reaches the seller and the seller refunds them, then the next fetch after each step sends the order back with 2 returned, then 2 refunded as well, and a fetch with nothing new sends nothing", async () => {
    const s = await setup({ returnsReadEveryMs: 0 });
    const { orderId, cursor } = await importedAndShipped(s, 3);

    const { returnId } = s.sim.state.openReturn(orderId, 2);
    s.tick();
    const opened = await s.connector.fetchOrders(cursor);
    expect(opened.orders).toEqual([]);

    s.sim.state.deliverReturn(returnId);
    s.tick();
    const received = await s.connector.fetchOrders(opened.cursor);
    expect(linesOf(received)).toEqual([[orderId, [[3, 2, 0]]]]);
    s.tick();
    const quiet = await s.connector.fetchOrders(received.cursor);
    expect(quiet.orders).toEqual([]);

    s.sim.state.refundReturn(returnId);
    s.tick();
    const refunded = await s.connector.fetchOrders(quiet.cursor);
    // The refund moved the order (lastModifiedDate) and the return: it comes once, with both counts.
    expect(linesOf(refunded)).toEqual([[orderId, [[3, 2, 2]]]]);
    s.tick();
    expect((await s.connector.fetchOrders(refunded.cursor)).orders).toEqual([]);
    expect(s.sim.responseViolations).toEqual([]);
  });

  it("given a return delivered and refunded between two readings, when read, then its detail shows the parcel arrived and the order comes back with 2 returned and 2 refunded; a return refunded before its parcel shipped counts refunded only", async () => {
    const s = await setup({ returnsReadEveryMs: 0 });
    const first = await importedAndShipped(s, 2);
    const second = await importedAndShipped(s, 2);

    const delivered = s.sim.state.openReturn(first.orderId, 2).returnId;
    const kept = s.sim.state.openReturn(second.orderId, 2).returnId;
    s.sim.state.deliverReturn(delivered);
    s.sim.state.refundReturn(delivered);
    s.sim.state.refundReturn(kept);
    s.tick();
    const page = await s.connector.fetchOrders(second.cursor);
    expect(linesOf(page).sort()).toEqual(
      [
        [first.orderId, [[2, 2, 2]]],
        [second.orderId, [[2, 0, 2]]],
      ].sort(),
    );
    expect(s.calls("getReturn").map((c) => c.status)).toEqual([200, 200]);
    s.tick();
    expect((await s.connector.fetchOrders(page.cursor)).orders).toEqual([]);
    // Each return's detail was read once, when first seen closed.
    expect(s.calls("getReturn")).toHaveLength(2);
  });

  it("given returns read hourly, when polled every minute, then eBay's returns are searched once an hour, and a return delivered in between comes with the next hour's reading", async () => {
    const s = await setup();
    const { orderId, cursor } = await importedAndShipped(s, 2);
    const searches = () => s.calls("searchReturns").length;
    const before = searches();
    expect(before).toBe(2); // the first poll read them: open, then closed

    s.sim.state.deliverReturn(s.sim.state.openReturn(orderId, 1).returnId);
    let at = cursor;
    const seen: string[] = [];
    for (let minute = 0; minute < 61; minute++) {
      s.tick(60_000);
      const page = await s.connector.fetchOrders(at);
      seen.push(...page.orders.map((o) => `${minute}:${o.lines[0].returnedQuantity}`));
      at = page.cursor;
    }
    // An hour after the first reading (the first poll, 4 s before the minutes began).
    expect(seen).toEqual(["59:1"]);
    expect(searches() - before).toBe(2);
  });

  it("given an order sold before the connector began, when its buyer's return arrives, then it is never sent back (its stock was never Anchorline's)", async () => {
    const s = await setup({ returnsReadEveryMs: 0 });
    const { orderId } = s.sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 1 });
    s.sim.state.shipOrder(orderId);
    s.tick(HOUR_MS);
    const start = await s.connector.fetchOrders(null);
    s.sim.state.deliverReturn(s.sim.state.openReturn(orderId, 1).returnId);
    s.tick();
    const page = await s.connector.fetchOrders(start.cursor);
    expect(page.orders).toEqual([]);
    s.tick();
    expect((await s.connector.fetchOrders(page.cursor)).orders).toEqual([]);
  });

  it("given a cursor written before returns were read, when fetched, then the orders go on from it and returns are read from its instant on", async () => {
    const s = await setup({ returnsReadEveryMs: 0 });
    const since = new Date(s.clock.at).toISOString();
    s.tick();
    const { orderId } = s.sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 2 });
    s.sim.state.shipOrder(orderId);
    s.sim.state.deliverReturn(s.sim.state.openReturn(orderId, 1).returnId);
    s.tick();
    const page = await s.connector.fetchOrders(encodeCursor({ after: since, seenAtAfter: [] }));
    expect(linesOf(page)).toEqual([[orderId, [[2, 1, 0]]]]);
  });

  it("given eBay's return search failing (500), when fetched, then the orders still come, the failure is kept in the cursor, and the next poll reads the returns again", async () => {
    const s = await setup({ returnsReadEveryMs: 0 });
    const { orderId, cursor } = await importedAndShipped(s, 2);
    s.sim.state.deliverReturn(s.sim.state.openReturn(orderId, 2).returnId);
    const placed = s.sim.state.placeOrder({ userId: SELLER.userId, sku: "MUG", quantity: 1 }).orderId;
    const returns = s.sim.state.returnRequests;
    // While down, the simulated search throws: the simulator answers 500, as a failing eBay would, to every retry.
    Object.defineProperty(s.sim.state, "returnRequests", {
      configurable: true,
      get: () => {
        throw new Error("search down");
      },
    });
    s.tick();
    const failed = await s.connector.fetchOrders(cursor);
    Object.defineProperty(s.sim.state, "returnRequests", { configurable: true, value: returns });
    expect(failed.orders.map((o) => o.externalOrderId)).toEqual([placed]);
    expect(JSON.parse(failed.cursor).returns.failure).toContain("searchReturns");
    s.tick();
    const healed = await s.connector.fetchOrders(failed.cursor);
    expect(linesOf(healed)).toEqual([[orderId, [[2, 2, 0]]]]);
    expect(JSON.parse(healed.cursor).returns.failure).toBeUndefined();
  });
});
