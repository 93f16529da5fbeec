import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { action as webhookAction } from "~/routes/webhooks";
import { nonZero, rowsOfShop, seedShopWithEveryModel, signedWebhookRequest } from "../test/factories";
import { createWorkers } from "./processors";

// End to end through real PostgreSQL and Redis: Shopify's request hits the route, the worker
// process applies it.
const connection = createRedisConnection();
let workers: Worker[];

beforeAll(() => {
  workers = createWorkers(connection);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queues().close();
  connection.disconnect();
});

async function deliverAndWait(topic: string, shop: string, payload: unknown) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const request = signedWebhookRequest({ topic, shop, body });
  const webhookId = request.headers.get("x-shopify-webhook-id")!;
  const response = await webhookAction({ request, params: {}, context: {} });
  expect(response.status).toBe(200);
  const job = await queues().webhooks.getJob(webhookId);
  if (job) await waitUntilFinished(webhookId);
  return webhookId;
}

async function waitUntilFinished(jobId: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await queues().webhooks.getJobState(jobId);
    if (state === "completed") return;
    if (state === "failed") throw new Error(`job ${jobId} failed`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
}

describe("the webhooks worker", () => {
  it("applies app/uninstalled then shop/redact: sessions go first, then every row of the shop", async () => {
    const { shop } = await seedShopWithEveryModel(prisma);

    await deliverAndWait("app/uninstalled", shop.domain, { id: 1, name: "Every Model Goods", domain: null });
    expect(await prisma.session.count({ where: { shop: shop.domain } })).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).uninstalledAt).toBeInstanceOf(Date);

    await deliverAndWait("shop/redact", shop.domain, { shop_id: 954889, shop_domain: shop.domain });
    expect(nonZero(await rowsOfShop(prisma, shop.domain, shop.id))).toEqual({});
  });

  it("erases a customer's personal data on customers/redact and keeps the order's numbers", async () => {
    const { shop, order } = await seedShopWithEveryModel(prisma);
    await deliverAndWait("customers/redact", shop.domain, {
      shop_id: 954889,
      shop_domain: shop.domain,
      customer: { id: 191167, email: "ada@example.com", phone: "555-625-1199" },
      orders_to_redact: [299938],
    });
    const after = await prisma.channelOrder.findUniqueOrThrow({ where: { id: order.id } });
    expect([after.buyerName, after.buyerEmail, after.shippingAddress]).toEqual([null, null, null]);
    expect(after.externalOrderId).toBe(order.externalOrderId);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "customer.redact" } });
    expect(JSON.stringify(audit.details)).not.toContain("ada@example.com");
  });

  it("reports what is held about a customer on customers/data_request", async () => {
    const { shop, order } = await seedShopWithEveryModel(prisma);
    await deliverAndWait("customers/data_request", shop.domain, {
      shop_id: 954889,
      shop_domain: shop.domain,
      customer: { id: 191167, email: "someone-else@example.com" },
      orders_requested: [Number(order.shopifyOrderId)],
      data_request: { id: 9999 },
    });
    const report = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "customer.data_request" } });
    expect(report.details).toMatchObject({ orders: [{ externalOrderId: order.externalOrderId, buyerEmail: "ada@example.com" }] });
  });

  it("applies an inventory level change to the mirror and marks the listings it moves", async () => {
    // Given a mirrored kettle listed on Amazon, 12 in the warehouse
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    // When Shopify reports 5 available in the warehouse
    // (the location id is above 2^53, written as Shopify writes it: a bare number)
    await deliverAndWait(
      "inventory_levels/update",
      shop.domain,
      `{"inventory_item_id":1000,"location_id":9007199254740993,"available":5,"updated_at":"${new Date().toISOString()}"}`,
    );
    // Then the mirror holds 5 and the Amazon listing waits for the engine
    const level = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id, location: { shopifyId: "9007199254740993" } } });
    expect(level.available).toBe(5);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).toBeInstanceOf(Date);
  });
});
