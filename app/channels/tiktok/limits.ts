// TikTok Shop's rules this module follows, with where each comes from. TikTok publishes no
// machine-readable spec (simulators/contracts/SOURCES.md, "Not found"); paths and shapes follow the
// Partner API v202309 reference pages, error codes the "Common errors" page
// (partner.tiktokshop.com/docv2/page/common-errors). Numbers marked "assumption" are ours.
import type { ChannelLimits } from "../connector";

export const TIKTOK_API = "https://open-api.tiktokglobalshop.com";
export const TIKTOK_AUTH = "https://auth.tiktok-shops.com";

export const PATHS = {
  shops: "/authorization/202309/shops",
  inventoryUpdate: (productId: string) => `/product/202309/products/${encodeURIComponent(productId)}/inventory/update`,
  pricesUpdate: (productId: string) => `/product/202309/products/${encodeURIComponent(productId)}/prices/update`,
  partialEdit: (productId: string) => `/product/202309/products/${encodeURIComponent(productId)}/partial_edit`,
  inventorySearch: "/product/202309/inventory/search",
  product: (productId: string) => `/product/202309/products/${encodeURIComponent(productId)}`,
  // "Search Products" (Product API 202309): the shop's products with their SKUs, paged.
  productsSearch: "/product/202309/products/search",
  ordersSearch: "/order/202309/orders/search",
  orderDetail: "/order/202309/orders",
  shippingProviders: (deliveryOptionId: string) => `/logistics/202309/delivery_options/${encodeURIComponent(deliveryOptionId)}/shipping_providers`,
  shipPackage: (packageId: string) => `/fulfillment/202309/packages/${encodeURIComponent(packageId)}/ship`,
  updatePackageShippingInfo: (packageId: string) => `/fulfillment/202309/packages/${encodeURIComponent(packageId)}/shipping_info/update`,
  cancelOrder: "/return_refund/202309/cancellations",
  returnsSearch: "/return_refund/202309/returns/search",
  // "Search FBT Inventory" (FBT API 202408): TikTok's own stock of the SKUs it fulfils.
  fbtInventorySearch: "/fbt/202408/inventory/search",
  // Get / Update Shop Webhook (Event API 202309): the shop's webhook address per event type.
  webhooks: "/event/202309/webhooks",
  tokenRefresh: "/api/v2/token/refresh",
} as const;

/** Envelope codes (`{ code, message, request_id, data }`, 0 = success), from "Common errors". */
export const TIKTOK_CODES = {
  success: 0,
  /** "Too many requests. You've made too many requests in a short period of time." (HTTP 429) */
  tooManyRequests: 36009002,
  /** "Internal error. Please try again." */
  internalError: 36009003,
  /** "Invalid credentials. The access token is invalid." */
  accessTokenInvalid: 105001,
  /** "Expired credentials. The 'access_token' or 'x-tts-access-token' header has expired." */
  accessTokenExpired: 105002,
  /** "Invalid credentials. The 'sign' query parameter is invalid." A wrong app secret looks like this. */
  signatureInvalid: 106001,
} as const;

export const AUTH_FAILURE_CODES: ReadonlySet<number> = new Set([
  TIKTOK_CODES.accessTokenInvalid,
  TIKTOK_CODES.accessTokenExpired,
  TIKTOK_CODES.signatureInvalid,
]);
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([TIKTOK_CODES.tooManyRequests, TIKTOK_CODES.internalError]);

/** Search Products: page_size "The number of results to be returned per page. Valid range: [1-100]" (SDK's ProductsSearchPost). */
export const PRODUCTS_PAGE_SIZE = 100;

/** Search Orders: page_size "1-100" (Order API v202309 reference). */
export const ORDERS_PAGE_SIZE = 100;

/** Renew the access token this long before TikTok's access_token_expire_in says it ends. */
export const TOKEN_RENEW_MARGIN_MS = 5 * 60_000;

export const TIKTOK_LIMITS: ChannelLimits = {
  // One inventory/price call carries the SKUs of one product; a product has at most 100 SKUs
  // (assumption, from the product creation limits), so the engine's batch is split by product here.
  maxBatch: 100,
  // Assumption: TikTok rate-limits per app and shop without publishing numbers; 10/s, burst 20.
  requestsPerSecond: 10,
  burst: 20,
  // One call per product (its externalId) in the push.
  callsPerPush: (listings) => new Set(listings.map((l) => l.externalId ?? l.channelSku)).size,
  // The drift read: a search page of 100 products, their SKUs' quantity, price and status in it
  // (Get Product only for one that does not sell); one SKU a product at most (assumption).
  readCallsPerListing: 1 / PRODUCTS_PAGE_SIZE,
};
