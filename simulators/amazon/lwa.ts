// Login with Amazon's token endpoint (POST /auth/o2/token), the refresh_token grant only: SP-API
// calls carry the access token it issues in x-amz-access-token. LWA's documented answers: the
// token with `expires_in` 3600 ("An LWA access token expires one hour after it is issued", SP-API
// "Connect to the SP-API"), 400 invalid_grant for a bad or revoked refresh token, 401
// invalid_client for wrong client credentials.
import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../common/http";
import type { SellerState } from "./state";

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

interface IssuedToken {
  sellerId: string;
  expiresAt: number;
}

export type TokenCheck = { ok: true; seller: SellerState } | { ok: false; reason: "missing" | "invalid" | "expired" };

export class LwaTokens {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(
    private readonly sellers: Map<string, SellerState>,
    private readonly ttlSeconds = ACCESS_TOKEN_TTL_SECONDS,
    private readonly now: () => number = Date.now,
  ) {}

  /** LWA takes the grant form-encoded (its documentation) or as JSON (what SDKs such as amazon-sp-api send). */
  private grantOf(request: SimRequest): Record<string, string> {
    const type = String(request.headers["content-type"] ?? "");
    if (type.includes("application/json") && request.body && typeof request.body === "object") return request.body as Record<string, string>;
    return Object.fromEntries(new URLSearchParams(request.rawBody));
  }

  handle(request: SimRequest): SimResponse {
    const grant = this.grantOf(request);
    if (grant.grant_type !== "refresh_token")
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported by the authorization server" },
      };
    const seller = [...this.sellers.values()].find((s) => s.spec.clientId === grant.client_id);
    if (!seller || seller.spec.clientSecret !== grant.client_secret)
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    if (seller.spec.refreshToken !== grant.refresh_token || seller.refreshTokenRevoked) {
      return { status: 400, body: { error: "invalid_grant", error_description: "The request has an invalid grant parameter : refresh_token" } };
    }
    const accessToken = `Atza|${randomBytes(48).toString("base64url")}`;
    this.issued.set(accessToken, { sellerId: seller.spec.sellerId, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return { status: 200, body: { access_token: accessToken, refresh_token: seller.spec.refreshToken, token_type: "bearer", expires_in: this.ttlSeconds } };
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

  /** The seller revoked the app: its tokens die and its refresh token no longer grants any. */
  revoke(seller: SellerState) {
    seller.refreshTokenRevoked = true;
    for (const [value, token] of this.issued) if (token.sellerId === seller.spec.sellerId) this.issued.delete(value);
  }
}
