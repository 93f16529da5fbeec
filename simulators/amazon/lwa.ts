// Login with Amazon's token endpoint (POST /auth/o2/token): the refresh_token grant, and the
// authorization_code grant that turns a seller's consent (consent.ts: spapi_oauth_code) into the
// application's refresh token for that seller. SP-API calls carry the access token it issues in
// x-amz-access-token. LWA's documented answers: the token with `expires_in` 3600 ("An LWA access
// token expires one hour after it is issued", SP-API "Connect to the SP-API"), 400 invalid_grant
// for a bad or revoked refresh token or a bad, expired, used or redirect-mismatched code (RFC 6749
// §5.2, which LWA's "Access Token Errors" follow), 401 invalid_client for wrong client credentials.
import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../common/http";
import type { SellerCentralConsent } from "./consent";
import type { SellerState } from "./state";

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

interface IssuedToken {
  sellerId: string;
  expiresAt: number;
}

/** A refresh token LWA issued to an application's client when a seller authorized it. */
interface AppRefreshToken {
  clientId: string;
  sellerId: string;
  revoked: boolean;
}

const invalidClient: SimResponse = { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
const invalidGrant = (parameter: string): SimResponse => ({
  status: 400,
  body: { error: "invalid_grant", error_description: `The request has an invalid grant parameter : ${parameter}` },
});

export type TokenCheck = { ok: true; seller: SellerState } | { ok: false; reason: "missing" | "invalid" | "expired" };

export class LwaTokens {
  private readonly issued = new Map<string, IssuedToken>();
  private readonly appTokens = new Map<string, AppRefreshToken>();

  constructor(
    private readonly sellers: Map<string, SellerState>,
    private readonly ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
    private readonly now: () => number = Date.now,
    private readonly consent?: SellerCentralConsent,
  ) {}

  /** LWA takes the grant form-encoded (its documentation) or as JSON (what SDKs such as amazon-sp-api send). */
  private grantOf(request: SimRequest): Record<string, string> {
    const type = String(request.headers["content-type"] ?? "");
    if (type.includes("application/json") && request.body && typeof request.body === "object") return request.body as Record<string, string>;
    return Object.fromEntries(new URLSearchParams(request.rawBody));
  }

  handle(request: SimRequest): SimResponse {
    const grant = this.grantOf(request);
    if (grant.grant_type === "authorization_code") return this.exchangeCode(grant);
    if (grant.grant_type !== "refresh_token")
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported by the authorization server" },
      };
    const app = this.consent?.appOfClient(grant.client_id);
    if (app) {
      // An application's client: only refresh tokens its sellers' consents gave it.
      if (app.clientSecret !== grant.client_secret) return invalidClient;
      const token = this.appTokens.get(grant.refresh_token ?? "");
      if (!token || token.clientId !== app.clientId || token.revoked) return invalidGrant("refresh_token");
      return { status: 200, body: this.tokenAnswer(token.sellerId, grant.refresh_token) };
    }
    // A seller's own (self-authorized, private) application: its spec's client and refresh token.
    const seller = [...this.sellers.values()].find((s) => s.spec.clientId === grant.client_id);
    if (!seller || seller.spec.clientSecret !== grant.client_secret) return invalidClient;
    if (seller.spec.refreshToken !== grant.refresh_token || seller.refreshTokenRevoked) return invalidGrant("refresh_token");
    return { status: 200, body: this.tokenAnswer(seller.spec.sellerId, seller.spec.refreshToken) };
  }

  /**
   * grant_type=authorization_code with code, redirect_uri, client_id, client_secret (Developer
   * Guide, website authorization workflow, step 4): the seller's refresh token for the app and an
   * access token. The code is the client's only, for the redirect URI it was sent to, used once
   * (a second try is refused even within its five minutes) and not after it expired.
   */
  private exchangeCode(grant: Record<string, string>): SimResponse {
    const app = this.consent?.appOfClient(grant.client_id);
    if (!app || app.clientSecret !== grant.client_secret) return invalidClient;
    const code = this.consent?.codes.get(grant.code ?? "");
    if (!code || code.clientId !== app.clientId) return invalidGrant("code");
    const firstUse = !code.used;
    code.used = true;
    if (!firstUse || this.now() >= code.expiresAt) return invalidGrant("code");
    if (code.redirectUri !== grant.redirect_uri) return invalidGrant("redirect_uri");
    const refreshToken = `Atzr|${randomBytes(48).toString("base64url")}`;
    this.appTokens.set(refreshToken, { clientId: app.clientId, sellerId: code.sellerId, revoked: false });
    return { status: 200, body: this.tokenAnswer(code.sellerId, refreshToken) };
  }

  private tokenAnswer(sellerId: string, refreshToken: string) {
    const accessToken = `Atza|${randomBytes(48).toString("base64url")}`;
    this.issued.set(accessToken, { sellerId, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return { access_token: accessToken, refresh_token: refreshToken, token_type: "bearer", expires_in: this.ttlSeconds };
  }

  check(header: string | string[] | undefined): TokenCheck {
    const token = Array.isArray(header) ? header[0] : header;
    if (!token) return { ok: false, reason: "missing" };
    const issued = this.issued.get(token);
    if (!issued) return { ok: false, reason: "invalid" };
    if (this.now() >= issued.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, seller: this.sellers.get(issued.sellerId)! };
  }

  /** Every access token of the seller stops working now (as if an hour had passed). */
  expireAll(sellerId: string) {
    for (const token of this.issued.values()) if (token.sellerId === sellerId) token.expiresAt = 0;
  }

  /** The seller revoked the app: its tokens die and its refresh tokens (its own app's and any app's it authorized) grant none. */
  revoke(seller: SellerState) {
    seller.refreshTokenRevoked = true;
    for (const token of this.appTokens.values()) if (token.sellerId === seller.spec.sellerId) token.revoked = true;
    for (const [value, token] of this.issued) if (token.sellerId === seller.spec.sellerId) this.issued.delete(value);
  }
}
