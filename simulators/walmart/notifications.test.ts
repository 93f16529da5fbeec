import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { walmartAccessToken } from "./test-helpers";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

const account = { clientId: "wm-notify", clientSecret: "wm-secret", listings: [{ sku: "KET-RED", quantity: 5, priceCents: 2999 }] };
let sim: WalmartSimulator;
let token: string;

/** A destination that records what it is sent and answers with the next status queued (200 when none). */
let received: Array<{ headers: IncomingHttpHeaders; body: unknown }> = [];
let answers: number[] = [];
const destination = createServer((req, res) => {
  let raw = "";
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    received.push({ headers: req.headers, body: JSON.parse(raw) });
    res.writeHead(answers.shift() ?? 200).end();
  });
});
let eventUrl: string;

const wm = (extra: Record<string, string> = {}) => ({
  "WM_SEC.ACCESS_TOKEN": token,
  "WM_QOS.CORRELATION_ID": randomUUID(),
  "WM_SVC.NAME": "Walmart Marketplace",
  Accept: "application/json",
  ...extra,
});

const subscribe = (event: Record<string, unknown>) =>
  fetch(`${sim.url}/v3/webhooks/subscriptions`, {
    method: "POST",
    headers: wm({ "Content-Type": "application/json" }),
    body: JSON.stringify({ events: [event] }),
  });

const poCreated = () => ({
  eventType: "PO_CREATED",
  eventVersion: "V1",
  resourceName: "ORDER",
  eventUrl,
  status: "ACTIVE",
  authDetails: { authMethod: "BASIC_AUTH", authHeaderName: "Authorization", userName: "anchorline", password: "s3cret" },
  headers: { "content-type": "application/json" },
});

beforeAll(async () => {
  await new Promise<void>((resolve) => destination.listen(0, "127.0.0.1", resolve));
  eventUrl = `http://127.0.0.1:${(destination.address() as AddressInfo).port}/notifications/ch-1`;
  sim = await startWalmartSimulator({ accounts: [account] });
  token = await walmartAccessToken(sim.url, "wm-notify", "wm-secret");
});
afterAll(async () => {
  await sim.stop();
  await new Promise<void>((resolve) => destination.close(() => resolve()));
});

describe("Walmart Notifications API", () => {
  it("given a PO_CREATED subscription, when it is created, listed by event type and deleted, then each answer holds to the definition and the deleted one is gone", async () => {
    const created = await subscribe(poCreated());
    expect(created.status).toBe(200);
    const [subscription] = ((await created.json()) as { events: Array<{ subscriptionId: string; eventType: string; status: string }> }).events;
    expect(subscription).toMatchObject({ eventType: "PO_CREATED", status: "ACTIVE" });

    const listed = await fetch(`${sim.url}/v3/webhooks/subscriptions?eventType=PO_CREATED`, { headers: wm() });
    expect(((await listed.json()) as { events: unknown[] }).events).toEqual([
      expect.objectContaining({ subscriptionId: subscription.subscriptionId, eventUrl }),
    ]);

    const deleted = await fetch(`${sim.url}/v3/webhooks/subscriptions/${subscription.subscriptionId}`, { method: "DELETE", headers: wm() });
    expect(await deleted.json()).toEqual({ subscriptionId: subscription.subscriptionId, message: "Successfully deleted subscription" });
    expect(sim.subscriptions(account.clientId)).toEqual([]);
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });

  it("given a subscription request without its eventUrl, or without the WM_ headers, when sent, then 400 and nothing is subscribed", async () => {
    const { eventUrl: _left, ...withoutUrl } = poCreated();
    const noUrl = await subscribe(withoutUrl);
    const noHeaders = await fetch(`${sim.url}/v3/webhooks/subscriptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ events: [poCreated()] }),
    });

    expect([noUrl.status, noHeaders.status]).toEqual([400, 400]);
    expect(sim.subscriptions(account.clientId)).toEqual([]);
  });

  it("given an ACTIVE PO_CREATED subscription with basic auth, when a buyer places an order and the destination first answers 503, then the event is sent again with the auth header and the PO's id and lines", async () => {
    const created = await subscribe(poCreated());
    const [{ subscriptionId }] = ((await created.json()) as { events: Array<{ subscriptionId: string }> }).events;
    received = [];
    answers = [503];

    const order = sim.placeOrder(account.clientId, { sku: "KET-RED", quantity: 2 });

    expect(await sim.notificationsSettled(account.clientId)).toEqual({ delivered: 1, failed: 0 });
    expect(received).toHaveLength(2);
    expect(received[1].headers.authorization).toBe(Buffer.from("anchorline:s3cret").toString("base64"));
    expect(received[1].body).toMatchObject({
      source: { eventType: "PO_CREATED" },
      payload: { purchaseOrderId: order.purchaseOrderId, orderLines: [{ lineNumber: "1", sku: "KET-RED", quantity: { measurementValue: 2 } }] },
    });
    await fetch(`${sim.url}/v3/webhooks/subscriptions/${subscriptionId}`, { method: "DELETE", headers: wm() });
  });

  it("given no subscription, when a buyer places an order, then nothing is sent", async () => {
    received = [];
    sim.placeOrder(account.clientId, { sku: "KET-RED", quantity: 1 });
    expect(await sim.notificationsSettled(account.clientId)).toMatchObject({ failed: 0 });
    expect(received).toEqual([]);
  });
});
