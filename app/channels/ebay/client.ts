// One eBay seller account as the ebay-api library sees it, plus the two things the library leaves
// to its caller: knowing when the user access token expires (it only refreshes after a failure),
// and talking to a host other than api.ebay.com. For the second, the library documents one hook,
// its axios instance's request interceptor (README, "Browser Usage": the proxy example): every
// URL it builds (API calls and the OAuth token endpoint) starts with https://api.ebay.com, and
// the interceptor swaps that origin for the configured one. Production configures none.
//
// Credentials: the library writes request headers (the Bearer token) and refreshed tokens to its
// `debug` namespaces (ebay:request, ebay:oauth2); DEBUG must never enable ebay:* in production.
import eBayApi from "ebay-api";
import { ChannelError } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import { apiChannelError, tokenChannelError } from "./errors";
import { APPLICATION_ACCESS_TOKEN_SECONDS, APPLICATION_SCOPES, OAUTH_SCOPES, TOKEN_EXPIRY_MARGIN_MS, USER_ACCESS_TOKEN_SECONDS } from "./rules";

export interface EbayCredentials {
  appId: string;
  certId: string;
  refreshToken: string;
}

export interface EbayEndpoints {
  /** Origin serving /sell/... (default https://api.ebay.com). */
  api?: string;
  /** Origin serving /identity/v1/oauth2/token (default: the api origin). */
  auth?: string;
}

export interface EbayClientOptions {
  now?: () => number;
  retry?: RetryOptions;
}

/** The locale of each marketplace's listings (eBay's ContentLanguage values, one per site). */
const CONTENT_LANGUAGE_OF_MARKETPLACE: Record<string, string> = {
  EBAY_US: "en-US",
  EBAY_MOTORS: "en-US",
  EBAY_CA: "en-CA",
  EBAY_GB: "en-GB",
  EBAY_AU: "en-AU",
  EBAY_DE: "de-DE",
  EBAY_AT: "de-AT",
  EBAY_CH: "de-CH",
  EBAY_FR: "fr-FR",
  EBAY_IT: "it-IT",
  EBAY_ES: "es-ES",
  EBAY_NL: "nl-NL",
  EBAY_BE: "nl-BE",
  EBAY_PL: "pl-PL",
  EBAY_IE: "en-IE",
};

const PRODUCTION_ORIGINS = ["https://api.ebay.com", "https://apiz.ebay.com"];
const TOKEN_PATH = "/identity/v1/oauth2/token";

export function readCredentials(credentials: Record<string, string>): EbayCredentials {
  const { appId, certId, refreshToken } = credentials;
  if (!appId || !certId || !refreshToken) {
    throw new ChannelError("eBay credentials need appId, certId and refreshToken", { retryable: false, authFailed: true });
  }
  return { appId, certId, refreshToken };
}

export function redirectTo(endpoints: EbayEndpoints): ((url: string) => string) | null {
  if (!endpoints.api && !endpoints.auth) return null;
  const strip = (origin: string) => origin.replace(/\/+$/, "");
  return (url) => {
    const origin = PRODUCTION_ORIGINS.find((o) => url.startsWith(o));
    if (!origin) return url;
    const rest = url.slice(origin.length);
    const target = rest.startsWith(TOKEN_PATH) ? (endpoints.auth ?? endpoints.api) : endpoints.api;
    return target ? strip(target) + rest : url;
  };
}

export class EbayClient {
  readonly api: eBayApi;
  /**
   * The same app as the application itself, never as the seller: the library sends its application
   * token (client credentials grant) on every call because no user token is ever set on it. The
   * Notification API's destinations and public keys are the application's.
   */
  private readonly appApi: eBayApi;
  private token: { expiresAt: number } | null = null;
  private refreshing: Promise<void> | null = null;
  private appToken: { expiresAt: number } | null = null;
  private minting: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly credentials: EbayCredentials,
    marketplaceId: string,
    endpoints: EbayEndpoints = {},
    private readonly options: EbayClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.api = new eBayApi({
      appId: credentials.appId,
      certId: credentials.certId,
      sandbox: false,
      // The library's enum lists eBay's marketplace ids; the channel's region is one of them.
      marketplaceId: marketplaceId as eBayApi["config"]["marketplaceId"],
      // Content-Language is required on inventory item writes and names the language of the
      // listing text; the library would send en-US for every marketplace.
      contentLanguage: (CONTENT_LANGUAGE_OF_MARKETPLACE[marketplaceId] ?? "en-US") as eBayApi["config"]["contentLanguage"],
      scope: OAUTH_SCOPES,
      // The client refreshes on its own schedule (below); the library's refresh-after-failure
      // would hide a revoked token behind a second failing call.
      autoRefreshToken: false,
    });
    this.appApi = new eBayApi({
      appId: credentials.appId,
      certId: credentials.certId,
      sandbox: false,
      marketplaceId: marketplaceId as eBayApi["config"]["marketplaceId"],
      scope: [...APPLICATION_SCOPES],
      autoRefreshToken: false,
    });
    const redirect = redirectTo(endpoints);
    if (redirect) {
      for (const api of [this.api, this.appApi]) {
        api.req.instance.interceptors.request.use((config) => {
          if (config.url) config.url = redirect(config.url);
          return config;
        });
      }
    }
  }

  /** A user access token from the refresh token (basic auth with app id and cert id), kept until shortly before it expires. */
  private async ensureToken(): Promise<void> {
    if (this.token && this.now() < this.token.expiresAt - TOKEN_EXPIRY_MARGIN_MS) return;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    await this.refreshing;
  }

  private async refresh(): Promise<void> {
    const oauth = this.api.OAuth2;
    oauth.setCredentials({ access_token: "", refresh_token: this.credentials.refreshToken, expires_in: 0, token_type: "User Access Token" });
    const startedAt = this.now();
    // No retry of its own: a refresh runs inside call(), whose retry already covers a throttled
    // or failing token endpoint.
    try {
      const token = await oauth.refreshUserAccessToken();
      this.token = { expiresAt: startedAt + (token.expires_in ?? USER_ACCESS_TOKEN_SECONDS) * 1000 };
    } catch (error) {
      this.token = null;
      throw tokenChannelError(error);
    }
  }

  /** An application token (client credentials grant), kept until shortly before it expires; the library would keep its first one forever. */
  private async ensureApplicationToken(): Promise<void> {
    if (this.appToken && this.now() < this.appToken.expiresAt - TOKEN_EXPIRY_MARGIN_MS) return;
    this.minting ??= (async () => {
      const startedAt = this.now();
      try {
        const token = await this.appApi.OAuth2.obtainApplicationAccessToken();
        this.appToken = { expiresAt: startedAt + (token.expires_in ?? APPLICATION_ACCESS_TOKEN_SECONDS) * 1000 };
      } catch (error) {
        this.appToken = null;
        throw tokenChannelError(error);
      }
    })().finally(() => (this.minting = null));
    await this.minting;
  }

  /** Like call(), as the application: a 401 mints a new application token once. */
  async callAsApplication<T>(what: string, run: (api: eBayApi) => Promise<T>): Promise<T> {
    return withRetry(async () => {
      await this.ensureApplicationToken();
      try {
        return await run(this.appApi);
      } catch (error) {
        const failure = apiChannelError(error, what);
        if (failure.details.status !== 401) throw failure;
        this.appToken = null;
        await this.ensureApplicationToken();
        try {
          return await run(this.appApi);
        } catch (again) {
          throw apiChannelError(again, what);
        }
      }
    }, this.options.retry);
  }

  /**
   * Runs one API call with a fresh token, retrying what heals (429, 5xx, network) with the shared
   * backoff. A 401 means eBay no longer honours the token: refresh once and repeat; a second 401
   * (or a refused refresh) is the seller's authorization gone.
   */
  async call<T>(what: string, run: (api: eBayApi) => Promise<T>): Promise<T> {
    return withRetry(async () => {
      await this.ensureToken();
      try {
        return await run(this.api);
      } catch (error) {
        const failure = apiChannelError(error, what);
        if (failure.details.status !== 401) throw failure;
        this.token = null;
        await this.ensureToken();
        try {
          return await run(this.api);
        } catch (again) {
          throw apiChannelError(again, what);
        }
      }
    }, this.options.retry);
  }
}
