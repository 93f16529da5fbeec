import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify/server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { installShopSession } from "../../test/admin-request";
import { uniqueShopDomain } from "../../test/factories";
import { createWorkers } from "../../workers/processors";
import { adminClientForShop, type AdminClient } from "./admin-client.server";
import { apiVersionForAdmin } from "./api-version";
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
  endpoint = await startWebhookEndpoint();
  simulator = await startShopifySimulator({
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    // Not every item is stocked everywhere (stockedRatio 0.85 by default), as in a real store.
    shops: [{ domain, accessToken: "shpat_anchor", catalog: { products: 40, variantsPerProduct: 3, locations: 4, seed: 7 } }],
    webhookUrl: endpoint.url,
    // The version shopify.app.toml subscribes with, as Shopify would send it.
    webhookApiVersion: apiVersionForAdmin,
  });
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

/** The n-th (item, location) pair where the item is stocked, as decimal Shopify ids. */
function stockedPair(n: number): { itemId: string; locationId: string } {
  const shop = simulator.store.shop(domain);
  const pairs = shop.items.flatMap((item) =>
    shop.locations.filter((location) => item.levels[location.slot]).map((location) => ({ itemId: item.id, locationId: location.id })),
  );
  return pairs[n];
}

const shopifyAvailable = (itemId: string, locationId: string) => simulator.store.getLevel(domain, itemId, locationId)!.available;

async function mirrorAvailable(itemShopifyId: string, locationShopifyId: string) {
  const level = await prisma.inventoryLevel.findFirst({
    where: { inventoryItem: { shopifyId: itemShopifyId, shop: { domain } }, location: { shopifyId: locationShopifyId } },
  });
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
  it("given a store in Shopify, when the catalog is imported by bulk operation, then the mirror holds every product, variant and stocked level exactly", async () => {
    const client = await adminClientForShop(domain);
    const summary = await importCatalog(domain, client, { pollIntervalMs: 20, batchSize: 50 });

    const shop = simulator.store.shop(domain);
    const stocked = shop.items.flatMap((item) =>
      shop.locations.flatMap((location) => (item.levels[location.slot] ? [{ item, location, level: item.levels[location.slot]! }] : [])),
    );
    expect(stocked.length).toBeLessThan(480); // some items are not stocked at some locations
    expect(summary).toMatchObject({ products: 40, variants: 120, levels: stocked.length });
    expect(await prisma.variant.count({ where: { shop: { domain } } })).toBe(120);
    expect(await prisma.inventoryLevel.count({ where: { inventoryItem: { shop: { domain } } } })).toBe(stocked.length);
    // Every level of the store, exactly; ids beyond 2^53 stay exact on the way
    expect(BigInt(stocked[0].item.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    for (const { item, location, level } of stocked) expect(await mirrorAvailable(item.id, location.id)).toBe(level.available);
    const run = await prisma.importRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect([run.state, run.done, run.total]).toEqual(["COMPLETED", summary.lines, summary.lines]);
  });

  it("given an imported store, when a quantity changes in Shopify, then the signed webhook, the queue and the worker bring it into the mirror", async () => {
    const { itemId, locationId } = stockedPair(0);
    simulator.store.setAvailable(domain, itemId, locationId, 77);
    await eventually(async () => (await mirrorAvailable(itemId, locationId)) === 77);
    await simulator.deliveries.settled();
    const delivery = simulator.deliveries.log.at(-1)!;
    expect([delivery.topic, delivery.status]).toEqual(["inventory_levels/update", 200]);
  });

  it("given a write-back job run three times, when it adjusts Shopify, then the change is applied once", async () => {
    const { itemId, locationId } = stockedPair(5);
    const before = shopifyAvailable(itemId, locationId);
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

    expect(shopifyAvailable(itemId, locationId)).toBe(before - 2);
    expect(third).toMatchObject({ state: "APPLIED", quantityAfter: before - 2 });
  });

  it("given the same write-back run five times at once, when they race, then Shopify applies it once and none is marked failed", async () => {
    const { itemId, locationId } = stockedPair(7);
    const before = shopifyAvailable(itemId, locationId);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, inventoryItem: { shopifyId: itemId } } });
    const location = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: locationId } });
    const request = { shopId: shop.id, sourceKey: "channel-order-line:e2e-race", variantId: variant.id, locationId: location.id, delta: -3 };

    const client = await adminClientForShop(domain);
    const results = await Promise.all(Array.from({ length: 5 }, () => adjustAnchorInventory(client, request)));

    expect(shopifyAvailable(itemId, locationId)).toBe(before - 3);
    expect(results.map((r) => r.state)).toEqual(["APPLIED", "APPLIED", "APPLIED", "APPLIED", "APPLIED"]);
    const stored = await prisma.inventoryAdjustment.findFirstOrThrow({ where: { shopId: shop.id, sourceKey: request.sourceKey } });
    expect([stored.state, stored.attempt]).toEqual(["APPLIED", 1]);
  });

  it("given a stored write-back whose expected quantity is stale, when it runs, then it re-reads Shopify and applies the change on the second attempt", async () => {
    const { itemId, locationId } = stockedPair(9);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, inventoryItem: { shopifyId: itemId } } });
    const location = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: locationId } });
    const sourceKey = "channel-order-line:e2e-2";
    // A stored request whose expected quantity is stale (a POS sale happened meanwhile)
    await prisma.inventoryAdjustment.create({
      data: {
        shopId: shop.id,
        sourceKey,
        variantId: variant.id,
        locationId: location.id,
        delta: -1,
        attempt: 1,
        expectedQuantity: shopifyAvailable(itemId, locationId) + 5,
        idempotencyKey: "stale-key",
      },
    });
    const before = shopifyAvailable(itemId, locationId);
    const result = await adjustAnchorInventory(await adminClientForShop(domain), {
      shopId: shop.id,
      sourceKey,
      variantId: variant.id,
      locationId: location.id,
      delta: -1,
    });
    expect(result).toMatchObject({ state: "APPLIED", attempts: 2, quantityAfter: before - 1 });
    expect(shopifyAvailable(itemId, locationId)).toBe(before - 1);
  });
});

describe("write-back when Shopify has a bad moment (2026-10 error codes)", () => {
  async function writeBackRequest(pair: number, sourceKey: string, delta: number) {
    const { itemId, locationId } = stockedPair(pair);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: shop.id, inventoryItem: { shopifyId: itemId } } });
    const location = await prisma.location.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: locationId } });
    return { itemId, locationId, request: { shopId: shop.id, sourceKey, variantId: variant.id, locationId: location.id, delta } };
  }

  it("given Shopify answers SERVICE_UNAVAILABLE once, when a sale is written back, then it backs off, re-reads, sends a new key and applies the sale once", async () => {
    const { itemId, locationId, request } = await writeBackRequest(11, "channel-order-line:e2e-503", -1);
    const before = shopifyAvailable(itemId, locationId);
    simulator.store.injectInventoryFault(domain, { kind: "SERVICE_UNAVAILABLE" });

    const result = await adjustAnchorInventory(await adminClientForShop(domain), request);

    expect(result).toMatchObject({ state: "APPLIED", attempts: 2, quantityAfter: before - 1 });
    expect(shopifyAvailable(itemId, locationId)).toBe(before - 1);
  });

  it("given the answer to a write-back is lost while Shopify still processes it, when the client retries and meets IDEMPOTENCY_CONCURRENT_REQUEST, then it waits and resends the same key: the sale is applied once, not twice", async () => {
    const { itemId, locationId, request } = await writeBackRequest(13, "channel-order-line:e2e-lost", -2);
    const before = shopifyAvailable(itemId, locationId);
    // Longer than the Admin client's first network retry (500 ms): the retry finds it still running.
    simulator.store.injectInventoryFault(domain, { kind: "RESPONSE_LOST", inProgressMs: 1_500 });

    const result = await adjustAnchorInventory(await adminClientForShop(domain), request);

    expect(result).toMatchObject({ state: "APPLIED", attempts: 1, quantityAfter: before - 2 });
    expect(shopifyAvailable(itemId, locationId)).toBe(before - 2);
  });

  it("given another run of the same job applied the write-back while this one was refused, when this one records its failure, then the adjustment stays APPLIED", async () => {
    const { request } = await writeBackRequest(15, "channel-order-line:e2e-guard", -1);
    const real = await adminClientForShop(domain);
    // This run's adjustment is refused for good, just after the other run stored APPLIED.
    const client: AdminClient = {
      shopDomain: domain,
      throttle: null,
      async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
        if (!query.includes("inventoryAdjustQuantities")) return real.request<T>(query, variables);
        await prisma.inventoryAdjustment.updateMany({
          where: { shopId: request.shopId, sourceKey: request.sourceKey },
          data: { state: "APPLIED", quantityAfter: 41 },
        });
        return {
          inventoryAdjustQuantities: {
            inventoryAdjustmentGroup: null,
            userErrors: [{ field: null, message: "The specified location could not be found.", code: "INVALID_LOCATION" }],
          },
        } as T;
      },
    };

    const result = await adjustAnchorInventory(client, request);

    const stored = await prisma.inventoryAdjustment.findFirstOrThrow({ where: { shopId: request.shopId, sourceKey: request.sourceKey } });
    expect(stored.state).toBe("APPLIED");
    expect(result).toMatchObject({ state: "APPLIED", quantityAfter: 41 });
  });
});
