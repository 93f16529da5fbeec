import { ClientError, GraphQLClient } from "graphql-request";
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { env } from "~/lib/env.server";
import { retryableStatus, UpstreamError } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { readOfflineSession, sealedTokenColumns } from "~/sessions.server";
import { apiVersionForAdmin } from "./api-version";

// Shopify Admin GraphQL from workers, with the shop's offline token, honouring Shopify's
// cost-based throttle: each shop has a bucket of query cost points that refills at `restoreRate`
// per second ("Shopify API rate limits", shopify.dev/docs/api/usage/limits). A THROTTLED answer
// is waited out and retried; otherwise calls are paced so the bucket never runs dry.
//
// The offline token expires: the app asks for expiring offline tokens (shopify.server.ts,
// expiringOfflineAccessTokens), so Shopify's token lives 60 minutes and comes with a refresh token
// it replaces on every use (shopify.dev, "Use expiring offline access tokens"). Workers run long
// after the merchant last opened the app, so a worker's client refreshes the token itself: a few
// minutes before it expires, and once more if Shopify answers 401 anyway. The stored tokens are
// sealed: they are read and written only through sessions.server.ts.

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

/**
 * Shopify's Admin API failed the call, or cannot be called for the shop: `retryable` is false when
 * Shopify refused the query or the token, and when there is no offline session to call with.
 */
export class ShopifyAdminError extends UpstreamError {
  constructor(
    message: string,
    readonly details: { status?: number; errors?: GraphQLErrorLike[]; retryable: boolean },
  ) {
    super(message, { status: details.status, retryable: details.retryable });
    this.name = "ShopifyAdminError";
  }
}

/** Where a client gets its access token, and a fresh one after Shopify refused `rejected`. */
export interface AccessTokenSource {
  current(): Promise<string>;
  renew(rejected: string): Promise<string>;
}

export interface AdminClientOptions {
  shopDomain: string;
  /** A fixed token (tests, benches), or a source that refreshes an expiring one. */
  accessToken: string | AccessTokenSource;
  /** Where Shopify's Admin API is: https://<shop> in production; a simulator in tests and the demo. */
  origin?: string;
  apiVersion?: string;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
}

export interface AdminClient {
  readonly shopDomain: string;
  /**
   * Sends a document and returns its data, typed by the caller with the operation's generated
   * types (app/types/admin.generated.d.ts): `request<AdjustAvailableMutation,
   * AdjustAvailableMutationVariables>(ADJUST, { … })`.
   */
  request<T, V extends Record<string, unknown> = Record<string, unknown>>(query: string, variables?: V): Promise<T>;
  /** The last throttle status Shopify reported, for pacing and for the metrics screen. */
  readonly throttle: ThrottleStatus | null;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const origin = options.origin ?? process.env.SHOPIFY_ADMIN_API_ORIGIN ?? `https://${options.shopDomain}`;
  const url = `${origin}/admin/api/${options.apiVersion ?? apiVersionForAdmin}/graphql.json`;
  const client = new GraphQLClient(url, { headers: { "Content-Type": "application/json" }, errorPolicy: "all" });
  const tokens: AccessTokenSource =
    typeof options.accessToken === "string" ? { current: async () => options.accessToken as string, renew: async (rejected) => rejected } : options.accessToken;
  const sleep = options.sleep ?? sleepFor;
  const maxAttempts = options.maxAttempts ?? 8;
  let throttle: ThrottleStatus | null = null;

  async function request<T, V extends Record<string, unknown> = Record<string, unknown>>(query: string, variables?: V): Promise<T> {
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      let response;
      const token = await tokens.current();
      try {
        response = await client.rawRequest<T>(query, variables, { "X-Shopify-Access-Token": token });
      } catch (error) {
        const status = error instanceof ClientError ? error.response.status : undefined;
        if (status === 401 && !renewed && (await tokens.renew(token)) !== token) {
          // Expired before its recorded time (clock skew, a revoked pair): one fresh token, once.
          renewed = true;
          attempt--;
          continue;
        }
        const retryable = retryableStatus(status);
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

/** Refresh this long before Shopify's expiry, so a slow job never sends a token that just died. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface AccessTokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/**
 * The offline session's token, refreshed with Shopify's refresh_token grant (POST
 * /admin/oauth/access_token, as @shopify/shopify-api's auth.refreshToken sends it) when it is
 * about to expire or was refused. Workers of several processes may find it expired at once, and
 * Shopify replaces the refresh token on each use, so the refresh runs under a PostgreSQL advisory
 * lock per shop and a process that waited for the lock takes the token the other one stored.
 */
export function offlineTokenSource(shopDomain: string, prisma: PrismaClient, origin: string): AccessTokenSource {
  let cached: { token: string; expires: Date | null } | null = null;
  const fresh = (expires: Date | null) => expires === null || expires.getTime() - Date.now() > REFRESH_MARGIN_MS;

  async function refresh(rejected: string | null): Promise<string> {
    cached = await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`shopify-offline-token:${shopDomain}`}))`;
        const session = await readOfflineSession(tx, shopDomain);
        if (!session) throw new ShopifyAdminError(`No offline session for ${shopDomain}: the app is not installed`, { retryable: false });
        // Another process refreshed while this one waited for the lock.
        if (session.accessToken !== rejected && fresh(session.expires)) return { token: session.accessToken, expires: session.expires };
        if (!session.refreshToken) {
          throw new ShopifyAdminError(`The offline token of ${shopDomain} expired and has no refresh token: the merchant must open the app once`, {
            retryable: false,
          });
        }
        const config = env();
        const response = await fetch(`${origin}/admin/oauth/access_token`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({
            client_id: config.SHOPIFY_API_KEY,
            client_secret: config.SHOPIFY_API_SECRET,
            grant_type: "refresh_token",
            refresh_token: session.refreshToken,
          }),
        });
        if (!response.ok) {
          // 400 invalid_grant: the refresh token expired or was revoked; only a new install helps.
          throw new ShopifyAdminError(`Shopify refused to refresh the offline token of ${shopDomain} (${response.status})`, {
            status: response.status,
            retryable: retryableStatus(response.status),
          });
        }
        const pair = (await response.json()) as AccessTokenResponse;
        const now = Date.now();
        const expires = pair.expires_in ? new Date(now + pair.expires_in * 1000) : null;
        await tx.session.update({
          where: { id: session.id },
          data: {
            ...sealedTokenColumns(shopDomain, { accessToken: pair.access_token, refreshToken: pair.refresh_token }),
            expires,
            ...(pair.refresh_token_expires_in ? { refreshTokenExpires: new Date(now + pair.refresh_token_expires_in * 1000) } : {}),
          },
        });
        logger.info({ shop: shopDomain, expires }, "offline access token refreshed");
        return { token: pair.access_token, expires };
      },
      { timeout: 30_000 },
    );
    return cached.token;
  }

  return {
    async current() {
      if (!cached) {
        const session = await readOfflineSession(prisma, shopDomain);
        if (!session) throw new ShopifyAdminError(`No offline session for ${shopDomain}: the app is not installed`, { retryable: false });
        cached = { token: session.accessToken, expires: session.expires };
      }
      return fresh(cached.expires) ? cached.token : refresh(cached.token);
    },
    renew: (rejected) => refresh(rejected),
  };
}

/** A client for a shop from its offline session, refreshing the session's token as it expires. */
export async function adminClientForShop(
  shopDomain: string,
  prisma: PrismaClient = defaultPrisma,
  overrides: Partial<AdminClientOptions> = {},
): Promise<AdminClient> {
  const origin = overrides.origin ?? process.env.SHOPIFY_ADMIN_API_ORIGIN ?? `https://${shopDomain}`;
  const tokens = offlineTokenSource(shopDomain, prisma, origin);
  await tokens.current(); // no session: fail here, as callers expect, not on the first request
  return createAdminClient({ shopDomain, accessToken: tokens, origin, ...overrides });
}
