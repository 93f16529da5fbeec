import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createRedisConnection } from "~/queues.server";
import { startEbaySimulator, type EbaySimulator, type SimListingSeed } from "../../../simulators/ebay/server";
import { fulfillmentStatusOf } from "../../../simulators/ebay/state";
import { ChannelError, type Connector, type QuantityUpdate } from "../connector";
import { createEbayConnector, type EbayConnectorOptions } from "./connector";
import { lineTax } from "./orders";
import { closeSharedRevisionRedis, msUntilNextUtcDay, RedisRevisionCounter, revisionKey, utcDay } from "./revisions.server";

const SELLER = { userId: "seller-1", marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };
// Retries wait exactly their backoff (no jitter) so the throttled story takes a known time.
const FAST_RETRY = { baseDelayMs: 250, random: () => 1 };

// Two connections: two worker processes sharing one Redis.
const redisA = createRedisConnection();
const redisB = createRedisConnection();
afterAll(async () => {
  redisA.disconnect();
  redisB.disconnect();
  await closeSharedRevisionRedis();
});

/**
 * A line of `units` at 25.00 shipped to California (the simulator's default): 7.25% of the line,
 * rounded to the cent, which eBay collects and remits ('eBay Collect and Remit').
 */
const taxedCA = (units: 2 | 3) => ({ taxCents: { 2: 363, 3: 544 }[units], taxCollectedByMarketplace: true });

const running: EbaySimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function listings(count: number, seed: Partial<SimListingSeed> = {}): SimListingSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(3, "0")}`,
    offerId: String(7_000_000_000 + i + 1),
    quantity: 10,
    priceCents: 2500,
    ...seed,
  }));
}

interface SetupOptions {
  connector?: Partial<EbayConnectorOptions>;
  rateLimitScale?: number;
  /** One clock for the simulated eBay and the connector. */
  now?: () => number;
}

async function setup(seedListings: SimListingSeed[], options: SetupOptions = {}) {
  const sim = await startEbaySimulator({ accounts: [{ ...SELLER, listings: seedListings }], rateLimitScale: options.rateLimitScale, now: options.now });
  running.push(sim);
  // A key prefix of the test's own: tests of this file share QUEUE_PREFIX and the seller id.
  const prefix = `${process.env.QUEUE_PREFIX}:${randomUUID()}`;
  const connectorFor = (redis = redisA) => {
    const revisions = new RedisRevisionCounter(redis, SELLER.userId, prefix);
    const connector = createEbayConnector(
      {
        accountId: SELLER.userId,
        region: SELLER.marketplaceId,
        credentials: { appId: SELLER.appId, certId: SELLER.certId, refreshToken: SELLER.refreshToken },
        endpoints: { api: sim.url },
      },
      { revisions, retry: FAST_RETRY, now: options.now, ...options.connector },
    );
    return { connector, revisions };
  };
  const { connector, revisions } = connectorFor();
  /** Pretends the app already revised `sku` this many times today. */
  const seedRevisions = (sku: string, count: number, at = (options.now ?? Date.now)()) =>
    redisA.set(revisionKey(prefix, SELLER.userId, sku, utcDay(at)), count);
  return { sim, connector, revisions, connectorFor, seedRevisions };
}

const bulkCalls = (sim: EbaySimulator) => sim.calls.filter((c) => c.operationId === "bulkUpdatePriceQuantity");
const tokenCalls = (sim: EbaySimulator) => sim.requests.filter((r) => r.path === "/identity/v1/oauth2/token");

describe("eBay connector: quantities and prices", () => {
  it("given 60 quantity changes, one for a SKU eBay does not know and one naming another SKU's offer, when pushed, then they go as calls of 25, 25 and 10 and each SKU gets its own outcome", async () => {
    const { sim, connector, revisions } = await setup(listings(60));
    const updates: QuantityUpdate[] = listings(60).map((l, i) => ({ channelSku: l.sku, externalId: l.offerId, quantity: i }));
    updates[29] = { channelSku: "SKU-GONE", externalId: null, quantity: 5 };
    updates[54] = { ...updates[54], externalId: listings(60)[0].offerId };

    const outcomes = await connector.pushQuantities(updates);

    // "up to 25" inventory items a call (BulkPriceQuantity.requests, Inventory API definition)
    expect(bulkCalls(sim).map((c) => (c.body as { requests: unknown[] }).requests.length)).toEqual([25, 25, 10]);
    expect(outcomes.map((o) => o.channelSku)).toEqual(updates.map((u) => u.channelSku));
    expect(outcomes[29]).toMatchObject({ channelSku: "SKU-GONE", status: "rejected", code: "25702" });
    expect(outcomes[54]).toMatchObject({ channelSku: "SKU-055", status: "rejected", code: "25754" });
    const others = outcomes.filter((_o, i) => i !== 29 && i !== 54);
    expect(others.every((o) => o.status === "accepted")).toBe(true);
    updates.filter((_u, i) => i !== 29 && i !== 54).forEach((u) => expect(sim.state.listing(u.channelSku)?.quantity).toBe(u.quantity));
    expect(sim.state.listing("SKU-055")?.quantity).toBe(10);
    expect(sim.responseViolations).toEqual([]);
    // A revision eBay refused is not counted against the listing's 250.
    expect(await revisions.used("SKU-001", Date.now())).toBe(1);
    expect(await revisions.used("SKU-055", Date.now())).toBe(0);
  });

  it("given an offer sold down below its item and quantities without offer ids, when pushed, then the connector finds each offer and sets the item and the offer alike", async () => {
    const { sim, connector } = await setup([{ ...listings(2)[0], offerQuantity: 1 }, listings(2)[1]]);
    const outcomes = await connector.pushQuantities([
      { channelSku: "SKU-001", quantity: 3 },
      { channelSku: "SKU-002", quantity: 0 },
    ]);
    // Raising only the item's quantity would have left the listing at the offer's 1.
    expect(sim.state.listing("SKU-001")).toMatchObject({ quantity: 3, itemQuantity: 3, offerQuantity: 3 });
    // The offer ids found go back with the outcomes, for the flush to keep on the listings.
    expect(outcomes).toEqual([
      { channelSku: "SKU-001", status: "accepted", externalId: "7000000001" },
      { channelSku: "SKU-002", status: "accepted", externalId: "7000000002" },
    ]);
    expect(bulkCalls(sim)[0].body).toEqual({
      requests: [
        { sku: "SKU-001", shipToLocationAvailability: { quantity: 3 }, offers: [{ offerId: "7000000001", availableQuantity: 3 }] },
        { sku: "SKU-002", shipToLocationAvailability: { quantity: 0 }, offers: [{ offerId: "7000000002", availableQuantity: 0 }] },
      ],
    });
    expect(sim.state.listing("SKU-002")).toMatchObject({ quantity: 0, status: "OUT_OF_STOCK" });
  });

  it("given a price without the offer id, when pushed, then the connector finds the offer and the listing shows the new price", async () => {
    const { sim, connector } = await setup(listings(1));
    const [outcome] = await connector.pushPrices([{ channelSku: "SKU-001", priceCents: 1999, currencyCode: "USD" }]);
    expect(outcome).toEqual({ channelSku: "SKU-001", status: "accepted", externalId: "7000000001" });
    expect(sim.state.listing("SKU-001")?.priceCents).toBe(1999);
    expect(sim.calls.map((c) => c.operationId)).toEqual(["getOffers", "bulkUpdatePriceQuantity"]);
  });

  it("given eBay throttling (429), when pushing, then the call is retried with growing waits and every update lands", async () => {
    // Scaled down, the simulator allows a burst of 2 calls and 1 a second after that.
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    };
    const { sim, connector } = await setup(listings(60), { rateLimitScale: 0.04, connector: { retry: { ...FAST_RETRY, sleep } } });
    const outcomes = await connector.pushQuantities(listings(60).map((l) => ({ channelSku: l.sku, externalId: l.offerId, quantity: 1 })));
    const throttled = sim.requests.filter((r) => r.status === 429).length;
    expect(throttled).toBeGreaterThan(0);
    expect(waits).toHaveLength(throttled);
    expect(waits.slice(0, 3)).toEqual([250, 500, 1000].slice(0, Math.min(3, waits.length)));
    expect(outcomes.every((o) => o.status === "accepted")).toBe(true);
    expect(bulkCalls(sim).filter((c) => c.status === 200)).toHaveLength(3);
    listings(60).forEach((l) => expect(sim.state.listing(l.sku)?.quantity).toBe(1));
  });
});

describe("eBay connector: 250 revisions per listing per day", () => {
  it("given a listing revised 249 times today, when two workers (two connectors, two Redis connections) push it at once, then one revision reaches eBay and the other waits for the next UTC day", async () => {
    const clock = Date.parse("2026-03-02T18:30:00.000Z");
    const now = () => clock;
    const { sim, connectorFor, seedRevisions } = await setup([{ ...listings(2)[0], revisionsToday: 249 }, listings(2)[1]], { now });
    await seedRevisions("SKU-001", 249);
    const workerA = connectorFor(redisA);
    const workerB = connectorFor(redisB);

    const [a, b] = await Promise.all([
      workerA.connector.pushQuantities([{ channelSku: "SKU-001", externalId: "7000000001", quantity: 3 }]),
      workerB.connector.pushQuantities([{ channelSku: "SKU-001", externalId: "7000000001", quantity: 4 }]),
    ]);

    const outcomes = [...a, ...b];
    expect(outcomes.filter((o) => o.status === "accepted")).toHaveLength(1);
    const waiting = outcomes.find((o) => o.status === "retry");
    expect(waiting).toMatchObject({ channelSku: "SKU-001", status: "retry", retryAfterMs: msUntilNextUtcDay(clock) });
    expect(msUntilNextUtcDay(clock)).toBe(5.5 * 3600 * 1000);
    expect(bulkCalls(sim)).toHaveLength(1);
    expect(sim.state.revisions("SKU-001")).toBe(250);
    expect(await workerA.revisions.used("SKU-001", clock)).toBe(250);
  });

  it("given a listing at its cap, when pushed with another, then only the other is sent; and once the UTC day turns, the listing is pushed again", async () => {
    let clock = Date.parse("2026-03-02T23:59:00.000Z");
    const { sim, connector, seedRevisions } = await setup([{ ...listings(2)[0], revisionsToday: 250 }, listings(2)[1]], { now: () => clock });
    await seedRevisions("SKU-001", 250);

    const today = await connector.pushQuantities([
      { channelSku: "SKU-001", externalId: "7000000001", quantity: 4 },
      { channelSku: "SKU-002", externalId: "7000000002", quantity: 7 },
    ]);
    expect(today).toEqual([
      { channelSku: "SKU-001", status: "retry", message: expect.stringContaining("250"), retryAfterMs: 60_000 },
      { channelSku: "SKU-002", status: "accepted" },
    ]);
    expect(bulkCalls(sim).map((c) => (c.body as { requests: Array<{ sku: string }> }).requests.map((r) => r.sku))).toEqual([["SKU-002"]]);
    expect(sim.state.listing("SKU-001")?.quantity).toBe(10);

    clock += 60_000;
    const tomorrow = await connector.pushQuantities([{ channelSku: "SKU-001", externalId: "7000000001", quantity: 4 }]);
    expect(tomorrow).toEqual([{ channelSku: "SKU-001", status: "accepted" }]);
    expect(sim.state.listing("SKU-001")?.quantity).toBe(4);
  });

  it("given a connector built the way the registry builds it (config only), when a listing the app already revised 250 times today is pushed, then the shared Redis count holds it back", async () => {
    const { sim } = await setup(listings(2));
    const accountId = `seller-${randomUUID()}`;
    await redisA.set(revisionKey(String(process.env.QUEUE_PREFIX), accountId, "SKU-001", utcDay(Date.now())), 250);
    const connector = createEbayConnector({
      accountId,
      region: "EBAY_US",
      credentials: { appId: SELLER.appId, certId: SELLER.certId, refreshToken: SELLER.refreshToken },
      endpoints: { api: sim.url },
    });
    const outcomes = await connector.pushQuantities([
      { channelSku: "SKU-001", externalId: "7000000001", quantity: 2 },
      { channelSku: "SKU-002", externalId: "7000000002", quantity: 2 },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["retry", "accepted"]);
    expect(await redisA.get(revisionKey(String(process.env.QUEUE_PREFIX), accountId, "SKU-002", utcDay(Date.now())))).toBe("1");
  });

  it("given eBay refuses a whole call (throttled past every retry), when pushed, then the outcome is retry and the revision reserved for it is given back", async () => {
    // A stopped clock: the simulator's bucket (a burst of 2 calls when scaled down) never refills.
    const clock = Date.parse("2026-03-02T12:00:00.000Z");
    const { sim, connector, revisions } = await setup(listings(3), { now: () => clock, rateLimitScale: 0.04, connector: { retry: { attempts: 1 } } });
    await connector.pushQuantities([{ channelSku: "SKU-001", externalId: "7000000001", quantity: 1 }]);
    await connector.pushQuantities([{ channelSku: "SKU-003", externalId: "7000000003", quantity: 1 }]);

    const [outcome] = await connector.pushQuantities([{ channelSku: "SKU-002", externalId: "7000000002", quantity: 1 }]);

    expect(outcome).toMatchObject({ channelSku: "SKU-002", status: "retry" });
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(await revisions.used("SKU-001", clock)).toBe(1);
    expect(await revisions.used("SKU-002", clock)).toBe(0);
    expect(sim.state.listing("SKU-002")?.quantity).toBe(10);
  });

  it("given another tool spent the listing's revisions on eBay, when pushed, then eBay's per-SKU refusal is that SKU's rejection", async () => {
    const { connector } = await setup(listings(1, { revisionsToday: 250 }));
    const [outcome] = await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 2 }]);
    expect(outcome).toMatchObject({ channelSku: "SKU-001", status: "rejected", code: "25002" });
  });
});

describe("eBay connector: content", () => {
  it("given a new title and aspects, when pushed, then only those fields change and the quantity and description survive", async () => {
    const { sim, connector } = await setup(listings(1, { title: "Old title", description: "Keep me", quantity: 6 }));
    const [outcome] = await connector.pushContent([{ channelSku: "SKU-001", fields: { title: "Stoneware mug, blue", aspects: { Colour: ["Blue"] } } }]);
    expect(outcome).toEqual({ channelSku: "SKU-001", status: "accepted" });
    expect(sim.state.listing("SKU-001")).toMatchObject({ title: "Stoneware mug, blue", description: "Keep me", aspects: { Colour: ["Blue"] }, quantity: 6 });
    expect(sim.responseViolations).toEqual([]);
  });

  it("given content eBay would refuse or that is already there, when pushed, then no write is made", async () => {
    const { sim, connector } = await setup(listings(1, { title: "Same" }));
    const outcomes = await connector.pushContent([
      { channelSku: "SKU-001", fields: { title: "x".repeat(81) } },
      { channelSku: "SKU-001", fields: { title: "Same" } },
    ]);
    expect(outcomes[0]).toMatchObject({ status: "rejected", code: "invalid_content" });
    expect(outcomes[1]).toEqual({ channelSku: "SKU-001", status: "accepted" });
    expect(sim.calls.filter((c) => c.operationId === "createOrReplaceInventoryItem")).toHaveLength(0);
  });
});

describe("eBay connector: orders", () => {
  it("given orders from simulated buyers, when fetched with the cursor in pages of 3, then each arrives once, only after it settled, and later fetches bring only newer ones", async () => {
    let clock = Date.parse("2026-03-02T10:00:00.000Z");
    const { sim, connector } = await setup(listings(3), { now: () => clock, connector: { orderSettleMs: 30_000, ordersPageSize: 3 } });
    const buy = (sku: string, quantity = 1) => sim.state.placeOrder({ userId: SELLER.userId, sku, quantity }).orderId;
    const ids = (page: { orders: Array<{ externalOrderId: string }> }) => page.orders.map((o) => o.externalOrderId).sort();

    const start = await connector.fetchOrders(null);
    expect(start.orders).toEqual([]);

    clock += 1000;
    const placed = [buy("SKU-001"), buy("SKU-002"), buy("SKU-003"), buy("SKU-001")]; // four at one instant
    clock += 1000;
    placed.push(buy("SKU-002"), buy("SKU-003"), buy("SKU-001", 2));

    clock += 5000; // not settled yet
    const early = await connector.fetchOrders(start.cursor);
    expect(early.orders).toEqual([]);

    clock += 30_000;
    const getOrdersBefore = sim.calls.filter((c) => c.operationId === "getOrders").length;
    const first = await connector.fetchOrders(early.cursor);
    expect(ids(first)).toEqual([...placed].sort());
    expect(sim.calls.filter((c) => c.operationId === "getOrders").length - getOrdersBefore).toBe(3); // 7 orders, pages of 3
    expect(first.orders.find((o) => o.externalOrderId === placed[6])).toMatchObject({
      status: "NOT_STARTED",
      currencyCode: "USD",
      totalCents: 5000,
      cancelled: false,
      lines: [{ channelSku: "SKU-001", quantity: 2, priceCents: 2500, ...taxedCA(2), cancelledQuantity: 0 }],
      // eBay's sellers ship from their own stock: the Fulfillment API has no marketplace-fulfilled order.
      fulfilledByMarketplace: false,
    });

    // An order modified exactly at the end of the window just read: seen once, not again.
    const atEdge = buy("SKU-003");
    clock += 30_000;
    const second = await connector.fetchOrders(first.cursor);
    expect(ids(second)).toEqual([atEdge]);
    clock += 10_000;
    const third = await connector.fetchOrders(second.cursor);
    expect(third.orders).toEqual([]);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given an order already imported, when the buyer asks to cancel and later the cancellation completes, then each fetch brings it back with eBay's lastModifiedDate as updatedAt: first not cancelled, then cancelled with every unit of every line", async () => {
    let clock = Date.parse("2026-03-02T10:00:00.000Z");
    const { sim, connector } = await setup(listings(1), { now: () => clock, connector: { orderSettleMs: 0 } });
    const start = await connector.fetchOrders(null);
    clock += 1000;
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 2 });
    clock += 1000;
    const first = await connector.fetchOrders(start.cursor);
    expect(first.orders).toEqual([expect.objectContaining({ externalOrderId: orderId, cancelled: false, updatedAt: new Date("2026-03-02T10:00:01.000Z") })]);

    clock += 1000;
    sim.state.requestCancellation(orderId);
    clock += 1000;
    const second = await connector.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({
        externalOrderId: orderId,
        cancelled: false,
        updatedAt: new Date("2026-03-02T10:00:03.000Z"),
        lines: [expect.objectContaining({ quantity: 2, cancelledQuantity: 0 })],
      }),
    ]);

    clock += 1000;
    sim.state.cancelOrder(orderId);
    clock += 1000;
    const third = await connector.fetchOrders(second.cursor);
    expect(third.orders).toEqual([
      expect.objectContaining({
        externalOrderId: orderId,
        cancelled: true,
        updatedAt: new Date("2026-03-02T10:00:05.000Z"),
        orderedAt: new Date("2026-03-02T10:00:01.000Z"),
        lines: [{ channelSku: "SKU-001", quantity: 2, priceCents: 2500, ...taxedCA(2), cancelledQuantity: 2, refundedQuantity: 2 }],
      }),
    ]);
    expect((await connector.fetchOrders(third.cursor)).orders).toEqual([]);
    expect(sim.responseViolations).toEqual([]);
  });
});

describe("eBay connector: a line's sales tax", () => {
  const usd = (value: string) => ({ value, currency: "USD" });
  it("given a line eBay collects and remits tax on (with a recycling fee beside it), one whose tax the seller collected, and one untaxed, when read, then the first is eBay's sales tax alone, the second the seller's, the third none", () => {
    const remitted = lineTax({
      taxes: [{ amount: usd("3.63"), taxType: "STATE_SALES_TAX" }],
      ebayCollectAndRemitTaxes: [
        { taxType: "STATE_SALES_TAX", amount: usd("3.63") },
        { taxType: "ELECTRONIC_RECYCLING_FEE", amount: usd("6.00") },
      ],
    });
    const sellers = lineTax({ taxes: [{ amount: usd("2.10") }] });
    const untaxed = lineTax({ taxes: [] });
    expect([remitted, sellers, untaxed]).toEqual([
      { taxCents: 363, taxCollectedByMarketplace: true },
      { taxCents: 210, taxCollectedByMarketplace: false },
      { taxCents: null },
    ]);
  });
});

describe("eBay connector: refunds after shipping", () => {
  it("given an order of 3 imported and shipped, when the seller refunds one unit's worth and then a part of a unit, then the next fetch brings it back with refundedQuantity 1 (units from amounts, rounded down), the part counts no unit, and an unchanged order is not delivered again", async () => {
    const { sim, connector } = await setup(listings(1), { connector: { orderSettleMs: 0, initialOrderLookbackMs: 60_000 } });
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 3 });
    const shipped = await connector.confirmShipment!({
      externalOrderId: orderId,
      lines: [{ channelSku: "SKU-001", quantity: 3 }],
      carrier: "USPS",
      trackingNumber: "9400111899223197428492",
      shippedAt: new Date(Date.now() - 3_600_000),
    });
    expect(shipped).toEqual({ status: "accepted" });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    await pause();
    const first = await connector.fetchOrders(null);
    expect(first.orders).toEqual([
      expect.objectContaining({ externalOrderId: orderId, lines: [expect.objectContaining({ quantity: 3, refundedQuantity: 0 })] }),
    ]);
    await pause();

    sim.state.refundLine(orderId, 2500 + 1299); // one unit and half of another (units are 25.00)
    await pause();
    const second = await connector.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({
        externalOrderId: orderId,
        cancelled: false,
        lines: [{ channelSku: "SKU-001", quantity: 3, priceCents: 2500, ...taxedCA(3), cancelledQuantity: 0, refundedQuantity: 1 }],
      }),
    ]);
    expect(second.orders[0].lines[0].returnedQuantity).toBeUndefined();
    await pause();
    expect((await connector.fetchOrders(second.cursor)).orders).toEqual([]);

    sim.state.refundLine(orderId); // the rest: 2 units and the half left
    await pause();
    const third = await connector.fetchOrders(second.cursor);
    expect(third.orders.map((o) => o.lines[0].refundedQuantity)).toEqual([3]);
    expect(sim.responseViolations).toEqual([]);
  });

  it("given an order cancelled (refunded in full at order level), when fetched, then every unit is cancelled and refunded once, not twice", async () => {
    const { sim, connector } = await setup(listings(1), { connector: { orderSettleMs: 0, initialOrderLookbackMs: 60_000 } });
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 2 });
    sim.state.cancelOrder(orderId);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const page = await connector.fetchOrders(null);
    expect(page.orders.map((o) => o.lines)).toEqual([
      [{ channelSku: "SKU-001", quantity: 2, priceCents: 2500, ...taxedCA(2), cancelledQuantity: 2, refundedQuantity: 2 }],
    ]);
  });
});

describe("eBay connector: listings", () => {
  it("given a live listing whose offer holds fewer than its item, a sold-out one and an unknown SKU, when fetched, then they show what buyers see, eBay's price and status, and null", async () => {
    const [live, soldOut] = listings(2, { priceCents: 1450 });
    const { connector } = await setup([
      { ...live, quantity: 5, offerQuantity: 2 },
      { ...soldOut, quantity: 0 },
    ]);
    expect(await connector.fetchListing("SKU-001")).toEqual({ channelSku: "SKU-001", quantity: 2, priceCents: 1450, status: "ACTIVE", issues: [] });
    expect(await connector.fetchListing("SKU-002")).toEqual({ channelSku: "SKU-002", quantity: 0, priceCents: 1450, status: "OUT_OF_STOCK", issues: [] });
    expect(await connector.fetchListing("SKU-NOPE")).toBeNull();
  });
});

describe("eBay connector: OAuth", () => {
  it("given the access token's lifetime has passed, when pushing again, then the connector refreshes it first", async () => {
    let clock = Date.now();
    const { sim, connector } = await setup(listings(1), { connector: { now: () => clock } });
    await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 1 }]);
    await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 2 }]);
    expect(tokenCalls(sim)).toHaveLength(1); // cached while valid

    clock += 7200 * 1000;
    const outcomes = await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 3 }]);
    expect(outcomes).toMatchObject([{ channelSku: "SKU-001", status: "accepted" }]);
    expect(tokenCalls(sim)).toHaveLength(2);
    expect(sim.requests.some((r) => r.status === 401)).toBe(false);
  });

  it("given eBay stops honouring the access token early, when pushing, then the 401 brings one refresh and the push succeeds", async () => {
    const { sim, connector } = await setup(listings(1));
    await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 1 }]);
    sim.state.expireAccessTokens();
    expect(await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 2 }])).toMatchObject([{ channelSku: "SKU-001", status: "accepted" }]);
    expect(tokenCalls(sim)).toHaveLength(2);
    expect(sim.state.listing("SKU-001")?.quantity).toBe(2);
  });

  it("given the seller revoked the app, when pushing, then the connector fails with authFailed and testConnection says so", async () => {
    const { sim, connector } = await setup(listings(1));
    sim.state.revokeRefreshToken(SELLER.userId);
    const failure = await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 1 }]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details).toMatchObject({ authFailed: true, retryable: false, code: "invalid_grant" });
    expect(tokenCalls(sim)).toHaveLength(1); // not retried: it will not heal
    expect(bulkCalls(sim)).toHaveLength(0);
    const check = await (connector as Connector).testConnection();
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining("invalid_grant") });
  });
});

describe("eBay connector: shipments made in Shopify", () => {
  const shippedAt = () => new Date(Date.now() - 3_600_000);

  it("given an order of 3, when the merchant ships 2 with USPS (tracking number with spaces) and then 1 with a carrier eBay does not list, then both are accepted, the line item id comes from the order, and getShippingFulfillments shows each carrier and tracking number with the order FULFILLED", async () => {
    const { sim, connector } = await setup(listings(1));
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 3 });

    const first = await connector.confirmShipment!({
      externalOrderId: orderId,
      lines: [{ channelSku: "SKU-001", quantity: 2 }],
      carrier: "USPS",
      trackingNumber: "9400 1118 9922 3197 4284 90",
      shippedAt: shippedAt(),
    });
    expect(first).toEqual({ status: "accepted" });
    const second = await connector.confirmShipment!({
      externalOrderId: orderId,
      lines: [{ channelSku: "SKU-001", quantity: 1 }],
      carrier: "Bob's Couriers",
      trackingNumber: "BOB42",
      shippedAt: shippedAt(),
    });
    expect(second).toEqual({ status: "accepted" });

    expect(sim.state.shippingFulfillments(orderId).map((f) => [f.shippingCarrierCode, f.shipmentTrackingNumber, f.lineItems[0].quantity])).toEqual([
      ["USPS", "9400111899223197428490", 2],
      ["Other", "BOB42", 1],
    ]);
    expect(sim.calls.filter((c) => c.operationId === "createShippingFulfillment").map((c) => c.status)).toEqual([201, 201]);
    expect(fulfillmentStatusOf(sim.state.orders.find((o) => o.orderId === orderId)!)).toBe("FULFILLED");
    expect(sim.responseViolations).toEqual([]);
  });

  it("given an order the buyer cancelled, when the merchant confirms its shipment, then eBay's refusal is answered rejected with eBay's message and nothing ships", async () => {
    const { sim, connector } = await setup(listings(1));
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 1 });
    sim.state.cancelOrder(orderId);
    const outcome = await connector.confirmShipment!({
      externalOrderId: orderId,
      lines: [{ channelSku: "SKU-001", quantity: 1 }],
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      shippedAt: shippedAt(),
    });
    expect(outcome).toEqual({ status: "rejected", message: expect.stringMatching(/cancelled.*32600/) });
    expect(sim.state.shippingFulfillments(orderId)).toEqual([]);
  });

  it("given an order eBay does not have, when confirmed, then rejected naming the order, without a createShippingFulfillment call", async () => {
    const { sim, connector } = await setup(listings(1));
    const outcome = await connector.confirmShipment!({
      externalOrderId: "99-99999-99999",
      lines: [{ channelSku: "SKU-001", quantity: 1 }],
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      shippedAt: shippedAt(),
    });
    expect(outcome).toEqual({ status: "rejected", message: expect.stringContaining("99-99999-99999") });
    expect(sim.calls.filter((c) => c.operationId === "createShippingFulfillment")).toEqual([]);
  });

  it("given the Fulfillment API's call limit is spent, when a shipment is confirmed, then eBay's 429 is answered retry and nothing ships", async () => {
    // Scaled down, the token endpoint allows one refresh and the Fulfillment API one call (the order read).
    const { sim, connector } = await setup(listings(1), { rateLimitScale: 0.00001, connector: { retry: { attempts: 2, baseDelayMs: 1 } } });
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 1 });
    const outcome = await connector.confirmShipment!({
      externalOrderId: orderId,
      lines: [{ channelSku: "SKU-001", quantity: 1 }],
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      shippedAt: shippedAt(),
    });
    expect(outcome).toEqual({ status: "retry", message: expect.stringContaining("2001") });
    expect(sim.state.shippingFulfillments(orderId)).toEqual([]);
  });
});
