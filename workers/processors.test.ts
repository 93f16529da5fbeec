import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestRecompute } from "~/recompute/index.server";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { action as webhookAction } from "~/routes/webhooks";
import { nonZero, rowsOfShop, seedShopWithEveryModel, signedWebhookRequest } from "../test/factories";
import { sealCredentials } from "~/lib/secrets.server";
import { requestListingDiscovery } from "~/sync/listing-discovery.server";
import { startWalmartSimulator } from "../simulators/walmart/server";
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

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
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

  it("applies an inventory level change to the mirror, and the listings it moves are recomputed", async () => {
    // Given a mirrored kettle listed on Amazon, 12 in the warehouse
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    // When Shopify reports 5 available in the warehouse
    // (the location id is above 2^53, written as Shopify writes it: a bare number)
    await deliverAndWait(
      "inventory_levels/update",
      shop.domain,
      `{"inventory_item_id":1000,"location_id":9007199254740993,"available":5,"updated_at":"${new Date().toISOString()}"}`,
    );
    // Then the mirror holds 5, and the recompute worker (queued by the mark) brings the Amazon
    // listing to 5 − its buffer of 6, listed at 0, and clears the mark
    const level = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id, location: { shopifyId: "9007199254740993" } } });
    expect(level.available).toBe(5);
    const after = await waitFor(
      () => prisma.listing.findUniqueOrThrow({ where: { id: listing.id } }),
      (l) => l.staleSince === null && l.desiredVersion > 1,
    );
    expect([after.desiredQuantity, after.desiredVersion, after.staleSince]).toEqual([0, 2, null]);
  });
});

describe("the recompute worker", () => {
  it("given a shop whose Amazon listing was marked stale, when a recompute is requested, then the worker writes its desired state and clears the mark", async () => {
    // Given the kettle listed on Amazon: 12 in the warehouse (the vendor does not feed Amazon),
    // a velocity buffer of ceil((velocity × 2 days + 4) × 1.5), velocity counting eBay's sale of 1
    // today (1 / Σ 0.5^(d/7) over 28 days = 0.1/day): ceil(6.3) = 7
    const { shop, listing } = await seedShopWithEveryModel(prisma);
    await prisma.listing.update({ where: { id: listing.id }, data: { staleSince: new Date() } });

    // When a recompute is requested
    await requestRecompute(shop.id);

    // Then the worker computes 12 − 7 = 5, a new version, and the mark is gone
    const after = await waitFor(
      () => prisma.listing.findUniqueOrThrow({ where: { id: listing.id } }),
      (l) => l.staleSince === null,
    );
    expect([after.staleSince, after.desiredQuantity, after.desiredVersion, after.syncState]).toEqual([null, 5, 2, "PENDING"]);
  });
});

describe("a failed job", () => {
  /** The job's state once its first attempt has ended: failed for good, or delayed for a retry. */
  async function afterFirstAttempt(queue: "webhooks" | "shop-maintenance", jobId: string) {
    const state = await waitFor(
      () => queues()[queue].getJobState(jobId),
      (s) => s === "failed" || s === "delayed",
    );
    const job = await queues()[queue].getJob(jobId);
    return { state, attemptsMade: job?.attemptsMade, failedReason: job?.failedReason, finishedOn: job?.finishedOn, job };
  }

  it("given a shop whose offline session is gone, when its reconciliation runs, then the job fails once for good with the reason instead of being retried 8 times", async () => {
    // Given a shop Anchorline knows, but no offline session to call Shopify with
    const { shop } = await seedShopWithEveryModel(prisma);
    await prisma.session.deleteMany({ where: { shop: shop.domain } });

    // When its reconciliation job runs (the queue's default: 8 attempts with backoff)
    const job = await queues()["shop-maintenance"].add("reconcile", { shopDomain: shop.domain, task: "reconcile" });

    // Then the first attempt ends it: failed, finished, the reason kept for whoever looks
    const after = await afterFirstAttempt("shop-maintenance", job.id!);
    expect([after.state, after.attemptsMade]).toEqual(["failed", 1]);
    expect(after.finishedOn).toBeTypeOf("number");
    expect(after.failedReason).toBe(`No offline session for ${shop.domain}: the app is not installed`);
  });

  it("given a level change for an item not mirrored yet, when the delivery is applied, then its job completes and the level waits in PostgreSQL for its item", async () => {
    // Given a mirrored shop that does not know inventory item 4242 yet
    const { shop } = await seedShopWithEveryModel(prisma);

    // When Shopify reports a level of that item
    const request = signedWebhookRequest({
      topic: "inventory_levels/update",
      shop: shop.domain,
      body: `{"inventory_item_id":4242,"location_id":9007199254740993,"available":3,"updated_at":"${new Date().toISOString()}"}`,
    });
    const webhookId = request.headers.get("x-shopify-webhook-id")!;
    expect((await webhookAction({ request, params: {}, context: {} })).status).toBe(200);

    // Then the job completes at once (no retries to run out of), and the level is parked until
    // its product is mirrored (app/anchor/parked.server.ts)
    await waitUntilFinished(webhookId);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { webhookId } })).state).toBe("PROCESSED");
    expect(await prisma.parkedInventoryUpdate.findUnique({ where: { webhookId } })).toMatchObject({
      shopId: shop.id,
      itemShopifyId: "4242",
      locationShopifyId: "9007199254740993",
      available: 3,
    });
  });
});

describe("the order-import worker", () => {
  it("given a connected Walmart account with a listing whose SKU the store has, when its listings are asked for, then the worker reads them and links it", async () => {
    const sim = await startWalmartSimulator({
      accounts: [{ clientId: "wm-worker-discovery", clientSecret: "s", listings: [{ sku: "KET-RED", quantity: 4, priceCents: 2999 }] }],
    });
    try {
      const { shop, variant } = await seedShopWithEveryModel(prisma);
      const walmart = await prisma.channel.create({
        data: {
          shopId: shop.id,
          kind: "WALMART",
          accountId: "partner-worker",
          name: "Walmart",
          credentialsCiphertext: sealCredentials({ clientId: "wm-worker-discovery", clientSecret: "s" }, shop.id),
          settings: { endpoints: { api: sim.url } },
        },
      });

      await requestListingDiscovery(walmart);

      const read = await waitFor(
        () => prisma.channel.findUniqueOrThrow({ where: { id: walmart.id } }),
        (c) => c.listingsReadAt !== null,
      );
      expect(read.listingsReadProblem).toBeNull();
      expect(await prisma.listing.findUnique({ where: { channelId_channelSku: { channelId: walmart.id, channelSku: "KET-RED" } } })).toMatchObject({
        variantId: variant.id,
        observedQuantity: 4,
      });
    } finally {
      await sim.stop();
    }
  });
});
