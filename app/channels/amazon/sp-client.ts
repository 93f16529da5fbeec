// One SP-API call through amazon-sp-api: the LWA token, Amazon's failures turned into
// ChannelErrors. The library's own retries (throttling, timeouts) and token handling are switched
// off: retrying is withRetry's, tokens are lwa.ts's. `raw_result` hands back status and headers,
// which the library otherwise drops (x-amzn-RateLimit-Limit, Retry-After).
import { SellingPartner } from "amazon-sp-api";
import { ChannelError } from "../connector";
import { channelErrorFromStatus } from "../retry";
import { endpointAgent } from "./endpoint-agent";
import type { LwaCredentials, LwaTokens } from "./lwa";
import type { SpApiRegion } from "./marketplaces";

export type SpApiEndpoint = "listingsItems" | "feeds" | "orders" | "fbaInventory" | "reports";

/** The API version each endpoint is called at (the library otherwise picks the oldest it knows). */
const VERSIONS: Record<SpApiEndpoint, string> = {
  listingsItems: "2021-08-01",
  feeds: "2021-06-30",
  orders: "2026-01-01",
  fbaInventory: "v1",
  reports: "2021-06-30",
};

export interface SpApiCall {
  operation: string;
  endpoint: SpApiEndpoint;
  path?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  /**
   * Another version of the endpoint than VERSIONS names, for the one operation only it has:
   * confirmShipment is Orders v0's (ordersV0.json); Orders 2026-01-01 has no shipment operation.
   */
  version?: string;
}

interface RawAnswer {
  statusCode: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The part of SellingPartner used here. Its bundled typings cover only some operations (not
 * listingsItems or searchOrders) and not raw_result, hence this narrower description of callAPI.
 */
interface RawCaller {
  callAPI(params: SpApiCall & { options: { version: string; raw_result: true } }): Promise<RawAnswer>;
  upload(details: { url: string }, feed: { content: string; contentType: string }): Promise<unknown>;
  download(details: { url: string; compressionAlgorithm?: string }, options: { unzip: boolean }): Promise<string>;
}

/** A document's pre-signed URL, as createFeedDocument, getFeedDocument and getReportDocument give it. */
export interface DocumentLocation {
  url: string;
  compressionAlgorithm?: string;
}

interface AmazonErrorBody {
  errors?: Array<{ code?: string; message?: string; details?: string }>;
}

const header = (headers: RawAnswer["headers"], name: string) => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * How long to wait after a 429: Retry-After when sent; otherwise the time one request's worth of
 * quota takes to come back at the rate Amazon says applies (x-amzn-RateLimit-Limit, requests per
 * second), which is how Amazon tells callers to pace ("Usage Plans and Rate Limits").
 */
export function throttleWait(headers: RawAnswer["headers"]): string | null {
  const retryAfter = header(headers, "retry-after");
  if (retryAfter) return retryAfter;
  const rate = Number(header(headers, "x-amzn-ratelimit-limit"));
  return Number.isFinite(rate) && rate > 0 ? String(1 / rate) : null;
}

export function errorFromAnswer(answer: RawAnswer, operation: string): ChannelError {
  let body: AmazonErrorBody = {};
  try {
    body = JSON.parse(answer.body) as AmazonErrorBody;
  } catch {
    // Not JSON (a gateway's HTML page): the status says enough.
  }
  const errors = body.errors ?? [];
  const detail = errors.map((e) => [e.code, e.message, e.details].filter(Boolean).join(": ")).join("; ");
  const message = `Amazon ${operation} answered ${answer.statusCode}${detail ? `: ${detail}` : ""}`;
  const error = channelErrorFromStatus(answer.statusCode, message, answer.statusCode === 429 ? throttleWait(answer.headers) : null);
  return new ChannelError(message, { ...error.details, code: errors[0]?.code });
}

/**
 * A pre-signed URL refused or unreachable. The URLs last five minutes ("Step 2. Construct a feed",
 * Feeds API use case guide), so the whole step, new URL included, is worth another try.
 */
function documentError(step: "upload" | "download", error: unknown): ChannelError {
  const detail = error instanceof Error ? error.message : String(error);
  const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
  return new ChannelError(`Amazon document ${step} failed: ${detail}`, { retryable: true, code });
}

export class SpApiClient {
  private caller: { token: string; client: RawCaller } | null = null;

  constructor(
    private readonly region: SpApiRegion,
    private readonly credentials: LwaCredentials,
    private readonly tokens: LwaTokens,
    /** Set for tests and the demo only (see endpoint-agent.ts). */
    private readonly apiBase?: string,
  ) {}

  /** SellingPartner holds one access token; a new token gets a new (cheap) instance. */
  private clientFor(token: string): RawCaller {
    if (this.caller?.token === token) return this.caller.client;
    const client = new SellingPartner({
      region: this.region,
      refresh_token: this.credentials.refreshToken,
      access_token: token,
      credentials: { SELLING_PARTNER_APP_CLIENT_ID: this.credentials.clientId, SELLING_PARTNER_APP_CLIENT_SECRET: this.credentials.clientSecret },
      options: {
        auto_request_tokens: false,
        auto_request_throttled: false,
        retry_remote_timeout: false,
        ...(this.apiBase ? { https_proxy_agent: endpointAgent(this.apiBase) } : {}),
      },
    }) as unknown as RawCaller;
    this.caller = { token, client };
    return client;
  }

  private async send(call: SpApiCall): Promise<RawAnswer> {
    const token = await this.tokens.accessToken();
    try {
      // The library encodes path values in place: give it fresh objects every time.
      const { version, ...rest } = call;
      return await this.clientFor(token).callAPI({
        ...rest,
        path: call.path && { ...call.path },
        options: { version: version ?? VERSIONS[call.endpoint], raw_result: true },
      });
    } catch (error) {
      throw new ChannelError(`Amazon ${call.operation} failed to send: ${error instanceof Error ? error.message : String(error)}`, { retryable: true });
    }
  }

  /**
   * Puts a feed document to the pre-signed URL createFeedDocument gave, with the content type
   * given there (S3 refuses any other: the URL's signature covers it). No SP-API token goes along.
   */
  async upload(location: DocumentLocation, content: string, contentType: string): Promise<void> {
    const client = this.clientFor(await this.tokens.accessToken());
    try {
      await client.upload({ url: location.url }, { content, contentType });
    } catch (error) {
      throw documentError("upload", error);
    }
  }

  /** Reads a result document (a feed's processing report, a report), gunzipped when Amazon compressed it. */
  async download(location: DocumentLocation): Promise<string> {
    const client = this.clientFor(await this.tokens.accessToken());
    try {
      return await client.download(location, { unzip: true });
    } catch (error) {
      throw documentError("download", error);
    }
  }

  /**
   * Sends the call and returns the parsed body. SP-API answers 403 Unauthorized for an expired
   * token as for a revoked one, so a 403 gets one fresh token before it counts as refused.
   */
  async call<T>(call: SpApiCall): Promise<T> {
    let answer = await this.send(call);
    if (answer.statusCode === 403) {
      this.tokens.forget();
      answer = await this.send(call);
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) throw errorFromAnswer(answer, call.operation);
    return (answer.body ? JSON.parse(answer.body) : {}) as T;
  }
}
