// Benchmark: the initial import of a large store. `npx tsx app/anchor/bench.ts [variants] [locations]`
// (default 100,000 variants × 10 locations = 1,000,000 inventory levels). The simulated Shopify
// runs in a child process so the figures are the importer's alone. Prints time and peak RSS.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createEmptyDatabase, dropDatabase, migrate } from "../../test/global-setup";

const variants = Number(process.argv[2] ?? 100_000);
const locations = Number(process.argv[3] ?? 10);
const variantsPerProduct = 4;
const domain = "bench.myshopify.com";

const simulator = spawn(process.execPath, ["--import", "tsx", "simulators/shopify-admin/main.ts"], {
  env: { ...process.env, SIM_SHOP_DOMAIN: domain, SIM_PRODUCTS: String(Math.ceil(variants / variantsPerProduct)), SIM_VARIANTS_PER_PRODUCT: String(variantsPerProduct), SIM_LOCATIONS: String(locations), SIM_THROTTLE_RATE: "1000" },
  stdio: ["ignore", "pipe", "inherit"],
});
const { url } = JSON.parse((await createInterface({ input: simulator.stdout! })[Symbol.asyncIterator]().next()).value as string) as { url: string };

const databaseName = `anchorline_bench_${Date.now()}`;
const databaseUrl = await createEmptyDatabase(databaseName);
migrate(databaseUrl);
// The app's modules read DATABASE_URL when first imported: import them once it is set.
process.env.DATABASE_URL = databaseUrl;
const { createPrismaClient } = await import("~/db.server");
const { createAdminClient } = await import("./admin-client.server");
const { importCatalog } = await import("./bulk-import.server");
const prisma = createPrismaClient(databaseUrl);
await prisma.shop.create({ data: { domain } });

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const started = performance.now();
try {
  const client = createAdminClient({ shopDomain: domain, accessToken: "shpat_demo", origin: url });
  const summary = await importCatalog(domain, client, { prisma, pollIntervalMs: 200, batchSize: 5000 });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const levels = await prisma.inventoryLevel.count();
  console.log(
    JSON.stringify(
      {
        benchmark: "initial import (bulk operation → PostgreSQL)",
        variants: summary.variants,
        locations,
        inventoryLevels: levels,
        jsonlLines: summary.lines,
        seconds: Number(seconds.toFixed(1)),
        levelsPerSecond: Math.round(levels / seconds),
        peakRssMB: Math.round(peakRss / 1024 / 1024),
        maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(sampler);
  await prisma.$disconnect();
  await dropDatabase(databaseName);
  simulator.kill("SIGTERM");
}
