// Expiring offline access tokens, as Shopify issues them to an app with expiringOfflineAccessTokens
// (changelog "Offline access tokens now support expiry and refresh", Dec 2025; public apps must use
// them from 2027-01-01): an access token lives 60 minutes (`expires_in: 3600`) and comes with a
// refresh token. POST /admin/oauth/access_token with grant_type=refresh_token, the app's client id
// and secret and the refresh token returns a new pair; "Shopify replaces its refresh token every
// time your app uses it". Since 2026-08-28 the previous refresh token stays usable until the app
// first uses the new access token ("More resilient refreshes for expiring offline access tokens"),
// so a refresh whose answer was lost can be repeated. An expired or unknown token gets 401.
import { randomBytes } from "node:crypto";
import type { ShopState, Store } from "./store";

export interface TokenOptions {
  /** Lifetime of an access token. Shopify: 3600 s. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of a refresh token. Shopify does not publish a fixed figure; 90 days here. */
  refreshTokenTtlSeconds?: number;
}

interface AccessTokenRec {
  shop: ShopState;
  expiresAt: number;
  /** The refresh token this one replaced: revoked the first time this access token is used. */
  replaces: string | null;
}

interface RefreshTokenRec {
  shop: ShopState;
  expiresAt: number;
}

export interface OAuthAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class OfflineTokens {
  private readonly access = new Map<string, AccessTokenRec>();
  private readonly refresh = new Map<string, RefreshTokenRec>();
  /** Refresh grants answered, for tests: shop domain and when. */
  readonly refreshes: { shop: string; at: number }[] = [];

  constructor(
    private readonly store: Store,
    private readonly app: { apiKey?: string; apiSecret: string; scopes: string },
    private readonly options: TokenOptions = {},
  ) {}

  private get accessTtlMs(): number {
    return (this.options.accessTokenTtlSeconds ?? 3600) * 1000;
  }

  private get refreshTtlMs(): number {
    return (this.options.refreshTokenTtlSeconds ?? 90 * 24 * 3600) * 1000;
  }

  /** The pair a shop starts with, as an install's token exchange would have issued it now. */
  install(shop: ShopState, accessToken: string, refreshToken: string): void {
    const now = this.store.now();
    this.access.set(accessToken, { shop, expiresAt: now + this.accessTtlMs, replaces: null });
    this.refresh.set(refreshToken, { shop, expiresAt: now + this.refreshTtlMs });
  }

  /** The shop an access token is live for, or null (unknown, expired). Using a token revokes the refresh token it replaced. */
  use(token: string): ShopState | null {
    const rec = this.access.get(token);
    if (!rec || rec.expiresAt <= this.store.now()) return null;
    if (rec.replaces) {
      this.refresh.delete(rec.replaces);
      rec.replaces = null;
    }
    return rec.shop;
  }

  /** The shop a refresh token belongs to, live or not: the endpoint is found by it when no domain is given. */
  shopOfRefreshToken(token: string): ShopState | null {
    return this.refresh.get(token)?.shop ?? null;
  }

  /** POST /admin/oauth/access_token. */
  grant(shop: ShopState | null, form: Record<string, unknown>): OAuthAnswer {
    if (form.client_id !== (this.app.apiKey ?? form.client_id) || form.client_secret !== this.app.apiSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    }
    if (form.grant_type !== "refresh_token") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: `grant_type ${String(form.grant_type)} is not simulated` } };
    }
    const old = typeof form.refresh_token === "string" ? this.refresh.get(form.refresh_token) : undefined;
    if (!old || old.expiresAt <= this.store.now() || (shop && old.shop !== shop)) {
      return { status: 400, body: { error: "invalid_grant", error_description: "The refresh token is invalid, expired or already replaced" } };
    }
    const accessToken = `shpat_${randomBytes(16).toString("hex")}`;
    const refreshToken = `shprt_${randomBytes(16).toString("hex")}`;
    const now = this.store.now();
    this.access.set(accessToken, { shop: old.shop, expiresAt: now + this.accessTtlMs, replaces: form.refresh_token as string });
    this.refresh.set(refreshToken, { shop: old.shop, expiresAt: now + this.refreshTtlMs });
    this.refreshes.push({ shop: old.shop.domain, at: now });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        scope: this.app.scopes,
        expires_in: this.accessTtlMs / 1000,
        refresh_token: refreshToken,
        refresh_token_expires_in: this.refreshTtlMs / 1000,
      },
    };
  }
}
