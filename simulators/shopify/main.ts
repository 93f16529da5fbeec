// CLI for demos: `npx tsx simulators/shopify/main.ts [--port 4010] [--shop demo.myshopify.com]
//   [--token shpat_demo] [--secret <api secret>] [--products 200] [--variants 3] [--locations 6]
//   [--seed 42] [--webhook-url http://localhost:3000/webhooks]`
// Environment fallbacks: SHOPIFY_API_SECRET, SHOPIFY_SIM_PORT, SHOPIFY_SIM_WEBHOOK_URL.
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
    "webhook-url": { type: "string", default: process.env.SHOPIFY_SIM_WEBHOOK_URL },
  },
});

const started = performance.now();
const sim = await startShopifySimulator({
  port: Number(values.port),
  host: values.host,
  apiSecret: values.secret!,
  webhookUrl: values["webhook-url"],
  shops: [
    {
      domain: values.shop!,
      accessToken: values.token!,
      catalog: { products: Number(values.products), variantsPerProduct: Number(values.variants), locations: Number(values.locations), seed: Number(values.seed) },
    },
  ],
});
const shop = sim.store.shop(values.shop!);
console.log(`Shopify simulator ready in ${Math.round(performance.now() - started)} ms at ${sim.url}`);
console.log(`  shop        ${shop.domain} (${shop.products.length} products, ${shop.variants.length} variants, ${shop.locations.length} locations)`);
console.log(`  GraphQL     ${sim.adminUrl(shop.domain)}  (header X-Shopify-Access-Token: ${values.token})`);
console.log(`  control     ${sim.url}/_simulator/shops, /_simulator/deliveries`);
console.log(`  webhooks    ${values["webhook-url"] ?? "(none; pass --webhook-url)"}`);

const shutdown = () => void sim.stop().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
