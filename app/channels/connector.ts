// The one interface every marketplace module implements. The sync engine and workers talk only to
// this: no marketplace name appears outside app/channels/<kind>/ (and the registry, registry.ts).

import type { ChannelKind } from "~/engine/types";
import { UpstreamError } from "~/lib/errors";

/**
 * A marketplace's one name: the engine's channel kind (engine/types.ts), used by connectors, the
 * engine and the registry alike. Prisma's ChannelKind stores it in capitals; registry.ts maps.
 */
export type MarketplaceKind = Exclude<ChannelKind, "shopify">;

/** Where and as whom a connector talks: credentials are already decrypted by the caller. */
export interface ConnectorConfig {
  /** The marketplace account: Amazon seller id, eBay user, Walmart partner id, TikTok shop id. */
  accountId: string;
  /** Amazon marketplace id, eBay marketplace (EBAY_US), Walmart/TikTok region. */
  region?: string | null;
  credentials: Record<string, string>;
  /**
   * Base URLs of the marketplace's API (and its token endpoint). Production leaves them unset and
   * each module uses the marketplace's documented hosts; tests and the demo point them at the
   * simulators. The connector behaves the same either way.
   */
  endpoints?: { api?: string; auth?: string };
}

export interface QuantityUpdate {
  channelSku: string;
  /** ASIN, eBay offer id, Walmart item id...: when the channel needs it. */
  externalId?: string | null;
  quantity: number;
}

export interface PriceUpdate {
  channelSku: string;
  externalId?: string | null;
  priceCents: number;
  currencyCode: string;
}

export interface ContentUpdate {
  channelSku: string;
  externalId?: string | null;
  /** Only the fields that changed, already adapted to the channel (title, description, bullets...). */
  fields: Record<string, unknown>;
}

/**
 * The marketplace's answer for one listing. `accepted` means the marketplace acknowledged the
 * change (for feeds: the feed finished and this SKU had no error); only then is it recorded as
 * pushed.
 */
export type PushOutcome = (
  | { channelSku: string; status: "accepted" }
  | { channelSku: string; status: "rejected"; message: string; code?: string } // will not heal by retrying
  | { channelSku: string; status: "retry"; message: string; retryAfterMs?: number }
) & {
  /**
   * The channel's own id for the listing (externalId), where the push had to look it up because
   * the listing had none. The flush stores it, so the lookup (a call against the account's rate
   * limit) is made once per listing, not once per push and worker process.
   */
  externalId?: string;
};

export interface ImportedOrderLine {
  channelSku: string;
  /** Units ordered. */
  quantity: number;
  priceCents?: number | null;
  /** Sales tax the buyer paid on the line's price, all its units (cancelled ones included); null: none stated. */
  taxCents?: number | null;
  /**
   * The marketplace collects and remits that tax itself (a US marketplace facilitator: Amazon,
   * eBay, Walmart and TikTok Shop in every state with a sales tax), so the merchant never holds it.
   * Read from the payload where the marketplace says so; left out when it is unknown.
   */
  taxCollectedByMarketplace?: boolean;
  /**
   * Units of this line cancelled so far, as the marketplace says now (a partial cancellation);
   * never more than `quantity`. A whole order cancelled (`cancelled`) counts every unit.
   */
  cancelledQuantity?: number;
  /** Units the buyer sent back and the seller received, as the marketplace says now. */
  returnedQuantity?: number;
  /** Units refunded to the buyer, cancelled ones included, as the marketplace says now. */
  refundedQuantity?: number;
}

export interface ImportedOrder {
  externalOrderId: string;
  status: string;
  orderedAt: Date;
  currencyCode?: string | null;
  totalCents?: number | null;
  buyer?: { name?: string | null; email?: string | null; address?: Record<string, unknown> | null };
  lines: ImportedOrderLine[];
  /** Cancelled before shipping, the whole order: every unit comes back. */
  cancelled?: boolean;
  /**
   * When the marketplace last changed the order. Orders are read by this time, not by creation
   * time, so a cancellation made after the import comes back as a change.
   */
  updatedAt?: Date;
  /**
   * Shipped by the marketplace from its own warehouse (Amazon FBA, Walmart WFS, Fulfilled by
   * TikTok): the units never were in Shopify's stock, so the order never touches it.
   */
  fulfilledByMarketplace?: boolean;
  /**
   * Why the marketplace's payload for this order could not be read (order-reading.ts): the order
   * is recorded with this reason and an alert, and nothing of it is applied.
   */
  unreadable?: string;
}

/** The merchant shipped (part of) a marketplace order from Shopify: what the marketplace is told. */
export interface ShipmentConfirmation {
  externalOrderId: string;
  /** The units shipped, by the marketplace's SKU. */
  lines: { channelSku: string; quantity: number }[];
  /** The carrier as the merchant named it in Shopify (tracking_company), mapped by the connector to the marketplace's list. */
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string | null;
  shippedAt: Date;
}

/** A cancellation made in Shopify, passed on to the marketplace where its API allows it. */
export interface OrderCancellation {
  externalOrderId: string;
  /** The units cancelled, by the marketplace's SKU. */
  lines: { channelSku: string; quantity: number }[];
  /** Why, in the merchant's words; the connector maps it to the marketplace's reason codes. */
  reason: string;
}

/**
 * What a marketplace answered about an order action. "unsupported": its API does not allow it
 * (the merchant must act in the marketplace's own back office, and is told so).
 */
export type OrderActionOutcome =
  | { status: "accepted" }
  | { status: "rejected"; message: string }
  | { status: "retry"; message: string; retryAfterMs?: number }
  | { status: "unsupported"; message: string };

export interface OrderPage {
  orders: ImportedOrder[];
  /** Pass back as `since` next time; opaque to callers. */
  cursor: string;
}

export interface ListingSnapshot {
  channelSku: string;
  quantity: number | null;
  priceCents: number | null;
  /** The marketplace's own status words (ACTIVE, SUSPENDED, ...). */
  status?: string | null;
  issues?: string[];
  /** Why the marketplace does not sell it, in its words (as DiscoveredListing.suspension); null when nothing stops it. */
  suspension?: string | null;
}

/**
 * What a marketplace's change notification says of one of the account's listings (Amazon's
 * LISTINGS_ITEM_MFN_QUANTITY_CHANGE and LISTINGS_ITEM_STATUS_CHANGE), and when the marketplace
 * saw it. A field left out is one the notification does not speak of.
 */
export interface ListingChange {
  channelSku: string;
  seenAt: Date;
  /** The seller-fulfilled quantity the marketplace shows now. */
  quantity?: number;
  /** Its status words now (as DiscoveredListing.status). */
  status?: string | null;
  /** Whether it sells as it is: false asks fetchListing for the marketplace's reason. */
  selling?: boolean;
  /** The reason, where the notification itself says it (a deleted listing). */
  suspension?: string;
}

/**
 * One listing as the marketplace's bulk read of an account shows it (Amazon searchListingsItems,
 * eBay inventory items with their offers, Walmart /v3/items, TikTok product search): what listing
 * discovery links to Shopify variants by SKU, then by GTIN, and what a drift check compares.
 */
export interface DiscoveredListing {
  /**
   * The listing's channelSku, as pushes, orders and links name it: the seller SKU on Amazon, eBay
   * and Walmart; TikTok Shop's own SKU id there (its pushes address SKUs by id), with the seller's
   * SKU in `sellerSku`.
   */
  channelSku: string;
  /**
   * The SKU the seller typed, where it is not channelSku (TikTok Shop's seller_sku; absent when the
   * seller gave none). Discovery links by this, when present, instead of channelSku.
   */
  sellerSku?: string | null;
  /** The marketplace's own id for it (ASIN, offer id, Walmart item id, TikTok product id...). */
  externalId?: string | null;
  /** The product's barcode as the marketplace holds it (GTIN, UPC, EAN, ISBN), digits only. */
  gtin?: string | null;
  title?: string | null;
  quantity?: number | null;
  priceCents?: number | null;
  currencyCode?: string | null;
  /** The marketplace's own status words (ACTIVE, INACTIVE, SUSPENDED, ...). */
  status?: string | null;
  /**
   * Why buyers cannot buy it, in the marketplace's own words, when the marketplace suppressed,
   * deactivated, ended or refused it (Amazon's ERROR issues, eBay's hold or end, Walmart's
   * unpublishedReasons, TikTok's deactivation and audit reasons); null when it sells. Each module
   * says which of its status words mean that, so the drift read names no marketplace.
   */
  suspension?: string | null;
}

/**
 * How a caller steers a bulk read: `beforeCall` is awaited before each HTTP call the read makes
 * (the page's and any per-item ones), so the caller can pay the call from the account's shared
 * limiter, or stop the read (by throwing) when a push needs the account's calls more.
 */
export interface ReadOptions {
  beforeCall?: () => Promise<void>;
  /**
   * Whether the read needs what discovery links listings by (barcodes, offer ids) besides what the
   * marketplace shows (quantity, price, status, reason). Default true. The drift read passes false:
   * where those come from a per-item call (TikTok's Get Product), it is left out, and the read costs
   * a call a page (a page's listings may then leave a field undefined: not read this time).
   */
  withIdentifiers?: boolean;
}

export interface ListingPage {
  listings: DiscoveredListing[];
  /** Pass back to read the next page; null after the last one. Opaque to callers. */
  next: string | null;
}

/**
 * Units the marketplace holds and ships itself for one of its listings (Amazon FBA's fulfillable
 * quantity): its own stock, never Shopify's, read so the merchant sees it beside the pool.
 */
export interface MarketplaceStock {
  channelSku: string;
  quantity: number;
}

/** How a channel wants its work batched and paced (each module cites its source). */
export interface ChannelLimits {
  /** Most listings one quantity/price call can carry. */
  maxBatch: number;
  /** Sustained requests per second the account may make, and the burst above it. */
  requestsPerSecond: number;
  burst: number;
  /** Above this many pending listings, prefer the bulk/feed path where the channel has one. */
  feedThreshold?: number;
  /** Revisions a single listing may take per day (eBay: 250), if the channel caps them. */
  revisionsPerListingPerDay?: number;
  /**
   * HTTP calls one push of these listings makes, where that is not one per push (Amazon and
   * Walmart: one per SKU below the feed threshold; TikTok Shop: one per product). The flush takes
   * that many from the account's rate limiter, and splits pushes no burst could pay for.
   */
  callsPerPush?: (listings: ReadonlyArray<{ channelSku: string; externalId?: string | null }>) => number;
  /**
   * HTTP calls one content push of these listings makes, where that differs from callsPerPush
   * (Amazon and eBay read each item before writing it: two per SKU; Walmart: one item feed).
   */
  contentCallsPerPush?: (listings: ReadonlyArray<{ channelSku: string; externalId?: string | null }>) => number;
  /**
   * How long after a sale its orders API returns it (eBay: the poll's window ends this long before
   * now); an import started by a notification of the sale waits this long.
   */
  ordersVisibleAfterMs?: number;
  /**
   * How often its orders API may be polled without exhausting its quota (Amazon's searchOrders
   * restores one call per 180 s); unset: the default ORDER_IMPORT_EVERY_MS.
   */
  ordersPollEveryMs?: number;
  /**
   * HTTP calls readListings makes per listing read without identifiers, on average (Amazon: one
   * search per 20 items; Walmart: two pages per 50; TikTok: a search per 100; eBay: a page call and
   * one per item). The drift read's pace follows from it
   * (sync/drift-read.server.ts): unset, one call per listing.
   */
  readCallsPerListing?: number;
}

/** Where a marketplace sends an account's order notifications, and the channel's key they prove themselves with. */
export interface OrderNotificationDestination {
  url: string;
  key: string;
}

/** How a connector waits for an asynchronous feed (Amazon JSON_LISTINGS_FEED, Walmart bulk feeds). */
export interface FeedPolling {
  intervalMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

export interface Connector {
  readonly kind: MarketplaceKind;
  readonly limits: ChannelLimits;
  testConnection(): Promise<{ ok: true } | { ok: false; message: string }>;
  pushQuantities(updates: QuantityUpdate[]): Promise<PushOutcome[]>;
  pushPrices(updates: PriceUpdate[]): Promise<PushOutcome[]>;
  pushContent(updates: ContentUpdate[]): Promise<PushOutcome[]>;
  fetchOrders(since: string | null): Promise<OrderPage>;
  fetchListing(channelSku: string): Promise<ListingSnapshot | null>;
  /**
   * Reads one page of the account's existing listings, every one the seller has on the
   * marketplace (not only those Anchorline linked), with the marketplace's cheapest bulk read.
   * Start with null; stop when `next` is null. Paced by the connector like any other call.
   */
  readListings?(pageToken: string | null, options?: ReadOptions): Promise<ListingPage>;
  /**
   * Where the marketplace pushes order notifications that carry the order's lines (Amazon's
   * ORDER_CHANGE): the orders in one, imported at once without an API call. [] when it concerns
   * another account; null when the body is not such a notification. Left out by channels whose
   * orders are only polled.
   */
  ordersInNotification?(body: unknown): ImportedOrder[] | null;
  /**
   * Where the marketplace pushes notifications that only name the order (Walmart's PO_CREATED):
   * the ids, read without an API call (the route asks); null when the body is not such a
   * notification. The import job reads each with fetchOrder.
   */
  orderIdsInNotification?(body: unknown): string[] | null;
  /**
   * Where the marketplace pushes listing change notifications (Amazon's
   * LISTINGS_ITEM_MFN_QUANTITY_CHANGE and LISTINGS_ITEM_STATUS_CHANGE): what each says of the
   * account's listings, read without an API call. [] when it concerns another account; null when
   * the body is not such a notification.
   */
  listingChangesInNotification?(body: unknown): ListingChange[] | null;
  /**
   * Whether a notification's signature (the header its module's orderNotificationAuth names) is the
   * marketplace's over this raw body, made with the account's credentials (TikTok Shop's webhooks);
   * compared in constant time.
   */
  notificationSignatureMatches?(signature: string, rawBody: string): boolean | Promise<boolean>;
  /** One order read whole by its id; null when the marketplace finds none for this account. */
  fetchOrder?(orderId: string): Promise<ImportedOrder | null>;
  /**
   * Subscribes the account's order notifications to Anchorline's endpoint, where the marketplace
   * has an API for it (Walmart's Notifications API). Idempotent: a subscription already in place
   * is kept.
   */
  subscribeToOrderNotifications?(destination: OrderNotificationDestination): Promise<void>;
  /**
   * Removes the account's order-notification subscriptions to this destination (a disconnected
   * account). Idempotent: none left is done.
   */
  unsubscribeFromOrderNotifications?(destination: Pick<OrderNotificationDestination, "url">): Promise<void>;
  /** Tells the marketplace an order shipped, with its carrier and tracking number. */
  confirmShipment?(shipment: ShipmentConfirmation): Promise<OrderActionOutcome>;
  /** Cancels (part of) an order on the marketplace, where its API allows the seller to. */
  cancelOrder?(cancellation: OrderCancellation): Promise<OrderActionOutcome>;
  /**
   * The stock the marketplace fulfils from its own warehouses (Amazon FBA, Walmart WFS, Fulfilled by TikTok): per listing SKU, the
   * units it can ship now (fulfillable), for every listing it fulfils itself. Those listings are
   * never pushed a quantity from Shopify's pool; this is only read, to store and show. Paced
   * and retried like every other call; a failure of the whole read throws a ChannelError. Left
   * out by channels without such stock (or without an API for it).
   */
  fetchMarketplaceStock?(): Promise<MarketplaceStock[]>;
}

/**
 * A failure of the whole call (not of one listing). `retryable` failures (429, 5xx, timeouts) are
 * retried with backoff; the others (bad credentials, a malformed request) become an alert.
 */
export class ChannelError extends UpstreamError {
  constructor(
    message: string,
    readonly details: {
      status?: number;
      retryable: boolean;
      /** From Retry-After or the marketplace's own rate-limit headers. */
      retryAfterMs?: number;
      /** Credentials are wrong or revoked: pause the account and tell the merchant. */
      authFailed?: boolean;
      code?: string;
    },
  ) {
    super(message, { status: details.status, retryable: details.retryable });
    this.name = "ChannelError";
  }
}
