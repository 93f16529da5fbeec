// The eBay connector: quantities and prices through bulkUpdatePriceQuantity (25 SKUs a call),
// content through the inventory item, orders from Fulfillment getOrders with buyers' returns from
// the Post-Order API, all as one seller account, with eBay's 250-revisions-a-day cap counted in
// Redis before anything is sent. Shipments go back as shipping fulfillments, cancellations as the
// Post-Order API's seller cancellation of the whole order (order-actions.ts). Orders are also
// pushed: the Notification API's ORDER_CONFIRMATION, subscribed at connect (notifications.ts). The seller's existing
// listings are read for discovery from the inventory items and their offers (listings.ts).
import type { ChannelLimits, Connector, ConnectorConfig } from "../connector";
import type { RetryOptions } from "../retry";
import { EbayClient, readCredentials } from "./client";
import { pushContent } from "./content-push";
import type { EbayConnectorContext } from "./context";
import { readListings } from "./listings";
import {
  fetchOrder,
  notificationSignatureMatches,
  orderIdsInNotification,
  subscribeToOrderNotifications,
  unsubscribeFromOrderNotifications,
} from "./notifications";
import { fetchListing } from "./offers";
import { cancelOrder, confirmShipment } from "./order-actions";
import { fetchOrders } from "./order-reads";
import { pushPrices, pushQuantities } from "./price-quantity-push";
import { RedisRevisionCounter, sharedRevisionRedis, type RevisionCounter } from "./revisions.server";
import {
  BULK_PRICE_QUANTITY_MAX,
  BURST,
  GET_ORDERS_MAX_LIMIT,
  INVENTORY_ITEMS_MAX_LIMIT,
  REQUESTS_PER_SECOND,
  RETURNS_READ_EVERY_MS,
  REVISIONS_PER_LISTING_PER_DAY,
} from "./rules";

export interface EbayConnectorOptions {
  /**
   * Where revisions per listing per day are counted; shared by every process pushing to the
   * account. Default: Redis (REDIS_URL), keyed by the account id under QUEUE_PREFIX.
   */
  revisions?: RevisionCounter;
  now?: () => number;
  retry?: RetryOptions;
  /**
   * Orders modified in the last this-many milliseconds wait for the next poll: getOrders refuses an
   * end date in the future (error 30850), and a little slack absorbs clock differences with eBay.
   * Default 5 s: every second here is a second a sold unit still shows on the other channels.
   */
  orderSettleMs?: number;
  /** Orders per getOrders page, at most 200. */
  ordersPageSize?: number;
  /** With no cursor yet, how far back the first poll reaches. Default 0: orders from before the channel was connected are not imported. */
  initialOrderLookbackMs?: number;
  /** How often buyers' returns are read (Post-Order return search). Default RETURNS_READ_EVERY_MS, hourly. */
  returnsReadEveryMs?: number;
  /** Inventory items per readListings page, 1-200 (default 200, eBay's most). */
  listingsPageSize?: number;
}

const DEFAULT_MARKETPLACE = "EBAY_US";
const DEFAULT_ORDER_SETTLE_MS = 5_000;

export const EBAY_LIMITS: ChannelLimits = {
  maxBatch: BULK_PRICE_QUANTITY_MAX,
  requestsPerSecond: REQUESTS_PER_SECOND,
  burst: BURST,
  revisionsPerListingPerDay: REVISIONS_PER_LISTING_PER_DAY,
  // One bulk call, and a getOffers for each listing whose offer id is not stored yet (it is stored
  // after its first push, from the outcome).
  callsPerPush: (listings) => 1 + listings.filter((l) => !l.externalId).length,
  ordersVisibleAfterMs: DEFAULT_ORDER_SETTLE_MS,
  // Content is a getInventoryItem and a createOrReplaceInventoryItem per SKU (content-push.ts).
  contentCallsPerPush: (listings) => 2 * listings.length,
  // A getInventoryItems page of 200, then a getOffers per item (listings.ts).
  readCallsPerListing: 1 + 1 / INVENTORY_ITEMS_MAX_LIMIT,
};

/** The context every operation shares (context.ts): one seller account on one marketplace. */
function ebayConnectorContext(config: ConnectorConfig, options: EbayConnectorOptions): EbayConnectorContext {
  const now = options.now ?? Date.now;
  let revisionCounter = options.revisions;
  const revisions = () => (revisionCounter ??= new RedisRevisionCounter(sharedRevisionRedis(), config.accountId));
  const marketplaceId = config.region || DEFAULT_MARKETPLACE;
  const client = new EbayClient(readCredentials(config.credentials), marketplaceId, config.endpoints ?? {}, { now, retry: options.retry });
  return {
    client,
    marketplaceId,
    now,
    revisions,
    offerIds: new Map<string, string | null>(),
    orderPolling: {
      settleMs: options.orderSettleMs ?? DEFAULT_ORDER_SETTLE_MS,
      pageSize: Math.min(options.ordersPageSize ?? GET_ORDERS_MAX_LIMIT, GET_ORDERS_MAX_LIMIT),
      initialLookbackMs: options.initialOrderLookbackMs ?? 0,
      returnsEveryMs: options.returnsReadEveryMs ?? RETURNS_READ_EVERY_MS,
    },
  };
}

export function createEbayConnector(config: ConnectorConfig, options: EbayConnectorOptions = {}): Connector {
  const context = ebayConnectorContext(config, options);
  return {
    kind: "ebay",
    limits: EBAY_LIMITS,

    async testConnection() {
      try {
        await context.client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ limit: 1 }));
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    pushQuantities: (updates) => pushQuantities(context, updates),
    pushPrices: (updates) => pushPrices(context, updates),
    pushContent: (updates) => pushContent(context, updates),
    fetchOrders: (since) => fetchOrders(context, since),
    fetchListing: (channelSku) => fetchListing(context, channelSku),
    readListings: (pageToken, read) => readListings(context, pageToken, options.listingsPageSize, read),
    confirmShipment: (shipment) => confirmShipment(context, shipment),
    cancelOrder: (cancellation) => cancelOrder(context, cancellation),
    notificationSignatureMatches: (signature, rawBody) => notificationSignatureMatches(context, signature, rawBody),
    orderIdsInNotification,
    fetchOrder: (orderId) => fetchOrder(context, orderId),
    subscribeToOrderNotifications: (destination) => subscribeToOrderNotifications(context, destination),
    unsubscribeFromOrderNotifications: (destination) => unsubscribeFromOrderNotifications(context, destination),
  };
}
