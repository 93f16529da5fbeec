// Shared set-up for the simulator's own tests: a simulator with one shop and a graphql-request client.
import { GraphQLClient } from "graphql-request";
import type { CatalogSpec } from "./catalog";
import { startShopifySimulator, type ShopifySimulator, type SimulatorOptions } from "./server";

export const SHOP = "sim-test.myshopify.com";
export const TOKEN = "shpat_sim_test_token";
export const SECRET = "sim-test-secret";

export async function simulatorWith(catalog: CatalogSpec, options: Partial<SimulatorOptions> = {}): Promise<ShopifySimulator> {
  return startShopifySimulator({ apiSecret: SECRET, shops: [{ domain: SHOP, accessToken: TOKEN, catalog }], ...options });
}

export function adminClient(sim: ShopifySimulator, token = TOKEN, apiVersion?: string): GraphQLClient {
  return new GraphQLClient(sim.adminUrl(SHOP, apiVersion), { headers: { "X-Shopify-Access-Token": token }, errorPolicy: "all" });
}

export interface Raw<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: {
    cost: {
      requestedQueryCost: number;
      actualQueryCost: number | null;
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
    };
  };
  status: number;
}

/** A request that returns data, errors and extensions together (as the app's client sees them). */
export async function raw<T = unknown>(client: GraphQLClient, query: string, variables?: Record<string, unknown>): Promise<Raw<T>> {
  return (await client.rawRequest<T>(query, variables)) as unknown as Raw<T>;
}
