// One signed call to TikTok Shop: app_key, timestamp, shop_cipher and sign in the query, the
// access token in x-tts-access-token, and TikTok's envelope `{ code, message, request_id, data }`
// unwrapped; a non-zero code becomes a ChannelError. An expired token is renewed once, here.
import { ChannelError } from "../connector";
import { retryAfterMs } from "../retry";
import { AUTH_FAILURE_CODES, PATHS, RETRYABLE_CODES, TIKTOK_CODES, TOKEN_RENEW_MARGIN_MS } from "./limits";
import { tiktokSignature } from "./sign";

export interface TikTokCredentials {
  appKey: string;
  appSecret: string;
  shopCipher: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch seconds, as TikTok's access_token_expire_in; unknown when absent. */
  accessTokenExpiresAt?: number;
}

export interface TikTokTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
}

export interface TikTokEnvelope<T> {
  code: number;
  message: string;
  request_id?: string;
  data?: T;
}

export interface TikTokCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Shop-level calls carry shop_cipher; app-level ones (authorized shops) must not. */
  shopScoped?: boolean;
}

/** A failed envelope as a ChannelError: retryable codes heal with time, auth codes need the merchant. */
export function errorFromEnvelope(httpStatus: number, envelope: Partial<TikTokEnvelope<unknown>>, retryAfter?: string | null): ChannelError {
  const code = Number(envelope.code ?? -1);
  // The HTTP status in words too: the Channels screen tells a refusal (401) from a busy marketplace by it.
  const message = `TikTok Shop answered ${code} (HTTP ${httpStatus}): ${envelope.message ?? "no message"}${envelope.request_id ? ` (request ${envelope.request_id})` : ""}`;
  return new ChannelError(message, {
    status: httpStatus,
    code: String(code),
    retryable: RETRYABLE_CODES.has(code) || httpStatus === 429 || httpStatus >= 500,
    retryAfterMs: retryAfterMs(retryAfter),
    authFailed: AUTH_FAILURE_CODES.has(code),
  });
}

export class TikTokClient {
  private tokens: { accessToken: string; refreshToken: string; accessTokenExpiresAt?: number };

  constructor(
    private readonly apiBase: string,
    private readonly authBase: string,
    private readonly credentials: TikTokCredentials,
    /** Told whenever the tokens change, so the caller can store them (TikTok rotates the refresh token). */
    private readonly onTokens: (tokens: TikTokTokens) => void | Promise<void> = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken, accessTokenExpiresAt: credentials.accessTokenExpiresAt };
  }

  /** GET /api/v2/token/refresh on TikTok's auth host; a refusal means the merchant must reauthorize. */
  async refreshTokens(): Promise<void> {
    const query = new URLSearchParams({
      app_key: this.credentials.appKey,
      app_secret: this.credentials.appSecret,
      refresh_token: this.tokens.refreshToken,
      grant_type: "refresh_token",
    });
    const response = await fetch(`${this.authBase}${PATHS.tokenRefresh}?${query.toString()}`);
    const envelope = (await response.json().catch(() => ({ code: -1, message: `HTTP ${response.status}` }))) as TikTokEnvelope<{
      access_token: string;
      access_token_expire_in: number;
      refresh_token: string;
      refresh_token_expire_in: number;
    }>;
    if (envelope.code !== TIKTOK_CODES.success || !envelope.data) {
      const error = errorFromEnvelope(response.status, envelope, response.headers.get("retry-after"));
      if (error.retryable) throw error;
      throw new ChannelError(`TikTok Shop refused the refresh token: ${error.message}`, { ...error.details, authFailed: true });
    }
    const data = envelope.data;
    this.tokens = { accessToken: data.access_token, refreshToken: data.refresh_token, accessTokenExpiresAt: data.access_token_expire_in };
    await this.onTokens({
      accessToken: data.access_token,
      refreshToken: data.refresh_token,
      accessTokenExpiresAt: data.access_token_expire_in,
      refreshTokenExpiresAt: data.refresh_token_expire_in,
    });
  }

  private tokenDue(): boolean {
    const expiresAt = this.tokens.accessTokenExpiresAt;
    return expiresAt !== undefined && expiresAt * 1000 - TOKEN_RENEW_MARGIN_MS <= this.now();
  }

  private async send<T>(call: TikTokCall): Promise<{ status: number; envelope: TikTokEnvelope<T>; retryAfter: string | null }> {
    const query: Record<string, string> = { app_key: this.credentials.appKey, timestamp: String(Math.floor(this.now() / 1000)), ...(call.query ?? {}) };
    if (call.shopScoped !== false) query.shop_cipher = this.credentials.shopCipher;
    const body = call.body === undefined ? "" : JSON.stringify(call.body);
    const sign = tiktokSignature({ appSecret: this.credentials.appSecret, path: call.path, query, body });
    const url = `${this.apiBase}${call.path}?${new URLSearchParams({ ...query, sign }).toString()}`;
    const response = await fetch(url, {
      method: call.method,
      headers: { "x-tts-access-token": this.tokens.accessToken, "content-type": "application/json" },
      body: body || undefined,
    });
    const envelope = (await response.json().catch(() => ({ code: -1, message: `HTTP ${response.status} without a JSON envelope` }))) as TikTokEnvelope<T>;
    return { status: response.status, envelope, retryAfter: response.headers.get("retry-after") };
  }

  async request<T>(call: TikTokCall): Promise<T> {
    if (this.tokenDue()) await this.refreshTokens();
    let answer = await this.send<T>(call);
    if (answer.envelope.code === TIKTOK_CODES.accessTokenExpired) {
      await this.refreshTokens();
      answer = await this.send<T>(call);
    }
    if (answer.envelope.code !== TIKTOK_CODES.success) throw errorFromEnvelope(answer.status, answer.envelope, answer.retryAfter);
    return (answer.envelope.data ?? {}) as T;
  }
}
