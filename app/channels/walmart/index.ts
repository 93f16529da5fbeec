// Walmart Marketplace (US) connector: the Connector interface over Walmart's REST API.
import { ChannelError, type Connector, type ConnectorConfig, type FeedPolling, type ListingSnapshot } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import { WalmartClient, type WalmartCredentials } from "./client";
import { pushContent, type ItemKeys } from "./content";
import { WALMART_API, WALMART_LIMITS } from "./limits";
import { cancelOrder, confirmShipment } from "./order-actions";
import { purchaseOrderIdsInNotification, subscribeToOrderNotifications, unsubscribeFromOrderNotifications } from "./notifications";
import { readWalmartListings, readWalmartObservations } from "./listings";
import { fetchOrder, fetchOrders } from "./orders";
import { pushPrices, pushQuantities, type PushContext } from "./pushes";
import { fetchWfsStock } from "./wfs-inventory";

export interface WalmartConnectorOptions {
  retry?: RetryOptions;
  /** Walmart asks to "wait for at least five minutes" before checking a price feed (priceBulkUploads). */
  feedPolling?: Partial<FeedPolling>;
  now?: () => number;
}

const DEFAULT_POLLING: FeedPolling = {
  intervalMs: 60_000,
  timeoutMs: 30 * 60_000, // bulk inventory feeds take up to "30 minutes to process each call"
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function credentialsOf(config: ConnectorConfig): WalmartCredentials {
  const { clientId, clientSecret, consumerChannelType } = config.credentials;
  if (!clientId || !clientSecret) throw new ChannelError("Walmart credentials need clientId and clientSecret", { retryable: false, authFailed: true });
  return { clientId, clientSecret, consumerChannelType };
}

export function createWalmartConnector(config: ConnectorConfig, options: WalmartConnectorOptions = {}): Connector {
  const apiBase = config.endpoints?.api ?? WALMART_API;
  const client = new WalmartClient(apiBase, config.endpoints?.auth ?? apiBase, credentialsOf(config), options.now);
  const retry = options.retry ?? {};
  const context: PushContext = { client, retry, polling: { ...DEFAULT_POLLING, ...options.feedPolling } };
  // An item's GTIN and product type do not change while it is listed: looked up once per connector.
  const itemKeys: ItemKeys = new Map();

  return {
    kind: "walmart",
    limits: {
      ...WALMART_LIMITS,
      // Content is one MP_MAINTENANCE item feed (content.ts), after a getAnItem for each SKU whose
      // GTIN and product type this connector has not read yet: a first push pays per SKU, and is
      // split so its reads fit the burst; later ones are one call.
      contentCallsPerPush: (listings) => 1 + listings.filter((l) => !itemKeys.has(l.channelSku)).length,
    },

    async testConnection() {
      try {
        await withRetry(() => client.request({ method: "GET", path: "/v3/feeds", query: { limit: "1" } }), retry);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    pushQuantities: (updates) => pushQuantities(context, updates),
    pushPrices: (updates) => pushPrices(context, updates),

    pushContent: (updates) => pushContent(context, itemKeys, updates),

    fetchOrders: (since) => fetchOrders(client, since, retry, options.now?.()),
    orderIdsInNotification: purchaseOrderIdsInNotification,
    fetchOrder: (purchaseOrderId) => fetchOrder(client, purchaseOrderId, retry),
    subscribeToOrderNotifications: (destination) => subscribeToOrderNotifications(client, retry, destination),
    unsubscribeFromOrderNotifications: (destination) => unsubscribeFromOrderNotifications(client, retry, destination),

    confirmShipment: (shipment) => confirmShipment(client, retry, shipment),
    cancelOrder: (cancellation) => cancelOrder(client, retry, cancellation),

    // WFS items' own stock in Walmart's fulfillment centers (wfs-inventory.ts).
    fetchMarketplaceStock: () => fetchWfsStock(client, retry),

    // The seller's catalog, for listing discovery; for the drift read (no identifiers needed), its
    // items and then its inventories, 50 a call each (listings.ts).
    readListings: (pageToken, read) =>
      read?.withIdentifiers === false ? readWalmartObservations(client, retry, pageToken, read) : readWalmartListings(client, retry, pageToken, read),

    async fetchListing(channelSku): Promise<ListingSnapshot | null> {
      try {
        const answer = await withRetry(
          () => client.request<{ sku: string; quantity: { amount: number } }>({ method: "GET", path: "/v3/inventory", query: { sku: channelSku } }),
          retry,
        );
        // The price lives in the Items API (GET /v3/items/{sku}), not among the copied contracts.
        return { channelSku, quantity: answer.quantity.amount, priceCents: null };
      } catch (error) {
        if (error instanceof ChannelError && error.details.status === 404) return null;
        throw error;
      }
    },
  };
}
