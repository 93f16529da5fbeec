import type { PrismaClient } from "@prisma/client";
import { connectorForChannel } from "~/channels/registry.server";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { enqueueNow } from "~/lib/enqueue-now.server";
import { derivedSecret, secretMatches } from "~/lib/secrets.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";

// Marketplace notifications (Amazon's ORDER_CHANGE through an EventBridge API destination) arrive
// at /notifications/<channel id> with the channel's notification key in a header. The key is
// derived from the encryption key, so there is nothing to store; the merchant's AWS set-up (the
// API destination's connection) sends it. A notification is checked here and queued, and the
// order-import worker imports the orders it carries.

/** The header an EventBridge API destination's API-key connection is set up to send. */
export const NOTIFICATION_KEY_HEADER = "x-anchorline-notification-key";

export function notificationKey(channelId: string): string {
  return derivedSecret(`marketplace-notifications:${channelId}`);
}

/** Whether `key` is the channel's notification key; the route asks before it reads the body. */
export function notificationKeyMatches(channelId: string, key: string | null): boolean {
  return secretMatches(key, notificationKey(channelId));
}

export type NotificationOutcome =
  { status: "queued"; orders: number } | { status: "ignored"; reason: string } | { status: "unauthorized" } | { status: "rejected"; reason: string };

export async function receiveMarketplaceNotification(
  input: { channelId: string; key: string | null; rawBody: string },
  deps: { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<NotificationOutcome> {
  if (!notificationKeyMatches(input.channelId, input.key)) {
    logger.warn({ channelId: input.channelId }, "marketplace notification refused: wrong or missing key");
    return { status: "unauthorized" };
  }
  let body: unknown;
  try {
    body = JSON.parse(input.rawBody);
  } catch {
    logger.warn({ channelId: input.channelId }, "marketplace notification rejected: body is not JSON");
    return { status: "rejected", reason: "Body is not valid JSON" };
  }
  const prisma = deps.prisma ?? defaultPrisma;
  const channel = await prisma.channel.findUnique({ where: { id: input.channelId } });
  // A disconnected account's destination may still fire; answering 2xx stops the retries.
  if (!channel || channel.status === "DISCONNECTED") return { status: "ignored", reason: "the channel is not connected" };
  const connector = connectorForChannel(channel);
  const orders = connector.ordersInNotification?.(body);
  if (orders === undefined || orders === null) {
    logger.warn({ channelId: channel.id, kind: channel.kind }, "marketplace notification rejected: not an order notification this channel reads");
    return { status: "rejected", reason: `Not an order notification ${channel.name} sends` };
  }
  if (orders.length === 0) return { status: "ignored", reason: "no order of this account" };
  // Queued, not imported here: the destination wants its answer in seconds, and the worker's
  // retries cover a Shopify write-back that fails. Redis unreachable throws QueueUnavailable at
  // once (the route answers 503 and the destination sends it again).
  const queue = (deps.queues ?? defaultQueues())["order-import"];
  await enqueueNow(queue, () => queue.add("notified", { channelId: channel.id, notification: body }));
  return { status: "queued", orders: orders.length };
}
