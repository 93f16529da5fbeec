// A shop installed in the app, in a simulated Shopify of its own whose signed webhooks reach the
// app's /webhooks route (test/app-webhook-server.ts): what the mirror's end-to-end tests start from.
// The Admin API origin points at this simulator, so the app's offline session reads it.
//
// Import this module only after DATABASE_URL is set (the app's modules read it when first loaded).
import { apiVersionForAdmin } from "~/anchor/api-version";
import prisma from "~/db.server";
import type { CatalogSpec } from "../simulators/shopify/catalog";
import { startShopifySimulator, type ShopifySimulator } from "../simulators/shopify/server";
import { uniqueShopDomain } from "./factories";

export async function installedShopifyShop(options: { label: string; catalog: CatalogSpec; webhookUrl: string }) {
  const domain = uniqueShopDomain(options.label);
  const accessToken = `shpat_${options.label}`;
  const simulator: ShopifySimulator = await startShopifySimulator({
    apiSecret: process.env.SHOPIFY_API_SECRET!,
    shops: [{ domain, accessToken, catalog: options.catalog }],
    webhookUrl: options.webhookUrl,
    webhookApiVersion: apiVersionForAdmin,
  });
  process.env.SHOPIFY_ADMIN_API_ORIGIN = simulator.url;
  const shop = await prisma.shop.create({ data: { domain } });
  await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "installed", accessToken } });
  return { domain, shop, simulator, state: simulator.store.shop(domain) };
}
