// CLI for demos and benchmarks: `npx tsx simulators/shopify/main.ts [--port 4010] [--shop demo.myshopify.com]
//   [--token shpat_demo] [--secret <api secret>] [--products 200] [--variants 3] [--locations 6]
//   [--seed 42] [--stocked-ratio 0.85] [--throttle-rate 100] [--bulk-window 500]
//   [--webhook-url http://localhost:3000/webhooks] [--json]`
// Environment fallbacks: SHOPIFY_API_SECRET, SHOPIFY_SIM_PORT, SHOPIFY_SIM_WEBHOOK_URL.
// `--json` prints a single JSON line once ready ({url, adminUrl, shop, token, ...}) so a parent process
// (a benchmark running the simulator apart from the code it measures) can read where it listens.
import { parseArgs } from "node:util";
import { startShopifySimulator } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.SHOPIFY_SIM_PORT ?? "4010" },
    host: { type: "string", default: "127.0.0.1" },
    shop: { type: "string", default: "anchorline-demo.myshopify.com" },
    token: { type: "string", default: "shpat_simulator_demo" },
    secret: { type: "string", default: process.env.SHOPIFY_API_SECRET ?? "simulator-secret" },
    products: { type: "string", default: "200" },
    variants: { type: "string", default: "3" },
    locations: { type: "string", default: "6" },
    seed: { type: "string", default: "42" },
    "stocked-ratio": { type: "string" },
    // Points restored per second; the bucket holds 20 seconds' worth, as on every Shopify plan
    // (Standard 100/s and 2,000; Plus 1,000/s and 20,000: shopify.dev/docs/api/usage/limits).
    "throttle-rate": { type: "string" },
    "bulk-window": { type: "string" },
    "webhook-url": { type: "string", default: process.env.SHOPIFY_SIM_WEBHOOK_URL },
    json: { type: "boolean", default: false },
  },
});

const optionalNumber = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));
const throttleRate = optionalNumber(values["throttle-rate"]);
const bulkWindow = optionalNumber(values["bulk-window"]);

const started = performance.now();
const sim = await startShopifySimulator({
  port: Number(values.port),
  host: values.host,
  apiSecret: values.secret!,
  webhookUrl: values["webhook-url"],
  throttle: throttleRate === undefined ? undefined : { restoreRate: throttleRate, maximumAvailable: throttleRate * 20 },
  bulk: bulkWindow === undefined ? undefined : { windowSize: bulkWindow },
  shops: [
    {
      domain: values.shop!,
      accessToken: values.token!,
      catalog: {
        products: Number(values.products),
        variantsPerProduct: Number(values.variants),
        locations: Number(values.locations),
        seed: Number(values.seed),
        stockedRatio: optionalNumber(values["stocked-ratio"]),
      },
    },
  ],
});
const shop = sim.store.shop(values.shop!);
const readyMs = Math.round(performance.now() - started);
if (values.json) {
  const levels = shop.items.reduce((n, item) => n + item.levels.filter(Boolean).length, 0);
  console.log(
    JSON.stringify({
      url: sim.url,
      adminUrl: sim.adminUrl(shop.domain),
      shop: shop.domain,
      token: values.token,
      products: shop.products.length,
      variants: shop.variants.length,
      locations: shop.locations.length,
      inventoryLevels: levels,
      readyMs,
    }),
  );
} else {
  console.log(`Shopify simulator ready in ${readyMs} ms at ${sim.url}`);
  console.log(`  shop        ${shop.domain} (${shop.products.length} products, ${shop.variants.length} variants, ${shop.locations.length} locations)`);
  console.log(`  GraphQL     ${sim.adminUrl(shop.domain)}  (header X-Shopify-Access-Token: ${values.token})`);
  console.log(`  control     ${sim.url}/_simulator/shops, /_simulator/deliveries`);
  console.log(`  webhooks    ${values["webhook-url"] ?? "(none; pass --webhook-url)"}`);
}

const shutdown = () => void sim.stop().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
