import type { Channel, PrismaClient } from "@prisma/client";
import { moduleOfKind } from "~/channels/registry";
import type { Connector } from "~/channels/connector";
import { connectorForChannel } from "~/channels/registry.server";
import { env } from "~/lib/env.server";
import defaultPrisma from "~/db.server";
import { isRetryable } from "~/lib/errors";
import { logger } from "~/lib/logger.server";
import { enqueueNow } from "~/lib/enqueue-now.server";
import { derivedSecret, secretMatches } from "~/lib/secrets.server";
import { addOrderNotification, queues as defaultQueues, type Queues } from "~/queues.server";

// Marketplace order notifications (Amazon's ORDER_CHANGE through the merchant's EventBridge API
// destination, and its listing changes LISTINGS_ITEM_MFN_QUANTITY_CHANGE and
// LISTINGS_ITEM_STATUS_CHANGE through the same destination, Walmart's PO_CREATED, TikTok Shop's ORDER_STATUS_CHANGE and eBay's
// ORDER_CONFIRMATION through the subscription Anchorline makes at connect) arrive at
// /notifications/<channel id>. Each marketplace's module says how its deliveries prove themselves
// (ChannelModule.orderNotificationAuth): a header holding a value made from the channel's
// notification key, derived from the encryption key, so there is nothing to store (Amazon,
// Walmart); or a signature over the raw body made with the account's credentials (TikTok Shop) or
// the marketplace's public key (eBay). A notification is checked here and queued, and the
// order-import worker imports its orders. eBay first validates the endpoint with a GET challenge,
// answered from the same key (answerEndpointChallenge).

export { NOTIFICATION_KEY_HEADER } from "~/channels/amazon/notifications";

export function notificationKey(channelId: string): string {
  return derivedSecret(`marketplace-notifications:${channelId}`);
}

/**
 * The check that needs no body: the header the channel's marketplace sends is there and, where it
 * holds a value made from the channel's notification key (Amazon, Walmart), holds that value,
 * compared in constant time. A marketplace that signs the body (TikTok Shop) is checked further by
 * bodySignatureMatches once the body is read.
 */
export function notificationAuthMatches(channel: { id: string; kind: string }, headers: Headers): boolean {
  const auth = moduleOfKind(channel.kind)?.orderNotificationAuth;
  if (!auth || !headers.get(auth.header)) return false;
  if (auth.expectedValue) return secretMatches(headers.get(auth.header), auth.expectedValue(notificationKey(channel.id)));
  return !!auth.signsBody;
}

/** Where the marketplace signs the body: whether the signature is the account's over this raw body (its connector checks, in constant time). */
async function bodySignatureMatches(channel: Channel, headers: Headers, rawBody: string): Promise<boolean> {
  const auth = moduleOfKind(channel.kind)?.orderNotificationAuth;
  if (!auth?.signsBody) return true;
  const connector = connectorForChannel(channel);
  return !!connector.notificationSignatureMatches && (await connector.notificationSignatureMatches(headers.get(auth.header) ?? "", rawBody));
}

export type NotificationOutcome =
  | { status: "queued"; orders: number; listings?: number }
  | { status: "ignored"; reason: string }
  | { status: "unauthorized" }
  | { status: "rejected"; reason: string };

/**
 * One delivery: its sender checked against the channel's marketplace before `readBody` is called
 * (a forged or unknown sender never has its body read) and, where the marketplace signs the body
 * (TikTok Shop), the signature over the raw body before it is parsed; then its orders queued.
 */
export async function receiveMarketplaceNotification(
  input: { channelId: string; headers: Headers; readBody: () => Promise<string> },
  deps: { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<NotificationOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const channel = await prisma.channel.findUnique({ where: { id: input.channelId } });
  if (!channel || !notificationAuthMatches(channel, input.headers)) {
    logger.warn({ channelId: input.channelId }, "marketplace notification refused: wrong or missing authentication");
    return { status: "unauthorized" };
  }
  // A disconnected account's destination may still fire; answering 2xx stops the retries.
  if (channel.status === "DISCONNECTED") return { status: "ignored", reason: "the channel is not connected" };
  const rawBody = await input.readBody();
  if (!(await bodySignatureMatches(channel, input.headers, rawBody))) {
    logger.warn({ channelId: input.channelId }, "marketplace notification refused: the body's signature does not match");
    return { status: "unauthorized" };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    logger.warn({ channelId: input.channelId }, "marketplace notification rejected: body is not JSON");
    return { status: "rejected", reason: "Body is not valid JSON" };
  }
  const connector = connectorForChannel(channel);
  // Read from the body alone: an order only named (Walmart) is fetched by the import job.
  const orders = connector.ordersInNotification?.(body) ?? connector.orderIdsInNotification?.(body);
  const listings = orders === undefined || orders === null ? connector.listingChangesInNotification?.(body) : undefined;
  if (listings !== undefined && listings !== null) {
    if (listings.length === 0) return { status: "ignored", reason: "no listing of this account" };
    // Judged by the drift read's worker, beside the scheduled reads (sync/drift-read.server.ts).
    const queue = (deps.queues ?? defaultQueues())["listing-reads"];
    await enqueueNow(queue, () => queue.add("listing-notified", { channelId: channel.id, notification: body }));
    return { status: "queued", orders: 0, listings: listings.length };
  }
  if (orders === undefined || orders === null) {
    logger.warn({ channelId: channel.id, kind: channel.kind }, "marketplace notification rejected: not an order notification this channel reads");
    return { status: "rejected", reason: `Not an order notification ${channel.name} sends` };
  }
  if (orders.length === 0) return { status: "ignored", reason: "no order of this account" };
  // Queued, not imported here: the destination wants its answer in seconds, and the worker's
  // retries cover a Shopify write-back that fails. Redis unreachable throws QueueUnavailable at
  // once (the route answers 503 and the destination sends it again).
  const queues = deps.queues ?? defaultQueues();
  await enqueueNow(queues["order-import"], () => addOrderNotification(queues, channel.id, body));
  return { status: "queued", orders: orders.length };
}

/**
 * A marketplace validating the channel's endpoint before it sends there (eBay's destination
 * challenge, GET ?challenge_code=…): the JSON its module makes from the challenge, the channel's
 * notification key (the verification token given when subscribing) and the endpoint's URL as it
 * was given (the app's public URL, not the address the request reached behind a proxy). null when
 * the channel is unknown or not connected, its marketplace validates no endpoint, or no challenge
 * came.
 */
export async function answerEndpointChallenge(
  input: { channelId: string; query: URLSearchParams },
  deps: { prisma?: PrismaClient; appUrl?: string } = {},
): Promise<{ status: "answered"; body: unknown } | { status: "unknown" } | { status: "rejected"; reason: string }> {
  const channel = await (deps.prisma ?? defaultPrisma).channel.findUnique({ where: { id: input.channelId } });
  const challenge = channel && moduleOfKind(channel.kind)?.orderNotificationAuth?.endpointChallenge;
  if (!channel || channel.status !== "CONNECTED" || !challenge) return { status: "unknown" };
  const code = input.query.get(challenge.parameter);
  if (!code) return { status: "rejected", reason: `No ${challenge.parameter}` };
  return { status: "answered", body: await challenge.answer(code, notificationKey(channel.id), notificationUrl(channel.id, deps.appUrl)) };
}

/** Where a channel's notifications are sent: the app's public URL and the channel's path. */
export function notificationUrl(channelId: string, appUrl = env().SHOPIFY_APP_URL): string {
  return `${appUrl.replace(/\/$/, "")}/notifications/${encodeURIComponent(channelId)}`;
}

/**
 * Subscribes a connected account's order notifications where its marketplace has an API for it
 * (Walmart), idempotently: the order-import worker's "subscribe-notifications" job, queued at
 * connect. A failure throws, and the job is retried; until it succeeds the account is polled.
 */
export async function subscribeChannelNotifications(
  channelId: string,
  deps: { prisma?: PrismaClient; appUrl?: string; connectorFor?: (channel: Channel) => Connector } = {},
): Promise<{ subscribed: boolean }> {
  const channel = await (deps.prisma ?? defaultPrisma).channel.findUnique({ where: { id: channelId } });
  if (!channel || channel.status !== "CONNECTED" || !moduleOfKind(channel.kind)?.orderNotificationAuth?.subscribedAtConnect) return { subscribed: false };
  const connector = (deps.connectorFor ?? connectorForChannel)(channel);
  if (!connector.subscribeToOrderNotifications) return { subscribed: false };
  await connector.subscribeToOrderNotifications({ url: notificationUrl(channel.id, deps.appUrl), key: notificationKey(channel.id) });
  return { subscribed: true };
}

/**
 * Removes a disconnected account's order-notification subscription (Walmart), then erases the
 * credentials that were kept for it: the order-import worker's "unsubscribe-notifications" job,
 * queued at disconnect. An account connected again meanwhile is left alone. A marketplace that
 * refuses the credentials (revoked) leaves nothing Anchorline can remove: they are erased all the
 * same. Any other failure throws, and the job is retried.
 */
export async function unsubscribeChannelNotifications(
  channelId: string,
  deps: { prisma?: PrismaClient; appUrl?: string; connectorFor?: (channel: Channel) => Connector } = {},
): Promise<{ unsubscribed: boolean }> {
  const prisma = deps.prisma ?? defaultPrisma;
  const channel = await prisma.channel.findUnique({ where: { id: channelId } });
  if (!channel || channel.status !== "DISCONNECTED" || !channel.credentialsCiphertext) return { unsubscribed: false };
  let unsubscribed = false;
  const connector = (deps.connectorFor ?? connectorForChannel)(channel);
  if (connector.unsubscribeFromOrderNotifications) {
    try {
      await connector.unsubscribeFromOrderNotifications({ url: notificationUrl(channel.id, deps.appUrl) });
      unsubscribed = true;
    } catch (error) {
      if (isRetryable(error)) throw error;
      logger.warn({ channelId: channel.id, err: error }, "order notifications of a disconnected account could not be removed; its credentials are erased");
    }
  }
  // Only the credentials this job read: new ones from a reconnect stay.
  await prisma.channel.updateMany({
    where: { id: channel.id, status: "DISCONNECTED", credentialsCiphertext: channel.credentialsCiphertext },
    data: { credentialsCiphertext: null },
  });
  return { unsubscribed };
}

/** Whether disconnecting the account leaves a subscription at its marketplace to remove. */
export function hasNotificationSubscription(channel: Pick<Channel, "kind">): boolean {
  return !!moduleOfKind(channel.kind)?.orderNotificationAuth?.subscribedAtConnect;
}

/** Queues the removal of a just-disconnected account's subscription (see unsubscribeChannelNotifications). */
export async function requestNotificationUnsubscription(channel: Pick<Channel, "id" | "kind">, queues: Queues = defaultQueues()): Promise<void> {
  if (!hasNotificationSubscription(channel)) return;
  await queues["order-import"].add("unsubscribe-notifications", { channelId: channel.id, unsubscribeNotifications: true });
}

/** Queues the subscription of a just-connected account (a no-op job where its marketplace has none). */
export async function requestNotificationSubscription(channel: Pick<Channel, "id" | "kind">, queues: Queues = defaultQueues()): Promise<void> {
  if (!moduleOfKind(channel.kind)?.orderNotificationAuth?.subscribedAtConnect) return;
  await queues["order-import"].add("subscribe-notifications", { channelId: channel.id, subscribeNotifications: true });
}
