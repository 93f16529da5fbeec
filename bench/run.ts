// `npm run bench`: every benchmark of the project, one after another, at sizes that finish in a few
// minutes in all on a 2-core machine, then the flash-sale comparison (bench/flash-sale.ts). Prints
// each one's output and writes everything to bench-results/<timestamp>.json (gitignored).
// Sizes (env): BENCH_ENGINE_LISTINGS (200000), BENCH_RECOMPUTE_LISTINGS (20000),
// BENCH_IMPORT_VARIANTS (20000) × BENCH_IMPORT_LOCATIONS (5), BENCH_SYNC_CHANGES (2000) over
// BENCH_SYNC_SKUS (400) + BENCH_SYNC_STEADY_SECONDS (10), BENCH_SHOPIFY_PRODUCTS (10000),
// BENCH_DRIFT_LISTINGS (500 per marketplace), BENCH_VENDOR_FEED_ROWS (100000), BENCH_INVENTORY_VARIANTS (10000, × 4 channels);
// BENCH_ONLY=engine,sync,… runs a subset. The database benchmarks use scratch databases on
// TEST_DATABASE_SERVER_URL (default: the local PostgreSQL), as `npm test` does.
import { spawn } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env = (name: string, fallback: number) => String(Number(process.env[name] ?? fallback));
const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
mkdirSync(path.join(root, "bench-results"), { recursive: true });
const flashOut = path.join(root, "bench-results", `${stamp}-flash-sale.json`);

const benches: { name: string; script: string; args: string[] }[] = [
  { name: "engine", script: "bench/engine.ts", args: [env("BENCH_ENGINE_LISTINGS", 200_000)] },
  { name: "recompute", script: "bench/recompute.ts", args: [env("BENCH_RECOMPUTE_LISTINGS", 20_000)] },
  { name: "import", script: "bench/import.ts", args: [env("BENCH_IMPORT_VARIANTS", 20_000), env("BENCH_IMPORT_LOCATIONS", 5)] },
  { name: "sync", script: "bench/sync.ts", args: [env("BENCH_SYNC_CHANGES", 2_000), env("BENCH_SYNC_SKUS", 400), env("BENCH_SYNC_STEADY_SECONDS", 10)] },
  {
    name: "shopify-simulator",
    script: "bench/shopify-simulator.ts",
    args: ["--products", env("BENCH_SHOPIFY_PRODUCTS", 10_000), "--variants", "3", "--locations", "6"],
  },
  { name: "drift-read", script: "bench/drift-read.ts", args: [env("BENCH_DRIFT_LISTINGS", 500)] },
  { name: "inventory-screen", script: "bench/inventory-screen.ts", args: [env("BENCH_INVENTORY_VARIANTS", 10_000)] },
  { name: "vendor-feed", script: "bench/vendor-feed.ts", args: [env("BENCH_VENDOR_FEED_ROWS", 100_000)] },
  { name: "flash-sale", script: "bench/flash-sale.ts", args: ["--out", flashOut] },
];
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());

function run(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", script, ...args], {
      cwd: root,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const take = (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

const results: { name: string; command: string; seconds: number; exitCode: number | null; output: string }[] = [];
for (const bench of benches) {
  if (only && !only.includes(bench.name)) continue;
  const command = `node --expose-gc --import tsx ${bench.script} ${bench.args.join(" ")}`;
  console.log(`\n━━ ${bench.name}: ${command}`);
  const started = performance.now();
  const { code, output } = await run(bench.script, bench.args);
  const seconds = (performance.now() - started) / 1000;
  console.log(`━━ ${bench.name}: ${code === 0 ? "done" : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s`);
  results.push({ name: bench.name, command, seconds, exitCode: code, output });
}

let flashSale: unknown = null;
try {
  flashSale = JSON.parse(readFileSync(flashOut, "utf8"));
} catch {
  // The flash-sale step did not run or failed; its output above says why.
}
const file = path.join(root, "bench-results", `${stamp}.json`);
writeFileSync(
  file,
  JSON.stringify(
    { at: new Date().toISOString(), machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, results, flashSale },
    null,
    2,
  ),
);
console.log(`\nsummary: ${results.map((r) => `${r.name} ${r.exitCode === 0 ? "ok" : "FAILED"} ${r.seconds.toFixed(0)} s`).join(" · ")}`);
console.log(`results: ${path.relative(root, file)}`);
process.exit(results.every((r) => r.exitCode === 0) ? 0 : 1);
