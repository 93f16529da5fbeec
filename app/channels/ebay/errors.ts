// Turns what the ebay-api library throws into the app's ChannelError. The library wraps API
// answers in EBayApiError (status, headers and body under `meta.res`); the token endpoint's
// failures arrive as the raw HTTP client error (`response.status`, `response.data`).
import { ChannelError } from "../connector";
import { channelErrorFromStatus } from "../retry";

interface ErrorResponse {
  status?: number;
  headers?: Record<string, unknown>;
  data?: unknown;
}

/** One of eBay's errors: `{ errorId, domain, category, message, longMessage }` (the Post-Order API may leave errorId out). */
export interface EbayErrorDetail {
  errorId?: number;
  domain?: string;
  category?: string;
  message?: string;
  longMessage?: string;
}

function responseOf(error: unknown): ErrorResponse | undefined {
  const e = error as { meta?: { res?: ErrorResponse }; response?: ErrorResponse };
  return e?.meta?.res ?? e?.response;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | null {
  const value = headers?.[name] ?? headers?.[name.toLowerCase()];
  return value === undefined || value === null ? null : String(value);
}

/**
 * The first error of an answer: the Sell APIs' `errors`, or the Post-Order API's
 * `errorMessage.error` ("Error Response", developer.ebay.com/Devzone/post-order/ErrorResponse.html).
 */
export function firstEbayError(data: unknown): EbayErrorDetail | undefined {
  const body = data as { errors?: EbayErrorDetail[]; errorMessage?: { error?: EbayErrorDetail[] } } | undefined;
  const errors = body?.errors ?? body?.errorMessage?.error;
  return Array.isArray(errors) ? errors[0] : undefined;
}

export function describeEbayError(e: EbayErrorDetail | undefined, fallback: string): string {
  if (!e) return fallback;
  const id = e.errorId !== undefined ? ` (${e.errorId})` : "";
  return `${e.longMessage ?? e.message ?? fallback}${id}`;
}

/** An API call (Inventory, Fulfillment, Post-Order) failed. */
export function apiChannelError(error: unknown, what: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const res = responseOf(error);
  if (!res?.status) {
    // No HTTP answer at all (refused, reset, timed out): the network, which heals.
    return new ChannelError(`eBay ${what}: ${(error as Error)?.message ?? String(error)}`, { retryable: true });
  }
  const detail = firstEbayError(res.data);
  const base = channelErrorFromStatus(res.status, `eBay ${what}: ${describeEbayError(detail, `HTTP ${res.status}`)}`, headerValue(res.headers, "Retry-After"));
  return new ChannelError(base.message, { ...base.details, code: detail?.errorId !== undefined ? String(detail.errorId) : undefined });
}

/** The token endpoint failed. RFC 6749 errors (invalid_grant, invalid_client, ...) are credentials. */
export function tokenChannelError(error: unknown): ChannelError {
  const res = responseOf(error);
  if (!res?.status) return new ChannelError(`eBay token refresh: ${(error as Error)?.message ?? String(error)}`, { retryable: true });
  const body = res.data as { error?: string; error_description?: string } | undefined;
  const message = `eBay token refresh: ${body?.error ?? `HTTP ${res.status}`}${body?.error_description ? ` (${body.error_description})` : ""}`;
  if (res.status === 429 || res.status >= 500) return channelErrorFromStatus(res.status, message, headerValue(res.headers, "Retry-After"));
  // A refused refresh token or app key will not heal: the seller must reconnect.
  return new ChannelError(message, { status: res.status, retryable: false, authFailed: true, code: body?.error });
}
