// Amazon's website authorization workflow (SP-API Developer Guide, "Website authorization
// workflow"; developer-docs.amazon.com/sp-api/docs/website-authorization-workflow): the merchant
// goes to the consent page in their marketplace's Seller Central with Anchorline's application id
// and state, confirms, and Amazon sends the browser back to the redirect URI with `state`,
// `selling_partner_id` and `spapi_oauth_code`. The code, good for five minutes, is exchanged at
// Login with Amazon (grant_type=authorization_code) for the seller's refresh token, the only
// credential stored per account; the LWA client (clientId, clientSecret) is the app's own, from the
// deployment's settings (app/lib/app-credentials.ts), merged in by the connector registry.
import { z } from "zod";
import { RequestRefused } from "~/lib/errors";
import { ChannelError } from "../connector";
import { ConsentRefused, type ConsentAnswer, type ConsentFlow } from "../module";
import { channelErrorFromStatus } from "../retry";
import { LWA_HOST } from "./limits";
import { MARKETPLACE_IDS, marketplaceOf } from "./marketplaces";

/** LWA's answer to the authorization_code grant (Developer Guide, step 4: access_token, token_type, expires_in, refresh_token). */
const TokenAnswer = z.object({ refresh_token: z.string().min(1), access_token: z.string().optional() });
const ErrorAnswer = z.object({ error: z.string(), error_description: z.string().optional() }).partial();

/** The app's credentials this flow reads (app/lib/app-credentials.ts names them). */
function appClient(app: Record<string, string>) {
  const { applicationId, clientId, clientSecret } = app;
  if (!applicationId || !clientId || !clientSecret) throw new RequestRefused("Amazon consent needs the app's SP-API application id and LWA client.");
  return { applicationId, clientId, clientSecret };
}

export const amazonConsent: ConsentFlow = {
  // "https://sellercentral.amazon.com/apps/authorize/consent?application_id=…&state=…" (step 1),
  // on the Seller Central of the account's marketplace: "Selling partners need to be redirected to
  // the Seller Central … sign-in page for their region". redirect_uri is optional there (the first
  // one registered by default) but must be one registered with the app: it is given, so the
  // redirect is /consent/amazon whatever order the app's URIs were registered in. No
  // version=beta: that authorizes a Draft app only, and a deployment's app is published.
  consentUrl({ app, state, redirectUri, region, endpoints }) {
    const marketplace = marketplaceOf(region ?? "");
    if (!marketplace)
      throw new RequestRefused(
        `Amazon needs the account's marketplace id as its region (one of ${MARKETPLACE_IDS.join(", ")}; ATVPDKIKX0DER is Amazon.com), to send you to its Seller Central.`,
      );
    const url = new URL("/apps/authorize/consent", endpoints?.auth ?? marketplace.sellerCentral);
    url.searchParams.set("application_id", appClient(app).applicationId);
    url.searchParams.set("state", state);
    url.searchParams.set("redirect_uri", redirectUri);
    return url.toString();
  },

  readAnswer(query): ConsentAnswer {
    const code = query.get("spapi_oauth_code");
    const sellerId = query.get("selling_partner_id");
    if (code && sellerId) return { ok: true, code, accountId: sellerId };
    // Cancel on the consent page: Amazon documents no redirect for it; Login with Amazon's own
    // refusal is error=access_denied (authorization code grant, Authorization Errors).
    const error = query.get("error");
    if (error === "access_denied") return { ok: false, reason: "you chose Cancel on Amazon's consent page, so Anchorline was given no access." };
    if (error) return { ok: false, reason: `Amazon answered ${error}${query.get("error_description") ? `: ${query.get("error_description")}` : ""}.` };
    return { ok: false, reason: "Amazon sent back no authorization code and no seller id." };
  },

  // Step 4: POST https://api.amazon.com/auth/o2/token, form-encoded grant_type=authorization_code,
  // code, redirect_uri, client_id, client_secret; the answer carries the seller's refresh_token.
  async exchangeCode({ app, code, accountId, redirectUri, endpoints }) {
    if (!accountId) throw new ChannelError("Amazon's redirect named no selling_partner_id", { retryable: false });
    const { clientId, clientSecret } = appClient(app);
    let response: Response;
    try {
      response = await fetch(`${endpoints?.auth ?? LWA_HOST}/auth/o2/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: redirectUri,
          client_id: clientId,
          client_secret: clientSecret,
        }).toString(),
      });
    } catch (error) {
      throw new ChannelError(`Login with Amazon unreachable: ${String(error)}`, { retryable: true });
    }
    const body: unknown = await response.json().catch(() => ({}));
    const tokens = TokenAnswer.safeParse(body);
    if (response.ok && tokens.success) return { accountId, credentials: { refreshToken: tokens.data.refresh_token } };
    const refusal = ErrorAnswer.safeParse(body);
    const error = refusal.success ? refusal.data : {};
    const message = `Login with Amazon refused the authorization code (${response.status}${error.error ? ` ${error.error}: ${error.error_description ?? ""}` : ""})`;
    // invalid_grant is the code itself (RFC 6749 §5.2, which LWA answers with): past its five
    // minutes, used already, or sent to another redirect URI. Asking again mends it; checking
    // credentials the merchant never typed would not.
    if (error.error === "invalid_grant")
      throw new ConsentRefused("Amazon no longer accepts the code it sent back (it is good for five minutes and only once): connect Amazon again.");
    // The client refused is the app's own (the deployment's settings), not anything the merchant gave.
    if (error.error === "invalid_client" || error.error === "unauthorized_client")
      throw new ConsentRefused(
        `Amazon refused this Anchorline deployment's own app credentials (${error.error}): its operator must correct AMAZON_LWA_CLIENT_ID and AMAZON_LWA_CLIENT_SECRET; nothing on your Amazon account needs changing.`,
      );
    throw channelErrorFromStatus(response.status, message, response.headers.get("retry-after"));
  },
};
