import { ClientError, GraphQLClient } from "graphql-request";
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { apiVersionForAdmin } from "./api-version";

// Shopify Admin GraphQL from workers, with the shop's offline token, honouring Shopify's
// cost-based throttle: each shop has a bucket of query cost points that refills at `restoreRate`
// per second ("Shopify API rate limits", shopify.dev/docs/api/usage/limits). A THROTTLED answer
// is waited out and retried; otherwise calls are paced so the bucket never runs dry.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: ThrottleStatus };
}

interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string };
}

export class ShopifyAdminError extends Error {
  constructor(
    message: string,
    readonly details: { status?: number; errors?: GraphQLErrorLike[]; retryable: boolean },
  ) {
    super(message);
    this.name = "ShopifyAdminError";
  }
}

export interface AdminClientOptions {
  shopDomain: string;
  accessToken: string;
  /** Where Shopify's Admin API is: https://<shop> in production; a simulator in tests and the demo. */
  origin?: string;
  apiVersion?: string;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
}

export interface AdminClient {
  readonly shopDomain: string;
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The last throttle status Shopify reported, for pacing and for the metrics screen. */
  readonly throttle: ThrottleStatus | null;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const origin = options.origin ?? process.env.SHOPIFY_ADMIN_API_ORIGIN ?? `https://${options.shopDomain}`;
  const url = `${origin}/admin/api/${options.apiVersion ?? apiVersionForAdmin}/graphql.json`;
  const client = new GraphQLClient(url, {
    headers: { "X-Shopify-Access-Token": options.accessToken, "Content-Type": "application/json" },
    errorPolicy: "all",
  });
  const sleep = options.sleep ?? sleepFor;
  const maxAttempts = options.maxAttempts ?? 8;
  let throttle: ThrottleStatus | null = null;

  async function request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await client.rawRequest<T>(query, variables);
      } catch (error) {
        const status = error instanceof ClientError ? error.response.status : undefined;
        const retryable = status === undefined || status === 429 || status >= 500;
        if (!retryable || attempt >= maxAttempts) {
          throw new ShopifyAdminError(`Shopify Admin API ${status ?? "network"} error for ${options.shopDomain}`, { status, retryable });
        }
        await sleep(Math.min(30_000, 500 * 2 ** (attempt - 1)));
        continue;
      }
      const cost = (response.extensions as CostExtension | undefined)?.cost;
      if (cost) throttle = cost.throttleStatus;
      const errors = (response.errors ?? []) as GraphQLErrorLike[];
      if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
        if (attempt >= maxAttempts) throw new ShopifyAdminError("Shopify kept throttling", { errors, retryable: true });
        // Wait exactly until the bucket holds what this query asked for.
        const needed = cost ? cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable : 50;
        const rate = cost?.throttleStatus.restoreRate ?? 50;
        await sleep(Math.max(50, Math.ceil((needed / rate) * 1000)));
        continue;
      }
      if (errors.length) {
        throw new ShopifyAdminError(`Shopify Admin API refused the query: ${errors.map((e) => e.message).join("; ")}`, { errors, retryable: false });
      }
      if (cost && cost.throttleStatus.currentlyAvailable < cost.requestedQueryCost) {
        // Pace: the next query of this size would be throttled; wait for the refill instead.
        const deficit = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
        await sleep(Math.ceil((deficit / cost.throttleStatus.restoreRate) * 1000));
      }
      return response.data as T;
    }
  }

  return {
    shopDomain: options.shopDomain,
    request,
    get throttle() {
      return throttle;
    },
  };
}

/** A client for a shop from its offline session (the token Shopify gave at install). */
export async function adminClientForShop(
  shopDomain: string,
  prisma: PrismaClient = defaultPrisma,
  overrides: Partial<AdminClientOptions> = {},
): Promise<AdminClient> {
  const session = await prisma.session.findFirst({ where: { shop: shopDomain, isOnline: false }, select: { accessToken: true } });
  if (!session) throw new ShopifyAdminError(`No offline session for ${shopDomain}: the app is not installed`, { retryable: false });
  return createAdminClient({ shopDomain, accessToken: session.accessToken, ...overrides });
}
