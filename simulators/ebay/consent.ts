// eBay's user consent (the authorization code grant), as a seller meets it and as the app's server
// exchanges its code: the Grant Application Access page at GET /oauth2/authorize ("Getting user
// consent", https://developer.ebay.com/api-docs/static/oauth-consent-request.html), a seller
// signing in and choosing Agree or Disagree, the redirect to the accept or decline URL the app's
// RuName names in eBay's developer console ("The RuName contains ... the accept URL and reject URL",
// https://developer.ebay.com/api-docs/static/oauth-redirect-uri.html), and the token endpoint's
// authorization_code grant ("Exchanging the authorization code for a User access token",
// https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html). The refresh
// tokens it issues are honoured by oauth.ts's refresh grant until the seller takes the app's access
// back. The Commerce Identity API's getUser names the seller a user token belongs to.
import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../common/http";
import { insufficientScope } from "./errors";
import type { AccountRecord, EbaySimState } from "./state";

export const AUTHORIZE_PATH = "/oauth2/authorize";
/** GET https://apiz.ebay.com/commerce/identity/v1/user/ (getUser; the ebay-api library calls "/user/"). */
export const IDENTITY_USER_PATH = "/commerce/identity/v1/user/";

/**
 * An authorization code lives five minutes: eBay's accept URL carries `expires_in=299` ("Below is
 * an example redirectUrl after the user grants permission: ...&expires_in=299", eBay knowledge base
 * article 5075, https://developer.ebay.com/support/kb-article?KBid=5075).
 */
export const AUTHORIZATION_CODE_SECONDS = 299;

/**
 * A refresh token lives 18 months ("Refresh token ... 18 months", eBay's OAuth token types guide,
 * https://developer.ebay.com/api-docs/static/oauth-tokens.html): 1.5 x 365 days, in the answer's
 * refresh_token_expires_in.
 */
export const REFRESH_TOKEN_SECONDS = 47_304_000;

/** The getUser method's scope ("OAuth scope", getUser's page: commerce.identity.readonly). */
export const IDENTITY_SCOPE = "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly";

/**
 * The user scopes a keyset may ask a seller for, among those eBay lists for an app's keyset
 * (developer console, "OAuth Scopes"); anything else asked for is invalid_scope.
 */
export const USER_SCOPES: readonly string[] = [
  "https://api.ebay.com/oauth/api_scope",
  "https://api.ebay.com/oauth/api_scope/sell.inventory",
  "https://api.ebay.com/oauth/api_scope/sell.inventory.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly",
  "https://api.ebay.com/oauth/api_scope/sell.account",
  "https://api.ebay.com/oauth/api_scope/sell.account.readonly",
  IDENTITY_SCOPE,
  "https://api.ebay.com/oauth/api_scope/commerce.notification.subscription",
  "https://api.ebay.com/oauth/api_scope/commerce.notification.subscription.readonly",
];

/** An application as eBay's developer console holds it: its keyset and one RuName with its accept and decline URLs. */
export interface EbayConsentApp {
  appId: string;
  certId: string;
  ruName: string;
  /** "Your auth accepted URL": where the seller lands with the code after Agree. */
  acceptUrl: string;
  /** "Your auth declined URL": where the seller lands after Disagree. */
  declineUrl: string;
  /** The display title the consent page shows (set per RuName in the console). */
  displayTitle?: string;
}

export interface EbayConsentOptions {
  apps: EbayConsentApp[];
  /** The seller the sign-in form is filled in for (a test changes it with signInAs); must be a seeded account. */
  signedInAs?: string;
}

interface CodeRecord {
  appId: string;
  ruName: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

/** A seller's grant to one app: the refresh token it was given and the scopes consented to. */
export interface GrantRecord {
  userId: string;
  appId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

function oauthError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description } };
}

/**
 * The authorize endpoint answers a request it cannot serve with a JSON page naming the error and
 * does not redirect (seen in the wild: `{"error_id":"invalid_scope","http_status_code":400}`,
 * YosefHayim/ebay-mcp issue 175), which RFC 6749 4.1.2.1 requires where the client or its redirect
 * URI is unknown.
 */
function authorizeError(errorId: string, description: string): SimResponse {
  return { status: 400, body: { error_id: errorId, error_description: description, http_status_code: 400 } };
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}

export class EbayConsent {
  readonly apps: EbayConsentApp[];
  private signedInAs: string | undefined;
  private readonly codes = new Map<string, CodeRecord>();
  readonly grants = new Map<string, GrantRecord>();

  constructor(
    private readonly state: EbaySimState,
    options: EbayConsentOptions = { apps: [] },
  ) {
    this.apps = options.apps.map((app) => ({ ...app }));
    this.signedInAs = options.signedInAs;
  }

  /** Who the sign-in form is filled in for on the next consent page. */
  signInAs(userId: string): void {
    this.signedInAs = userId;
  }

  /** The console's app with these keys, for the token endpoint's client authentication. */
  appWithKeys(appId: string, certId: string): EbayConsentApp | undefined {
    return this.apps.find((a) => a.appId === appId && a.certId === certId);
  }

  /**
   * The seller takes the app's access back (eBay account settings, "Third-party app access"): its
   * refresh tokens are refused from now on (invalid_grant) and its access tokens stop working.
   */
  revokeAccess(userId: string, appId?: string): void {
    for (const grant of this.grants.values()) if (grant.userId === userId && (!appId || grant.appId === appId)) grant.revoked = true;
    for (const [token, record] of this.state.accessTokens)
      if (record.userId === userId && (!appId || record.appId === appId)) this.state.accessTokens.delete(token);
  }

  /** The grant a refresh token stands for, when this app holds it, it is not revoked and has not expired. */
  liveGrant(refreshToken: string, appId: string): GrantRecord | undefined {
    const grant = this.grants.get(refreshToken);
    return grant && grant.appId === appId && !grant.revoked && grant.expiresAt > this.state.now() ? grant : undefined;
  }

  /** GET: the consent page; POST: the seller's answer from it. */
  serveAuthorize(request: SimRequest): SimResponse {
    if (request.method !== "GET" && request.method !== "POST") return authorizeError("invalid_request", "GET or POST only");
    const params = request.method === "GET" ? request.query : new URLSearchParams(request.rawBody);
    const app = this.apps.find((a) => a.appId === params.get("client_id"));
    if (!app) return authorizeError("invalid_client", "unknown client_id");
    // redirect_uri is the RuName, never a URL, and must be this app's.
    if (params.get("redirect_uri") !== app.ruName) return authorizeError("invalid_request", "redirect_uri must be the application's RuName");
    if (params.get("response_type") !== "code") return authorizeError("unsupported_response_type", "response_type must be code");
    const scopes = (params.get("scope") ?? "").split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !USER_SCOPES.includes(s)))
      return authorizeError("invalid_scope", "the requested scope is invalid, unknown, or malformed");
    const state = params.get("state");

    if (request.method === "GET") return this.page(app, scopes, params, null);
    const back = (url: string, extra: Record<string, string>) => ({
      status: 302,
      headers: { location: withQuery(url, { ...(state !== null ? { state } : {}), ...extra }) },
    });
    if (params.get("decision") !== "agree") {
      // Disagree: to the RuName's declined URL. eBay's guide names no parameters for it; the
      // simulator sends state and OAuth's own refusal (RFC 6749 4.1.2.1, error=access_denied), so a
      // client that reads either way is tested against the stricter one.
      return back(app.declineUrl, { error: "access_denied", error_description: "the user denied the request" });
    }
    const userId = (params.get("username") ?? "").trim();
    if (!this.state.accounts.has(userId)) return this.page(app, scopes, params, "We could not find that user ID. Please try again.");
    const code = `v^1.1#i^1#p^3#f^0#I^3#r^1#t^${randomBytes(30).toString("base64url")}`;
    this.codes.set(code, {
      appId: app.appId,
      ruName: app.ruName,
      userId,
      scopes,
      expiresAt: this.state.now() + AUTHORIZATION_CODE_SECONDS * 1000,
      used: false,
    });
    return back(app.acceptUrl, { code, expires_in: String(AUTHORIZATION_CODE_SECONDS) });
  }

  private page(app: EbayConsentApp, scopes: string[], params: URLSearchParams, problem: string | null): SimResponse {
    const hidden = ["client_id", "redirect_uri", "response_type", "scope", "state"]
      .filter((name) => params.get(name) !== null)
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
      .join("");
    const title = escapeHtml(app.displayTitle ?? app.appId);
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Grant application access: ${title}</title></head><body>
<h1>Grant application access: ${title}</h1>
<form method="post" action="${AUTHORIZE_PATH}">${hidden}
<label>Email or username <input name="username" value="${escapeHtml(params.get("username") ?? this.signedInAs ?? "")}"></label>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ""}
<p>${title} would like to access your eBay account:</p>
<ul>${scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul>
<button type="submit" name="decision" value="agree">Agree</button>
<button type="submit" name="decision" value="disagree">Disagree</button>
</form></body></html>`;
    return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, raw: html };
  }

  /**
   * grant_type=authorization_code: the code must be this app's, unused, unexpired and sent with the
   * RuName it was issued for; it is spent on the first exchange. eBay answers every such refusal
   * invalid_grant "the provided authorization grant code is invalid or was issued to another client"
   * (quoted in hendt/ebay-api issue 122).
   */
  authorizationCodeGrant(appId: string, form: URLSearchParams, lifetimeSeconds: number): SimResponse {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    if (!code || !redirectUri) return oauthError(400, "invalid_request", "code and redirect_uri are required");
    const record = this.codes.get(code);
    const now = this.state.now();
    if (!record || record.used || record.expiresAt <= now || record.appId !== appId || record.ruName !== redirectUri) {
      return oauthError(400, "invalid_grant", "the provided authorization grant code is invalid or was issued to another client");
    }
    record.used = true;
    const account = this.state.accounts.get(record.userId)!;
    const refreshToken = `v^1.1#i^1#r^1#f^0#p^3#I^3#t^${randomBytes(30).toString("base64url")}`;
    this.grants.set(refreshToken, { userId: record.userId, appId, scopes: record.scopes, expiresAt: now + REFRESH_TOKEN_SECONDS * 1000, revoked: false });
    return {
      status: 200,
      body: {
        access_token: this.state.issueAccessToken({ ...account, appId }, record.scopes, lifetimeSeconds),
        expires_in: lifetimeSeconds,
        refresh_token: refreshToken,
        refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
        token_type: "User Access Token",
      },
    };
  }
}

/**
 * getUser (Commerce Identity API v1): the seller the user token is for. `userId` is eBay's
 * immutable id of the user, `username` the name they sign in with; the simulated seller's id serves
 * as both. Needs commerce.identity.readonly.
 */
export function getUser(caller: { account: AccountRecord; scopes: string[] }): SimResponse {
  if (!caller.scopes.includes(IDENTITY_SCOPE)) return insufficientScope();
  return {
    status: 200,
    body: {
      userId: caller.account.userId,
      username: caller.account.userId,
      accountType: "BUSINESS",
      registrationMarketplaceId: caller.account.marketplaceId,
      status: "CONFIRMED",
    },
  };
}
