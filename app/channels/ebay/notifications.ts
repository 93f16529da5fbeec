// eBay's Notification API (commerce/notification/v1; simulators/contracts/ebay-sell/
// commerce_notification_v1_oas3.json): the ORDER_CONFIRMATION topic ("sent when a buyer completes
// the checkout process", one per line item; order_confirmation.yaml, added in Notification API
// 1.6.6) sent to /notifications/<channel>.
//
// At connect: a destination for that URL, made as the application (application token), which eBay
// takes only after the endpoint answered its challenge (the route answers it, with
// EBAY_NOTIFICATION_AUTH.endpointChallenge and the channel's notification key as the verification
// token); then ORDER_CONFIRMATION subscribed to it as the seller (the seller's user token: a
// seller's topic, subscribed with the authorization code grant since Notification API 1.2.0).
//
// Each delivery carries X-EBAY-SIGNATURE: base64 of `{ alg: "ecdsa", kid, signature, digest:
// "SHA1" }`, an ECDSA signature of the body with eBay's key, fetched by kid with getPublicKey (as
// the application) and kept, as eBay's event-notification SDKs do (event-notification-nodejs-sdk,
// lib/validator.js: ssl3-sha1 over the message, the key's PEM armour given line breaks). eBay signs
// for every seller with the same key: a genuine notification of another seller replayed here only
// names an order this account's getOrders does not find.
//
// The notification names the order only; the import job reads it with getOrders and the orderIds
// filter, which is what the topic's description says to do ("issues a GetOrders call (using the
// orderId as an input filter)").
import { verify } from "node:crypto";
import { z } from "zod";
import type { ImportedOrder, OrderNotificationDestination } from "../connector";
import { ChannelError } from "../connector";
import type { OrderNotificationAuth } from "../module";
import { readOrder } from "../order-reading";
import type { EbayConnectorContext } from "./context";
import { orderWithItsLife } from "./order-reads";
import type { EbayOrderPage } from "./orders";

const ORDER_CONFIRMATION = { topicId: "ORDER_CONFIRMATION", schemaVersion: "1.0" } as const;
/** SubscriptionPayloadDetail: "JSON is currently the only supported format", "HTTPS is currently the only supported delivery protocol". */
const PAYLOAD = { format: "JSON", schemaVersion: ORDER_CONFIRMATION.schemaVersion, deliveryProtocol: "HTTPS" } as const;
/** getDestinations/getSubscriptions "limit ... Range is from 10-100". */
const PAGE_LIMIT = "100";
/** DestinationRequest.name: at most 64 characters (error 195016). */
const DESTINATION_NAME = "Anchorline order notifications";

const sha256Hex = async (text: string) =>
  [...new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");

export const EBAY_NOTIFICATION_AUTH: OrderNotificationAuth = {
  header: "x-ebay-signature",
  signsBody: true,
  subscribedAtConnect: true,
  // "challengeResponse": hex SHA-256 of challengeCode + verificationToken + endpoint, in that order
  // (Notification API overview; event-notification-nodejs-sdk generateChallengeResponse). WebCrypto,
  // not node:crypto: the module (and so this) is read by the Channels screen too.
  endpointChallenge: {
    parameter: "challenge_code",
    answer: async (challenge, key, endpoint) => ({ challengeResponse: await sha256Hex(challenge + key + endpoint) }),
  },
};

/** An ORDER_CONFIRMATION delivery, the fields Anchorline reads. */
const OrderConfirmationSchema = z.object({
  metadata: z.object({ topic: z.literal(ORDER_CONFIRMATION.topicId) }),
  notification: z.object({ data: z.object({ orderId: z.string().min(1) }) }),
});

/** The order an ORDER_CONFIRMATION names; null when the body is not one. */
export function orderIdsInNotification(body: unknown): string[] | null {
  const event = OrderConfirmationSchema.safeParse(body);
  return event.success ? [event.data.notification.data.orderId] : null;
}

/** X-EBAY-SIGNATURE once base64-decoded. */
const SignatureHeaderSchema = z.object({
  alg: z.string().regex(/^ecdsa$/i),
  // Key ids are eBay's UUIDs; anything else is not looked up.
  kid: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  signature: z.string().min(1),
  digest: z.string().regex(/^sha-?1$/i),
});

const PublicKeySchema = z.object({ key: z.string().min(1), algorithm: z.string().optional(), digest: z.string().optional() });

/**
 * eBay's public keys by id, shared by every eBay connector of the process (the keys are eBay's,
 * not an account's); a few, as the SDK's LRU of 100 holds: eBay rotates them rarely.
 */
const publicKeys = new Map<string, string>();
const PUBLIC_KEYS_KEPT = 100;

/**
 * Key ids not kept yet looked up in the last minute, per process. Our choice: eBay signs with a
 * handful of keys and rotates them rarely, while each made-up kid in a forged header would be a
 * getPublicKey call on the application's quota; past this many a minute, an unknown kid is refused
 * unread (401), and eBay sends a genuine notification again later.
 */
const NEW_KEY_LOOKUPS_PER_MINUTE = 10;
let newKeyLookups: number[] = [];

/** Forgets the keys read so far and the lookups counted (tests). */
export function forgetEbayPublicKeys(): void {
  publicKeys.clear();
  newKeyLookups = [];
}

/** eBay's key of this id as PEM, read once (getPublicKey, as the application); null when eBay knows no such key. */
async function publicKeyPem(context: EbayConnectorContext, kid: string): Promise<string | null> {
  const kept = publicKeys.get(kid);
  if (kept) return kept;
  const now = context.now();
  newKeyLookups = newKeyLookups.filter((at) => now - at < 60_000);
  if (newKeyLookups.length >= NEW_KEY_LOOKUPS_PER_MINUTE) return null;
  newKeyLookups.push(now);
  let answer: unknown;
  try {
    answer = await context.client.callAsApplication("getPublicKey", (api) => api.commerce.notification.getPublicKey(kid));
  } catch (error) {
    // 404 195001 "The specified key id is invalid": a forged kid, not a failure of ours.
    if (error instanceof ChannelError && error.details.status === 404) return null;
    throw error;
  }
  const { key } = PublicKeySchema.parse(answer);
  // eBay sends the PEM on one line ("-----BEGIN PUBLIC KEY-----MFkw...-----END PUBLIC KEY-----").
  const pem = key.replace(/-----BEGIN PUBLIC KEY-----\s*/, "-----BEGIN PUBLIC KEY-----\n").replace(/\s*-----END PUBLIC KEY-----/, "\n-----END PUBLIC KEY-----");
  if (publicKeys.size >= PUBLIC_KEYS_KEPT) publicKeys.delete(publicKeys.keys().next().value!);
  publicKeys.set(kid, pem);
  return pem;
}

/** The header's fields, or null when it is not eBay's base64 JSON. */
function signatureHeader(header: string) {
  try {
    const parsed = SignatureHeaderSchema.safeParse(JSON.parse(Buffer.from(header.trim(), "base64").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether ECDSA-with-SHA-1 `signature` (base64 DER) is `pem`'s over `text`; a malformed key or signature never matches. */
export function ecdsaSha1Matches(pem: string, text: string, signature: string): boolean {
  try {
    return verify("sha1", Buffer.from(text, "utf8"), { key: pem, dsaEncoding: "der" }, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/**
 * Whether X-EBAY-SIGNATURE is eBay's over this raw body. The raw body is what eBay signed; eBay's
 * SDKs verify the parsed body serialised again (JSON.stringify), which is the same text for the
 * compact JSON eBay sends, and is tried second so a body eBay spaced differently still verifies.
 */
export async function notificationSignatureMatches(context: EbayConnectorContext, header: string, rawBody: string): Promise<boolean> {
  const signature = signatureHeader(header);
  if (!signature) return false;
  const pem = await publicKeyPem(context, signature.kid);
  if (!pem) return false;
  if (ecdsaSha1Matches(pem, rawBody, signature.signature)) return true;
  try {
    const reserialised = JSON.stringify(JSON.parse(rawBody));
    return reserialised !== rawBody && ecdsaSha1Matches(pem, reserialised, signature.signature);
  } catch {
    return false;
  }
}

/** One order read whole by its id, as a poll would deliver it; null when this account has none such. */
export async function fetchOrder(context: EbayConnectorContext, orderId: string): Promise<ImportedOrder | null> {
  const page = (await context.client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ orderIds: orderId }))) as EbayOrderPage;
  const order = page.orders?.find((o) => o.orderId === orderId);
  if (!order) return null;
  return readOrder(
    order,
    (raw) => orderWithItsLife(raw),
    (raw) => raw.orderId,
  );
}

const DestinationsSchema = z.object({
  next: z.string().optional(),
  destinations: z
    .array(
      z.object({
        destinationId: z.string(),
        status: z.string().optional(),
        deliveryConfig: z.object({ endpoint: z.string().optional(), verificationToken: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

const SubscriptionsSchema = z.object({
  next: z.string().optional(),
  subscriptions: z
    .array(z.object({ subscriptionId: z.string(), topicId: z.string(), status: z.string().optional(), destinationId: z.string().optional() }))
    .default([]),
});

/** The continuation_token of a page's `next` URL, if there is a next page. */
const continuationOf = (next: string | undefined) =>
  next ? (new URL(next, "https://api.ebay.com").searchParams.get("continuation_token") ?? undefined) : undefined;

/** The application's destination for this URL, if it has one (getDestinations, every page). */
async function destinationFor(context: EbayConnectorContext, url: string) {
  let continuationToken: string | undefined;
  do {
    const page = DestinationsSchema.parse(
      await context.client.callAsApplication("getDestinations", (api) => api.commerce.notification.getDestinations({ limit: PAGE_LIMIT, continuationToken })),
    );
    const found = page.destinations.find((d) => d.deliveryConfig?.endpoint === url);
    if (found) return found;
    continuationToken = continuationOf(page.next);
  } while (continuationToken);
  return undefined;
}

/** The seller's ORDER_CONFIRMATION subscriptions (getSubscriptions as the seller, every page). */
async function orderConfirmationSubscriptions(context: EbayConnectorContext) {
  const found: z.infer<typeof SubscriptionsSchema>["subscriptions"] = [];
  let continuationToken: string | undefined;
  do {
    const page = SubscriptionsSchema.parse(
      await context.client.call("getSubscriptions", (api) => api.commerce.notification.getSubscriptions({ limit: PAGE_LIMIT, continuationToken })),
    );
    found.push(...page.subscriptions.filter((s) => s.topicId === ORDER_CONFIRMATION.topicId));
    continuationToken = continuationOf(page.next);
  } while (continuationToken);
  return found;
}

/**
 * eBay takes no destination or subscription before the application has an alert email (409 195003,
 * "Please provide configurations required for notifications"): the keyset's developer sets it once
 * under Alerts & Notifications on developer.ebay.com. Said in words; the account is polled meanwhile.
 */
async function configured<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ChannelError) || error.details.code !== "195003") throw error;
    throw new ChannelError(
      "eBay sends no order notifications until the app's eBay keyset has an alert email: set it under Alerts & Notifications on developer.ebay.com; orders are polled meanwhile",
      { status: error.details.status, retryable: false, code: error.details.code },
    );
  }
}

/**
 * ORDER_CONFIRMATION sent to the destination, once. The destination for the URL is made (or set
 * right: enabled, with this channel's verification token); eBay validates it with the challenge
 * the route answers. A seller has one subscription per topic: one enabled to this destination is
 * kept, any other (disabled, or to an old destination) is deleted and made again.
 */
export async function subscribeToOrderNotifications(context: EbayConnectorContext, destination: OrderNotificationDestination): Promise<void> {
  return configured(() => subscribe(context, destination));
}

async function subscribe(context: EbayConnectorContext, destination: OrderNotificationDestination): Promise<void> {
  const request = { name: DESTINATION_NAME, status: "ENABLED", deliveryConfig: { endpoint: destination.url, verificationToken: destination.key } };
  let current = await destinationFor(context, destination.url);
  if (!current) {
    await context.client.callAsApplication("createDestination", (api) => api.commerce.notification.createDestination(request));
    // createDestination answers 201 with the id in a Location header only; the list names it.
    current = await destinationFor(context, destination.url);
    if (!current) throw new ChannelError("eBay createDestination: the destination made is not listed", { retryable: true });
  } else if (current.status !== "ENABLED" || current.deliveryConfig?.verificationToken !== destination.key) {
    const destinationId = current.destinationId;
    await context.client.callAsApplication("updateDestination", (api) => api.commerce.notification.updateDestination(destinationId, request));
  }
  const destinationId = current.destinationId;
  const subscriptions = await orderConfirmationSubscriptions(context);
  if (subscriptions.some((s) => s.destinationId === destinationId && s.status === "ENABLED")) return;
  for (const stale of subscriptions)
    await context.client.call("deleteSubscription", (api) => api.commerce.notification.deleteSubscription(stale.subscriptionId));
  await context.client.call("createSubscription", (api) =>
    api.commerce.notification.createSubscription({ topicId: ORDER_CONFIRMATION.topicId, status: "ENABLED", destinationId, payload: PAYLOAD }),
  );
}

/**
 * The seller's ORDER_CONFIRMATION subscriptions to this URL's destination deleted, then the
 * destination (eBay refuses to delete one in use), once: none left is done. A subscription the
 * seller has to another destination (connected elsewhere since) is left.
 */
export async function unsubscribeFromOrderNotifications(context: EbayConnectorContext, destination: Pick<OrderNotificationDestination, "url">): Promise<void> {
  const current = await destinationFor(context, destination.url);
  if (!current) return;
  for (const s of await orderConfirmationSubscriptions(context)) {
    if (s.destinationId === current.destinationId)
      await context.client.call("deleteSubscription", (api) => api.commerce.notification.deleteSubscription(s.subscriptionId));
  }
  await context.client.callAsApplication("deleteDestination", (api) => api.commerce.notification.deleteDestination(current.destinationId));
}
