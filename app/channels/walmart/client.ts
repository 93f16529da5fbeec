// One authenticated call to Walmart: the token, the WM_* headers every Marketplace definition
// requires, and Walmart's failures turned into ChannelErrors. Retrying is the caller's (withRetry).
import { randomUUID } from "node:crypto";
import { ChannelError } from "../connector";
import { channelErrorFromStatus } from "../retry";
import { WM_SVC_NAME, TOKEN_RENEW_MARGIN_MS } from "./limits";

export interface WalmartCredentials {
  clientId: string;
  clientSecret: string;
  /** WM_CONSUMER.CHANNEL.TYPE, given to solution providers at onboarding; optional. */
  consumerChannelType?: string;
}

export interface WalmartCall {
  method: "GET" | "PUT" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string>;
  /** Query string as Walmart handed it back (`nextCursor`), appended verbatim. */
  rawQuery?: string;
  json?: unknown;
  form?: FormData;
}

interface CachedToken {
  value: string;
  renewAt: number;
}

/** The message and first code of Walmart's `{ errors: [...] }` body, whatever the status. */
function describeErrors(status: number, body: unknown): { message: string; code?: string } {
  const errors = (body as { errors?: Array<{ code?: string; description?: string; info?: string }> } | null)?.errors;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const detail = Array.isArray(errors) ? errors.map((e) => [e.code, e.description, e.info].filter(Boolean).join(": ")).join("; ") : "";
  return { message: `Walmart answered ${status}${detail ? `: ${detail}` : ""}`, code: first?.code };
}

/**
 * Walmart's 429 says when to come back: Retry-After where it sends one, else the time its bucket
 * refills (x-next-replenish-time, epoch milliseconds).
 */
function waitFrom(headers: Headers, now: number): string | null {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) return retryAfter;
  const replenish = Number(headers.get("x-next-replenish-time") ?? headers.get("x-next-replenishment-time"));
  return Number.isFinite(replenish) && replenish > 0 ? String(Math.max(0, Math.ceil((replenish - now) / 1000))) : null;
}

export async function errorFromResponse(response: Response, now = Date.now()): Promise<ChannelError> {
  const body = await response.json().catch(() => null);
  const { message, code } = describeErrors(response.status, body);
  const error = channelErrorFromStatus(response.status, message, response.status === 429 ? waitFrom(response.headers, now) : null);
  return new ChannelError(message, { ...error.details, code });
}

export class WalmartClient {
  private token: CachedToken | null = null;

  constructor(
    private readonly apiBase: string,
    private readonly authBase: string,
    private readonly credentials: WalmartCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  private baseHeaders(): Record<string, string> {
    const headers: Record<string, string> = {
      "WM_SVC.NAME": WM_SVC_NAME,
      "WM_QOS.CORRELATION_ID": randomUUID(),
      Accept: "application/json",
    };
    if (this.credentials.consumerChannelType) headers["WM_CONSUMER.CHANNEL.TYPE"] = this.credentials.consumerChannelType;
    return headers;
  }

  /** POST /v3/token (client_credentials, Basic clientId:clientSecret), cached until just before expiry. */
  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`).toString("base64");
    const response = await fetch(`${this.authBase}/v3/token`, {
      method: "POST",
      headers: { ...this.baseHeaders(), Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials" }).toString(),
    });
    if (!response.ok) throw await errorFromResponse(response, this.now());
    const body = (await response.json()) as { access_token: string; expires_in: number };
    this.token = { value: body.access_token, renewAt: this.now() + body.expires_in * 1000 - TOKEN_RENEW_MARGIN_MS };
    return body.access_token;
  }

  private async send(call: WalmartCall): Promise<Response> {
    const query = call.rawQuery ?? (call.query ? `?${new URLSearchParams(call.query).toString()}` : "");
    const headers: Record<string, string> = { ...this.baseHeaders(), "WM_SEC.ACCESS_TOKEN": await this.accessToken() };
    let body: string | FormData | undefined;
    if (call.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(call.json);
    } else if (call.form) body = call.form; // fetch sets multipart/form-data with its boundary
    return fetch(`${this.apiBase}${call.path}${query}`, { method: call.method, headers, body });
  }

  /** Sends the call; a 401 on a cached token gets one fresh token before it counts as refused. */
  async request<T>(call: WalmartCall): Promise<T> {
    let response = await this.send(call);
    if (response.status === 401 && this.token) {
      this.token = null;
      response = await this.send(call);
    }
    if (!response.ok) throw await errorFromResponse(response, this.now());
    return (await response.json()) as T;
  }
}
