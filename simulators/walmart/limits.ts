// Per-seller call budgets, one token bucket per (account, operation). Walmart publishes its
// limits per API on developer.walmart.com ("Rate limiting"); the ones we could verify are cited,
// the others are our assumptions and say so. `rateLimitScale` multiplies every budget so the demo
// and tests can hit the limits in seconds.
const PER_HOUR = 1 / 3600;
const PER_MINUTE = 1 / 60;

export interface Budget {
  /** Tokens per second. */
  rate: number;
  burst: number;
}

export const WALMART_BUDGETS: Record<string, Budget> = {
  // "Calls are limited to 10 calls per hour" for the bulk inventory feed
  // (developer.walmart.com/cl-marketplace/docs/bulk-inventory-update; the US page points to the
  // same rate-limiting table). Walmart replenishes hourly budgets gradually, as a bucket does.
  "feed:inventory": { rate: 10 * PER_HOUR, burst: 10 },
  // Assumption: the price feed shares the inventory feed's 10 per hour.
  "feed:price": { rate: 10 * PER_HOUR, burst: 10 },
  // Assumption: item feeds (Bulk Item Setup) share the inventory feed's 10 per hour.
  "feed:MP_MAINTENANCE": { rate: 10 * PER_HOUR, burst: 10 },
  // Assumptions (not verified): single-item updates and reads at 300 per minute.
  getAnItem: { rate: 300 * PER_MINUTE, burst: 300 },
  // Assumption (not verified): the catalog read shares getAnItem's 300 per minute. Walmart's
  // Item management requests table (developer.walmart.com/us-marketplace/docs/item-management-available-requests)
  // gives its neighbours 100 to 900 per minute; the row for All items could not be read from here.
  getAllItems: { rate: 300 * PER_MINUTE, burst: 300 },
  updateInventoryForAnItem: { rate: 300 * PER_MINUTE, burst: 300 },
  updatePrice: { rate: 300 * PER_MINUTE, burst: 300 },
  getInventory: { rate: 300 * PER_MINUTE, burst: 300 },
  // Assumption (not verified): the multi-item inventory read shares getInventory's 300 per minute.
  getMultiNodeInventoryForAllSkuAndAllShipNodes: { rate: 300 * PER_MINUTE, burst: 300 },
  getFeedItemStatus: { rate: 600 * PER_MINUTE, burst: 600 },
  getAllFeedStatuses: { rate: 600 * PER_MINUTE, burst: 600 },
  getAllOrders: { rate: 300 * PER_MINUTE, burst: 300 },
  // Assumptions (not verified): the seller's order actions share the orders reads' 300 per minute.
  getAnOrder: { rate: 300 * PER_MINUTE, burst: 300 },
  shippingUpdates: { rate: 300 * PER_MINUTE, burst: 300 },
  cancelOrderLines: { rate: 300 * PER_MINUTE, burst: 300 },
  // Assumption (not verified): the returns read shares the orders reads' 300 per minute.
  getReturns: { rate: 300 * PER_MINUTE, burst: 300 },
  // Assumption (not verified): the WFS inventory read shares the inventory reads' 300 per minute.
  getWFSInventory: { rate: 300 * PER_MINUTE, burst: 300 },
  // Assumption (not verified): the Notifications API's subscription calls at 300 per minute.
  createSubscription: { rate: 300 * PER_MINUTE, burst: 300 },
  getAllSubscriptions: { rate: 300 * PER_MINUTE, burst: 300 },
  deleteSubscription: { rate: 300 * PER_MINUTE, burst: 300 },
  token: { rate: 600 * PER_MINUTE, burst: 600 },
};

export function budgetFor(key: string, scale: number): Budget {
  const base = WALMART_BUDGETS[key] ?? { rate: 300 * PER_MINUTE, burst: 300 };
  return { rate: base.rate * scale, burst: Math.max(1, Math.floor(base.burst * scale)) };
}
