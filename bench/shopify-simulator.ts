// Load benchmark: seeds 100,000 variants and exports them with a bulk query over HTTP.
//   npx tsx bench/shopify-simulator.ts [--products 33334] [--variants 3] [--locations 6]
import { parseArgs } from "node:util";
import { startShopifySimulator } from "../simulators/shopify/server";

const { values } = parseArgs({
  options: {
    products: { type: "string", default: "33334" },
    variants: { type: "string", default: "3" },
    locations: { type: "string", default: "6" },
  },
});
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(2);

const SHOP = "bench.myshopify.com";
const TOKEN = "shpat_bench";
const t0 = performance.now();
const sim = await startShopifySimulator({
  apiSecret: "bench",
  throttle: { maximumAvailable: 1e9, restoreRate: 1e9 },
  shops: [
    {
      domain: SHOP,
      accessToken: TOKEN,
      catalog: { products: Number(values.products), variantsPerProduct: Number(values.variants), locations: Number(values.locations), seed: 42 },
    },
  ],
});
const shop = sim.store.shop(SHOP);
const levels = shop.items.reduce((n, i) => n + i.levels.filter(Boolean).length, 0);
console.log(
  `seed:  ${shop.variants.length} variants, ${shop.products.length} products, ${levels} inventory levels in ${seconds(t0)} s; heap ${mb(process.memoryUsage().heapUsed)}, RSS ${mb(process.memoryUsage().rss)}`,
);

const gql = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
  const res = await fetch(sim.adminUrl(SHOP), {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
};
interface BulkStatus {
  status: string;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
}

const BULK = `{ productVariants { edges { node { id sku barcode price updatedAt product { id }
  inventoryItem { id inventoryLevels { edges { node { id location { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } } } } }`;
const t1 = performance.now();
const started = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
  `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`,
  { q: BULK },
);
const id = started.bulkOperationRunQuery.bulkOperation.id;
let op: BulkStatus;
for (;;) {
  op = (
    await gql<{ node: BulkStatus }>(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status objectCount rootObjectCount fileSize url } } }`, { id })
  ).node;
  if (op.status !== "CREATED" && op.status !== "RUNNING") break;
  await new Promise((r) => setTimeout(r, 100));
}
const exportSeconds = seconds(t1);
const t2 = performance.now();
let lines = 0;
for await (const chunk of (await fetch(op.url!)).body as unknown as AsyncIterable<Uint8Array>) for (const byte of chunk) if (byte === 10) lines++;
console.log(
  `bulk:  ${op.status}, ${op.rootObjectCount} root objects, ${op.objectCount} lines, ${mb(Number(op.fileSize))} JSONL in ${exportSeconds} s (download ${seconds(t2)} s, ${lines} lines)`,
);
console.log(`peak RSS ${mb(peakRss())}; total ${seconds(t0)} s`);
await sim.stop();
