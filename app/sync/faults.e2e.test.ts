// Convergence after faults (issue 18): the worker process killed with SIGKILL in the middle of a
// flush, Redis restarted once with its data and once empty, Walmart and TikTok answering 429 and
// Amazon and eBay 503 and 500, and
// buyers ordering on all four marketplaces throughout. Afterwards every marketplace must show
// Shopify's quantity and every order must be written back exactly once, within the bound below.
//
// This file runs on a database and a Redis of its own: its worker processes rebuild what is due
// from PostgreSQL (app/sync/due-work.server.ts) for every installed shop they can see, and must not
// see, or flush, the shops of the test files running beside it; and emptying the shared Redis
// would empty theirs.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase, dropDatabase, migrate } from "../../test/global-setup";
import { startTestRedis } from "../../test/redis-server";

const databaseName = `anchorline_faults_${Date.now()}_${process.pid}`;
const redis = await startTestRedis();
process.env.DATABASE_URL = await createEmptyDatabase(databaseName);
migrate(process.env.DATABASE_URL);
process.env.REDIS_URL = redis.url;

// The app's modules read DATABASE_URL and REDIS_URL when first loaded: only now.
const { default: prisma } = await import("~/db.server");
const { queues } = await import("~/queues.server");
const { closeSharedRevisionRedis } = await import("~/channels/ebay");
const { sqlFor } = await import("~/lib/sql.server");
const { startWebhookEndpoint } = await import("../../test/app-webhook-server");
const { eventually, MARKETPLACES, startMarketplaceRig } = await import("../../test/marketplaces");
const { orderStories } = await import("../../test/marketplace-orders");
type Rig = Awaited<ReturnType<typeof startMarketplaceRig>>;
type Marketplace = (typeof MARKETPLACES)[number];

/** Issue 18's bound: after the last fault, every listing equals Shopify's quantity within 2 minutes. */
const CONVERGES_WITHIN_MS = 120_000;
/**
 * Orders are polled (every 60 s for these marketplaces, ORDER_IMPORT_EVERY_MS and Amazon's
 * searchOrders pace): an order placed just after a poll waits for the next one, on top of the bound.
 */
const ORDER_POLL_MS = 60_000;

let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>>;
let rig: Rig;
const workerProcesses: ChildProcess[] = [];
let workerLog = "";

/** The worker process as the service runs it (`npm run worker`), on this file's database and Redis. */
function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    workerLog = (workerLog + chunk.toString()).slice(-20_000);
  });
  workerProcesses.push(child);
  return child;
}

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  // 4 products × 2 variants at 2 locations; every marketplace behind a proxy that can fail or swallow requests.
  rig = await startMarketplaceRig({
    prisma,
    catalog: { products: 4, variantsPerProduct: 2, locations: 2 },
    webhookUrl: endpoint.url,
    initialFromAnchor: true,
    proxied: [...MARKETPLACES],
  });
  await rig.linkAll();
}, 120_000);

afterAll(async () => {
  await Promise.all(
    workerProcesses
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGKILL"))),
  );
  await rig?.stop();
  await queues().close();
  await closeSharedRevisionRedis();
  await endpoint?.close();
  await prisma.$disconnect();
  await sqlFor().end();
  await dropDatabase(databaseName);
  await redis.close();
}, 60_000);

/** Shopify's units of the variant over its locations, as they are (a location below 0 counts below 0). */
const shopifyUnits = (variant: Rig["variants"][number]) =>
  rig.shopify.store.shop(rig.domain).locations.reduce((sum, l) => sum + rig.shopify.store.getLevel(rig.domain, variant.itemShopifyId, l.id)!.available, 0);

/** Every (marketplace, variant) whose marketplace quantity is not Shopify's, as text. */
function mismatches(): string[] {
  return MARKETPLACES.flatMap((m) =>
    rig.variants.flatMap((v) => (rig.quantityOn(m, v) === rig.anchorQuantity(v) ? [] : [`${m} ${v.sku}: ${rig.quantityOn(m, v)} ≠ ${rig.anchorQuantity(v)}`])),
  );
}

describe("convergence after faults", () => {
  it("given a synced store on four marketplaces, when the worker is killed mid-flush, Redis restarts with its data and then empty, Walmart and TikTok answer 429, Amazon and eBay 5xx, and buyers order throughout, then every marketplace shows Shopify's quantity within 2 minutes of the last fault and every order is written back exactly once", async () => {
    const { buy, storedOrder, adjustmentsOf } = orderStories(prisma, () => rig);
    const unitsBefore = rig.variants.map((v) => shopifyUnits(v));
    const placed: Array<{ marketplace: Marketplace; id: string; variant: number; quantity: number }> = [];
    const order = (marketplace: Marketplace, variant: number, quantity: number) =>
      placed.push({ marketplace, id: buy[marketplace](rig.variants[variant], quantity), variant, quantity });
    const changes = new Map<number, number>();
    /** A merchant's change in Shopify, relative (read and written in one step of the simulator). */
    const restock = (variant: number, slot: number, delta: number) => {
      const v = rig.variants[variant];
      const location = rig.shopify.store.shop(rig.domain).locations[slot];
      const now = rig.shopify.store.getLevel(rig.domain, v.itemShopifyId, location.id)!.available;
      rig.shopify.store.setAvailable(rig.domain, v.itemShopifyId, location.id, now + delta);
      changes.set(variant, (changes.get(variant) ?? 0) + delta);
    };

    let worker = startWorkerProcess();
    await eventually(async () => (await queues().webhooks.getWorkers()).length > 0, 60_000, "the worker process connected");

    // 1. A storm of 429s, and a change to every variant whose Walmart push never gets an answer: the worker dies in it.
    rig.walmart.throttleNext(rig.accounts.walmart, 8);
    rig.tiktok.throttleNext(rig.accounts.tiktok, 8);
    for (const m of ["amazon", "ebay"] as const) rig.proxies[m]!.failNext(() => true, { count: 6, status: m === "amazon" ? 503 : 500 });
    rig.proxies.walmart!.hold((method, p) => method === "PUT" && p === "/v3/inventory", { pass: 1 });
    for (const v of rig.variants) restock(v.index, 0, 5);
    await eventually(() => rig.proxies.walmart!.held === 1, 60_000, "a Walmart push held mid-flush");
    worker.kill("SIGKILL");
    rig.proxies.walmart!.dropHeld();
    for (const m of MARKETPLACES) order(m, 1, 2);
    worker = startWorkerProcess();

    // 2. Redis restarts with its data, while buyers order and the merchant restocks.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await redis.restart("with-data");
    for (const m of MARKETPLACES) order(m, 3, 1);
    for (const v of rig.variants.slice(0, 4)) restock(v.index, 1, -2);

    // 3. Redis comes back empty: every queue, schedule and rate-limit state is gone.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await redis.restart("empty");
    const lastFault = Date.now();
    for (const m of MARKETPLACES) order(m, 5, 1);
    restock(6, 0, 3);

    // Then: every order imported and written back once, and every marketplace on Shopify's quantity.
    let settledAt = 0;
    try {
      await eventually(
        async () => {
          const imported = await prisma.channelOrder.count({ where: { shopId: rig.shopId, writeback: "WRITTEN" } });
          const unsettled = await prisma.listing.count({
            where: { shopId: rig.shopId, OR: [{ syncState: { not: "IN_SYNC" } }, { staleSince: { not: null } }] },
          });
          const done = imported === placed.length && unsettled === 0 && mismatches().length === 0;
          if (done) settledAt = Date.now();
          return done;
        },
        CONVERGES_WITHIN_MS + ORDER_POLL_MS,
        "every order written back and every marketplace on Shopify's quantity",
      );
    } catch (error) {
      throw new Error(`${String(error)}\nmismatches: ${mismatches().join("; ")}\nworker log (tail): ${workerLog.slice(-3000)}`);
    }
    expect([rig.proxies.amazon!.failed, rig.proxies.ebay!.failed]).toEqual([6, 6]);
    console.log(`faults: converged ${((settledAt - lastFault) / 1000).toFixed(1)} s after Redis came back empty; ${placed.length} orders`);

    // No order lost or doubled: one stored order and one sale adjustment per order line, and
    // Shopify lowered by exactly the units sold.
    for (const p of placed) {
      const stored = await storedOrder(p.marketplace, p.id);
      expect([p.marketplace, stored.writeback, stored.lines.map((l) => l.takenQuantity)]).toEqual([p.marketplace, "WRITTEN", [p.quantity]]);
      expect(await adjustmentsOf(stored.lines)).toEqual([[-p.quantity, "APPLIED"]]);
    }
    for (const v of rig.variants) {
      const sold = placed.filter((p) => p.variant === v.index).reduce((sum, p) => sum + p.quantity, 0);
      expect([v.sku, shopifyUnits(v)]).toEqual([v.sku, unitsBefore[v.index] + (changes.get(v.index) ?? 0) - sold]);
    }
  }, 360_000);
});
