// Seller Central's consent page of the SP-API website authorization workflow, as the Selling
// Partner API Developer Guide describes it ("Website authorization workflow", steps 1-3,
// github.com/amzn/selling-partner-api-docs guides/en-US/developer-guide, and
// developer-docs.amazon.com/sp-api/docs/website-authorization-workflow):
//   GET /apps/authorize/consent?application_id=…&state=…[&redirect_uri=…][&version=beta]
// shows which application asks, with Confirm and Cancel. Confirm loads the app's OAuth redirect
// URI with `state`, `selling_partner_id` and `spapi_oauth_code` (an LWA authorization code that
// "expires after five minutes"), which the app exchanges at LWA (lwa.ts, authorization_code grant).
import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse } from "../common/http";
import type { SellerState } from "./state";

/** An SP-API application registered in the Solution Provider Portal, with its LWA client. */
export interface AmazonAppSpec {
  /** The application id in the consent URI (amzn1.sp.solution.… / amzn1.sellerapps.app.…). */
  applicationId: string;
  /** The application's name, as the consent page shows it. */
  name: string;
  clientId: string;
  clientSecret: string;
  /** Its OAuth Redirect URIs, in the order registered: the first is the default. */
  redirectUris: string[];
  /**
   * In Draft status: only `version=beta` authorizes it (Authorization Errors, MD1000: "the OAuth
   * production workflow is authorizing an SP-API application that is in Draft state"). Default: published.
   */
  draft?: boolean;
}

/**
 * "An LWA authorization code expires after five minutes. Be sure to exchange it for an LWA
 * refresh token before it expires." (Developer Guide, website authorization workflow, step 3).
 */
export const AUTHORIZATION_CODE_TTL_MS = 5 * 60_000;

/** An spapi_oauth_code handed out: to one app's client, for one seller and redirect URI, once. */
export interface IssuedCode {
  clientId: string;
  sellerId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function page(status: number, title: string, body: string): SimResponse {
  return {
    status,
    // "Set the Referrer-Policy: no-referrer HTTP header" is the guide's advice to the app's pages;
    // Seller Central's own consent page sets it too, so the state does not leak onwards.
    headers: { "content-type": "text/html; charset=utf-8", "referrer-policy": "no-referrer" },
    raw: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`,
  };
}

/** Seller Central's error page: Amazon shows the code and stays; nothing goes back to the app. */
const errorPage = (status: number, code: string, message: string) =>
  page(status, "Authorization error", `<h1>We can't authorize this application</h1><p>${escapeHtml(message)}</p><p>Error code: ${escapeHtml(code)}</p>`);

function redirectTo(uri: string, params: Record<string, string>): SimResponse {
  const target = new URL(uri);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return { status: 302, headers: { location: target.toString(), "referrer-policy": "no-referrer" }, raw: "" };
}

export class SellerCentralConsent {
  readonly codes = new Map<string, IssuedCode>();
  /** The seller signed in to Seller Central in the simulated browser; none: the first seller. */
  signedIn: string | undefined;

  constructor(
    private readonly apps: AmazonAppSpec[],
    private readonly sellerOf: (sellerId?: string) => SellerState,
    private readonly now: () => number,
  ) {}

  appOfClient(clientId: string | undefined): AmazonAppSpec | undefined {
    return this.apps.find((app) => app.clientId === clientId);
  }

  /** What the consent page and its answer both check first: the application, its status, its redirect URI. */
  private check(query: URLSearchParams): { ok: true; app: AmazonAppSpec; redirectUri: string } | { ok: false; answer: SimResponse } {
    const app = this.apps.find((a) => a.applicationId === query.get("application_id"));
    if (!app) return { ok: false, answer: errorPage(404, "NotFound", "The application you are trying to authorize does not exist.") };
    if (app.draft && query.get("version") !== "beta")
      return { ok: false, answer: errorPage(400, "MD1000", "This application is in Draft state: add version=beta to the authorization URI.") };
    // "If you do not include the redirect_uri parameter, the default is the first OAuth Redirect
    // URI that you specified when you registered your application"; one not registered is MD5101.
    const redirectUri = query.get("redirect_uri") ?? app.redirectUris[0];
    if (!redirectUri || !app.redirectUris.includes(redirectUri))
      return { ok: false, answer: errorPage(400, "MD5101", "The redirect URI does not match one of the redirect URIs registered for this application.") };
    return { ok: true, app, redirectUri };
  }

  /** GET /apps/authorize/consent: the page, for the seller signed in. */
  consentPage(request: SimRequest): SimResponse {
    const checked = this.check(request.query);
    if (!checked.ok) return checked.answer;
    const seller = this.sellerOf(this.signedIn);
    const hidden = ["application_id", "state", "redirect_uri", "version"]
      .filter((name) => request.query.has(name))
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(request.query.get(name)!)}">`)
      .join("");
    return page(
      200,
      `Authorize ${checked.app.name}`,
      `<p>Signed in to Seller Central as ${escapeHtml(seller.spec.sellerId)}</p>` +
        `<h1>${escapeHtml(checked.app.name)} is requesting access to your selling account</h1>` +
        `<p>By confirming, you allow ${escapeHtml(checked.app.name)} to call the Selling Partner API on your behalf.</p>` +
        `<form method="post" action="/apps/authorize/confirm/${encodeURIComponent(checked.app.applicationId)}">${hidden}` +
        `<button type="submit" name="decision" value="confirm">Confirm</button> ` +
        `<button type="submit" name="decision" value="cancel">Cancel</button></form>`,
    );
  }

  /**
   * POST /apps/authorize/confirm/<application id>: the seller's choice. Confirm sends the browser
   * to the redirect URI with state, selling_partner_id and a fresh spapi_oauth_code. Cancel: the
   * SP-API guide only says the seller "can click the Cancel button to exit without authorizing"
   * and where that leads is not documented (asked in amzn/selling-partner-api-docs#29 and #953),
   * so the simulator answers as Login with Amazon's authorization code grant does when the
   * customer refuses (developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html,
   * Authorization Errors): the redirect URI with error=access_denied, error_description and state.
   */
  decide(request: SimRequest, applicationId: string): SimResponse {
    const form = new URLSearchParams(request.rawBody);
    if (form.get("application_id") !== applicationId)
      return errorPage(400, "InvalidInput", "The application being confirmed is not the one on the consent page.");
    const checked = this.check(form);
    if (!checked.ok) return checked.answer;
    const state = form.get("state");
    const withState: Record<string, string> = state === null ? {} : { state };
    if (form.get("decision") !== "confirm")
      return redirectTo(checked.redirectUri, {
        error: "access_denied",
        error_description: "The customer or authorization service denied the request.",
        ...withState,
      });
    const seller = this.sellerOf(this.signedIn);
    const code = `AN${randomBytes(24).toString("base64url")}`;
    this.codes.set(code, {
      clientId: checked.app.clientId,
      sellerId: seller.spec.sellerId,
      redirectUri: checked.redirectUri,
      expiresAt: this.now() + AUTHORIZATION_CODE_TTL_MS,
      used: false,
    });
    return redirectTo(checked.redirectUri, { ...withState, selling_partner_id: seller.spec.sellerId, spapi_oauth_code: code });
  }
}
