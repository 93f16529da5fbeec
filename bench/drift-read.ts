// The drift read's cost: one read cycle (app/sync/drift-read.server.ts) of N listings per
// marketplace against the simulators, with the connectors' own pacing at each marketplace's
// rate and the account's shared limiter, as the workers run it. Prints per marketplace the cycle's time and HTTP calls, the share of the account's request
// rate the cycle used while it ran, the pace the schedule gives an account of that size, and the
// share of the rate that pace leaves to reads on average. Above 100% in a cycle is the burst the
// account had saved (Walmart's is 300 calls): a short cycle spends it, a long one cannot.
//
//   node --import tsx bench/drift-read.ts [listings per marketplace, default 10000]
//
// At 10,000 a cycle takes about 100 s on Amazon (20 items a call at 5 calls/s) and 17-34 minutes on
// eBay, Walmart and TikTok (a call per item at 10, 5 and 10 calls/s): run it with a smaller N for a
// quick look; the calls scale linearly.
import { randomBytes } from "node:crypto";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";

const listingsPerMarketplace = Number(process.argv[2] ?? 10_000);

const databaseName = `anchorline_bench_drift_${Date.now()}`;
const databaseUrl = await createEmptyDatabase(databaseName);
migrate(databaseUrl);
Object.assign(process.env, {
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: `anchorline-bench-drift-${Date.now()}`,
  NODE_ENV: "test",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
  SHOPIFY_API_KEY: "bench-key",
  SHOPIFY_API_SECRET: "bench-secret",
  SHOPIFY_APP_URL: "https://anchorline.bench",
  ANCHORLINE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
});
const { default: prisma } = await import("~/db.server");
const { createRedisConnection, queues } = await import("~/queues.server");
const { SharedRateLimiter } = await import("~/sync/rate-limiter.server");
const { closeSharedRevisionRedis } = await import("~/channels/ebay");
const { connectorForChannel } = await import("~/channels/registry.server");
const { runDriftRead } = await import("~/sync/drift-read.server");
const { driftReadEveryMs } = await import("~/sync/drift");
const { startWebhookEndpoint } = await import("../test/app-webhook-server");
const { MARKETPLACES, startMarketplaceRig } = await import("../test/marketplaces");

const endpoint = await startWebhookEndpoint();
const rig = await startMarketplaceRig({
  prisma,
  catalog: { products: listingsPerMarketplace, variantsPerProduct: 1, locations: 1 },
  webhookUrl: endpoint.url,
  initialFromAnchor: true,
  content: false,
});
await rig.linkAll();
// A store already in sync: every listing acknowledged an hour ago at what the marketplace shows
// (the rig seeded the anchor's own numbers), so nothing is pending and the read never yields.
await prisma.$executeRaw`
  UPDATE "Listing" SET "syncState" = 'IN_SYNC', "staleSince" = NULL, "contentStaleSince" = NULL,
    "pushedQuantity" = "observedQuantity", "pushedAt" = now() - interval '1 hour'
  WHERE "shopId" = ${rig.shopId}`;

const redis = createRedisConnection();
const limiter = new SharedRateLimiter(redis);
const rows: string[][] = [];
for (const marketplace of MARKETPLACES) {
  const channel = await prisma.channel.findUniqueOrThrow({ where: { id: rig.channels[marketplace].id } });
  const limits = connectorForChannel(channel).limits;
  const started = performance.now();
  const read = await runDriftRead(channel.id, { limiter });
  const seconds = (performance.now() - started) / 1000;
  const everyMs = driftReadEveryMs(limits, read.listingsRead);
  rows.push([
    marketplace,
    String(read.listingsRead),
    seconds.toFixed(1),
    String(read.calls),
    `${((100 * read.calls) / (limits.requestsPerSecond * seconds)).toFixed(0)}%`,
    (everyMs / 60_000).toFixed(1),
    `${((100 * read.calls) / (limits.requestsPerSecond * (everyMs / 1000))).toFixed(0)}%`,
    `${read.status}, ${read.drifting} drifting`,
  ]);
}

const headings = ["marketplace", "listings", "cycle s", "calls", "rate used in cycle", "every min", "rate used on average", "outcome"];
const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
console.log(`\ndrift read, ${listingsPerMarketplace} listings per marketplace (node --import tsx bench/drift-read.ts ${listingsPerMarketplace})`);
console.log(line(headings));
for (const row of rows) console.log(line(row));

redis.disconnect();
await rig.stop();
await endpoint.close();
await queues().close();
await closeSharedRevisionRedis();
await prisma.$disconnect();
await dropDatabase(databaseName);
process.exit(0);
