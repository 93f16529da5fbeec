import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify-admin/server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { installShopSession } from "../../test/admin-request";
import { uniqueShopDomain } from "../../test/factories";
import { createWorkers } from "../../workers/processors";
import { adminClientForShop } from "./admin-client.server";
import { importCatalog } from "./bulk-import.server";
import { adjustAnchorInventory } from "./writeback.server";

// The anchor end to end: Shopify (simulated, with Shopify's schema) → bulk import → the mirror in
// PostgreSQL; a change in Shopify → signed webhook → the app's route → Redis → worker → mirror;
// a write-back retried three times → applied once.
const domain = uniqueShopDomain("anchor");
let simulator: ShopifySimulator;
let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
const connection = createRedisConnection();
let workers: Worker[];

beforeAll(async () => {
  simulator = await startShopifySimulator({
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    shops: [{ domain, accessToken: "shpat_anchor", catalog: { products: 40, variantsPerProduct: 3, locations: 4, seed: 7 } }],
  });
  endpoint = await startWebhookEndpoint();
  simulator.setWebhookUrl(endpoint.url);
  process.env.SHOPIFY_ADMIN_API_ORIGIN = simulator.url;
  await prisma.shop.create({ data: { domain } });
  await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "x", accessToken: "shpat_anchor" } });
  await installShopSession(prisma, domain);
  workers = createWorkers(connection).filter((w) => w.name === "webhooks");
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queues().close();
  connection.disconnect();
  await endpoint.close();
  await simulator.stop();
});

async function mirrorAvailable(itemShopifyId: string, locationShopifyId: string) {
  const level = await prisma.inventoryLevel.findFirst({ where: { inventoryItem: { shopifyId: itemShopifyId, shop: { domain } }, location: { shopifyId: locationShopifyId } } });
  return level?.available ?? null;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}

describe("the anchor", () => {
  it("imports the store by bulk operation so the mirror equals Shopify's state", async () => {
    const client = await adminClientForShop(domain);
    const summary = await importCatalog(domain, client, { pollIntervalMs: 20, batchSize: 50 });

    const store = simulator.shop(domain);
    expect(summary).toMatchObject({ products: 40, variants: 120, levels: 480 });
    expect(await prisma.variant.count({ where: { shop: { domain } } })).toBe(120);
    // Every level of the store, exactly
    for (const [itemId, byLocation] of store.levels) {
      for (const [locationId, level] of byLocation) expect(await mirrorAvailable(itemId, locationId)).toBe(level.available);
    }
    const run = await prisma.importRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect([run.state, run.done, run.total]).toEqual(["COMPLETED", summary.lines, summary.lines]);
  });

  it("follows a change in Shopify through the signed webhook, the queue and the worker", async () => {
    const store = simulator.shop(domain);
    const [itemId] = store.itemToVariant.keys();
    const [locationId] = store.locations.keys();
    await simulator.setAvailable(domain, itemId, locationId, 77);
    await eventually(async () => (await mirrorAvailable(itemId, locationId)) === 77);
    expect(simulator.webhooks.deliveries.at(-1)?.status).toBe(200);
  });

  it("applies a write-back once however often the job is retried", async () => {
    const store = simulator.shop(domain);
    const itemId = [...store.itemToVariant.keys()][1];
    const locationId = [...store.locations.keys()][1];
    const before = store.level(itemId, locationId)!.available;
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, inventoryItem: { shopifyId: itemId } } });
    const location = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: locationId } });
    const request = { shopId: shop.id, sourceKey: "channel-order-line:e2e-1", variantId: variant.id, locationId: location.id, delta: -2 };

    const client = await adminClientForShop(domain);
    // The job runs three times (a crash after sending, a retry, a duplicate job)
    await adjustAnchorInventory(client, request);
    await prisma.inventoryAdjustment.updateMany({ where: { shopId: shop.id, sourceKey: request.sourceKey }, data: { state: "PENDING" } });
    await adjustAnchorInventory(client, request);
    const third = await adjustAnchorInventory(client, request);

    expect(store.level(itemId, locationId)!.available).toBe(before - 2);
    expect(third).toMatchObject({ state: "APPLIED", quantityAfter: before - 2 });
  });

  it("re-reads and retries when Shopify's quantity moved before the write-back", async () => {
    const store = simulator.shop(domain);
    const itemId = [...store.itemToVariant.keys()][2];
    const locationId = [...store.locations.keys()][0];
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, inventoryItem: { shopifyId: itemId } } });
    const location = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: locationId } });
    const sourceKey = "channel-order-line:e2e-2";
    // A stored request whose expected quantity is stale (a POS sale happened meanwhile)
    await prisma.inventoryAdjustment.create({ data: { shopId: shop.id, sourceKey, variantId: variant.id, locationId: location.id, delta: -1, attempt: 1, expectedQuantity: store.level(itemId, locationId)!.available + 5, idempotencyKey: "stale-key" } });
    const before = store.level(itemId, locationId)!.available;
    const result = await adjustAnchorInventory(await adminClientForShop(domain), { shopId: shop.id, sourceKey, variantId: variant.id, locationId: location.id, delta: -1 });
    expect(result).toMatchObject({ state: "APPLIED", attempts: 2, quantityAfter: before - 1 });
    expect(store.level(itemId, locationId)!.available).toBe(before - 1);
  });
});
