// `npx tsx simulators/shopify-admin/main.ts`: a simulated Shopify store on its own, for the demo and
// benchmarks. Settings from the environment; prints one JSON line with its address when ready.
import { startShopifySimulator } from "./server";

const domain = process.env.SIM_SHOP_DOMAIN ?? "anchorline-demo.myshopify.com";
const simulator = await startShopifySimulator({
  port: Number(process.env.SIM_PORT ?? 0),
  apiSecret: process.env.SHOPIFY_API_SECRET ?? "anchorline-local-secret",
  webhookUrl: process.env.SIM_WEBHOOK_URL,
  shops: [
    {
      domain,
      accessToken: process.env.SIM_ACCESS_TOKEN ?? "shpat_demo",
      catalog: {
        products: Number(process.env.SIM_PRODUCTS ?? 2000),
        variantsPerProduct: Number(process.env.SIM_VARIANTS_PER_PRODUCT ?? 3),
        locations: Number(process.env.SIM_LOCATIONS ?? 6),
        seed: Number(process.env.SIM_SEED ?? 42),
      },
    },
  ],
  // Benchmarks measure the importer, not the throttle: they raise it (Shopify Plus has 10× Standard).
  throttle: process.env.SIM_THROTTLE_RATE ? { maximumAvailable: Number(process.env.SIM_THROTTLE_RATE) * 20, restoreRate: Number(process.env.SIM_THROTTLE_RATE) } : undefined,
});
process.stdout.write(JSON.stringify({ url: simulator.url, domain }) + "\n");
const stop = () => void simulator.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
