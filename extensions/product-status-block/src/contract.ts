// What GET /api/product-status/:productId answers (app/routes/api.product-status.$productId/route.tsx).
// Defined here, framework-free, because the block is what reads it; the app's service declares
// its answer with these types (a type-only import), so the two cannot drift apart unnoticed.

export type SyncState = "IN_SYNC" | "PENDING" | "HELD" | "FAILED";

export type ProblemKind =
  | "OVERSELL"
  | "PARITY_VIOLATION"
  | "DRIFT"
  | "SYNC_LATENCY"
  | "CREDENTIALS_FAILED"
  | "LISTING_SUSPENDED"
  | "PROMOTION_RESERVE"
  | "WRITEBACK_FAILED"
  | "UNLINKED_SKU"
  | "JOB_FAILED"
  | "UNPROFITABLE"
  | "VENDOR_FEED";

export interface ListingStatus {
  listingId: string;
  channelName: string;
  channelKind: string;
  channelSku: string;
  /** What Anchorline computed for the channel (null: not computed yet). */
  desiredQuantity: number | null;
  desiredPriceCents: number | null;
  /** What the channel acknowledged last (null: never pushed). */
  pushedQuantity: number | null;
  pushedPriceCents: number | null;
  /** What the channel showed at the last drift check, when it differs from what was pushed. */
  driftQuantity: number | null;
  syncState: SyncState;
  /** Why a push is held (parity) or failed (the marketplace's error). */
  syncMessage: string | null;
  /** A change is waiting for the engine to recompute. */
  recomputing: boolean;
  /** Open alerts about this listing, newest first. */
  problems: { kind: ProblemKind; title: string }[];
  /** The app path that explains this listing (relative to the app's URL). */
  link: string;
}

export interface VariantStatus {
  /** Shopify's numeric variant id. */
  variantId: string;
  title: string;
  sku: string | null;
  /** The Shopify price, the anchor the channel prices derive from. */
  priceCents: number;
  listings: ListingStatus[];
}

export interface ProductStatus {
  productId: string;
  title: string;
  currencyCode: string;
  variants: VariantStatus[];
  /** The app path listing this product's variants on the Inventory screen. */
  link: string;
}
