// Flash-sale benchmark: Anchorline against a baseline that syncs every 15 minutes.
//   npx tsx bench/flash-sale.ts [--report <demo report json>] [--out <json>]
// 1. Runs the demo's scenario once (demo/main.ts --once) in a scratch data folder: a real flash
//    sale through the whole pipeline, giving live oversells and the measured latencies (Shopify
//    change → marketplace acknowledgement). --report reuses a report written by an earlier run.
// 2. Replays order streams in simulated time (bench/model.ts) twice: with Anchorline's measured
//    latencies, and with marketplaces that learn of stock only at 15-minute ticks. Streams: the
//    demo's own flash sale as it ran, and a 2-hour flash sale (BENCH_FLASH_HOURS, BENCH_FLASH_SKUS,
//    BENCH_FLASH_UNITS, BENCH_FLASH_RATE) of which the 15-minute baseline sees several ticks.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ScenarioReport } from "../demo/scenario";
import { flashSaleStream, percentiles, replayAnchorline, replayBaseline, type ModelOutcome, type StreamOrder } from "./model";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { report: { type: "string" }, out: { type: "string" } } });

let report: ScenarioReport;
if (values.report && existsSync(values.report)) report = JSON.parse(readFileSync(values.report, "utf8")) as ScenarioReport;
else {
  // A scratch folder the postgres user can reach, removed afterwards: the benchmark never touches
  // the demo's own data.
  const dataDir = mkdtempSync(path.join(tmpdir(), "anchorline-bench-"));
  // mkdtemp makes it 0700; the embedded PostgreSQL runs as the postgres user (when we are root)
  // and must be able to pass through it to its own data folder inside.
  chmodSync(dataDir, 0o755);
  const reportFile = path.join(dataDir, "report.json");
  console.log(`running the demo scenario once (data in ${dataDir})…`);
  const run = spawnSync(process.execPath, ["--import", "tsx", "demo/main.ts", "--once", "--json", reportFile], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      ANCHORLINE_DEMO: "1",
      DEMO_DATA_DIR: dataDir,
      DEMO_PG_PORT: process.env.DEMO_PG_PORT ?? "54339",
      QUEUE_PREFIX: `anchorline-bench-flash-${Date.now()}`,
      DEMO_PORT: "0",
      DEMO_ADMIN_PORT: "0",
    },
  });
  if (run.status !== 0 || !existsSync(reportFile)) throw new Error(`the demo run failed (${run.status})`);
  report = JSON.parse(readFileSync(reportFile, "utf8")) as ScenarioReport;
  rmSync(dataDir, { recursive: true, force: true });
}

const latencySeconds = report.latencySamplesMs.map((ms) => ms / 1000);
const channels = ["amazon", "ebay", "walmart", "tiktok"];
const line = (label: string, o: ModelOutcome) =>
  `  ${label.padEnd(22)} accepted ${String(o.accepted).padStart(5)}  oversold orders ${String(o.oversoldOrders).padStart(4)}  units ${String(o.oversoldUnits).padStart(4)}  turned away ${String(o.turnedAway).padStart(5)}`;
const ratio = (baseline: ModelOutcome, anchorline: ModelOutcome) =>
  anchorline.oversoldOrders === 0
    ? baseline.oversoldOrders === 0
      ? "both 0"
      : `${baseline.oversoldOrders} : 0 (Anchorline none)`
    : `${(baseline.oversoldOrders / anchorline.oversoldOrders).toFixed(1)}×`;

function compare(label: string, orders: StreamOrder[], stock: Record<string, number>) {
  // Averaged over seeds: the baseline's tick phase and Anchorline's latency draws vary per seed.
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const mean = (outcomes: ModelOutcome[]): ModelOutcome => ({
    accepted: Math.round(outcomes.reduce((n, o) => n + o.accepted, 0) / outcomes.length),
    oversoldOrders: Math.round((10 * outcomes.reduce((n, o) => n + o.oversoldOrders, 0)) / outcomes.length) / 10,
    oversoldUnits: Math.round((10 * outcomes.reduce((n, o) => n + o.oversoldUnits, 0)) / outcomes.length) / 10,
    turnedAway: Math.round(outcomes.reduce((n, o) => n + o.turnedAway, 0) / outcomes.length),
  });
  const anchorline = mean(seeds.map((s) => replayAnchorline(orders, stock, channels, latencySeconds, s)));
  const baseline = mean(seeds.map((s) => replayBaseline(orders, stock, channels, 900, s)));
  console.log(
    `\n${label}: ${orders.length} buyer arrivals, ${Object.keys(stock).length} SKUs, ${Object.values(stock).reduce((a, b) => a + b, 0)} units (mean of ${seeds.length} seeds)`,
  );
  console.log(line("Anchorline (measured)", anchorline));
  console.log(line("15-minute sync", baseline));
  console.log(`  oversold orders, baseline : Anchorline = ${ratio(baseline, anchorline)}`);
  return { label, arrivals: orders.length, anchorline, baseline };
}

const lat = percentiles(report.latencySamplesMs);
console.log(
  `\nmeasured on the live pipeline: ${lat.count} latencies, p50 ${lat.p50.toFixed(0)} ms, p90 ${lat.p90.toFixed(0)} ms, p95 ${lat.p95.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms, max ${lat.max.toFixed(0)} ms`,
);
console.log(
  `live flash sale (real simulators): ${report.flashStream.length} orders, oversold orders ${report.oversells.flashSale}; last units under throttling: oversold ${report.oversells.throttledWave}`,
);

const results = [
  compare(
    "the demo's flash sale, replayed",
    report.flashStream.map((o) => ({ at: o.at, channel: o.marketplace, sku: o.sku, quantity: o.quantity })),
    report.flashStock,
  ),
];
const hours = Number(process.env.BENCH_FLASH_HOURS ?? 2);
const shape = {
  hours,
  skus: Number(process.env.BENCH_FLASH_SKUS ?? 20),
  unitsPerSku: Number(process.env.BENCH_FLASH_UNITS ?? 60),
  flashRate: Number(process.env.BENCH_FLASH_RATE ?? 0.5),
  flashFrom: 900,
  flashTo: 900 + 1800,
  steadyRates: { amazon: 0.1, ebay: 0.08, walmart: 0.05 },
  seed: 7,
};
const stream = flashSaleStream(shape);
results.push(compare(`a ${hours}-hour day with a 30-minute TikTok flash sale (${shape.flashRate} orders/s), simulated time`, stream.orders, stream.stock));

const out = {
  latencyMs: lat,
  live: { flashOrders: report.flashStream.length, oversells: report.oversells, orders: report.orders, calls: report.calls },
  shape,
  results,
};
if (values.out) writeFileSync(values.out, JSON.stringify(out, null, 2));
