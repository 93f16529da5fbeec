// TikTok Shop's ORDER_STATUS_CHANGE webhook (type 1): Anchorline sets the shop's address to
// /notifications/<channel> when the account is connected (Update Shop Webhook, Event API 202309:
// PUT /event/202309/webhooks { address, event_type }, shop-scoped). TikTok signs each delivery with
// the app's secret: the Authorization header (no scheme) is the lowercase hex HMAC-SHA256 of
// app_key + the raw body (TikTok Shop's "Webhook signature" rule). The event names the order and
// its new status, not its lines, so the import job reads it with Get Order Detail (orders.ts, fetchOrder).
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { OrderNotificationDestination } from "../connector";
import type { OrderNotificationAuth } from "../module";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient, TikTokCredentials } from "./client";
import { PATHS } from "./limits";

export const TIKTOK_NOTIFICATION_AUTH: OrderNotificationAuth = { header: "authorization", signsBody: true, subscribedAtConnect: true };

/** The webhook topic whose events name an order whose status changed ("type": 1 in its deliveries). */
const ORDER_STATUS_CHANGE = { eventType: "ORDER_STATUS_CHANGE", type: 1 } as const;

/** An ORDER_STATUS_CHANGE delivery, the fields Anchorline reads. */
const OrderStatusChangeSchema = z.object({
  type: z.literal(ORDER_STATUS_CHANGE.type),
  data: z.object({ order_id: z.string().min(1) }),
});

/** The order an ORDER_STATUS_CHANGE names; null when the body is not one. */
export function orderIdsInNotification(body: unknown): string[] | null {
  const event = OrderStatusChangeSchema.safeParse(body);
  return event.success ? [event.data.data.order_id] : null;
}

/** Whether `signature` is TikTok's for this raw body: hex HMAC-SHA256(app secret, app_key + body), compared in constant time. */
export function webhookSignatureMatches(credentials: Pick<TikTokCredentials, "appKey" | "appSecret">, signature: string, rawBody: string): boolean {
  const expected = createHmac("sha256", credentials.appSecret)
    .update(credentials.appKey + rawBody, "utf8")
    .digest();
  // Hex decoded, so the comparison is of two 32-byte digests whatever was sent (a wrong length never matches).
  const given = /^[0-9a-f]{64}$/i.test(signature.trim()) ? Buffer.from(signature.trim(), "hex") : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const ShopWebhooksSchema = z.object({
  webhooks: z.array(z.object({ event_type: z.string(), address: z.string() })).default([]),
});

/** The shop's webhooks (Get Shop Webhooks). */
async function shopWebhooks(client: TikTokClient, retry: RetryOptions) {
  return ShopWebhooksSchema.parse(await withRetry(() => client.request<unknown>({ method: "GET", path: PATHS.webhooks }), retry)).webhooks;
}

/** ORDER_STATUS_CHANGE set to the destination, once: already there, nothing is sent (Update Shop Webhook replaces the address otherwise). */
export async function subscribeToOrderNotifications(client: TikTokClient, retry: RetryOptions, destination: OrderNotificationDestination): Promise<void> {
  if ((await shopWebhooks(client, retry)).some((w) => w.event_type === ORDER_STATUS_CHANGE.eventType && w.address === destination.url)) return;
  await withRetry(
    () => client.request({ method: "PUT", path: PATHS.webhooks, body: { address: destination.url, event_type: ORDER_STATUS_CHANGE.eventType } }),
    retry,
  );
}

/**
 * ORDER_STATUS_CHANGE removed (Delete Shop Webhook, body `{ event_type }`) where it still points at
 * the destination, once: set to another address (the shop connected elsewhere since), it is left.
 */
export async function unsubscribeFromOrderNotifications(client: TikTokClient, retry: RetryOptions, destination: { url: string }): Promise<void> {
  const ours = (await shopWebhooks(client, retry)).some((w) => w.event_type === ORDER_STATUS_CHANGE.eventType && w.address === destination.url);
  if (!ours) return;
  await withRetry(() => client.request({ method: "DELETE", path: PATHS.webhooks, body: { event_type: ORDER_STATUS_CHANGE.eventType } }), retry);
}
