// Amazon's rules this module follows, each with where it comes from. The usage plans are the
// defaults in the "Usage Plan" table of each operation in Amazon's own models
// (simulators/contracts/amazon-sp-api, amzn/selling-partner-api-models); Amazon may grant a seller more,
// and says so in the x-amzn-RateLimit-Limit header of each answer.
import type { ChannelLimits } from "../connector";

/** Default LWA host ("make a secure HTTP POST to ... https://api.amazon.com/auth/o2/token", SP-API "Connect to the SP-API"). */
export const LWA_HOST = "https://api.amazon.com";

/**
 * "An LWA access token expires one hour after it is issued" (same page); the answer's
 * `expires_in` is what counts. Renew a minute early so no call leaves with a dying token.
 */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

export interface UsagePlan {
  rate: number;
  burst: number;
}

export const USAGE_PLANS = {
  // listingsItems_2021-08-01.json, and "Listings Items API Rate Limits"
  // (https://developer-docs.amazon.com/sp-api/docs/listings-items-api-rate-limits): patchListingsItem
  // 5 per second per account-application pair, burst 5 (500 per second per application). The
  // reference page (reference/patchlistingsitem) shows burst 10; we plan for the lower one.
  patchListingsItem: { rate: 5, burst: 5 },
  getListingsItem: { rate: 5, burst: 10 },
  // listingsItems_2021-08-01.json (searchListingsItems' "Usage Plan" table): 5 per second, burst 5.
  searchListingsItems: { rate: 5, burst: 5 },
  // feeds_2021-06-30.json, and "Feeds API Rate Limits"
  // (https://developer-docs.amazon.com/sp-api/docs/feeds-api-rate-limits).
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  // orders_2026-01-01.json (searchOrders' and getOrder's "Usage Plan" tables).
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  // ordersV0.json (confirmShipment's "Usage Plan" table).
  confirmShipment: { rate: 2, burst: 10 },
  // fbaInventory.json (getInventorySummaries' "Usage Plan" table).
  getInventorySummaries: { rate: 2, burst: 2 },
} satisfies Record<string, UsagePlan>;

/**
 * Messages in one JSON_LISTINGS_FEED document: the schema allows 25,000 (listings-feed-schema-v2
 * `messages.maxItems`); 10,000 is our choice, to keep one document and its report small.
 */
export const FEED_MAX_MESSAGES = 10_000;

/**
 * Above this many listings a push goes as a feed. 100 patches take 20 s at patchListingsItem's
 * 5 per second; a feed costs one createFeed (0.0083/s, burst 15) and a few getFeed polls but takes
 * minutes to process. Our choice, trading latency for quota.
 */
export const FEED_THRESHOLD = 100;

/** "maxResultsPerPage ... must be between 1 and 100" (searchOrders, orders_2026-01-01.json). */
export const ORDERS_PAGE_SIZE = 100;

/** Offer-only updates go under Amazon's generic product type (used by Amazon's own answers in amzn/selling-partner-api-docs #2167). */
export const OFFER_PRODUCT_TYPE = "PRODUCT";

export const AMAZON_LIMITS: ChannelLimits = {
  maxBatch: FEED_MAX_MESSAGES,
  requestsPerSecond: USAGE_PLANS.patchListingsItem.rate,
  burst: USAGE_PLANS.patchListingsItem.burst,
  feedThreshold: FEED_THRESHOLD,
  // Below the threshold each SKU is one patchListingsItem; above it the push is a feed, whose
  // calls (createFeed, getFeed) have usage plans of their own.
  callsPerPush: (listings) => (listings.length > FEED_THRESHOLD ? 0 : listings.length),
  // Content goes under the listing's own product type, so each SKU is a getListingsItem and then
  // a patchListingsItem (two usage plans; counted against the stricter one, to be safe).
  contentCallsPerPush: (listings) => 2 * listings.length,
  // searchOrders restores one call per 1/rate seconds (180 s); polling faster only spends the burst
  // and then meets 429s. Orders sooner than that come from Amazon's ORDER_CHANGE notification.
  ordersPollEveryMs: Math.ceil(1000 / USAGE_PLANS.searchOrders.rate),
  // searchListingsItems returns 20 items a call (its pageSize "maximum": 20, search-listings.ts).
  readCallsPerListing: 1 / 20,
};
