// Benchmark: the initial import of a large store.
//   npx tsx bench/import.ts [variants] [locations] [batchSize] [concurrency]
// (default 100,000 variants × 10 locations = 1,000,000 inventory levels; every item is stocked at
// every location). The simulated Shopify (simulators/shopify/main.ts) runs in a child process, so the
// peak RSS printed for Anchorline is this process's alone: the importer, its Prisma client and pg
// pool. The simulator's own peak is printed apart. Aim (issue 4): under 60 s and under 300 MB.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { createInterface } from "node:readline";
import { createEmptyDatabase, dropDatabase, migrate } from "../test/global-setup";

const variants = Number(process.argv[2] ?? 100_000);
const locations = Number(process.argv[3] ?? 10);
// Unset: the importer's defaults.
const batchSize = process.argv[4] ? Number(process.argv[4]) : undefined;
const concurrency = process.argv[5] ? Number(process.argv[5]) : undefined;
const variantsPerProduct = 4;
const domain = "bench.myshopify.com";
const token = "shpat_bench";
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A process's peak resident set (VmHWM), read from /proc: the child's own high-water mark. */
function peakRssOf(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

const simulatorStarted = performance.now();
const simulator = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    "simulators/shopify/main.ts",
    "--json",
    "--port=0",
    `--shop=${domain}`,
    `--token=${token}`,
    `--products=${Math.ceil(variants / variantsPerProduct)}`,
    `--variants=${variantsPerProduct}`,
    `--locations=${locations}`,
    "--stocked-ratio=1",
    // Shopify Plus's rate (1,000 points/s): the benchmark measures the importer, not the throttle.
    "--throttle-rate=1000",
    // Larger windows than the default 500 export faster; the simulator's memory is not what is measured.
    "--bulk-window=5000",
  ],
  // graphql-js checks every instanceOf more slowly outside production; the simulator is not what is measured.
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: "production" } },
);
const ready = JSON.parse((await createInterface({ input: simulator.stdout! })[Symbol.asyncIterator]().next()).value as string) as {
  url: string;
  inventoryLevels: number;
};
const simulatorSeconds = (performance.now() - simulatorStarted) / 1000;

const databaseName = `anchorline_bench_${Date.now()}`;
const databaseUrl = await createEmptyDatabase(databaseName);
migrate(databaseUrl);
// The app's modules read DATABASE_URL when first imported: import them once it is set.
process.env.DATABASE_URL = databaseUrl;
const { createPrismaClient } = await import("~/db.server");
const { createAdminClient } = await import("~/anchor/admin-client.server");
const { importCatalog } = await import("~/anchor/bulk-import.server");
const { sqlFor } = await import("~/lib/sql.server");
const prisma = createPrismaClient(databaseUrl);
await prisma.shop.create({ data: { domain } });

const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const started = performance.now();
try {
  const client = createAdminClient({ shopDomain: domain, accessToken: token, origin: ready.url });
  const summary = await importCatalog(domain, client, { prisma, pollIntervalMs: 100, batchSize, concurrency });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const levels = await prisma.inventoryLevel.count();
  const rows = summary.products + summary.variants * 2 + levels; // products, variants, inventory items, levels
  console.log(
    JSON.stringify(
      {
        benchmark: "initial import (bulk operation → PostgreSQL)",
        machine: { cpus: cpus().length, totalMemoryMB: mb(totalmem()), node: process.version, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(1))) },
        settings: { batchSize: batchSize ?? "default", concurrency: concurrency ?? "default" },
        catalog: {
          variants: summary.variants,
          products: summary.products,
          locations,
          inventoryLevels: levels,
          expectedLevels: ready.inventoryLevels,
          jsonlLines: summary.lines,
        },
        seconds: {
          total: Number(seconds.toFixed(1)),
          shopifyBulkWait: Number(summary.phases.bulkWaitSeconds.toFixed(1)),
          downloadParseApply: Number(summary.phases.streamSeconds.toFixed(1)),
          simulatorStartup: Number(simulatorSeconds.toFixed(1)),
        },
        rowsWritten: rows,
        rowsPerSecondOverall: Math.round(rows / seconds),
        rowsPerSecondDownloadParseApply: Math.round(rows / summary.phases.streamSeconds),
        jsonlLinesPerSecondDownloadParseApply: Math.round(summary.lines / summary.phases.streamSeconds),
        anchorlineProcess: {
          note: "this process only (the simulated Shopify runs in a child process)",
          rssBeforeImportMB: mb(rssBefore),
          peakRssDuringImportMB: mb(peakRss),
          peakRssWholeRunMB: mb(process.resourceUsage().maxRSS * 1024),
        },
        simulatorProcessPeakRssMB: mb(peakRssOf(simulator.pid!) ?? 0),
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(sampler);
  simulator.kill("SIGTERM");
  await prisma.$disconnect();
  // The import's pg pool must close before the database is dropped: a connection the drop
  // terminates would otherwise surface as an unhandled pool error.
  await sqlFor(databaseUrl).end();
  await dropDatabase(databaseName);
}
