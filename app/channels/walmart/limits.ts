// Walmart's rules this module follows, each with where it comes from. Numbers marked "assumption"
// could not be verified against developer.walmart.com from here; change them when you can.
import type { ChannelLimits } from "../connector";

export const WALMART_API = "https://marketplace.walmartapis.com";
/** Sent as WM_SVC.NAME on every call ("Walmart Service Name" in every Marketplace definition). */
export const WM_SVC_NAME = "Walmart Marketplace";

/**
 * Price feeds take "up to 10,000 items", but Walmart recommends "no more than 1000 items in one
 * Feed and keeping the Feed sizes below 10 MB" (priceBulkUploads in the prices definition,
 * simulators/contracts/walmart-marketplace). The inventory feed has a 5 MB cap (bulk inventory update
 * guide); 1000 two-field items stay far below it, so one size serves both.
 */
export const FEED_MAX_ITEMS = 1000;

/**
 * Assumption: single-item inventory and price updates at 300 per minute per seller, a minute's
 * worth available at once (the same assumption as simulators/walmart/limits.ts). Both kinds share
 * one budget here, where Walmart counts them apart: we stay under either.
 */
const SINGLE_UPDATES_PER_SECOND = 5;
const SINGLE_UPDATES_BURST = 300;

/**
 * A push goes as a feed only when the single calls' budget could not carry it at once. Bulk
 * inventory feeds are "limited to 10 calls per hour" (developer.walmart.com, "Bulk inventory
 * update") and take up to 30 minutes each, where single updates answer in a second; so a push
 * the burst carries (SINGLE_UPDATES_BURST) goes as single calls, and feeds are kept for a first
 * sync's full flushes. At the earlier 50, a busy minute spent the hour's 10 feeds and every
 * Walmart change then waited minutes for the quota (the sync bench's steady phase).
 */
export const FEED_THRESHOLD = SINGLE_UPDATES_BURST;

/** getAllOrders: `limit` "Cannot be larger than 200" (orders definition). */
export const ORDERS_PAGE_LIMIT = 200;

/** Token lifetime is 900 s (Token API); renew a minute early so no call carries a dying token. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

export const WALMART_LIMITS: ChannelLimits = {
  maxBatch: FEED_MAX_ITEMS,
  requestsPerSecond: SINGLE_UPDATES_PER_SECOND,
  burst: SINGLE_UPDATES_BURST,
  feedThreshold: FEED_THRESHOLD,
  // Below the threshold each SKU is one PUT; above it one feed (limited per hour on its own).
  callsPerPush: (listings) => (listings.length >= FEED_THRESHOLD ? 0 : listings.length),
  // The drift read: a getAllItems page of 50, and an inventories page of 50 (listings.ts).
  readCallsPerListing: 2 / 50,
};
