// Benchmark: importing a vendor's stock file (decision 0026).
//   npx tsx bench/vendor-feed.ts [rows]
// (default 100,000 rows, each a SKU of the shop's catalogue; 1 % unknown SKUs, 0.1 % refused rows).
// The file is written to a temporary file and imported twice through importVendorFeed, as a
// scheduled fetch or an upload does: streamed, checked, then written in one transaction with
// set-based SQL. The first import creates every level at the vendor's location, the second moves
// every quantity. Aim (issue 24): under 10 s and under 200 MB for 100,000 rows.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";

const rows = Number(process.argv[2] ?? 100_000);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

const databaseName = `anchorline_bench_${Date.now()}`;
const databaseUrl = await createEmptyDatabase(databaseName);
migrate(databaseUrl);
process.env.DATABASE_URL = databaseUrl;
const { createPrismaClient } = await import("~/db.server");
const { importVendorFeed } = await import("~/vendors/import.server");
const { sqlFor } = await import("~/lib/sql.server");
const prisma = createPrismaClient(databaseUrl);
const dir = mkdtempSync(path.join(tmpdir(), "anchorline-vendor-bench-"));

try {
  // The catalogue, set-based: one product, `rows` variants with their inventory items.
  const shop = await prisma.shop.create({ data: { domain: "bench.myshopify.com" } });
  const product = await prisma.product.create({ data: { shopId: shop.id, shopifyId: "1", title: "Bench" } });
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Variant" (id, "shopId", "productId", "shopifyId", title, sku, "priceCents", "updatedAt")
     SELECT 'v' || n, $1, $2, n::text, 'V' || n, 'SKU-' || n, 1000, now() FROM generate_series(1, $3::int) n`,
    shop.id,
    product.id,
    rows,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "InventoryItem" (id, "shopId", "shopifyId", "variantId", sku, "updatedAt")
     SELECT 'i' || n, $1, n::text, 'v' || n, 'SKU-' || n, now() FROM generate_series(1, $2::int) n`,
    shop.id,
    rows,
  );
  const location = await prisma.location.create({
    data: { shopId: shop.id, shopifyId: "vendor:bench", name: "Bench vendor", isDropShip: true, vendorShareBps: 5000 },
  });
  const vendor = await prisma.vendor.create({ data: { shopId: shop.id, locationId: location.id, name: "Bench vendor" } });
  const feed = await prisma.vendorFeed.create({
    data: { shopId: shop.id, vendorId: vendor.id, source: "UPLOAD", mapping: { sku: "sku", quantity: "qty", cost: "cost", leadTime: "lead" } },
  });

  const writeFile = (file: string, shift: number) => {
    const lines = ["sku,qty,cost,lead"];
    for (let n = 1; n <= rows; n++) {
      if (n % 1000 === 0) lines.push(`SKU-${n},not-a-number,1.00,2`);
      else if (n % 100 === 0) lines.push(`UNKNOWN-${n},5,1.00,2`);
      else lines.push(`SKU-${n},${(n + shift) % 50},${(n % 90) + 1}.25,${n % 14}`);
    }
    writeFileSync(file, `${lines.join("\n")}\n`);
  };

  const results = [];
  for (const [run, shift] of [
    ["first import (every level created)", 0],
    ["second import (every quantity moved)", 7],
  ] as const) {
    const file = path.join(dir, `stock-${shift}.csv`);
    writeFile(file, shift);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
    const started = performance.now();
    const outcome = await importVendorFeed(shop.id, feed.id, createReadStream(file), {
      prisma,
      // Nothing is listed in this catalogue: no listing is marked, no recompute asked for.
      queues: undefined,
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (!outcome.ran || !outcome.ok) throw new Error(`import did not succeed: ${JSON.stringify(outcome)}`);
    results.push({
      run,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rows / seconds),
      rssBeforeMB: mb(rssBefore),
      peakRssMB: mb(peakRss),
      rowsRead: outcome.rowsRead,
      matched: outcome.matched,
      unknownSkus: outcome.unknownSkus,
      rejected: outcome.rejected,
      levelsChanged: outcome.changedVariants,
    });
  }
  const worst = { seconds: Math.max(...results.map((r) => r.seconds)), peakRssMB: Math.max(...results.map((r) => r.peakRssMB)) };
  console.log(
    JSON.stringify(
      {
        benchmark: "vendor feed import (CSV stream → one transaction of set-based SQL)",
        machine: { cpus: cpus().length, totalMemoryMB: mb(totalmem()), node: process.version, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(1))) },
        rows,
        results,
        targets: { seconds: 10, peakRssMB: 200 },
        withinTargets: worst.seconds < 10 && worst.peakRssMB < 200,
        peakRssWholeRunMB: mb(process.resourceUsage().maxRSS * 1024),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await prisma.$disconnect();
  // The pipeline's marking runs on the plain-SQL pool: closed before the database is dropped.
  await sqlFor(databaseUrl).end();
  await dropDatabase(databaseName);
}
