// Amazon Selling Partner API connector: the Connector interface over amazon-sp-api. Single changes
// go as patchListingsItem, large backlogs as one JSON_LISTINGS_FEED (FEED_THRESHOLD in limits.ts),
// orders come from the Orders API v2026-01-01, shipments go back through Orders v0's
// confirmShipment (order-actions.ts), FBA stock from the FBA Inventory API (fba-inventory.ts),
// returns from the Reports API's returns report, folded into the orders (returns.ts), tokens from
// Login with Amazon.
import { ChannelError, type Connector, type ConnectorConfig, type FeedPolling } from "../connector";
import type { RetryOptions } from "../retry";
import { AMAZON_LIMITS, LWA_HOST } from "./limits";
import { fetchListing, getListing, pushContent, pushPrices, pushQuantities, type ListingsContext } from "./listings";
import { fetchFbaStock } from "./fba-inventory";
import { LwaTokens, type LwaCredentials } from "./lwa";
import { marketplaceOf } from "./marketplaces";
import { listingChangesInNotification, ordersInNotification } from "./notifications";
import { cancelOrder, confirmShipment } from "./order-actions";
import { fetchOrders } from "./orders";
import { readAmazonListings } from "./search-listings";
import { SpApiClient } from "./sp-client";

export interface AmazonConnectorOptions {
  retry?: RetryOptions;
  /** How often and how long to wait for a feed; Amazon processes them in minutes. */
  feedPolling?: Partial<FeedPolling>;
  /** How often the returns report is asked for (RETURNS_REPORT_EVERY_MS); the demo and tests ask more often. */
  returnsReportEveryMs?: number;
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

function credentialsOf(config: ConnectorConfig): LwaCredentials {
  const { clientId, clientSecret, refreshToken } = config.credentials;
  if (!clientId || !clientSecret || !refreshToken)
    throw new ChannelError("Amazon credentials need clientId, clientSecret and refreshToken", { retryable: false, authFailed: true });
  return { clientId, clientSecret, refreshToken };
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
  const listings: ListingsContext = {
    client,
    sellerId,
    marketplaceId,
    retry,
    polling: { ...DEFAULT_POLLING, ...options.feedPolling },
    marketplace: { marketplaceId, languageTag: marketplace.languageTag },
  };

  return {
    kind: "amazon",
    limits: AMAZON_LIMITS,

    async testConnection() {
      try {
        await getListing(listings, PROBE_SKU, ["summaries"]);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    pushQuantities: (updates) => pushQuantities(listings, updates),
    pushPrices: (updates) => pushPrices(listings, updates),
    pushContent: (updates) => pushContent(listings, updates),

    fetchOrders: (since) => fetchOrders(client, marketplaceId, since, retry, now(), options.returnsReportEveryMs),

    ordersInNotification: (body) => ordersInNotification(body, { sellerId, marketplaceId }),
    listingChangesInNotification: (body) => listingChangesInNotification(body, { sellerId, marketplaceId }),

    fetchListing: (channelSku) => fetchListing(listings, channelSku),

    confirmShipment: (shipment) => confirmShipment(client, marketplaceId, retry, shipment),
    cancelOrder: (cancellation) => cancelOrder(cancellation),

    fetchMarketplaceStock: () => fetchFbaStock(client, marketplaceId, retry),

    // The seller's listings, for listing discovery (search-listings.ts).
    readListings: (pageToken, read) => readAmazonListings(listings, pageToken, read),
  };
}
