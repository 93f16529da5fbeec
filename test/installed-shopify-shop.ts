// A shop installed in the app, in a simulated Shopify of its own whose signed webhooks reach the
// app's /webhooks route (test/app-webhook-server.ts): what the mirror's end-to-end tests start from.
// The Admin API origin points at this simulator, so the app's offline session reads it.
//
// Import this module only after DATABASE_URL is set (the app's modules read it when first loaded).
import type { Worker } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import { apiVersionForAdmin } from "~/anchor/api-version";
import prisma from "~/db.server";
import { createRedisConnection, queues } from "~/queues.server";
import type { CatalogSpec } from "../simulators/shopify/catalog";
import { startShopifySimulator, type ShopifySimulator } from "../simulators/shopify/server";
import { createWorkers } from "../workers/processors";
import { startWebhookEndpoint } from "./app-webhook-server";
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

export type InstalledShopifyShop = Awaited<ReturnType<typeof installedShopifyShop>>;

/**
 * The app's /webhooks route and the webhook worker (only that one: these files watch the mirror,
 * not the marketplaces) for a test file's tests, and `install` for each test's shop in a simulated
 * Shopify of its own whose webhooks reach that route; every simulator is stopped after the file's
 * tests. Call it at a test file's top level.
 */
export function useInstalledShopifyShops(): { install(options: { label: string; catalog: CatalogSpec }): Promise<InstalledShopifyShop> } {
  const connection = createRedisConnection();
  let endpoint: Awaited<ReturnType<typeof startWebhookEndpoint>> | undefined;
  let workers: Worker[] = [];
  const simulators: ShopifySimulator[] = [];
  beforeAll(async () => {
    endpoint = await startWebhookEndpoint();
    workers = createWorkers(connection).filter((w) => w.name === "webhooks");
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queues().close();
    connection.disconnect();
    await endpoint?.close();
    await Promise.all(simulators.map((s) => s.stop()));
  });
  return {
    async install(options) {
      if (!endpoint) throw new Error("The webhook route starts in beforeAll: install inside a test");
      const installed = await installedShopifyShop({ ...options, webhookUrl: endpoint.url });
      simulators.push(installed.simulator);
      return installed;
    },
  };
}
