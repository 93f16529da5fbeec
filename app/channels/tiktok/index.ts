// TikTok Shop connector: the Connector interface over the Partner API v202309.
import { ChannelError, type Connector, type ConnectorConfig, type ListingSnapshot } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import { TikTokClient, type TikTokCredentials, type TikTokTokens } from "./client";
import { pushContent } from "./content";
import { fetchFbtStock } from "./fbt-inventory";
import { PATHS, TIKTOK_API, TIKTOK_AUTH, TIKTOK_LIMITS } from "./limits";
import { readListings } from "./listings";
import { cancelOrder, confirmShipment } from "./order-actions";
import { orderIdsInNotification, subscribeToOrderNotifications, unsubscribeFromOrderNotifications, webhookSignatureMatches } from "./notifications";
import { fetchOrder, fetchOrders } from "./orders";
import { pushPrices, pushQuantities, type PushContext } from "./pushes";

export interface TikTokConnectorOptions {
  retry?: RetryOptions;
  /** Called with rotated tokens; store them, or the next connector starts from stale ones. */
  onTokens?: (tokens: TikTokTokens) => void | Promise<void>;
  now?: () => number;
  /** Products per readListings page, 1-100 (default 100, TikTok's most). */
  listingsPageSize?: number;
}

const REQUIRED = ["appKey", "appSecret", "shopCipher", "accessToken", "refreshToken"] as const;

function credentialsOf(config: ConnectorConfig): TikTokCredentials {
  const c = config.credentials;
  const missing = REQUIRED.filter((name) => !c[name]);
  if (missing.length) throw new ChannelError(`TikTok Shop credentials lack ${missing.join(", ")}`, { retryable: false, authFailed: true });
  const expiresAt = Number(c.accessTokenExpiresAt);
  return {
    appKey: c.appKey,
    appSecret: c.appSecret,
    shopCipher: c.shopCipher,
    accessToken: c.accessToken,
    refreshToken: c.refreshToken,
    accessTokenExpiresAt: Number.isFinite(expiresAt) && expiresAt > 0 ? expiresAt : undefined,
  };
}

interface InventorySearchAnswer {
  inventory?: Array<{ product_id: string; skus?: Array<{ id: string; total_available_quantity?: number }> }>;
}

interface ProductAnswer {
  status?: string;
  skus?: Array<{ id: string; price?: { sale_price?: string; tax_exclusive_price?: string } }>;
}

export function createTikTokConnector(config: ConnectorConfig, options: TikTokConnectorOptions = {}): Connector {
  const client = new TikTokClient(
    config.endpoints?.api ?? TIKTOK_API,
    config.endpoints?.auth ?? TIKTOK_AUTH,
    credentialsOf(config),
    options.onTokens,
    options.now,
  );
  const retry = options.retry ?? {};
  const context: PushContext = { client, retry };

  return {
    kind: "tiktok",
    limits: TIKTOK_LIMITS,

    async testConnection() {
      try {
        const answer = await withRetry(
          () => client.request<{ shops?: Array<{ cipher?: string }> }>({ method: "GET", path: PATHS.shops, shopScoped: false }),
          retry,
        );
        const cipher = credentialsOf(config).shopCipher;
        return answer.shops?.some((s) => s.cipher === cipher)
          ? { ok: true }
          : { ok: false, message: "The shop is not among the shops this app is authorized for" };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },

    pushQuantities: (updates) => pushQuantities(context, updates),
    pushPrices: (updates) => pushPrices(context, updates),

    pushContent: (updates) => pushContent(context, updates),

    fetchOrders: (since) => fetchOrders(client, since, retry, options.now?.()),
    // ORDER_STATUS_CHANGE webhooks (notifications.ts): signed with the app secret, naming the order.
    notificationSignatureMatches: (signature, rawBody) => webhookSignatureMatches(credentialsOf(config), signature, rawBody),
    orderIdsInNotification,
    fetchOrder: (orderId) => fetchOrder(client, orderId, retry),
    subscribeToOrderNotifications: (destination) => subscribeToOrderNotifications(client, retry, destination),
    unsubscribeFromOrderNotifications: (destination) => unsubscribeFromOrderNotifications(client, retry, destination),

    confirmShipment: (shipment) => confirmShipment(client, retry, shipment),
    cancelOrder: (cancellation) => cancelOrder(client, retry, cancellation),

    // The shop's existing products, a listing per SKU, for discovery (listings.ts).
    readListings: (pageToken, read) => readListings(client, retry, pageToken, options.listingsPageSize, read),

    // Fulfilled by TikTok SKUs' own stock in TikTok's warehouses (fbt-inventory.ts).
    fetchMarketplaceStock: () => fetchFbtStock(client, retry),

    async fetchListing(channelSku): Promise<ListingSnapshot | null> {
      const found = await withRetry(
        () => client.request<InventorySearchAnswer>({ method: "POST", path: PATHS.inventorySearch, body: { sku_ids: [channelSku] } }),
        retry,
      );
      const product = found.inventory?.find((p) => p.skus?.some((s) => s.id === channelSku));
      if (!product) return null;
      const quantity = product.skus!.find((s) => s.id === channelSku)!.total_available_quantity ?? null;
      const detail = await withRetry(() => client.request<ProductAnswer>({ method: "GET", path: PATHS.product(product.product_id) }), retry);
      const price = detail.skus?.find((s) => s.id === channelSku)?.price;
      const amount = price?.tax_exclusive_price ?? price?.sale_price;
      return { channelSku, quantity, priceCents: amount ? Math.round(Number(amount) * 100) : null, status: detail.status ?? null };
    },
  };
}
