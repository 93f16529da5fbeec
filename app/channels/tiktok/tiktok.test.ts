import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "../../../simulators/tiktok/server";
import { ChannelError, type Connector } from "../connector";
import { TikTokClient, type TikTokCall, type TikTokTokens } from "./client";
import { exchangeTikTokAuthCode } from "./authorize";
import { createTikTokConnector } from "./index";
import { fetchOrders, toImportedOrder } from "./orders";

const SHOP = {
  appKey: "anchor-app",
  appSecret: "anchor-secret",
  shopCipher: "ROW_anchor",
  accessToken: "TTP_initial",
  refreshToken: "TTR_initial",
  products: [
    { productId: "P-KETTLE", skuId: "S-RED", sellerSku: "KET-RED", quantity: 5, priceCents: 2999 },
    { productId: "P-KETTLE", skuId: "S-BLU", sellerSku: "KET-BLU", quantity: 5, priceCents: 2999 },
    { productId: "P-MUG", skuId: "S-MUG", sellerSku: "MUG", quantity: 9, priceCents: 999, title: "Mug", description: "<p>TikTok's own words</p>" },
  ],
};

/** A line of `units` at 29.99 shipped to California (the simulator's default): 7.25% of each unit, 2.17, which TikTok collects. */
const taxedCA = (units: number) => ({ taxCents: 217 * units, taxCollectedByMarketplace: true });

let sim: TikTokSimulator;
let waits: number[];
let stored: TikTokTokens[];

function connector(credentials: Partial<typeof SHOP> & { accessTokenExpiresAt?: string } = {}, now?: () => number): Connector {
  const { appKey, appSecret, shopCipher, accessToken, refreshToken } = { ...SHOP, ...credentials };
  return createTikTokConnector(
    {
      accountId: "shop-1",
      credentials: {
        appKey,
        appSecret,
        shopCipher,
        accessToken,
        refreshToken,
        ...(credentials.accessTokenExpiresAt ? { accessTokenExpiresAt: credentials.accessTokenExpiresAt } : {}),
      },
      endpoints: { api: sim.url, auth: sim.url },
    },
    { retry: { sleep: async (ms) => void waits.push(ms), baseDelayMs: 1 }, onTokens: (t) => void stored.push(t), now },
  );
}

beforeEach(async () => {
  waits = [];
  stored = [];
  sim = await startTikTokSimulator({ shops: [SHOP] });
});
afterEach(() => sim.stop());

describe("TikTok Shop connector against the simulator", () => {
  it("given SKUs of two products and one SKU that is not the product's, when quantities are pushed, then the good ones land and only the bad one is rejected", async () => {
    const outcomes = await connector().pushQuantities([
      { channelSku: "S-RED", externalId: "P-KETTLE", quantity: 2 },
      { channelSku: "S-GHOST", externalId: "P-KETTLE", quantity: 1 },
      { channelSku: "S-BLU", externalId: "P-KETTLE", quantity: 0 },
      { channelSku: "S-MUG", externalId: "P-MUG", quantity: 7 },
      { channelSku: "S-ORPHAN", quantity: 1 },
    ]);
    expect(outcomes).toEqual([
      { channelSku: "S-RED", status: "accepted" },
      expect.objectContaining({ channelSku: "S-GHOST", status: "rejected", code: "12052049" }),
      { channelSku: "S-BLU", status: "accepted" },
      { channelSku: "S-MUG", status: "accepted" },
      expect.objectContaining({ channelSku: "S-ORPHAN", status: "rejected", code: "NO_PRODUCT_ID" }),
    ]);
    const skus = sim.shop("ROW_anchor").skus;
    expect([skus.get("S-RED")!.quantity, skus.get("S-BLU")!.quantity, skus.get("S-MUG")!.quantity]).toEqual([2, 0, 7]);
  });

  it("given prices for a product, when pushed, then one call per product carries them as decimal strings and they land", async () => {
    const outcomes = await connector().pushPrices([
      { channelSku: "S-RED", externalId: "P-KETTLE", priceCents: 3450, currencyCode: "USD" },
      { channelSku: "S-BLU", externalId: "P-KETTLE", priceCents: 3499, currencyCode: "USD" },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["accepted", "accepted"]);
    expect(sim.requests.filter((r) => r.path.endsWith("/prices/update"))).toHaveLength(1);
    expect(sim.shop("ROW_anchor").skus.get("S-RED")!.priceCents).toBe(3450);
    expect(await connector().fetchListing("S-RED")).toEqual({ channelSku: "S-RED", quantity: 5, priceCents: 3450, status: "ACTIVATE" });
    expect(await connector().fetchListing("S-NONE")).toBeNull();
  });

  it("given a new title for both SKUs of one product and a description for another, when content is pushed, then one signed partial edit per product names only those fields", async () => {
    const outcomes = await connector().pushContent([
      { channelSku: "S-RED", externalId: "P-KETTLE", fields: { title: "Acme Kettle" } },
      { channelSku: "S-BLU", externalId: "P-KETTLE", fields: { title: "Acme Kettle" } },
      { channelSku: "S-MUG", externalId: "P-MUG", fields: { description: "<p>Holds <strong>12 oz</strong></p>" } },
      { channelSku: "S-ORPHAN", fields: { title: "x" } },
    ]);
    expect(outcomes).toEqual([
      { channelSku: "S-RED", status: "accepted" },
      { channelSku: "S-BLU", status: "accepted" },
      { channelSku: "S-MUG", status: "accepted" },
      expect.objectContaining({ channelSku: "S-ORPHAN", status: "rejected", code: "NO_PRODUCT_ID" }),
    ]);
    expect(sim.requests.filter((r) => r.path.endsWith("/partial_edit")).map((r) => [r.path, r.status])).toEqual([
      ["/product/202309/products/P-KETTLE/partial_edit", 200],
      ["/product/202309/products/P-MUG/partial_edit", 200],
    ]);
    const products = sim.shop("ROW_anchor").products;
    expect(products.get("P-KETTLE")).toMatchObject({ title: "Acme Kettle", description: "", edits: 1 });
    // The mug's title was not named, so it stays TikTok's.
    expect(products.get("P-MUG")).toMatchObject({ title: "Mug", description: "<p>Holds <strong>12 oz</strong></p>" });
  });

  it("given two SKUs of one product wanting different titles, or a title TikTok refuses, when pushed, then the product's SKUs are rejected together and nothing changes", async () => {
    const conflict = await connector().pushContent([
      { channelSku: "S-RED", externalId: "P-KETTLE", fields: { title: "Red Kettle" } },
      { channelSku: "S-BLU", externalId: "P-KETTLE", fields: { title: "Blue Kettle" } },
    ]);
    expect(conflict.map((o) => [o.status, o.status === "rejected" && o.code])).toEqual([
      ["rejected", "CONTENT_CONFLICT"],
      ["rejected", "CONTENT_CONFLICT"],
    ]);
    const tooLong = await connector().pushContent([{ channelSku: "S-MUG", externalId: "P-MUG", fields: { title: "m".repeat(256) } }]);
    expect(tooLong).toEqual([expect.objectContaining({ status: "rejected", code: "36009004", message: expect.stringContaining("title") })]);
    expect([sim.shop("ROW_anchor").products.get("P-KETTLE")!.title, sim.shop("ROW_anchor").products.get("P-MUG")!.title]).toEqual(["Product P-KETTLE", "Mug"]);
  });

  it("given TikTok answers 36009002 twice, when a quantity is pushed, then it is retried with backoff and lands", async () => {
    sim.throttleNext("ROW_anchor", 2);
    const outcomes = await connector().pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 1 }]);
    expect(outcomes).toEqual([{ channelSku: "S-MUG", status: "accepted" }]);
    expect(waits).toHaveLength(2);
    expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it("given TikTok keeps answering 36009002, when retries run out, then the SKU comes back as retry, not rejected", async () => {
    sim.throttleNext("ROW_anchor", 10);
    const outcomes = await connector().pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 1 }]);
    expect(outcomes).toEqual([expect.objectContaining({ channelSku: "S-MUG", status: "retry", message: expect.stringContaining("36009002") })]);
  });

  it("given a wrong app secret, when a call is signed with it, then the simulator refuses the signature and the connector reports authFailed", async () => {
    const failure = await connector({ appSecret: "not-the-secret" })
      .pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 1 }])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details).toMatchObject({ code: "106001", authFailed: true, retryable: false });
    expect((failure as ChannelError).message).toContain("'sign' query parameter is invalid");
  });

  it("given orders placed across two fetches, when fetched with the cursor, then each order arrives once with units counted per SKU and their sales tax summed, TikTok collecting it", async () => {
    const tiktok = connector();
    const t0 = Math.floor(Date.now() / 1000) - 100;
    sim.placeOrder("ROW_anchor", { skuId: "S-RED", quantity: 3, createTime: t0, shipToState: "TX" });
    sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 + 1 });
    const first = await tiktok.fetchOrders(null);
    // One line item per unit, each taxed on its own: 6.25% of 29.99 in Texas is 1.87, three times;
    // 7.25% of 9.99 in California (the simulator's default) is 0.72.
    const counts = { cancelledQuantity: 0, returnedQuantity: 0, refundedQuantity: 0 };
    expect(first.orders.map((o) => o.lines)).toEqual([
      [{ channelSku: "S-RED", quantity: 3, priceCents: 2999, taxCents: 561, taxCollectedByMarketplace: true, ...counts }],
      [{ channelSku: "S-MUG", quantity: 1, priceCents: 999, taxCents: 72, taxCollectedByMarketplace: true, ...counts }],
    ]);
    expect(first.orders[0]).toMatchObject({
      status: "AWAITING_SHIPMENT",
      totalCents: 8997 + 561,
      currencyCode: "USD",
      cancelled: false,
      fulfilledByMarketplace: false,
      updatedAt: new Date(t0 * 1000),
    });

    sim.placeOrder("ROW_anchor", { skuId: "S-BLU", quantity: 1, createTime: t0 + 1 }); // same second as the last delivered
    const second = await tiktok.fetchOrders(first.cursor);
    expect(second.orders.map((o) => o.lines[0].channelSku)).toEqual(["S-BLU"]);
    expect((await tiktok.fetchOrders(second.cursor)).orders).toEqual([]);
  });

  it("given two orders already read, when the buyer cancels one of them a minute later, then the next fetch delivers that one alone, cancelled with every unit, and the fetch after that nothing", async () => {
    const tiktok = connector();
    const t0 = Math.floor(Date.now() / 1000) - 300;
    const kept = sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 });
    const dropped = sim.placeOrder("ROW_anchor", { skuId: "S-RED", quantity: 2, createTime: t0 + 1 });
    const first = await tiktok.fetchOrders(null);
    expect(first.orders.map((o) => [o.externalOrderId, o.cancelled])).toEqual([
      [kept.id, false],
      [dropped.id, false],
    ]);

    sim.cancelOrder("ROW_anchor", dropped.id, { at: t0 + 60 });
    const second = await tiktok.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({
        externalOrderId: dropped.id,
        status: "CANCELLED",
        cancelled: true,
        orderedAt: new Date((t0 + 1) * 1000),
        updatedAt: new Date((t0 + 60) * 1000),
        lines: [{ channelSku: "S-RED", quantity: 2, priceCents: 2999, ...taxedCA(2), cancelledQuantity: 2, returnedQuantity: 0, refundedQuantity: 2 }],
      }),
    ]);
    expect((await tiktok.fetchOrders(second.cursor)).orders).toEqual([]);
  });

  it("given an order read and then cancelled within the same second (update_time unchanged to the second), when fetched again, then the change still comes back once", async () => {
    const tiktok = connector();
    const t = Math.floor(Date.now() / 1000) - 50;
    const order = sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t });
    const first = await tiktok.fetchOrders(null);
    expect(first.orders.map((o) => o.externalOrderId)).toEqual([order.id]);

    sim.cancelOrder("ROW_anchor", order.id, { at: t });
    const second = await tiktok.fetchOrders(first.cursor);
    expect(second.orders.map((o) => [o.externalOrderId, o.cancelled, o.lines[0].cancelledQuantity])).toEqual([[order.id, true, 1]]);
    expect((await tiktok.fetchOrders(second.cursor)).orders).toEqual([]);
  });

  it("given an order of 3 red and 1 blue whose buyer then cancels 2 of the red units, when fetched again, then the order is not cancelled and each SKU's line counts its cancelled units", async () => {
    const tiktok = connector();
    const t0 = Math.floor(Date.now() / 1000) - 200;
    const order = sim.placeOrder("ROW_anchor", {
      lines: [
        { skuId: "S-RED", quantity: 3 },
        { skuId: "S-BLU", quantity: 1 },
      ],
      createTime: t0,
    });
    const first = await tiktok.fetchOrders(null);
    sim.cancelOrder("ROW_anchor", order.id, { units: 2, skuId: "S-RED", at: t0 + 30 });
    const second = await tiktok.fetchOrders(first.cursor);
    expect(second.orders).toEqual([
      expect.objectContaining({
        externalOrderId: order.id,
        status: "AWAITING_SHIPMENT",
        cancelled: false,
        updatedAt: new Date((t0 + 30) * 1000),
        lines: [
          { channelSku: "S-RED", quantity: 3, priceCents: 2999, ...taxedCA(3), cancelledQuantity: 2, returnedQuantity: 0, refundedQuantity: 2 },
          { channelSku: "S-BLU", quantity: 1, priceCents: 2999, ...taxedCA(1), cancelledQuantity: 0, returnedQuantity: 0, refundedQuantity: 0 },
        ],
      }),
    ]);
  });

  it("given an order Fulfilled by TikTok and one the seller ships (both with shipping_type TIKTOK), when fetched, then only the FBT one is flagged fulfilledByMarketplace", async () => {
    const t0 = Math.floor(Date.now() / 1000) - 100;
    const fbt = sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0, fulfillmentType: "FULFILLMENT_BY_TIKTOK" });
    const fbs = sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 + 1 });
    const page = await connector().fetchOrders(null);
    expect(page.orders.map((o) => [o.externalOrderId, o.fulfilledByMarketplace])).toEqual([
      [fbt.id, true],
      [fbs.id, false],
    ]);
  });

  it("given more orders than one page, when fetched, then page_token is followed and none is lost or repeated", async () => {
    const t0 = Math.floor(Date.now() / 1000) - 1000;
    for (let i = 0; i < 130; i++) sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 + (i % 7) });
    const page = await connector().fetchOrders(null);
    expect(new Set(page.orders.map((o) => o.externalOrderId)).size).toBe(130);
    expect(sim.requests.filter((r) => r.path === "/order/202309/orders/search")).toHaveLength(2);
  });

  it("given an order of the first page cancelled while the second is asked for (so TikTok's positions shift), when fetched, then no order is skipped and the cancelled one comes back changed", async () => {
    const t0 = Math.floor(Date.now() / 1000) - 1000;
    const placed = Array.from({ length: 150 }, (_, i) => sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 + i }));
    let searches = 0;
    // The real client against the simulator, with a buyer cancelling right after the first page is read.
    const client = new (class extends TikTokClient {
      override async request<T>(call: TikTokCall): Promise<T> {
        const answer = await super.request<T>(call);
        if (call.path === "/order/202309/orders/search" && ++searches === 1) sim.cancelOrder("ROW_anchor", placed[0].id, { at: t0 + 500 });
        return answer;
      }
    })(sim.url, sim.url, {
      appKey: SHOP.appKey,
      appSecret: SHOP.appSecret,
      shopCipher: SHOP.shopCipher,
      accessToken: SHOP.accessToken,
      refreshToken: SHOP.refreshToken,
    });
    const page = await fetchOrders(client, null, { sleep: async () => {}, baseDelayMs: 1 });
    expect(new Set(page.orders.map((o) => o.externalOrderId))).toEqual(new Set(placed.map((o) => o.id)));
    expect(page.orders.at(-1)).toMatchObject({ externalOrderId: placed[0].id, cancelled: true });
    expect(page.orders).toHaveLength(151);
  });

  it("given a cursor kept by creation time (before orders were read by update time), when fetched, then the orders changed since its second come back and the next cursor reads by update time", async () => {
    const t0 = Math.floor(Date.now() / 1000) - 100;
    const old = sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 - 50 });
    const recent = sim.placeOrder("ROW_anchor", { skuId: "S-MUG", quantity: 1, createTime: t0 + 5 });
    sim.cancelOrder("ROW_anchor", old.id, { at: t0 + 10 });
    const legacy = Buffer.from(JSON.stringify({ from: t0, seen: [] })).toString("base64url");
    const page = await connector().fetchOrders(legacy);
    expect(page.orders.map((o) => [o.externalOrderId, o.cancelled])).toEqual([
      [recent.id, false],
      [old.id, true],
    ]);
    expect((await connector().fetchOrders(page.cursor)).orders).toEqual([]);
  });

  it("given the access token expired on TikTok's side, when a call is made, then the tokens are refreshed once, stored, and the call lands", async () => {
    const tiktok = connector();
    sim.expireAccessToken("ROW_anchor");
    await expect(tiktok.pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 4 }])).resolves.toEqual([
      { channelSku: "S-MUG", status: "accepted" },
    ]);
    expect(stored).toHaveLength(1);
    expect(stored[0].accessToken).toBe(sim.shop("ROW_anchor").accessToken);
    expect(sim.requests.filter((r) => r.path === "/api/v2/token/refresh")).toHaveLength(1);
  });

  it("given the stored expiry has passed, when a call is made, then the token is refreshed before the call", async () => {
    const expired = String(Math.floor(Date.now() / 1000) - 10);
    await connector({ accessTokenExpiresAt: expired }).pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 4 }]);
    expect(sim.requests.map((r) => r.path).slice(0, 2)).toEqual(["/api/v2/token/refresh", "/product/202309/products/P-MUG/inventory/update"]);
    expect(sim.requests.filter((r) => r.status !== 200)).toEqual([]);
  });

  it("given the seller revoked the app, when anything is called, then the connector fails with authFailed and does not retry", async () => {
    sim.revoke("ROW_anchor");
    const failure = await connector()
      .pushQuantities([{ channelSku: "S-MUG", externalId: "P-MUG", quantity: 1 }])
      .catch((e: unknown) => e);
    expect((failure as ChannelError).details).toMatchObject({ authFailed: true, retryable: false, code: "105001" });
    expect(waits).toEqual([]);

    sim.expireAccessToken("ROW_anchor"); // and a refresh is refused too
    const refresh = await connector()
      .fetchOrders(null)
      .catch((e: unknown) => e);
    expect((refresh as ChannelError).details.authFailed).toBe(true);
  });

  it("given an authorized app, when the connection is tested and a fresh auth code exchanged, then both succeed", async () => {
    expect(await connector().testConnection()).toEqual({ ok: true });
    const tokens = await exchangeTikTokAuthCode({
      appKey: SHOP.appKey,
      appSecret: SHOP.appSecret,
      authCode: sim.issueAuthCode("ROW_anchor"),
      authBase: sim.url,
    });
    expect(tokens.accessToken).toBe(sim.shop("ROW_anchor").accessToken);
  });
});

describe("TikTok Shop connector: returns and refunds (Search Returns)", () => {
  /** A seller-fulfilled order of 3 red and 1 blue placed at `t`, shipped a minute later. */
  function shipped(t: number) {
    const order = sim.placeOrder("ROW_anchor", {
      lines: [
        { skuId: "S-RED", quantity: 3 },
        { skuId: "S-BLU", quantity: 1 },
      ],
      createTime: t,
      shippingType: "SELLER",
    });
    sim
      .shop("ROW_anchor")
      .shipPackage(order, "IN_TRANSIT", { shippingProviderId: "6617675021119438849", shippingProviderName: "USPS", trackingNumber: "9400", shippedAt: t + 60 });
    return order;
  }
  const red = (page: { orders: Array<{ lines: Array<{ channelSku: string }> }> }) => page.orders.map((o) => o.lines.find((l) => l.channelSku === "S-RED"));

  it("given a shipped order read, when the buyer returns 2 red units, then nothing comes back until the seller receives them, the next fetch brings returnedQuantity 2, once refunded refundedQuantity 2, blue untouched, and an unchanged order is not delivered twice", async () => {
    const tiktok = connector();
    const t = Math.floor(Date.now() / 1000) - 3000;
    const order = shipped(t);
    const first = await tiktok.fetchOrders(null);
    expect(red(first)).toEqual([
      { channelSku: "S-RED", quantity: 3, priceCents: 2999, ...taxedCA(3), cancelledQuantity: 0, returnedQuantity: 0, refundedQuantity: 0 },
    ]);

    const ret = sim.requestReturn("ROW_anchor", order.id, { type: "RETURN_AND_REFUND", skuId: "S-RED", units: 2, at: t + 600 });
    sim.advanceReturn("ROW_anchor", ret.id, "AWAITING_BUYER_SHIP", t + 700);
    sim.advanceReturn("ROW_anchor", ret.id, "BUYER_SHIPPED_ITEM", t + 800);
    const inTransit = await tiktok.fetchOrders(first.cursor);
    expect(red(inTransit)).toEqual([expect.objectContaining({ returnedQuantity: 0, refundedQuantity: 0 })]);

    sim.advanceReturn("ROW_anchor", ret.id, "RETURN_OR_REFUND_REQUEST_SUCCESS", t + 900);
    const received = await tiktok.fetchOrders(inTransit.cursor);
    expect(received.orders.map((o) => [o.externalOrderId, o.updatedAt])).toEqual([[order.id, new Date((t + 900) * 1000)]]);
    expect(received.orders[0].lines).toEqual([
      { channelSku: "S-RED", quantity: 3, priceCents: 2999, ...taxedCA(3), cancelledQuantity: 0, returnedQuantity: 2, refundedQuantity: 0 },
      { channelSku: "S-BLU", quantity: 1, priceCents: 2999, ...taxedCA(1), cancelledQuantity: 0, returnedQuantity: 0, refundedQuantity: 0 },
    ]);
    expect((await tiktok.fetchOrders(received.cursor)).orders).toEqual([]);

    sim.advanceReturn("ROW_anchor", ret.id, "RETURN_OR_REFUND_REQUEST_COMPLETE", t + 1000);
    const refunded = await tiktok.fetchOrders(received.cursor);
    expect(red(refunded)).toEqual([expect.objectContaining({ returnedQuantity: 2, refundedQuantity: 2 })]);
    expect((await tiktok.fetchOrders(refunded.cursor)).orders).toEqual([]);
    expect(sim.requests.some((r) => r.path === "/return_refund/202309/returns/search")).toBe(true);
  });

  it("given a refund without return completed and a return whose parcel the seller refused, when fetched, then the refund counts refunded units only and the refused return counts nothing", async () => {
    const t = Math.floor(Date.now() / 1000) - 3000;
    const order = shipped(t);
    const refund = sim.requestReturn("ROW_anchor", order.id, { type: "REFUND", skuId: "S-BLU", at: t + 100 });
    sim.advanceReturn("ROW_anchor", refund.id, "RETURN_OR_REFUND_REQUEST_SUCCESS", t + 150);
    sim.advanceReturn("ROW_anchor", refund.id, "RETURN_OR_REFUND_REQUEST_COMPLETE", t + 200);
    const refused = sim.requestReturn("ROW_anchor", order.id, { type: "RETURN_AND_REFUND", skuId: "S-RED", units: 1, at: t + 300 });
    for (const status of ["AWAITING_BUYER_SHIP", "BUYER_SHIPPED_ITEM", "REJECT_RECEIVE_PACKAGE"] as const)
      sim.advanceReturn("ROW_anchor", refused.id, status, t + 400);
    const page = await connector().fetchOrders(null);
    expect(page.orders.map((o) => o.lines)).toEqual([
      [
        { channelSku: "S-RED", quantity: 3, priceCents: 2999, ...taxedCA(3), cancelledQuantity: 0, returnedQuantity: 0, refundedQuantity: 0 },
        { channelSku: "S-BLU", quantity: 1, priceCents: 2999, ...taxedCA(1), cancelledQuantity: 0, returnedQuantity: 0, refundedQuantity: 1 },
      ],
    ]);
  });

  it("given an order read, when its return is received within the same second as the read (update_time unchanged to the second), then the change still comes back once", async () => {
    const tiktok = connector();
    const t = Math.floor(Date.now() / 1000) - 3000;
    const order = shipped(t);
    const ret = sim.requestReturn("ROW_anchor", order.id, { type: "RETURN_AND_REFUND", skuId: "S-RED", units: 1, at: t + 60 });
    sim.advanceReturn("ROW_anchor", ret.id, "AWAITING_BUYER_SHIP", t + 60);
    sim.advanceReturn("ROW_anchor", ret.id, "BUYER_SHIPPED_ITEM", t + 60);
    const first = await tiktok.fetchOrders(null);
    expect(red(first)).toEqual([expect.objectContaining({ returnedQuantity: 0 })]);
    sim.advanceReturn("ROW_anchor", ret.id, "RETURN_OR_REFUND_REQUEST_SUCCESS", t + 60);
    const second = await tiktok.fetchOrders(first.cursor);
    expect(red(second)).toEqual([expect.objectContaining({ returnedQuantity: 1 })]);
    expect((await tiktok.fetchOrders(second.cursor)).orders).toEqual([]);
  });
});

describe("TikTok connector: an order's sales tax", () => {
  it("given line items with no item_tax (Oregon has no sales tax), with SALES_TAX, or with another tax type, when read, then the line's tax is null, the units' sum collected by TikTok, or that sum left for the seller", () => {
    const unit = (sku_id: string, item_tax?: Array<{ tax_type: string; tax_amount: string; tax_rate: string }>) => ({ sku_id, sale_price: "20.00", item_tax });
    const order = toImportedOrder({
      id: "576000000000000001",
      status: "AWAITING_SHIPMENT",
      create_time: 1_790_000_000,
      update_time: 1_790_000_000,
      line_items: [
        unit("S-UNTAXED"),
        unit("S-SALES", [{ tax_type: "SALES_TAX", tax_amount: "1.45", tax_rate: "0.0725" }]),
        unit("S-SALES", [{ tax_type: "SALES_TAX", tax_amount: "1.45", tax_rate: "0.0725" }]),
        unit("S-OTHER", [{ tax_type: "VAT", tax_amount: "4.00", tax_rate: "0.2" }]),
      ],
    });
    expect(order.lines.map((l) => [l.channelSku, l.quantity, l.taxCents, l.taxCollectedByMarketplace])).toEqual([
      ["S-UNTAXED", 1, undefined, undefined],
      ["S-SALES", 2, 290, true],
      ["S-OTHER", 1, 400, false],
    ]);
  });
});

describe("TikTok Shop connector: Fulfilled by TikTok stock (Search FBT Inventory)", () => {
  it("given 60 SKUs TikTok fulfils from two FBT warehouses each, one with an FBT order not shipped yet, and one 429, when marketplace stock is fetched, then each SKU comes once with its available units summed over both warehouses, two signed pages are read and the 429 is waited out", async () => {
    // Given
    await sim.stop();
    const fbt = Array.from({ length: 60 }, (_, i) => ({
      productId: `P-FBT-${i}`,
      skuId: `S-FBT-${String(i).padStart(2, "0")}`,
      sellerSku: `FBT-${i}`,
      quantity: 0,
      priceCents: 1999,
      fbtStock: { "7300000000000000001": i % 5, "7300000000000000002": 10 },
    }));
    sim = await startTikTokSimulator({ shops: [{ ...SHOP, products: [...SHOP.products, ...fbt] }] });
    sim.placeOrder(SHOP.shopCipher, { skuId: "S-FBT-04", quantity: 3, fulfillmentType: "FULFILLMENT_BY_TIKTOK" });
    sim.throttleNext(SHOP.shopCipher, 1);
    // When
    const stock = await connector().fetchMarketplaceStock!();
    // Then
    expect(stock).toHaveLength(60);
    expect(stock.find((s) => s.channelSku === "S-FBT-03")).toEqual({ channelSku: "S-FBT-03", quantity: 13 });
    expect(stock.find((s) => s.channelSku === "S-FBT-04")).toEqual({ channelSku: "S-FBT-04", quantity: 11 });
    expect(stock.some((s) => s.channelSku === "S-RED")).toBe(false);
    // 120 goods-and-warehouse entries: 100, then 20; the first asked twice
    expect(sim.requests.filter((r) => r.path === "/fbt/202408/inventory/search").map((r) => r.status)).toEqual([429, 200, 200]);
    expect(waits).toHaveLength(1);
  });

  it("given a shop without FBT SKUs, when marketplace stock is fetched, then none; given a revoked authorization, then a ChannelError marked authFailed", async () => {
    expect(await connector().fetchMarketplaceStock!()).toEqual([]);
    sim.revoke(SHOP.shopCipher);
    const failure = await connector().fetchMarketplaceStock!().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ChannelError);
    expect((failure as ChannelError).details.authFailed).toBe(true);
  });
});

describe("TikTok Shop connector: the ORDER_STATUS_CHANGE webhook set at connect and removed at disconnect", () => {
  it("given the account subscribed twice, when it is unsubscribed twice, then the shop held one webhook to the address and holds none after", async () => {
    const url = "https://app.example/notifications/ch-1";
    await connector().subscribeToOrderNotifications!({ url, key: "unused" });
    await connector().subscribeToOrderNotifications!({ url, key: "unused" });
    expect(sim.webhooks(SHOP.shopCipher)).toEqual([expect.objectContaining({ event_type: "ORDER_STATUS_CHANGE", address: url })]);

    await connector().unsubscribeFromOrderNotifications!({ url });
    await connector().unsubscribeFromOrderNotifications!({ url });

    expect(sim.webhooks(SHOP.shopCipher)).toEqual([]);
  });

  it("given the shop's webhook set to another address since, when this account is unsubscribed, then that webhook is left", async () => {
    await connector().subscribeToOrderNotifications!({ url: "https://elsewhere.example/hook", key: "unused" });

    await connector().unsubscribeFromOrderNotifications!({ url: "https://app.example/notifications/ch-1" });

    expect(sim.webhooks(SHOP.shopCipher)).toEqual([expect.objectContaining({ address: "https://elsewhere.example/hook" })]);
  });
});
