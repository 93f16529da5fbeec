import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTikTokSimulator, type TikTokSimulator } from "./server";

const shop = {
  appKey: "app-hooks",
  appSecret: "secret-hooks",
  shopCipher: "ROW_HOOKS",
  accessToken: "TTP_hooks",
  refreshToken: "TTP_hooks_r",
  products: [{ productId: "P1", skuId: "S1", sellerSku: "KET-RED", quantity: 5, priceCents: 1999 }],
};
let sim: TikTokSimulator;

/** A destination that records what it is sent (raw) and answers with the next status queued (200 when none). */
let received: Array<{ headers: IncomingHttpHeaders; raw: string }> = [];
let answers: number[] = [];
const destination = createServer((req, res) => {
  let raw = "";
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    received.push({ headers: req.headers, raw });
    res.writeHead(answers.shift() ?? 200).end();
  });
});
let address: string;

// Signed by hand (TikTok's "Sign your API request"), independent of the connector's signer.
async function call(method: string, body?: Record<string, unknown>) {
  const path = "/event/202309/webhooks";
  const params: Record<string, string> = { app_key: shop.appKey, timestamp: String(Math.floor(Date.now() / 1000)), shop_cipher: shop.shopCipher };
  const text = body ? JSON.stringify(body) : "";
  const sorted = Object.keys(params)
    .sort()
    .map((k) => k + params[k])
    .join("");
  const sign = createHmac("sha256", shop.appSecret)
    .update(shop.appSecret + path + sorted + text + shop.appSecret)
    .digest("hex");
  const answer = await fetch(`${sim.url}${path}?${new URLSearchParams({ ...params, sign }).toString()}`, {
    method,
    headers: { "x-tts-access-token": shop.accessToken, "content-type": "application/json" },
    body: text || undefined,
  });
  return (await answer.json()) as { code: number; message: string; data: { webhooks?: Array<{ event_type: string; address: string }> } };
}

beforeAll(async () => {
  await new Promise<void>((resolve) => destination.listen(0, "127.0.0.1", resolve));
  address = `http://127.0.0.1:${(destination.address() as AddressInfo).port}/notifications/ch-tt`;
  sim = await startTikTokSimulator({ shops: [shop] });
});
afterAll(async () => {
  await sim.stop();
  await new Promise<void>((resolve) => destination.close(() => resolve()));
});

describe("TikTok Shop webhooks (Event API 202309) and ORDER_STATUS_CHANGE", () => {
  it("given Update Shop Webhook for ORDER_STATUS_CHANGE, when it is set twice, listed and deleted, then one webhook holds the address and the delete removes it", async () => {
    expect((await call("PUT", { address: `${address}-old`, event_type: "ORDER_STATUS_CHANGE" })).code).toBe(0);
    expect((await call("PUT", { address, event_type: "ORDER_STATUS_CHANGE" })).code).toBe(0);

    const listed = await call("GET");
    expect(listed.data.webhooks).toEqual([expect.objectContaining({ event_type: "ORDER_STATUS_CHANGE", address })]);

    expect((await call("DELETE", { event_type: "ORDER_STATUS_CHANGE" })).code).toBe(0);
    expect(sim.webhooks(shop.shopCipher)).toEqual([]);
  });

  it("given an Update Shop Webhook without an address, or for an event the simulator does not send, when sent, then 36009004 and nothing is set", async () => {
    const answers = [await call("PUT", { event_type: "ORDER_STATUS_CHANGE" }), await call("PUT", { address, event_type: "NOT_AN_EVENT" })];
    expect(answers.map((a) => a.code)).toEqual([36009004, 36009004]);
    expect(sim.webhooks(shop.shopCipher)).toEqual([]);
  });

  it("given the ORDER_STATUS_CHANGE webhook, when a buyer orders and the destination first answers 503, then the event is sent again, signed as TikTok signs it, naming the order", async () => {
    await call("PUT", { address, event_type: "ORDER_STATUS_CHANGE" });
    received = [];
    answers = [503];

    const order = sim.placeOrder(shop.shopCipher, { skuId: "S1", quantity: 2 });

    expect(await sim.webhooksSettled(shop.shopCipher)).toEqual({ delivered: 1, failed: 0 });
    expect(received).toHaveLength(2);
    const [, delivery] = received;
    const expected = createHmac("sha256", shop.appSecret)
      .update(shop.appKey + delivery.raw)
      .digest("hex");
    expect(delivery.headers.authorization).toBe(expected);
    expect(JSON.parse(delivery.raw)).toMatchObject({ type: 1, shop_id: expect.any(String), data: { order_id: order.id, order_status: "AWAITING_SHIPMENT" } });
  });

  it("given the webhook, when the buyer cancels the order, then a second event says CANCELLED; with no webhook, a new order sends nothing", async () => {
    await call("PUT", { address, event_type: "ORDER_STATUS_CHANGE" });
    const order = sim.placeOrder(shop.shopCipher, { skuId: "S1", quantity: 1 });
    await sim.webhooksSettled(shop.shopCipher);
    received = [];

    sim.cancelOrder(shop.shopCipher, order.id);
    await sim.webhooksSettled(shop.shopCipher);
    expect(received.map((r) => JSON.parse(r.raw).data)).toEqual([expect.objectContaining({ order_id: order.id, order_status: "CANCELLED" })]);

    await call("DELETE", { event_type: "ORDER_STATUS_CHANGE" });
    received = [];
    sim.placeOrder(shop.shopCipher, { skuId: "S1", quantity: 1 });
    await sim.webhooksSettled(shop.shopCipher);
    expect(received).toEqual([]);
  });
});
