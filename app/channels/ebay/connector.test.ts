import { afterEach, describe, expect, it } from "vitest";
import { startEbaySimulator, type EbaySimulator, type SimListingSeed } from "../../../simulators/ebay/server";
import { ChannelError, type Connector } from "../connector";
import { createEbayConnector, InProcessRevisionCounter, type EbayConnectorOptions } from "./connector";
import { msUntilNextUtcDay, utcDay } from "./revisions";

const SELLER = { userId: "seller-1", marketplaceId: "EBAY_US", appId: "AppId-1", certId: "Cert-1", refreshToken: "v^1.1#r^1#refresh-1" };
// Retries wait exactly their backoff (no jitter) so the throttled story takes a known time.
const FAST_RETRY = { baseDelayMs: 250, random: () => 1 };

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

async function setup(seedListings: SimListingSeed[], options: Partial<EbayConnectorOptions> = {}, simOptions: { rateLimitScale?: number } = {}) {
  const sim = await startEbaySimulator({ accounts: [{ ...SELLER, listings: seedListings }], ...simOptions });
  running.push(sim);
  const revisions = new InProcessRevisionCounter();
  const connector = createEbayConnector(
    {
      accountId: SELLER.userId,
      region: SELLER.marketplaceId,
      credentials: { appId: SELLER.appId, certId: SELLER.certId, refreshToken: SELLER.refreshToken },
      endpoints: { api: sim.url },
    },
    { revisions, retry: FAST_RETRY, ...options },
  );
  return { sim, connector, revisions };
}

const bulkCalls = (sim: EbaySimulator) => sim.calls.filter((c) => c.operationId === "bulkUpdatePriceQuantity");
const tokenCalls = (sim: EbaySimulator) => sim.requests.filter((r) => r.path === "/identity/v1/oauth2/token");

describe("eBay connector: quantities and prices", () => {
  it("given 60 quantity changes, when pushed, then they go as calls of 25, 25 and 10 and every listing shows its new quantity", async () => {
    const { sim, connector } = await setup(listings(60));
    const updates = listings(60).map((l, i) => ({ channelSku: l.sku, externalId: l.offerId, quantity: i }));

    const outcomes = await connector.pushQuantities(updates);

    expect(bulkCalls(sim).map((c) => (c.body as { requests: unknown[] }).requests.length)).toEqual([25, 25, 10]);
    expect(outcomes).toHaveLength(60);
    expect(outcomes.every((o) => o.status === "accepted")).toBe(true);
    updates.forEach((u) => expect(sim.state.listing(u.channelSku)?.quantity).toBe(u.quantity));
    expect(sim.responseViolations).toEqual([]);
  });

  it("given one SKU eBay does not know in a batch, when pushed, then that SKU is rejected with eBay's error and the others are accepted", async () => {
    const { sim, connector } = await setup(listings(2));
    const outcomes = await connector.pushQuantities([
      { channelSku: "SKU-001", quantity: 3 },
      { channelSku: "SKU-GONE", quantity: 5 },
      { channelSku: "SKU-002", quantity: 4 },
    ]);
    expect(outcomes).toEqual([
      { channelSku: "SKU-001", status: "accepted" },
      expect.objectContaining({ channelSku: "SKU-GONE", status: "rejected", code: "25702" }),
      { channelSku: "SKU-002", status: "accepted" },
    ]);
    expect(bulkCalls(sim)).toHaveLength(1);
    expect(sim.state.listing("SKU-001")?.quantity).toBe(3);
    expect(sim.state.listing("SKU-002")?.quantity).toBe(4);
  });

  it("given a price without the offer id, when pushed, then the connector finds the offer and the listing shows the new price", async () => {
    const { sim, connector } = await setup(listings(1));
    const [outcome] = await connector.pushPrices([{ channelSku: "SKU-001", priceCents: 1999, currencyCode: "USD" }]);
    expect(outcome).toEqual({ channelSku: "SKU-001", status: "accepted" });
    expect(sim.state.listing("SKU-001")?.priceCents).toBe(1999);
    expect(sim.calls.map((c) => c.operationId)).toEqual(["getOffers", "bulkUpdatePriceQuantity"]);
  });

  it("given eBay throttling (429), when pushing, then the call is retried and every update lands", async () => {
    // Scaled down, the simulator allows a burst of 2 calls and 1 a second after that.
    const { sim, connector } = await setup(listings(60), {}, { rateLimitScale: 0.04 });
    const outcomes = await connector.pushQuantities(listings(60).map((l) => ({ channelSku: l.sku, externalId: l.offerId, quantity: 1 })));
    expect(sim.requests.some((r) => r.status === 429)).toBe(true);
    expect(outcomes.every((o) => o.status === "accepted")).toBe(true);
    expect(bulkCalls(sim).filter((c) => c.status === 207 || c.status === 200)).toHaveLength(3);
    expect(sim.state.listing("SKU-060")?.quantity).toBe(1);
  });
});

describe("eBay connector: 250 revisions per listing per day", () => {
  it("given a listing revised 249 times today, when pushed twice, then the 250th revision is sent and the 251st is not, but waits for the next UTC day", async () => {
    const { sim, connector, revisions } = await setup(listings(2, { revisionsToday: 249 }));
    revisions.seed("SKU-001", utcDay(Date.now()), 249);

    const first = await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 3 }]);
    expect(first).toEqual([{ channelSku: "SKU-001", status: "accepted" }]);
    expect(sim.state.revisions("SKU-001")).toBe(250);

    const second = await connector.pushQuantities([
      { channelSku: "SKU-001", quantity: 4 },
      { channelSku: "SKU-002", quantity: 7 },
    ]);
    expect(second[0]).toMatchObject({ channelSku: "SKU-001", status: "retry" });
    const wait = (second[0] as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeLessThanOrEqual(msUntilNextUtcDay(Date.now()) + 1000);
    expect(wait).toBeGreaterThan(msUntilNextUtcDay(Date.now()) - 60_000);
    expect(second[1]).toEqual({ channelSku: "SKU-002", status: "accepted" });
    // The second call carried only SKU-002: the 251st revision never left the connector.
    expect(bulkCalls(sim).map((c) => (c.body as { requests: Array<{ sku: string }> }).requests.map((r) => r.sku))).toEqual([["SKU-001"], ["SKU-002"]]);
    expect(sim.state.listing("SKU-001")?.quantity).toBe(3);
    expect(sim.state.revisions("SKU-001")).toBe(250);
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
  it("given orders placed after the cursor, when fetched in pages of 3, then each arrives once and the next fetch brings only newer ones", async () => {
    const { sim, connector } = await setup(listings(3), { orderSettleMs: 0, ordersPageSize: 3 });
    const start = await connector.fetchOrders(null);
    expect(start.orders).toEqual([]);

    const getOrdersCalls = () => sim.calls.filter((c) => c.operationId === "getOrders").length;
    const callsBefore = getOrdersCalls();
    const placed = Array.from({ length: 7 }, (_, i) => sim.state.placeOrder({ userId: SELLER.userId, sku: `SKU-00${(i % 3) + 1}`, quantity: 1 }).orderId);
    const first = await connector.fetchOrders(start.cursor);
    expect(first.orders.map((o) => o.externalOrderId).sort()).toEqual([...placed].sort());
    expect(getOrdersCalls() - callsBefore).toBe(3); // 7 orders, pages of 3
    expect(first.orders[0]).toMatchObject({ status: "NOT_STARTED", currencyCode: "USD", totalCents: 2500, cancelled: false, lines: [{ quantity: 1, priceCents: 2500 }] });

    const later = [sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 2 }).orderId];
    const second = await connector.fetchOrders(first.cursor);
    expect(second.orders.map((o) => o.externalOrderId)).toEqual(later);
    expect(second.orders[0].lines).toEqual([{ channelSku: "SKU-001", quantity: 2, priceCents: 2500 }]);

    const third = await connector.fetchOrders(second.cursor);
    expect(third.orders).toEqual([]);
  });

  it("given an order the buyer cancels, when fetched again, then it comes back marked cancelled", async () => {
    const { sim, connector } = await setup(listings(1), { orderSettleMs: 0 });
    const start = await connector.fetchOrders(null);
    const { orderId } = sim.state.placeOrder({ userId: SELLER.userId, sku: "SKU-001", quantity: 1 });
    const first = await connector.fetchOrders(start.cursor);
    await new Promise((r) => setTimeout(r, 5));
    sim.state.cancelOrder(orderId);
    const second = await connector.fetchOrders(first.cursor);
    expect(second.orders).toEqual([expect.objectContaining({ externalOrderId: orderId, cancelled: true })]);
  });
});

describe("eBay connector: listings", () => {
  it("given a live listing and an unknown SKU, when fetched, then the first shows eBay's quantity, price and status and the second is null", async () => {
    const { connector } = await setup(listings(1, { quantity: 0, priceCents: 1450 }));
    expect(await connector.fetchListing("SKU-001")).toEqual({ channelSku: "SKU-001", quantity: 0, priceCents: 1450, status: "OUT_OF_STOCK", issues: [] });
    expect(await connector.fetchListing("SKU-NOPE")).toBeNull();
  });
});

describe("eBay connector: OAuth", () => {
  it("given the access token's lifetime has passed, when pushing again, then the connector refreshes it first", async () => {
    let clock = Date.now();
    const { sim, connector } = await setup(listings(1), { now: () => clock });
    await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 1 }]);
    await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 2 }]);
    expect(tokenCalls(sim)).toHaveLength(1); // cached while valid

    clock += 7200 * 1000;
    const outcomes = await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 3 }]);
    expect(outcomes).toEqual([{ channelSku: "SKU-001", status: "accepted" }]);
    expect(tokenCalls(sim)).toHaveLength(2);
    expect(sim.requests.some((r) => r.status === 401)).toBe(false);
  });

  it("given eBay stops honouring the access token early, when pushing, then the 401 brings one refresh and the push succeeds", async () => {
    const { sim, connector } = await setup(listings(1));
    await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 1 }]);
    sim.state.expireAccessTokens();
    expect(await connector.pushQuantities([{ channelSku: "SKU-001", quantity: 2 }])).toEqual([{ channelSku: "SKU-001", status: "accepted" }]);
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
