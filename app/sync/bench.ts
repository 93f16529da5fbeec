// Benchmark: inventory changes through the whole pipeline.
//   npx tsx app/sync/bench.ts [changes=10000] [skus=1000] [steadySeconds=10] [singles=40]
// Shopify (simulated) → signed webhook → the app's /webhooks route → Redis → the real workers →
// mirror → engine → outbox → connectors → Amazon, eBay, Walmart and TikTok Shop (simulated, rate
// limits at the simulators' defaults: the documented values, or the simulators' stated assumptions).
// Feeds are processed 50 ms after submission (Amazon and Walmart take minutes); the connectors poll
// them at their own production intervals.
//
// Phase 1, a burst: `changes` stock changes spread over `skus` SKUs, sent as fast as Shopify's
// webhooks are answered. Phase 2, steady: single changes at 100 per second. Phase 3: single
// changes one at a time (500 ms apart).
// Latency of a change = from the Shopify change to the first moment the marketplace shows a
// quantity that includes it (each SKU's stock only rises, so "includes" is "at least"), sampled
// every 20 ms in this process. Calls are counted at the simulators. Uses a scratch database and
// its own Redis prefix, both removed at the end.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { createEmptyDatabase, dropDatabase, migrate } from "../../test/global-setup";

const changes = Number(process.argv[2] ?? 10_000);
const skuCount = Number(process.argv[3] ?? 1_000);
const steadySeconds = Number(process.argv[4] ?? 10);
const variantsPerProduct = 4;

const databaseName = `anchorline_bench_sync_${Date.now()}`;
const databaseUrl = await createEmptyDatabase(databaseName);
migrate(databaseUrl);
const queuePrefix = `anchorline-bench-sync-${Date.now()}`;
// The app's modules read these when first imported: set them, then import.
Object.assign(process.env, {
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: queuePrefix,
  NODE_ENV: "test",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: "bench-secret",
  SHOPIFY_APP_URL: "https://anchorline.bench",
  ANCHORLINE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
});
const { default: prisma } = await import("~/db.server");
const { createRedisConnection, queues } = await import("~/queues.server");
const { runRecomputeJob } = await import("~/recompute/recompute.server");
const { closeSharedRevisionRedis, EBAY_LIMITS } = await import("~/channels/ebay");
const { AMAZON_LIMITS } = await import("~/channels/amazon/limits");
const { WALMART_LIMITS } = await import("~/channels/walmart/limits");
const { TIKTOK_LIMITS } = await import("~/channels/tiktok/limits");
const { startWebhookEndpoint } = await import("../../test/app-webhook-server");
const { eventually, MARKETPLACES, startMarketplaceRig } = await import("../../test/marketplaces");
const { createWorkers } = await import("../../workers/processors");
type Marketplace = (typeof MARKETPLACES)[number];

const connection = createRedisConnection();
const endpoint = await startWebhookEndpoint();
const setupStarted = performance.now();
const rig = await startMarketplaceRig({
  prisma,
  catalog: { products: Math.ceil(skuCount / variantsPerProduct), variantsPerProduct, locations: 2, seed: 5 },
  webhookUrl: endpoint.url,
  initialFromAnchor: true,
  // Stock is what this measures. Linking computes each listing's content, and a first sync's
  // content (minutes at Amazon's 5 calls a second) would still be going out during the phases;
  // the demo shows that part.
  content: false,
});
const variants = rig.variants.slice(0, skuCount);
const locations = rig.shopify.store.shop(rig.domain).locations;

// Set-up, not measured: link every SKU, compute its desired state, and record it as what the
// marketplaces show (they were seeded with the anchor's numbers), so the store starts in sync.
await rig.linkAll();
while ((await prisma.listing.count({ where: { shopId: rig.shopId, staleSince: { not: null } } })) > 0) await runRecomputeJob(rig.shopId);
await queues()["channel-sync"].obliterate({ force: true });
await queues().recompute.obliterate({ force: true });
await prisma.$executeRaw`UPDATE "Listing" SET "pushedQuantity" = "desiredQuantity", "pushedPriceCents" = "desiredPriceCents", "pushedVersion" = "desiredVersion", "pushedAt" = now(), "syncState" = 'IN_SYNC' WHERE "shopId" = ${rig.shopId}`;
const drifted = (await prisma.listing.findMany({ where: { shopId: rig.shopId }, include: { channel: { select: { kind: true } }, variant: { select: { sku: true } } } })).filter((l) => {
  const variant = rig.variants.find((v) => v.sku === l.variant.sku)!;
  const m = l.channel.kind.toLowerCase() as Marketplace;
  return rig.quantityOn(m, variant) !== l.desiredQuantity || rig.priceOn(m, variant) !== l.desiredPriceCents;
});
if (drifted.length > 0) throw new Error(`${drifted.length} listings start out of sync (the engine's numbers are not the anchor's here)`);
console.log(`set-up: ${variants.length} SKUs × 4 marketplaces in sync in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);

// The workers run as the service runs them: their own process (`npm run worker`), reaching the
// simulators over HTTP through each channel's stored endpoints. In this process they would share
// one core with the simulators, the webhook route and the sampler, and measure that contention.
// BENCH_WORKERS=inline keeps them here (the earlier form of this bench).
const inlineWorkers = process.env.BENCH_WORKERS === "inline";
const workers = inlineWorkers ? createWorkers(connection) : [];
const workerProcesses = inlineWorkers ? [] : [spawnWorkerProcess()];
if (!inlineWorkers) await eventually(async () => (await queues().webhooks.getWorkers()).length > 0, 30_000, "the worker process connected");
console.log(`workers: ${inlineWorkers ? "in the bench's process" : `${workerProcesses.length} process (npm run worker)`}`);

function spawnWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], { cwd: path.resolve(import.meta.dirname, "../.."), env: process.env, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`the worker process exited early (${code ?? signal})`);
  });
  return child;
}
let stopping = false;

// ---------------------------------------------------------------- measuring
interface Change {
  at: number;
  /** The pool this change gives its SKU: what every marketplace should show at least. */
  quantity: number;
}
const pending = new Map<Marketplace, Map<number, Change[]>>(MARKETPLACES.map((m) => [m, new Map()]));
const latencies = new Map<Marketplace, number[]>(MARKETPLACES.map((m) => [m, []]));
const pool = variants.map((v) => locations.reduce((sum, l) => sum + Math.max(0, rig.shopify.store.getLevel(rig.domain, v.itemShopifyId, l.id)!.available), 0));
const slot0 = variants.map((v) => rig.shopify.store.getLevel(rig.domain, v.itemShopifyId, locations[0].id)!.available);

function change(index: number): void {
  const variant = variants[index];
  // Always up: "the marketplace shows at least this" then means "it includes this change".
  const before = Math.max(0, slot0[index]);
  slot0[index] = before + 1 + (index % 3);
  pool[index] += slot0[index] - before;
  rig.shopify.store.setAvailable(rig.domain, variant.itemShopifyId, locations[0].id, slot0[index]);
  const record = { at: performance.now(), quantity: pool[index] };
  for (const m of MARKETPLACES) {
    const list = pending.get(m)!.get(index) ?? [];
    list.push(record);
    pending.get(m)!.set(index, list);
  }
}

const sampler = setInterval(() => {
  const now = performance.now();
  for (const m of MARKETPLACES) {
    const open = pending.get(m)!;
    for (const [index, list] of open) {
      const shown = rig.quantityOn(m, variants[index]) ?? -1;
      while (list.length > 0 && shown >= list[0].quantity) latencies.get(m)!.push(now - list.shift()!.at);
      if (list.length === 0) open.delete(index);
    }
  }
}, 20);

// Where a change waits: sampled once a second (cheap counts), printed with each phase's figures,
// so a slow phase says which stage held it up: the webhooks queue (the route and the mirror), stale
// listings (recompute), or pending listings (the flush and the marketplace's rate limits).
interface Backlog {
  at: number;
  webhooks: number;
  stale: number;
  pending: number;
}
const backlog: Backlog[] = [];
let sampling = false;
const backlogSampler = setInterval(() => {
  if (sampling) return;
  sampling = true;
  const at = performance.now();
  void Promise.all([
    queues().webhooks.getJobCountByTypes("waiting", "active", "prioritized"),
    prisma.listing.count({ where: { shopId: rig.shopId, staleSince: { not: null } } }),
    prisma.listing.count({ where: { shopId: rig.shopId, syncState: "PENDING" } }),
  ])
    .then(([webhooks, stale, pending]) => backlog.push({ at, webhooks, stale, pending }))
    .finally(() => (sampling = false));
}, 1000);

async function stageReport(since: number, sinceDate: Date) {
  const rows = backlog.filter((b) => b.at >= since);
  const max = (key: "webhooks" | "stale" | "pending") => Math.max(0, ...rows.map((r) => r[key]));
  const timeline = rows.filter((_, i) => i % 5 === 0).map((r) => `${((r.at - since) / 1000).toFixed(0)}s ${r.webhooks}/${r.stale}/${r.pending}`);
  console.log(`backlog, most seen: webhooks queued ${max("webhooks")}, stale listings ${max("stale")}, pending listings ${max("pending")}; every 5 s (webhooks/stale/pending): ${timeline.join(" · ")}`);
  const [w] = await prisma.$queryRaw<{ n: bigint; p50: number | null; p95: number | null; p99: number | null }[]>`
    SELECT count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "processedAt" - "receivedAt") * 1000) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM "processedAt" - "receivedAt") * 1000) AS p95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM "processedAt" - "receivedAt") * 1000) AS p99
    FROM "WebhookDelivery" WHERE "receivedAt" >= ${sinceDate} AND "processedAt" IS NOT NULL`;
  const ms = (v: number | null) => (v === null ? "–" : Math.round(Number(v)).toString());
  console.log(`webhook stored → applied to the mirror (${w.n} deliveries): p50 ${ms(w.p50)} ms, p95 ${ms(w.p95)} ms, p99 ${ms(w.p99)} ms`);
}

const openCount = () => MARKETPLACES.reduce((n, m) => n + [...pending.get(m)!.values()].reduce((k, l) => k + l.length, 0), 0);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
};

type Requests = { method: string; path: string; status: number; at: number }[];
const requestsOf: Record<Marketplace, () => Requests> = { amazon: () => rig.amazon.requests, ebay: () => rig.ebay.requests, walmart: () => rig.walmart.requests, tiktok: () => rig.tiktok.requests };
/** Calls that carry quantities or prices (or feed them), not tokens or order polls. */
const isPush: Record<Marketplace, (r: Requests[number]) => boolean> = {
  amazon: (r) => r.method === "PATCH" || (r.method === "POST" && r.path.startsWith("/feeds/")),
  ebay: (r) => r.path.endsWith("/bulk_update_price_quantity"),
  walmart: (r) => r.method === "PUT" || (r.method === "POST" && r.path === "/v3/feeds"),
  tiktok: (r) => r.path.endsWith("/inventory/update") || r.path.endsWith("/prices/update"),
};
const limits = { amazon: AMAZON_LIMITS, ebay: EBAY_LIMITS, walmart: WALMART_LIMITS, tiktok: TIKTOK_LIMITS };

async function report(label: string, count: number, distinct: number, startedAt: number, startedDate: Date, marks: Record<Marketplace, number>, deadlineMs: number) {
  try {
    await eventually(() => openCount() === 0, deadlineMs, label);
  } catch {
    console.log(`  (${openCount()} change×marketplace pairs still unacknowledged after ${deadlineMs / 1000} s)`);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  console.log(`\n${label}: ${count} changes over ${distinct} SKUs, ${seconds.toFixed(1)} s until the last acknowledgement`);
  console.log("marketplace   p50 ms   p95 ms   p99 ms   acked  | calls/change  push calls (≤ distinct SKUs?)  429s  share of account budget");
  for (const m of MARKETPLACES) {
    const values = latencies.get(m)!;
    const window = requestsOf[m]().slice(marks[m]);
    const pushes = window.filter(isPush[m]).length;
    const budget = limits[m].burst + limits[m].requestsPerSecond * seconds;
    console.log(
      `${m.padEnd(12)} ${percentile(values, 50).toFixed(0).padStart(7)}  ${percentile(values, 95).toFixed(0).padStart(7)}  ${percentile(values, 99).toFixed(0).padStart(7)}  ${String(values.length).padStart(6)}  |  ${(window.length / count).toFixed(3).padStart(11)}  ${String(pushes).padStart(10)} (${pushes <= distinct ? "yes" : "NO"})  ${String(window.filter((r) => r.status === 429).length).padStart(16)}  ${((100 * pushes) / budget).toFixed(1)}% of ${limits[m].requestsPerSecond}/s + ${limits[m].burst}`,
    );
    values.length = 0;
  }
  await stageReport(startedAt, startedDate);
}

const marks = () => Object.fromEntries(MARKETPLACES.map((m) => [m, requestsOf[m]().length])) as Record<Marketplace, number>;

// ---------------------------------------------------------------- phase 1: the burst
const burstMarks = marks();
const burstStarted = performance.now();
const burstDate = new Date();
for (let sent = 0; sent < changes; ) {
  // Shopify keeps sending while we answer; the simulator does not retry a timed-out delivery, so
  // the burst goes out in waves of what the route can take at once.
  for (let i = 0; i < 200 && sent < changes; i++, sent++) change(sent % variants.length);
  await rig.shopify.deliveries.settled();
}
console.log(`burst sent in ${((performance.now() - burstStarted) / 1000).toFixed(1)} s; webhook deliveries not answered 200: ${rig.shopify.deliveries.log.filter((d) => d.status !== 200).length}`);
await report("burst", changes, Math.min(changes, variants.length), burstStarted, burstDate, burstMarks, 90_000);

// ---------------------------------------------------------------- phase 2: steady, 100 changes/s
const steadyMarks = marks();
const steadyStarted = performance.now();
const steadyDate = new Date();
const steadyChanges = steadySeconds * 100;
for (let sent = 0; sent < steadyChanges; sent++) {
  const due = steadyStarted + sent * 10;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  change((sent * 7) % variants.length);
}
await report("steady 100 changes/s", steadyChanges, Math.min(steadyChanges, variants.length), steadyStarted, steadyDate, steadyMarks, 30_000);

// ---------------------------------------------------------------- phase 3: single changes
// One change at a time, 500 ms apart, after the backlog has drained: the pipeline's own latency,
// where no marketplace quota is the limit.
const singles = Number(process.argv[5] ?? 40);
await eventually(() => openCount() === 0, 60_000, "the steady phase drained").catch(() => undefined);
const singleMarks = marks();
const singleStarted = performance.now();
const singleDate = new Date();
for (let sent = 0; sent < singles; sent++) {
  change((sent * 13) % variants.length);
  await new Promise((resolve) => setTimeout(resolve, 500));
}
await report("single changes, one every 500 ms", singles, Math.min(singles, variants.length), singleStarted, singleDate, singleMarks, 30_000);

const stuck = await prisma.listing.groupBy({ by: ["syncState"], where: { shopId: rig.shopId }, _count: true });
console.log(`\nlistings by state at the end: ${stuck.map((s) => `${s.syncState} ${s._count}`).join(", ")}`);

// ---------------------------------------------------------------- clean up
clearInterval(sampler);
clearInterval(backlogSampler);
stopping = true;
await Promise.all(workers.map((w) => w.close()));
await Promise.all(workerProcesses.map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM"))));
await queues().close();
await closeSharedRevisionRedis();
connection.disconnect();
await endpoint.close();
await rig.stop();
await prisma.$disconnect();
await dropDatabase(databaseName);
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
let cursor = "0";
do {
  const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}*`, "COUNT", 1000);
  if (keys.length) await redis.del(...keys);
  cursor = next;
} while (cursor !== "0");
redis.disconnect();
process.exit(0);
