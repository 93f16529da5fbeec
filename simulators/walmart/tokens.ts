// Walmart's Token API (POST /v3/token): client_credentials with Basic clientId:clientSecret, an
// access token valid for 900 seconds ("expires_in": 900 in Walmart's Token API reference). The
// token definition is not among the copied contracts, so its checks are written out here.
import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../common/http";
import { unauthorized, walmartError } from "./errors";
import type { WalmartAccount } from "./state";

export const TOKEN_TTL_SECONDS = 900;

interface IssuedToken {
  clientId: string;
  expiresAt: number;
}

export class TokenIssuer {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(
    private readonly accounts: Map<string, WalmartAccount>,
    private readonly ttlSeconds = TOKEN_TTL_SECONDS,
  ) {}

  handle(request: SimRequest): SimResponse {
    const missing = ["wm_svc.name", "wm_qos.correlation_id"].filter((h) => !request.headers[h]);
    if (missing.length) {
      return walmartError(
        400,
        missing.map((h) => ({
          code: "INVALID_REQUEST_HEADER.GMP_GATEWAY_API",
          field: h.toUpperCase(),
          description: `header parameter ${h.toUpperCase()} is required`,
        })),
      );
    }
    const grant = new URLSearchParams(request.rawBody).get("grant_type");
    if (grant !== "client_credentials") {
      return walmartError(400, [{ code: "INVALID_REQUEST.GMP_GATEWAY_API", field: "grant_type", description: "grant_type must be client_credentials" }]);
    }
    const [scheme, encoded] = String(request.headers.authorization ?? "").split(" ");
    const [clientId, clientSecret] = scheme === "Basic" && encoded ? Buffer.from(encoded, "base64").toString("utf8").split(":") : [];
    const account = clientId ? this.accounts.get(clientId) : undefined;
    if (!account || account.spec.clientSecret !== clientSecret || account.revoked) return unauthorized("Invalid client credentials");
    const token = randomBytes(24).toString("base64url");
    this.issued.set(token, { clientId, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: this.ttlSeconds } };
  }

  /** The account a WM_SEC.ACCESS_TOKEN belongs to, or null when unknown, expired or revoked. */
  accountFor(token: string | undefined): WalmartAccount | null {
    const issued = token ? this.issued.get(token) : undefined;
    if (!issued || issued.expiresAt <= Date.now()) return null;
    const account = this.accounts.get(issued.clientId);
    return account && !account.revoked ? account : null;
  }

  /** Ends every token of an account now (as if 900 s had passed). */
  expireTokens(clientId: string): void {
    for (const issued of this.issued.values()) if (issued.clientId === clientId) issued.expiresAt = 0;
  }
}
