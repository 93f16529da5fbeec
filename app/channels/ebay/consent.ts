// eBay's user consent, the authorization code grant: the merchant goes to eBay's Grant Application
// Access page with the app's client id, its RuName and the scopes asked for ("Getting user
// consent", https://developer.ebay.com/api-docs/static/oauth-consent-request.html), signs in and
// chooses Agree; eBay sends the browser to the RuName's accept URL with `code`, `expires_in` and
// Anchorline's `state`. The code, good for five minutes and once, is exchanged at the token
// endpoint with the app's keyset (Basic appId:certId) and the RuName as redirect_uri ("Exchanging
// the authorization code for a User access token", oauth-auth-code-grant-request.html) for the
// seller's refresh token, the only credential stored per account; appId, certId and ruName are the
// app's own, from the deployment's settings (app/lib/app-credentials.ts). The seller is named by
// the Commerce Identity API's getUser, called with the new user token.
//
// The RuName stands for the redirect URL: eBay's developer console holds its accept and declined
// URLs, both set to Anchorline's /consent/ebay (the redirectUri finishConsent passes is that one).
import eBayApi from "ebay-api";
import { z } from "zod";
import { RequestRefused } from "~/lib/errors";
import { ChannelError } from "../connector";
import { ConsentRefused, type ConsentAnswer, type ConsentFlow } from "../module";
import { channelErrorFromStatus } from "../retry";
import { redirectTo } from "./client";
import { apiChannelError } from "./errors";
import { OAUTH_SCOPES } from "./rules";

/** "Production GET https://auth.ebay.com/oauth2/authorize" (oauth-consent-request.html, target endpoints). */
export const EBAY_AUTHORIZE_URL = "https://auth.ebay.com/oauth2/authorize";

/**
 * What the seller is asked to grant: the connector's scopes (api_scope, sell.inventory,
 * sell.fulfillment: rules.ts OAUTH_SCOPES), getUser's commerce.identity.readonly (its "OAuth scope"
 * on the method's page) to name the account, and commerce.notification.subscription, which the
 * Notification API's subscription methods list for a user token (commerce_notification_v1_oas3.json
 * security). No sell.account: the connector calls nothing of the Account API, and a seller is
 * asked for no more than is used.
 */
export const CONSENT_SCOPES: readonly string[] = [
  ...OAUTH_SCOPES,
  "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
  "https://api.ebay.com/oauth/api_scope/commerce.notification.subscription",
];

/** The authorization code grant's answer: access_token, expires_in, refresh_token, refresh_token_expires_in, token_type. */
const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number(),
  refresh_token: z.string().min(1),
  refresh_token_expires_in: z.number().optional(),
  token_type: z.string(),
});
const ErrorAnswer = z.object({ error: z.string(), error_description: z.string().optional() }).partial();
/** getUser's answer: userId, "the unique eBay user ID" that does not change, and the seller's username. */
const UserAnswer = z.object({ userId: z.string().min(1), username: z.string().optional() });

/** The app's credentials this flow reads (app/lib/app-credentials.ts names them). */
function appKeyset(app: Record<string, string>) {
  const { appId, certId, ruName } = app;
  if (!appId || !certId || !ruName) throw new RequestRefused("eBay consent needs the app's App ID, Cert ID and RuName.");
  return { appId, certId, ruName };
}

/** How the token endpoint refused, as the ebay-api library throws it (the HTTP client's error). */
function tokenRefusal(error: unknown): Error {
  const response = (error as { response?: { status?: number; data?: unknown; headers?: Record<string, unknown> } })?.response;
  if (!response?.status) return new ChannelError(`eBay token endpoint unreachable: ${(error as Error)?.message ?? String(error)}`, { retryable: true });
  const refusal = ErrorAnswer.safeParse(response.data);
  const body = refusal.success ? refusal.data : {};
  // RFC 6749 section 5.2's codes, as eBay answers them: the code (invalid_grant: expired, used, or
  // another app's) or the app's keyset (invalid_client), neither of which the merchant typed.
  if (body.error === "invalid_grant")
    return new ConsentRefused("eBay no longer accepts the code from its consent page (it lasts five minutes and works once): connect eBay again.");
  if (body.error === "invalid_client" || body.error === "unauthorized_client")
    return new ConsentRefused(
      "eBay did not accept this Anchorline deployment's App ID and Cert ID: its eBay app credentials need to be corrected before eBay can be connected.",
    );
  const message = `eBay refused the authorization code (${response.status}${body.error ? ` ${body.error}: ${body.error_description ?? ""}` : ""})`;
  const retryAfter = response.headers?.["retry-after"];
  return channelErrorFromStatus(response.status, message, retryAfter === undefined ? null : String(retryAfter));
}

export const ebayConsent: ConsentFlow = {
  // client_id, redirect_uri (the RuName), response_type=code, scope ("a URL-encoded string of
  // space-separated scopes") and state, as the consent request's query parameters table lists them.
  consentUrl({ app, state, endpoints }) {
    const { appId, ruName } = appKeyset(app);
    const base = endpoints?.auth ? `${endpoints.auth.replace(/\/+$/, "")}/oauth2/authorize` : EBAY_AUTHORIZE_URL;
    const query = [
      ["client_id", appId],
      ["redirect_uri", ruName],
      ["response_type", "code"],
      ["scope", CONSENT_SCOPES.join(" ")],
      ["state", state],
    ]
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join("&");
    return `${base}?${query}`;
  },

  readAnswer(query): ConsentAnswer {
    const code = query.get("code");
    if (code) return { ok: true, code };
    // Disagree sends the seller to the RuName's declined URL; the refusal is OAuth's access_denied.
    const error = query.get("error");
    if (error === "access_denied") return { ok: false, reason: "you chose Disagree on eBay's consent page, so Anchorline was given no access." };
    if (error) return { ok: false, reason: `eBay answered ${error}${query.get("error_description") ? `: ${query.get("error_description")}` : ""}.` };
    // eBay's guide names no parameters for the declined URL: a return without code or error is a
    // Disagree too (the accepted and declined URLs are the same address).
    return { ok: false, reason: "eBay sent back no authorization code, so the consent was declined or not finished on eBay's page." };
  },

  async exchangeCode({ app, code, region, endpoints }) {
    const { appId, certId, ruName } = appKeyset(app);
    const api = new eBayApi({
      appId,
      certId,
      ruName,
      sandbox: false,
      marketplaceId: (region || "EBAY_US") as eBayApi["config"]["marketplaceId"],
      scope: [...CONSENT_SCOPES],
      autoRefreshToken: false,
    });
    const redirect = redirectTo(endpoints ?? {});
    if (redirect)
      api.req.instance.interceptors.request.use((config) => {
        if (config.url) config.url = redirect(config.url);
        return config;
      });

    // POST /identity/v1/oauth2/token grant_type=authorization_code, code, redirect_uri=RuName, Basic appId:certId.
    let answer: unknown;
    try {
      answer = await api.OAuth2.mintUserAccessToken(code, ruName);
    } catch (error) {
      throw tokenRefusal(error);
    }
    const tokens = TokenAnswer.safeParse(answer);
    if (!tokens.success) throw new ChannelError("eBay's token answer carried no refresh token", { retryable: false });
    api.OAuth2.setCredentials(tokens.data);

    let user: z.infer<typeof UserAnswer>;
    try {
      const parsed = UserAnswer.safeParse(await api.commerce.identity.getUser());
      if (!parsed.success) throw new ChannelError("eBay getUser: no userId in its answer", { retryable: false });
      user = parsed.data;
    } catch (error) {
      throw apiChannelError(error, "getUser");
    }
    return { accountId: user.userId, credentials: { refreshToken: tokens.data.refresh_token } };
  },
};
