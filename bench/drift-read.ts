// The drift read's cost: one read cycle (app/sync/drift-read.server.ts) of N listings per
// marketplace against the simulators, with the connectors' own pacing at each marketplace's
// rate and the account's shared limiter, as the workers run it. Prints per marketplace the cycle's time and HTTP calls, the share of the account's request
// rate the cycle used while it ran, the pace the schedule gives an account of that size, and the
// share of the rate that pace leaves to reads on average. Above 100% in a cycle is the burst the
// account had saved (Walmart's is 300 calls): a short cycle spends it, a long one cannot.
//
//   node --import tsx bench/drift-read.ts [listings per marketplace, default 10000] [marketplaces, e.g. amazon,walmart]
//
// Measured on the shared 2-core machine (2026-12-07, load average 5-9), `bench/drift-read.ts 10000 amazon,walmart,tiktok`
// (7 minutes in all, most of it seeding and linking 30,000 listings):
//
//   marketplace  listings  cycle s  calls  rate used in cycle  every min  rate used on average
//   amazon       12083     120.8    605    100%                8.1        25%
//   walmart      10000     20.1     400    397%                5.3        25%
//   tiktok       10000     10.6     100    94%                 5.0        3%
//
// Amazon: a searchListingsItems per 20 at 5 calls/s (the cycle counted 12,083 listings read for
// 10,000 linked: unexplained, not looked into yet). Walmart: an items page and an inventories page
// per 50 (400 calls, spent from its saved burst of 300 at 5 calls/s). TikTok: a product search per
// 100 at 10 calls/s. eBay still reads each SKU's offers (getOffers is by SKU), a call per listing
// at 10 calls/s; 10,000 would take about 17 minutes (every 67 min), so it was measured at 1,000
// (`bench/drift-read.ts 1000 ebay`, 2 minutes in all):
//
//   ebay         1000      98.6     1005   102%                6.7        25%
import { randomBytes } from "node:crypto";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";

const listingsPerMarketplace = Number(process.argv[2] ?? 10_000);
/** Which marketplaces to read (comma-separated), default all four. */
const only = process.argv[3]?.split(",");

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
const { linkListings } = await import("~/csv/listing-links.server");
const marketplaces = MARKETPLACES.filter((m) => !only || only.includes(m));

const endpoint = await startWebhookEndpoint();
const rig = await startMarketplaceRig({
  prisma,
  catalog: { products: listingsPerMarketplace, variantsPerProduct: 1, locations: 1 },
  webhookUrl: endpoint.url,
  initialFromAnchor: true,
  content: false,
});
// Linked 100 at a time: the links of one call are saved in one transaction (5 s at most), which a whole
// catalog of 10,000 outlasts.
const LINKS_PER_SAVE = 100;
for (const marketplace of marketplaces) {
  const links = rig.variants.map((v) => ({ sku: v.sku, channelSku: v.channelSku[marketplace], externalId: v.externalId[marketplace] }));
  for (let at = 0; at < links.length; at += LINKS_PER_SAVE) {
    const saved = await linkListings(rig.domain, rig.channels[marketplace].id, links.slice(at, at + LINKS_PER_SAVE), "bench", { prisma });
    if (!saved.ok) throw new Error(`linking on ${marketplace} refused: ${JSON.stringify(saved.problems.slice(0, 3))}`);
  }
}
// A store already in sync: every listing acknowledged an hour ago at what the marketplace shows
// (the rig seeded the anchor's own numbers), so nothing is pending and the read never yields.
await prisma.$executeRaw`
  UPDATE "Listing" SET "syncState" = 'IN_SYNC', "staleSince" = NULL, "contentStaleSince" = NULL,
    "pushedQuantity" = "observedQuantity", "pushedAt" = now() - interval '1 hour'
  WHERE "shopId" = ${rig.shopId}`;

const redis = createRedisConnection();
const limiter = new SharedRateLimiter(redis);
const rows: string[][] = [];
for (const marketplace of marketplaces) {
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
