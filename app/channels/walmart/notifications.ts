// Walmart's Notifications API (walmart-marketplace-notifications-openapi-original.yml): Anchorline
// subscribes PO_CREATED (resource ORDER, V1) to /notifications/<channel> when the account is
// connected, with BASIC_AUTH: Walmart then sends "BASE64 encoding of userName and password" under
// authHeaderName with each event (createSubscription's description). The event names the PO but
// carries no prices or statuses (developer.walmart.com/us-marketplace/docs/purchase-order-po-created-event),
// so the import job reads it whole with getAnOrder; the route only reads its id.
import { z } from "zod";
import type { OrderNotificationDestination } from "../connector";
import type { OrderNotificationAuth } from "../module";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";

/** The user name Anchorline sets in its subscriptions; the password is the channel's notification key. */
const NOTIFICATION_USER = "anchorline";

export const WALMART_NOTIFICATION_AUTH: OrderNotificationAuth = {
  header: "authorization",
  // btoa, not Buffer: the module (and so this) is read by the Channels screen too.
  expectedValue: (key) => btoa(`${NOTIFICATION_USER}:${key}`),
  subscribedAtConnect: true,
};

const PO_CREATED = { eventType: "PO_CREATED", eventVersion: "V1", resourceName: "ORDER" } as const;

/** The PO_CREATED event, the fields Anchorline reads. */
const PoCreatedEventSchema = z.object({
  source: z.object({ eventType: z.literal("PO_CREATED") }),
  payload: z.object({ purchaseOrderId: z.string().min(1) }),
});

/** The PO a PO_CREATED event names; null when the body is not one. */
export function purchaseOrderIdsInNotification(body: unknown): string[] | null {
  const event = PoCreatedEventSchema.safeParse(body);
  return event.success ? [event.data.payload.purchaseOrderId] : null;
}

const SubscriptionsSchema = z.object({
  events: z
    .array(
      z.object({
        subscriptionId: z.string(),
        eventType: z.string(),
        eventUrl: z.string().optional(),
        status: z.string().optional(),
        authDetails: z.object({ authMethod: z.string().optional(), userName: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

/**
 * PO_CREATED subscribed to the destination, once: an ACTIVE subscription of Anchorline's to this URL
 * is kept; another one to it (inactive, or made with other details) is deleted and made again.
 */
/** The account's PO_CREATED subscriptions to this URL. */
async function subscriptionsTo(client: WalmartClient, retry: RetryOptions, url: string) {
  const listed = SubscriptionsSchema.parse(
    await withRetry(() => client.request<unknown>({ method: "GET", path: "/v3/webhooks/subscriptions", query: { eventType: PO_CREATED.eventType } }), retry),
  );
  return listed.events.filter((s) => s.eventUrl === url);
}

async function deleteSubscription(client: WalmartClient, retry: RetryOptions, subscriptionId: string) {
  await withRetry(() => client.request({ method: "DELETE", path: `/v3/webhooks/subscriptions/${encodeURIComponent(subscriptionId)}` }), retry);
}

export async function subscribeToOrderNotifications(client: WalmartClient, retry: RetryOptions, destination: OrderNotificationDestination): Promise<void> {
  const ours = await subscriptionsTo(client, retry, destination.url);
  const current = ours.find((s) => s.status === "ACTIVE" && s.authDetails?.authMethod === "BASIC_AUTH" && s.authDetails.userName === NOTIFICATION_USER);
  if (current) return;
  for (const stale of ours) await deleteSubscription(client, retry, stale.subscriptionId);
  const event = {
    ...PO_CREATED,
    eventUrl: destination.url,
    status: "ACTIVE",
    authDetails: { authMethod: "BASIC_AUTH", authHeaderName: "Authorization", userName: NOTIFICATION_USER, password: destination.key },
    headers: { "content-type": "application/json" },
  };
  await withRetry(() => client.request({ method: "POST", path: "/v3/webhooks/subscriptions", json: { events: [event] } }), retry);
}

/** Every PO_CREATED subscription to the destination deleted (deleteSubscription), once: none left is done. */
export async function unsubscribeFromOrderNotifications(client: WalmartClient, retry: RetryOptions, destination: { url: string }): Promise<void> {
  for (const subscription of await subscriptionsTo(client, retry, destination.url)) await deleteSubscription(client, retry, subscription.subscriptionId);
}
