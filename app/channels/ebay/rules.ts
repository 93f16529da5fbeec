// eBay's rules the connector obeys, each with where eBay says it. The Inventory API definition is
// the copy in simulators/contracts/ebay-sell/sell_inventory_v1_oas3.json (version 1.18.0).

/**
 * bulkUpdatePriceQuantity takes "one or more inventory items (up to 25)" per call
 * (BulkPriceQuantity.requests, Inventory API definition; "Up to 25 inventory item records ... may be
 * updated with one bulkUpdatePriceQuantity call", https://developer.ebay.com/api-docs/sell/static/inventory/bulk-updates.html).
 * The operation's own description in 1.18.0 also says "Only one SKU (one product) can be updated
 * per call", contradicting both; the request type and the guide are followed, and a per-SKU
 * answer is read for every SKU either way.
 */
export const BULK_PRICE_QUANTITY_MAX = 25;

/**
 * "Each listing can be revised up to 250 times in one calendar day. If this revision threshold is
 * reached, the seller will be blocked from revising the item until the next calendar day."
 * (bulkUpdatePriceQuantity description, Inventory API definition.)
 */
export const REVISIONS_PER_LISTING_PER_DAY = 250;

/**
 * getInventoryItems `limit`: "an integer from 1 to 200" (Inventory API definition). Each item's
 * offers are one getOffers call more (the Inventory API reads offers by SKU only), so a page of
 * 200 is up to 201 calls.
 */
export const INVENTORY_ITEMS_MAX_LIMIT = 200;

/** getOrders "limit ... Maximum: 200" (Fulfillment API definition, sell_fulfillment_v1_oas3.json). */
export const GET_ORDERS_MAX_LIMIT = 200;
/** getOrders "orderIds ... (maximum 50)" (same definition). */
export const GET_ORDERS_MAX_IDS = 50;

/**
 * Post-Order GET /return/search "limit ... Max value: 200" ("Search Returns",
 * developer.ebay.com/Devzone/post-order/post-order_v2_return_search__get.html).
 */
export const RETURN_SEARCH_MAX_LIMIT = 200;

/**
 * How far back returns are searched, by the day they were opened. The search filters by creation
 * date only (it has no last-modified filter), and a range given by one end reaches 90 days; a day
 * less, both ends given, keeps under that. A return is watched for 89 days after the buyer opened
 * it: eBay's returns are opened within 30 or 60 days of delivery and closed within weeks.
 */
export const RETURNS_WINDOW_MS = 89 * 86_400_000;

/**
 * How often returns are read. Our choice: a parcel reaches the seller days after the return is
 * opened, so an hour more is little, and the Post-Order API's quota is small and per application
 * (not in eBay's call-limits table; quoted at 5,000 calls a day for post-order.return): two
 * searches an hour for each seller account.
 */
export const RETURNS_READ_EVERY_MS = 3_600_000;

/**
 * Product field lengths, "Max Length" in each field's description (Inventory API definition):
 * title 80, subtitle 55, description 4000, brand 65, mpn 65.
 */
export const PRODUCT_TEXT_MAX_LENGTH = { title: 80, subtitle: 55, description: 4000, brand: 65, mpn: 65 } as const;
/** Product.aspects "Max Length for Aspect Name: 40", "Max Length for Aspect Value: 50". */
export const ASPECT_NAME_MAX_LENGTH = 40;
export const ASPECT_VALUE_MAX_LENGTH = 50;

/**
 * eBay publishes daily call quotas for the Sell APIs (Inventory 2,000,000, Fulfillment 100,000 a
 * day: https://developer.ebay.com/develop/api/sell/api_call_limits), not a per-second rate. 10
 * requests a second with a burst of 20 is the app's own pacing: about half of the Inventory
 * quota's daily average (23/s), leaving room for the merchant's other tools on the same account.
 */
export const REQUESTS_PER_SECOND = 10;
export const BURST = 20;

/** The scopes the seller grants the app (eBay OAuth scopes for the Sell Inventory and Fulfillment APIs). */
export const OAUTH_SCOPES = [
  "https://api.ebay.com/oauth/api_scope",
  "https://api.ebay.com/oauth/api_scope/sell.inventory",
  "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
];

/** "User access tokens ... are valid for 2 hours (7,200 seconds)" (eBay OAuth guide): used if an answer omits expires_in. */
export const USER_ACCESS_TOKEN_SECONDS = 7200;

/**
 * The application token's scope (client credentials grant): api_scope, the one the Notification
 * API's destination and public_key methods name ("OAuth scope", each method's page;
 * commerce_notification_v1_oas3.json security).
 */
export const APPLICATION_SCOPES: readonly string[] = ["https://api.ebay.com/oauth/api_scope"];
/** "Application access tokens ... are valid for 2 hours" (eBay OAuth guide, oauth-tokens.html): used if an answer omits expires_in. */
export const APPLICATION_ACCESS_TOKEN_SECONDS = 7200;

/** Refresh this long before the access token's stated expiry, so a call never carries a dying token. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/** Inventory API errorIds that heal by retrying: 25001 "A system error has occurred", 25025 "Concurrent access". */
export const RETRYABLE_ERROR_IDS = new Set([25001, 25025]);

/**
 * The 'eBay Collect and Remit' tax types that are sales taxes: "If the corresponding taxType is
 * STATE_SALES_TAX, PROVINCE_SALES_TAX, GST, VAT, or SST and the lineItems.taxes container also
 * appears for this line item with the same tax amount, the order is subject to 'eBay Collect and
 * Remit' tax" (EbayCollectAndRemitTax.amount, sell_fulfillment_v1_oas3.json). Its other types are
 * fees (recycling and the like), not a tax on the item's price.
 */
export const COLLECT_AND_REMIT_SALES_TAX_TYPES: ReadonlySet<string> = new Set(["STATE_SALES_TAX", "PROVINCE_SALES_TAX", "GST", "VAT", "SST"]);
