import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify/server";
import { startWebhookEndpoint } from "../../test/app-webhook-server";
import { uniqueShopDomain } from "../../test/factories";
import { createWorkers } from "../../workers/processors";
import { adminClientForShop } from "./admin-client.server";
import { apiVersionForAdmin } from "./api-version";
import { importCatalog } from "./bulk-import.server";
import { runShopMaintenance } from "./maintenance.server";

// The mirror converges on Shopify when Shopify's deliveries do not come in order: Shopify (simulated)
// → signed webhook → the app's route → Redis → the webhooks worker → the mirror, with deliveries
// held back, reordered or lost by the simulator.
const domain = uniqueShopDomain("converge");
let simulator: ShopifySimulator;
let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
const connection = createRedisConnection();
let workers: Worker[];

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  simulator = await startShopifySimulator({
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    shops: [{ domain, accessToken: "shpat_converge", catalog: { products: 4, variantsPerProduct: 2, locations: 2, seed: 11, stockedRatio: 1 } }],
    webhookUrl: endpoint.url,
    webhookApiVersion: apiVersionForAdmin,
  });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = simulator.url;
  await prisma.shop.create({ data: { domain } });
  await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "x", accessToken: "shpat_converge" } });
  await importCatalog(domain, await adminClientForShop(domain), { pollIntervalMs: 20 });
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

/** Waits until the app has applied the delivery Shopify sent with this webhook id. */
const processed = (webhookId: string) => eventually(async () => (await prisma.webhookDelivery.findUnique({ where: { webhookId } }))?.state === "PROCESSED");

/**
 * Runs `changes` with the simulator's clock stopped: every change lands in the same second. That
 * second starts fresh: a level the mirror last took from a read (the catalog import in beforeAll,
 * an earlier story's read-back) in the same second would be rightly read back from Shopify on a tie,
 * which is not what a story about two webhooks means to measure.
 */
async function inOneSecond(changes: () => void | Promise<void>) {
  const clock = simulator.store.now;
  await new Promise((resolve) => setTimeout(resolve, 1000 - (clock() % 1000) + 5));
  const frozen = clock();
  simulator.store.now = () => frozen;
  try {
    await changes();
  } finally {
    simulator.store.now = clock;
  }
}

describe("the mirror when Shopify's deliveries come out of order", () => {
  it("given two changes to one level in the same second, when Shopify delivers the later one first, then the mirror ends on the later quantity, ordered by X-Shopify-Triggered-At without asking the Admin API", async () => {
    const shop = simulator.store.shop(domain);
    const [item, location] = [shop.items[0], shop.locations[0]];
    simulator.deliveries.hold();
    await inOneSecond(() => {
      simulator.store.setAvailable(domain, item.id, location.id, 11);
      simulator.store.setAvailable(domain, item.id, location.id, 12);
    });
    const requestsBefore = simulator.requests.length;

    // The later change arrives and is applied first
    const [later] = simulator.deliveries.release({ reverse: true, count: 1 });
    await processed(later.webhookId);
    expect(await mirrorAvailable(item.id, location.id)).toBe(12);
    // Then the earlier one, with the same whole-second updated_at
    const [earlier] = simulator.deliveries.release();
    await processed(earlier.webhookId);

    expect(JSON.parse(earlier.body).updated_at).toBe(JSON.parse(later.body).updated_at);
    expect(await mirrorAvailable(item.id, location.id)).toBe(12);
    expect(simulator.requests.length).toBe(requestsBefore);
  });

  it("given every level of the store changed twice in one second, when all the deliveries arrive at once, latest first, then every level ends on Shopify's quantity, ordered by the deliveries' triggered-at rather than by reading each level back", async () => {
    const shop = simulator.store.shop(domain);
    const levels = shop.items.flatMap((item) => shop.locations.map((location) => ({ item, location })));
    simulator.deliveries.hold();
    await inOneSecond(() => {
      for (const [n, { item, location }] of levels.entries()) simulator.store.setAvailable(domain, item.id, location.id, 100 + n);
      for (const [n, { item, location }] of levels.entries()) simulator.store.setAvailable(domain, item.id, location.id, 200 + n);
    });
    const requestsBefore = simulator.requests.length;

    const sent = simulator.deliveries.release({ reverse: true });
    for (const delivery of sent) await processed(delivery.webhookId);

    expect(sent).toHaveLength(2 * levels.length);
    const wrong = [];
    for (const [n, { item, location }] of levels.entries()) if ((await mirrorAvailable(item.id, location.id)) !== 200 + n) wrong.push(n);
    expect(wrong).toEqual([]);
    // Not a read-back per level: loaded CI runs saw one Admin request now and then (cause not yet
    // found, see the closing note of 2026-12-06), never one per tie.
    expect(simulator.requests.length - requestsBefore).toBeLessThanOrEqual(2);
  });

  it("given the reconciliation read a level between two changes of the same second, when their deliveries arrive latest first, then the worker asks Shopify and the mirror ends on the later quantity", async () => {
    const shop = simulator.store.shop(domain);
    const [item, location] = [shop.items[1], shop.locations[1]];
    simulator.deliveries.hold();
    await inOneSecond(async () => {
      simulator.store.setAvailable(domain, item.id, location.id, 21);
      // The reconciliation's export reads 21 (a read has no triggered-at to order it by)
      await importCatalog(domain, await adminClientForShop(domain), { kind: "reconcile", pollIntervalMs: 20 });
      simulator.store.setAvailable(domain, item.id, location.id, 22);
    });
    expect(await mirrorAvailable(item.id, location.id)).toBe(21);
    const requestsBefore = simulator.requests.length;

    const sent = simulator.deliveries.release({ reverse: true });
    for (const delivery of sent) await processed(delivery.webhookId);

    expect(sent.map((d) => JSON.parse(d.body).available)).toEqual([22, 21]);
    expect(await mirrorAvailable(item.id, location.id)).toBe(22);
    expect(simulator.requests.length).toBeGreaterThan(requestsBefore);
  });
});

describe("the frequent check of recently changed levels", () => {
  it("given an item that just moved and a later change of it whose delivery is lost, when the check runs once, then the mirror equals Shopify, the listing is marked and the correction is counted, reading only the items that moved", async () => {
    const shop = simulator.store.shop(domain);
    const mirrorShop = await prisma.shop.findUniqueOrThrow({ where: { domain } });
    const [moving, quiet] = [shop.items[2], shop.items[3]];
    const location = shop.locations[0];
    // Given a store imported an hour ago, whose item just moved (delivered)
    await prisma.inventoryLevel.updateMany({ where: { shopId: mirrorShop.id }, data: { updatedAt: new Date(Date.now() - 3600_000) } });
    simulator.store.setAvailable(domain, moving.id, location.id, 30);
    await eventually(async () => (await mirrorAvailable(moving.id, location.id)) === 30);
    const variant = await prisma.variant.findFirstOrThrow({ where: { shopId: mirrorShop.id, inventoryItem: { shopifyId: moving.id } } });
    const channel = await prisma.channel.create({ data: { shopId: mirrorShop.id, kind: "EBAY", accountId: "recent-check", name: "eBay" } });
    const listing = await prisma.listing.create({ data: { shopId: mirrorShop.id, channelId: channel.id, variantId: variant.id, channelSku: "RECENT-1" } });
    // And a sale of it, and a change of an item that had not moved, whose deliveries are lost
    const quietBefore = await mirrorAvailable(quiet.id, location.id);
    simulator.deliveries.hold();
    simulator.store.setAvailable(domain, moving.id, location.id, 28);
    simulator.store.setAvailable(domain, quiet.id, location.id, 99);
    simulator.deliveries.lose();
    const requestsBefore = simulator.requests.length;

    // When the scheduled check runs once
    const summary = await runShopMaintenance({ shopDomain: domain, task: "recent-check" });

    // Then the item that moved equals Shopify again, its listing is marked, the correction is counted
    expect(await mirrorAvailable(moving.id, location.id)).toBe(28);
    expect((await prisma.listing.findUniqueOrThrow({ where: { id: listing.id } })).staleSince).not.toBeNull();
    expect(summary).toMatchObject({ changedItems: 1, itemsRead: 1, levelsRead: 2, corrected: 1, raced: 0 });
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { shopId: mirrorShop.id, action: "mirror.drift_repaired" },
      orderBy: { createdAt: "desc" },
    });
    expect(audit.details).toMatchObject({ check: "recent", levels: 1 });
    // And it cost one query; the item that had not moved is left to the full reconciliation
    expect(simulator.requests.length - requestsBefore).toBe(1);
    expect(await mirrorAvailable(quiet.id, location.id)).toBe(quietBefore);
  });
});
