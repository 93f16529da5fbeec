import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWalmartSimulator, type WalmartSimulator } from "./server";

const account = { clientId: "wm-client", clientSecret: "wm-secret", listings: [{ sku: "KET-RED", quantity: 5, priceCents: 2999 }] };
let sim: WalmartSimulator;
let token: string;

const wmHeaders = (extra: Record<string, string> = {}) => ({
  "WM_SEC.ACCESS_TOKEN": token,
  "WM_QOS.CORRELATION_ID": randomUUID(),
  "WM_SVC.NAME": "Walmart Marketplace",
  Accept: "application/json",
  ...extra,
});

beforeAll(async () => {
  sim = await startWalmartSimulator({ accounts: [account], feedDelayMs: 10 });
  const answer = await fetch(`${sim.url}/v3/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from("wm-client:wm-secret").toString("base64")}`, "WM_SVC.NAME": "Walmart Marketplace", "WM_QOS.CORRELATION_ID": randomUUID(), "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  token = ((await answer.json()) as { access_token: string }).access_token;
});
afterAll(() => sim.stop());

describe("Walmart simulator", () => {
  it("given a call without WM_QOS.CORRELATION_ID, when it arrives, then it is refused with 400 naming the header the definition requires", async () => {
    const headers: Record<string, string> = wmHeaders();
    delete headers["WM_QOS.CORRELATION_ID"];
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { errors: Array<{ description: string }> };
    expect(body.errors.map((e) => e.description)).toContain("header parameter WM_QOS.CORRELATION_ID is required");
  });

  it("given an inventory body without quantity.unit, when PUT, then it is refused for its shape before any state changes", async () => {
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, {
      method: "PUT",
      headers: wmHeaders({ "Content-Type": "application/json" }),
      body: JSON.stringify({ sku: "KET-RED", quantity: { amount: 1 } }),
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).toContain("unit");
    expect(sim.account("wm-client").listings.get("KET-RED")!.quantity).toBe(5);
  });

  it("given an unknown token, when a documented call arrives, then it answers 401", async () => {
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers: wmHeaders({ "WM_SEC.ACCESS_TOKEN": "forged" }) });
    expect(answer.status).toBe(401);
  });

  it("given a throttled account, when it calls, then 429 carries Retry-After and the replenish time", async () => {
    sim.throttleNext("wm-client");
    const answer = await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers: wmHeaders() });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(Number(answer.headers.get("x-next-replenish-time"))).toBeGreaterThan(Date.now() - 1000);
  });

  it("given a buyer who takes more than is listed, when the order is placed, then the listing goes to 0 and the order is flagged oversold", () => {
    const order = sim.placeOrder("wm-client", { sku: "KET-RED", quantity: 7 });
    expect(order.oversold).toBe(true);
    expect(sim.account("wm-client").listings.get("KET-RED")!.quantity).toBe(0);
  });

  it("given every answer it gave to documented operations, then each passed checkResponse against Walmart's definition", async () => {
    await fetch(`${sim.url}/v3/inventory?sku=KET-RED`, { headers: wmHeaders() });
    await fetch(`${sim.url}/v3/orders?createdStartDate=2020-01-01`, { headers: wmHeaders() });
    expect(sim.responseChecks.map((c) => c.operationId)).toEqual(expect.arrayContaining(["getInventory", "getAllOrders"]));
    expect(sim.responseChecks.filter((c) => c.errors.length)).toEqual([]);
  });
});
