// Amazon Selling Partner API connector: the Connector interface over amazon-sp-api. Single changes
// go as patchListingsItem, large backlogs as one JSON_LISTINGS_FEED (FEED_THRESHOLD in limits.ts),
// orders come from the Orders API v2026-01-01, tokens from Login with Amazon.
import { ChannelError, type Connector, type ConnectorConfig, type ContentUpdate, type FeedPolling, type ListingSnapshot, type PushOutcome } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import { fromAmount } from "../money";
import { runListingsFeed, type FeedContext } from "./feeds";
import { AMAZON_LIMITS, FEED_MAX_MESSAGES, FEED_THRESHOLD, LWA_HOST } from "./limits";
import { LwaTokens, type LwaCredentials } from "./lwa";
import { marketplaceOf } from "./marketplaces";
import { ordersInNotification } from "./notifications";
import { fetchOrders } from "./orders";
import { contentPatch, pricePatch, quantityPatch, type ListingPatch, type MarketplaceContext } from "./patches";
import { SpApiClient } from "./sp-client";

export interface AmazonConnectorOptions {
  retry?: RetryOptions;
  /** How often and how long to wait for a feed; Amazon processes them in minutes. */
  feedPolling?: Partial<FeedPolling>;
  now?: () => number;
}

const DEFAULT_POLLING: FeedPolling = {
  // getFeed allows 2 per second (feeds_2021-06-30.json); feeds take minutes, so every 30 s is plenty.
  intervalMs: 30_000,
  timeoutMs: 30 * 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A SKU nobody uses: getListingsItem on it answers 404 to an authorised caller, 403 otherwise. */
const PROBE_SKU = "anchorline-connection-test";

interface SubmissionAnswer {
  status: "ACCEPTED" | "INVALID" | "VALID";
  issues?: Array<{ code: string; message: string; severity: string }>;
}

interface ListingsItem {
  summaries?: Array<{ marketplaceId: string; productType?: string; status?: string[] }>;
  offers?: Array<{ marketplaceId: string; offerType?: string; price?: { currencyCode?: string; amount?: string } }>;
  fulfillmentAvailability?: Array<{ fulfillmentChannelCode: string; quantity?: number }>;
  issues?: Array<{ message: string; severity: string }>;
}

function credentialsOf(config: ConnectorConfig): LwaCredentials {
  const { clientId, clientSecret, refreshToken } = config.credentials;
  if (!clientId || !clientSecret || !refreshToken)
    throw new ChannelError("Amazon credentials need clientId, clientSecret and refreshToken", { retryable: false, authFailed: true });
  return { clientId, clientSecret, refreshToken };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A failed call as one SKU's outcome; failed credentials stop the whole push instead. */
function failureOutcome(channelSku: string, error: unknown): PushOutcome {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  if (error.retryable) return { channelSku, status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs };
  return { channelSku, status: "rejected", message: error.message, code: error.details.code ?? String(error.details.status ?? "") };
}

export function createAmazonConnector(config: ConnectorConfig, options: AmazonConnectorOptions = {}): Connector {
  const credentials = credentialsOf(config);
  const marketplaceId = config.region ?? "";
  const marketplace = marketplaceOf(marketplaceId);
  if (!marketplace) throw new ChannelError(`Amazon marketplace id "${marketplaceId}" is not one Anchorline sells in`, { retryable: false });
  const now = options.now ?? Date.now;
  const tokens = new LwaTokens(config.endpoints?.auth ?? LWA_HOST, credentials, now);
  const client = new SpApiClient(marketplace.region, credentials, tokens, config.endpoints?.api);
  const retry = options.retry ?? {};
  const sellerId = config.accountId;
  const context: MarketplaceContext = { marketplaceId, languageTag: marketplace.languageTag };
  const feeds: FeedContext = { client, sellerId, marketplaceId, retry, polling: { ...DEFAULT_POLLING, ...options.feedPolling } };
  const listingPath = (sku: string) => ({ sellerId, sku });

  async function patchOne(patch: ListingPatch): Promise<PushOutcome> {
    try {
      const answer = await withRetry(
        () =>
          client.call<SubmissionAnswer>({
            operation: "patchListingsItem",
            endpoint: "listingsItems",
            path: listingPath(patch.sku),
            query: { marketplaceIds: [marketplaceId], includedData: ["issues"] },
            body: { productType: patch.productType, patches: patch.patches },
          }),
        retry,
      );
      if (answer.status === "ACCEPTED") return { channelSku: patch.sku, status: "accepted" };
      const errors = (answer.issues ?? []).filter((i) => i.severity === "ERROR");
      return {
        channelSku: patch.sku,
        status: "rejected",
        message: errors.map((i) => i.message).join("; ") || `Amazon answered ${answer.status}`,
        code: errors[0]?.code,
      };
    } catch (error) {
      return failureOutcome(patch.sku, error);
    }
  }

  /** One patchListingsItem per SKU for a few; feeds of up to FEED_MAX_MESSAGES above FEED_THRESHOLD. */
  async function submit(patches: ListingPatch[]): Promise<PushOutcome[]> {
    const outcomes: PushOutcome[] = [];
    if (patches.length > FEED_THRESHOLD) {
      for (const batch of chunks(patches, FEED_MAX_MESSAGES)) outcomes.push(...(await runListingsFeed(feeds, batch)));
      return outcomes;
    }
    for (const patch of patches) outcomes.push(await patchOne(patch));
    return outcomes;
  }

  async function getListing(sku: string, includedData: string[]): Promise<ListingsItem | null> {
    try {
      return await withRetry(
        () =>
          client.call<ListingsItem>({
            operation: "getListingsItem",
            endpoint: "listingsItems",
            path: listingPath(sku),
            query: { marketplaceIds: [marketplaceId], includedData },
          }),
        retry,
      );
    } catch (error) {
      if (error instanceof ChannelError && error.details.status === 404) return null;
      throw error;
    }
  }

  return {
    kind: "amazon",
    limits: AMAZON_LIMITS,

    async testConnection() {
      try {
        await getListing(PROBE_SKU, ["summaries"]);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    pushQuantities: (updates) => submit(updates.map(quantityPatch)),
    pushPrices: (updates) => submit(updates.map((u) => pricePatch(u, context))),

    // Product data must go under the listing's own product type (the generic one carries offer
    // attributes only), so each SKU's type is read first.
    async pushContent(updates: ContentUpdate[]): Promise<PushOutcome[]> {
      const refused: PushOutcome[] = [];
      const patches: ListingPatch[] = [];
      for (const update of updates) {
        let item: ListingsItem | null;
        try {
          item = await getListing(update.channelSku, ["summaries"]);
        } catch (error) {
          refused.push(failureOutcome(update.channelSku, error));
          continue;
        }
        const productType = item?.summaries?.find((s) => s.marketplaceId === marketplaceId)?.productType;
        if (!productType) {
          refused.push({
            channelSku: update.channelSku,
            status: "rejected",
            message: "Amazon has no listing with this SKU to put content on",
            code: "NOT_FOUND",
          });
          continue;
        }
        const patch = contentPatch(update, productType, context);
        if ("problem" in patch) refused.push({ channelSku: update.channelSku, status: "rejected", message: patch.problem, code: "INVALID_CONTENT" });
        else patches.push(patch);
      }
      return [...(await submit(patches)), ...refused];
    },

    fetchOrders: (since) => fetchOrders(client, marketplaceId, since, retry, now()),

    ordersInNotification: (body) => ordersInNotification(body, { sellerId, marketplaceId }),

    async fetchListing(channelSku): Promise<ListingSnapshot | null> {
      const item = await getListing(channelSku, ["summaries", "offers", "fulfillmentAvailability", "issues"]);
      if (!item) return null;
      const offer = item.offers?.find((o) => o.marketplaceId === marketplaceId && (o.offerType ?? "B2C") === "B2C");
      const statuses = item.summaries?.find((s) => s.marketplaceId === marketplaceId)?.status ?? [];
      return {
        channelSku,
        quantity: item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === "DEFAULT")?.quantity ?? null,
        priceCents: fromAmount(offer?.price && { value: offer.price.amount, currency: offer.price.currencyCode }),
        // Amazon's summary status is a set (BUYABLE, DISCOVERABLE); empty means neither.
        status: statuses.join(",") || null,
        issues: (item.issues ?? []).map((i) => `${i.severity}: ${i.message}`),
      };
    },
  };
}
