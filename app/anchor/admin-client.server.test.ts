import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShopifySimulator, type ShopifySimulator } from "../../simulators/shopify/server";
import { createAdminClient, ShopifyAdminError } from "./admin-client.server";

let simulator: ShopifySimulator;
const domain = "throttle-shop.myshopify.com";

beforeAll(async () => {
  simulator = await startShopifySimulator({
    apiSecret: "s",
    shops: [{ domain, accessToken: "shpat_t", catalog: { products: 60, variantsPerProduct: 1, locations: 1, seed: 1 } }],
    throttle: { maximumAvailable: 100, restoreRate: 100 },
  });
});

afterAll(() => simulator.stop());

describe("the Admin API client", () => {
  it("given a bucket of 100 points and queries costing 62, when two run back to back, then the client waits out the missing points and both answer", async () => {
    // Given a bucket of 100 points and queries costing 62
    const waits: number[] = [];
    const client = createAdminClient({
      shopDomain: domain,
      accessToken: "shpat_t",
      origin: simulator.url,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
    });
    const query = "{ products(first: 60) { nodes { id } } }";
    // When two run back to back
    const first = await client.request<{ products: { nodes: unknown[] } }>(query);
    const second = await client.request<{ products: { nodes: unknown[] } }>(query);
    // Then both answer, and the client paused (pacing or on THROTTLED) about 0.2–0.7 s in all
    expect(first.products.nodes).toHaveLength(60);
    expect(second.products.nodes).toHaveLength(60);
    const waited = waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThan(1000);
    expect(client.throttle?.maximumAvailable).toBe(100);
  });

  it("given a query Shopify's schema refuses, when it is sent, then it fails with the reason and is not retried", async () => {
    const client = createAdminClient({ shopDomain: domain, accessToken: "shpat_t", origin: simulator.url });
    await expect(client.request("{ shop { notAField } }")).rejects.toThrow(ShopifyAdminError);
  });

  it("given a revoked token, when a query is sent, then it fails as not retryable", async () => {
    const client = createAdminClient({ shopDomain: domain, accessToken: "revoked", origin: simulator.url });
    const error = await client.request("{ shop { name } }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAdminError);
    expect((error as ShopifyAdminError).details).toMatchObject({ status: 401, retryable: false });
  });
});
