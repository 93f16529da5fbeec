// The OAuth token endpoint (POST /identity/v1/oauth2/token): the refresh-token grant a connected
// seller's server uses ("Using a refresh token to update a User access token",
// https://developer.ebay.com/api-docs/static/oauth-refresh-token-request.html), and the client
// credentials grant that mints an application token, for calls made as the app rather than as a
// seller (the Notification API's destinations and public keys; "Using the client credentials
// grant type", https://developer.ebay.com/api-docs/static/oauth-client-credentials-grant.html).
// Errors follow RFC 6749 section 5.2, as eBay's endpoint does: `{ error, error_description }`.
import type { SimRequest, SimResponse } from "../common/http";
import type { EbayConsent } from "./consent";
import type { EbaySimState } from "./state";

export const TOKEN_PATH = "/identity/v1/oauth2/token";

/** "User access tokens ... are valid for 2 hours (7,200 seconds)" (eBay OAuth guide, oauth-tokens.html). */
export const USER_ACCESS_TOKEN_SECONDS = 7200;

/** "Application access tokens ... are valid for 2 hours (7,200 seconds)" (same guide). */
export const APPLICATION_ACCESS_TOKEN_SECONDS = 7200;

/**
 * The scopes an application token may carry: those needing no seller's consent. The client
 * credentials grant "requires ... the scopes that are available to your application through the
 * client credentials grant" (the guide above); api_scope is the one every app has, and the only one
 * the simulated APIs read. A seller's scope (sell.inventory) is invalid_scope here, as at eBay.
 */
export const APPLICATION_SCOPES: readonly string[] = ["https://api.ebay.com/oauth/api_scope"];

function oauthError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description } };
}

/** Reads `Authorization: Basic base64(appId:certId)`. */
function clientCredentials(header: string | string[] | undefined): { appId: string; certId: string } | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Basic\s+(.+)$/i.exec(value ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { appId: decoded.slice(0, colon), certId: decoded.slice(colon + 1) };
}

/** `consent`: the apps of eBay's developer console and the sellers' grants to them (consent.ts). */
export function handleTokenRequest(state: EbaySimState, request: SimRequest, lifetimeSeconds: number, consent?: EbayConsent): SimResponse {
  if (request.method !== "POST") return oauthError(405, "invalid_request", "the token endpoint accepts POST only");
  const contentType = String(request.headers["content-type"] ?? "");
  if (!contentType.includes("application/x-www-form-urlencoded")) {
    return oauthError(400, "invalid_request", "request must be application/x-www-form-urlencoded");
  }
  const client = clientCredentials(request.headers.authorization);
  const app =
    client &&
    ([...state.accounts.values()].find((a) => a.appId === client.appId && a.certId === client.certId) ?? consent?.appWithKeys(client.appId, client.certId));
  if (!client || !app) return oauthError(401, "invalid_client", "client authentication failed");

  const form = new URLSearchParams(request.rawBody);
  const grantType = form.get("grant_type");
  if (grantType === "client_credentials") return clientCredentialsGrant(state, app, form);
  if (grantType === "authorization_code" && consent) return consent.authorizationCodeGrant(app.appId, form, lifetimeSeconds);
  if (grantType !== "refresh_token") {
    return oauthError(400, "unsupported_grant_type", "grant type in request is not supported by the authorization server");
  }
  const refreshToken = form.get("refresh_token");
  const seeded = [...state.accounts.values()].find((a) => a.refreshToken === refreshToken && a.appId === client.appId);
  // A refresh token a seller's consent gave (consent.ts), while the seller has not taken the access back.
  const grant = refreshToken && !seeded ? consent?.liveGrant(refreshToken, client.appId) : undefined;
  const account = seeded ?? (grant ? { ...state.accounts.get(grant.userId)!, appId: client.appId, scopes: grant.scopes } : undefined);
  if (!refreshToken || !account || (seeded && seeded.refreshTokenRevoked)) {
    return oauthError(400, "invalid_grant", "the provided authorization refresh token is invalid or was issued to another client");
  }
  // The scopes asked for must be among those the seller consented to; none asked means all of them.
  const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  const scopes = requested.length ? requested : account.scopes;
  if (scopes.some((s) => !account.scopes.includes(s))) {
    return oauthError(400, "invalid_scope", "the requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client");
  }
  return {
    status: 200,
    body: { access_token: state.issueAccessToken(account, scopes, lifetimeSeconds), expires_in: lifetimeSeconds, token_type: "User Access Token" },
  };
}

/**
 * An application token for the app whose keys authenticated the request. The scope is required (the
 * guide lists it among the request's required fields) and every scope asked for must be one an
 * application may hold.
 */
function clientCredentialsGrant(state: EbaySimState, app: { appId: string }, form: URLSearchParams): SimResponse {
  const scopes = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  if (scopes.length === 0) return oauthError(400, "invalid_request", "scope is required for the client credentials grant");
  if (scopes.some((s) => !APPLICATION_SCOPES.includes(s))) {
    return oauthError(400, "invalid_scope", "the requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client");
  }
  return {
    status: 200,
    body: {
      access_token: state.issueApplicationToken(app.appId, scopes, APPLICATION_ACCESS_TOKEN_SECONDS),
      expires_in: APPLICATION_ACCESS_TOKEN_SECONDS,
      token_type: "Application Access Token",
    },
  };
}
