// Benchmark: one full recompute of a large shop. `npx tsx bench/recompute.ts [listings]`
// (default 100,000 listings: a quarter as many variants, each listed on Amazon, eBay, Walmart and
// TikTok Shop, stocked at 5 locations, with buffer, allocation and price rules, parity edges and
// 28 days of sales). Seeds a scratch database with set-based SQL, marks every listing stale, then
// times (1) the first recompute, where every listing gets a new desired state, and (2) a second
// one after every listing is marked again with nothing changed, where nothing is written but the
// marks. Prints listings/s, peak RSS, and the alerts the held prices raised: the parity edges hold
// about half the listings (Walmart and TikTok Shop's first prices break the Walmart → TikTok edge),
// which page once per price rule and pair of channels (app/alerts/parity-held.server.ts), not once
// per listing.
import pg from "pg";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";

const listings = Number(process.argv[2] ?? 100_000);
const channelsPerVariant = 4;
const variants = Math.ceil(listings / channelsPerVariant);
const locations = 5;

const databaseName = `anchorline_bench_recompute_${Date.now()}`;
const databaseUrl = await createEmptyDatabase(databaseName);
migrate(databaseUrl);
// The app's modules read DATABASE_URL when first imported: import them once it is set.
process.env.DATABASE_URL = databaseUrl;
const { recomputeStaleListings } = await import("~/recompute/recompute.server");
const { sqlFor } = await import("~/lib/sql.server");
// Raising an alert queues its delivery on Redis (the queues are closed at the end).
const { queues } = await import("~/queues.server");
const { default: prisma } = await import("~/db.server");

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();

async function seed(): Promise<void> {
  const q = (text: string, params: unknown[] = []) => client.query(text, params);
  await q(`INSERT INTO "Shop" (id, domain, "updatedAt") VALUES ('shop', 'bench.myshopify.com', now())`);
  await q(
    `INSERT INTO "Location" (id, "shopId", "shopifyId", name, saleable, "isDropShip", "vendorShareBps", "updatedAt")
     SELECT 'loc' || g, 'shop', g::text, 'Location ' || g, g <> 5, g = 4, CASE WHEN g = 4 THEN 8000 ELSE 10000 END, now()
     FROM generate_series(1, $1) g`,
    [locations],
  );
  await q(
    `INSERT INTO "Channel" (id, "shopId", kind, "accountId", name, priority, settings, "updatedAt") VALUES
       ('amazon', 'shop', 'AMAZON', 'A1', 'Amazon US', 1, '{"lowStockThreshold": 2}', now()),
       ('ebay', 'shop', 'EBAY', 'e1', 'eBay US', 2, '{}', now()),
       ('walmart', 'shop', 'WALMART', 'w1', 'Walmart', 3, '{}', now()),
       ('tiktok', 'shop', 'TIKTOK', 't1', 'TikTok Shop', 4, '{"lowStockThreshold": 5}', now())`,
  );
  await q(`INSERT INTO "LocationChannel" ("shopId", "locationId", "channelId", eligible) VALUES ('shop', 'loc4', 'amazon', false)`);
  await q(
    `INSERT INTO "Product" (id, "shopId", "shopifyId", title, tags, "updatedAt")
     SELECT 'p' || g, 'shop', g::text, 'Product ' || g, CASE WHEN g % 3 = 0 THEN ARRAY['fragile'] ELSE ARRAY['kitchen'] END, now()
     FROM generate_series(1, $1) g`,
    [Math.ceil(variants / 4)],
  );
  await q(
    `INSERT INTO "Variant" (id, "shopId", "productId", "shopifyId", title, sku, "priceCents", "mapCents", "updatedAt")
     SELECT 'v' || g, 'shop', 'p' || ((g - 1) / 4 + 1), g::text, 'Variant ' || g, 'SKU-' || g, 1000 + (g % 9000),
            CASE WHEN g % 5 = 0 THEN 900 + (g % 9000) END, now()
     FROM generate_series(1, $1) g`,
    [variants],
  );
  await q(
    `INSERT INTO "InventoryItem" (id, "shopId", "shopifyId", "variantId", tracked, "costCents", "updatedAt")
     SELECT 'i' || g, 'shop', g::text, 'v' || g, g % 50 <> 0, 400 + (g % 3000), now() FROM generate_series(1, $1) g`,
    [variants],
  );
  await q(
    `INSERT INTO "InventoryLevel" (id, "shopId", "inventoryItemId", "locationId", available, "updatedAt")
     SELECT 'lv' || g || '-' || l, 'shop', 'i' || g, 'loc' || l, (g * 7 + l * 13) % 40 - 3, now()
     FROM generate_series(1, $1) g, generate_series(1, $2) l`,
    [variants, locations],
  );
  await q(
    `INSERT INTO "BufferRule" (id, "shopId", "channelId", scope, "scopeValue", kind, units, "percentBps", "leadTimeDays", "safetyStock", "lowStockThreshold", "updatedAt") VALUES
       ('b1', 'shop', 'amazon', 'CHANNEL', NULL, 'VELOCITY', NULL, NULL, 3, 2, NULL, now()),
       ('b2', 'shop', 'ebay', 'CHANNEL', NULL, 'PERCENT', NULL, 1000, NULL, NULL, NULL, now()),
       ('b3', 'shop', 'walmart', 'CHANNEL', NULL, 'FIXED', 2, NULL, NULL, NULL, NULL, now()),
       ('b4', 'shop', 'tiktok', 'CHANNEL', NULL, 'PERCENT', NULL, 1500, NULL, NULL, NULL, now()),
       ('b5', 'shop', NULL, 'TAG', 'fragile', 'FIXED', 4, NULL, NULL, NULL, 3, now())`,
  );
  await q(
    `INSERT INTO "AllocationRule" (id, "shopId", "channelId", scope, kind, units, "percentBps", "updatedAt") VALUES
       ('a1', 'shop', 'ebay', 'CHANNEL', 'CAP', 20, NULL, now()),
       ('a2', 'shop', 'tiktok', 'CHANNEL', 'POOL_SHARE', NULL, 5000, now())`,
  );
  await q(
    `INSERT INTO "PriceRule" (id, "shopId", "channelId", scope, "differentialBps", "differentialCents", rounding, "feeBps", "fixedFeeCents", "updatedAt") VALUES
       ('r1', 'shop', 'amazon', 'CHANNEL', 1000, 0, 'CENTS_99', 1500, 30, now()),
       ('r2', 'shop', 'ebay', 'CHANNEL', 500, 0, 'CENTS_95', 1300, 30, now()),
       ('r3', 'shop', 'walmart', 'CHANNEL', 0, 50, 'NONE', 1500, 0, now()),
       ('r4', 'shop', 'tiktok', 'CHANNEL', -500, 0, 'WHOLE', 800, 0, now())`,
  );
  await q(
    `INSERT INTO "ParityEdge" (id, "shopId", "watcherId", "watchedId", "toleranceBps", "updatedAt") VALUES
       ('e1', 'shop', 'amazon', 'ebay', 1500, now()), ('e2', 'shop', 'amazon', 'walmart', 1500, now()),
       ('e3', 'shop', 'walmart', 'tiktok', 100, now())`,
  );
  // Two sales a variant over the last four weeks, on its first two channels.
  await q(
    `INSERT INTO "Sale" (id, "shopId", "variantId", "channelId", quantity, "soldAt", "sourceKey")
     SELECT 's' || g || '-' || k, 'shop', 'v' || g, CASE WHEN k = 1 THEN 'amazon' ELSE 'ebay' END, 1 + (g % 3),
            (now() AT TIME ZONE 'UTC') - ((g * k) % 27) * interval '1 day', 'order-' || g || '-' || k
     FROM generate_series(1, $1) g, generate_series(1, 2) k`,
    [variants],
  );
  await q(
    `INSERT INTO "Listing" (id, "shopId", "channelId", "variantId", "channelSku", "pushedPriceCents", "staleSince", "updatedAt")
     SELECT 'l' || n, 'shop', (ARRAY['amazon', 'ebay', 'walmart', 'tiktok'])[(n - 1) % 4 + 1], 'v' || ((n - 1) / 4 + 1), 'SKU-' || ((n - 1) / 4 + 1),
            NULL, now() AT TIME ZONE 'UTC', now()
     FROM generate_series(1, $1) n`,
    [listings],
  );
  await q(`ANALYZE`);
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
try {
  const seedStarted = performance.now();
  await seed();
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const noFlush = async () => {};
  const firstStarted = performance.now();
  const first = await recomputeStaleListings("shop", { requestFlush: noFlush });
  const firstSeconds = (performance.now() - firstStarted) / 1000;
  const firstRss = peakRss;

  await client.query(`UPDATE "Listing" SET "staleSince" = now() AT TIME ZONE 'UTC' WHERE "shopId" = 'shop'`);
  const secondStarted = performance.now();
  const second = await recomputeStaleListings("shop", { requestFlush: noFlush });
  const secondSeconds = (performance.now() - secondStarted) / 1000;
  clearInterval(sampler);
  const alerts = await client.query<{ title: string; held: number }>(
    `SELECT title, (facts->>'held')::int AS held FROM "Alert" WHERE "shopId" = 'shop' ORDER BY title`,
  );

  console.log(
    JSON.stringify(
      {
        benchmark: "recompute of every stale listing of one shop (PostgreSQL → engine → outbox)",
        listings,
        variants,
        inventoryLevels: variants * locations,
        seedSeconds: Number(seedSeconds.toFixed(1)),
        firstRun: { ...first, seconds: Number(firstSeconds.toFixed(2)), listingsPerSecond: Math.round(first.examined / firstSeconds) },
        unchangedRun: { ...second, seconds: Number(secondSeconds.toFixed(2)), listingsPerSecond: Math.round(second.examined / secondSeconds) },
        alertsRaised: alerts.rows.length,
        alerts: alerts.rows.map((a) => `${a.title} (${a.held})`),
        peakRssMBFirstRun: Math.round(firstRss / 1024 / 1024),
        peakRssMB: Math.round(peakRss / 1024 / 1024),
        maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(sampler);
  await client.end();
  await sqlFor(databaseUrl).end();
  await queues().close();
  await prisma.$disconnect();
  await dropDatabase(databaseName);
}
// The queues share one Redis connection that closing them leaves open (BullMQ closes only the
// connections it made), so the process says it is done, as bench/sync.ts does.
process.exit(0);
