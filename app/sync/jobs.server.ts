import type { Channel, PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import defaultPrisma from "~/db.server";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { subscribeChannelNotifications } from "~/channels/notifications.server";
import { flushDeduplicationId, orderImportSchedulerId, queues as defaultQueues, requestFlush, type Queues } from "~/queues.server";
import { logger } from "~/lib/logger.server";
import { flushChannelAccount, type FlushDeps, type FlushResult } from "./flush.server";
import { readMarketplaceStock } from "./marketplace-stock.server";
import { orderPollEveryMs } from "./order-polling";
import { importChannelOrders, importNotifiedOrders, type OrderImportDeps, type OrderImportResult } from "./orders.server";
import { SharedRateLimiter } from "./rate-limiter.server";

/**
 * How far before a flush's start a desired state may have been written and still be missed by it:
 * a recompute's write transaction stamps desiredAt when it begins, and may commit after the flush
 * read its outbox.
 */
const MISSED_WRITE_MARGIN_MS = 5_000;

/** The channel-sync worker's job: flush, then queue the next flush if work remains. */
export async function runChannelSync(
  channelId: string,
  redis: Redis,
  deps: Partial<FlushDeps> & { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<FlushResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const startedAt = new Date(Date.now() - MISSED_WRITE_MARGIN_MS);
  const result = await flushChannelAccount(channelId, { limiter: deps.limiter ?? new SharedRateLimiter(redis), prisma, connectorFor: deps.connectorFor });
  // Flushes asked for while this one ran (a recompute's, or our own continuation) were dropped:
  // BullMQ keeps a job's deduplication id until the job ends. So the job frees its id and asks
  // again itself when listings wait: retries, the rest of a long outbox, or states written meanwhile.
  const changedMeanwhile =
    result.status === "flushed" &&
    !result.more &&
    (await prisma.listing.count({ where: { channelId, syncState: "PENDING", desiredAt: { gte: startedAt } } })) > 0;
  if (result.more || changedMeanwhile) {
    const queues = deps.queues ?? defaultQueues();
    await queues["channel-sync"].removeDeduplicationKey(flushDeduplicationId(channelId));
    await requestFlush(channelId, result.retryAfterMs ?? 0, queues);
  }
  return result;
}

/** A channel account as its order polling is paced: its connector's limits, and whether its notifications are in place. */
export type PolledChannel = ConnectableChannel & Pick<Channel, "orderNotificationsAt">;

/**
 * Starts (or re-paces) the order polling of one channel account: a job scheduler keyed by the
 * account, so connecting twice keeps one schedule. The pace is the connector's own where its
 * orders API has a tight quota, and the slower safety net once the account's order notifications
 * are in place (order-polling.ts).
 */
export async function scheduleOrderImport(channel: PolledChannel, queues: Queues = defaultQueues()): Promise<void> {
  const every = orderPollEveryMs(connectorForChannel(channel).limits, channel.orderNotificationsAt !== null);
  await queues["order-import"].upsertJobScheduler(orderImportSchedulerId(channel.id), { every }, { name: "import", data: { channelId: channel.id } });
}

/**
 * The account's order notifications are in place: its marketplace confirmed the subscription made
 * at connect, or a delivery proved itself (its authentication checked by the route). Stamped once
 * (Channel.orderNotificationsAt), and its polling slowed to the safety net's pace. Whether it did.
 */
export async function noteOrderNotificationsInPlace(channelId: string, deps: { prisma?: PrismaClient; queues?: Queues } = {}): Promise<boolean> {
  const prisma = deps.prisma ?? defaultPrisma;
  const { count } = await prisma.channel.updateMany({
    where: { id: channelId, status: "CONNECTED", credentialsCiphertext: { not: null }, orderNotificationsAt: null },
    data: { orderNotificationsAt: new Date() },
  });
  if (count === 0) return false;
  const channel = await repaceOrderImport(prisma, channelId, deps.queues);
  logger.info({ channelId, kind: channel.kind }, "order notifications in place; order polling slowed to the safety net's pace");
  return true;
}

/** Schedules a connected account's polling again at the pace its stored state gives; the account. */
async function repaceOrderImport(prisma: PrismaClient, channelId: string, queues: Queues = defaultQueues()) {
  const channel = await prisma.channel.findUniqueOrThrow({ where: { id: channelId } });
  if (channel.status === "CONNECTED" && channel.credentialsCiphertext) await scheduleOrderImport(channel, queues);
  return channel;
}

/**
 * The order-import worker's job: a poll. A channel that is not connected is skipped, not failed.
 * On the same schedule, the stock the marketplace fulfils itself (FBA) is read when due
 * (marketplace-stock.server.ts, twice a day); its failure is logged and never fails the import,
 * since the orders are what keep Shopify right. A poll that finds an order the account's
 * notifications should have brought puts its polling back at the full pace (noteOrdersNoNotificationBrought).
 */
export async function runOrderImport(channelId: string, deps: OrderImportDeps = {}): Promise<OrderImportResult | null> {
  const channel = await channelState(channelId, deps);
  if (channel?.status !== "CONNECTED") return null;
  const startedAt = new Date();
  const result = await importChannelOrders(channelId, deps);
  if (channel.orderNotificationsAt && result.imported > 0) await noteOrdersNoNotificationBrought(channelId, channel.orderNotificationsAt, startedAt, deps);
  try {
    await readMarketplaceStock(channelId, { prisma: deps.prisma, connectorFor: deps.connectorFor });
  } catch (error) {
    logger.warn({ channelId, err: error }, "marketplace-fulfilled stock not read; tried again on the next import");
  }
  return result;
}

/**
 * How long after a sale its notification may still be on the way: marketplaces deliver in seconds
 * and retry a failed delivery for minutes. A poll that finds an order older than this, placed while
 * the account's notifications were in place, found one they lost.
 */
export const NOTIFICATION_GRACE_MS = 5 * 60_000;

/**
 * After a poll of an account whose notifications are in place: if it imported an order placed
 * since they were, more than NOTIFICATION_GRACE_MS before the poll, its notification was lost (a
 * subscription dropped, a destination removed, deliveries given up). The account is no longer taken
 * as notified: it is polled at the full pace again until a delivery proves itself once more.
 * Whether it was.
 */
async function noteOrdersNoNotificationBrought(channelId: string, inPlaceSince: Date, pollStartedAt: Date, deps: OrderImportDeps): Promise<boolean> {
  const prisma = deps.prisma ?? defaultPrisma;
  const missed = await prisma.channelOrder.count({
    where: { channelId, importedAt: { gte: pollStartedAt }, orderedAt: { gt: inPlaceSince, lt: new Date(pollStartedAt.getTime() - NOTIFICATION_GRACE_MS) } },
  });
  if (missed === 0) return false;
  const { count } = await prisma.channel.updateMany({ where: { id: channelId, orderNotificationsAt: inPlaceSince }, data: { orderNotificationsAt: null } });
  if (count === 0) return false;
  const channel = await repaceOrderImport(prisma, channelId, deps.queues);
  logger.warn(
    { channelId, kind: channel.kind, missed },
    "the order poll found orders no notification brought; order polling back at the full pace until a notification arrives again",
  );
  return true;
}

/**
 * The order-import worker's other job: the orders a marketplace notification carries. The delivery
 * proved itself on the way in, so the account's notifications are in place.
 */
export async function runNotifiedOrderImport(channelId: string, notification: unknown, deps: OrderImportDeps = {}): Promise<OrderImportResult | null> {
  const channel = await channelState(channelId, deps);
  if (channel?.status !== "CONNECTED") return null;
  const result = await importNotifiedOrders(channelId, notification, deps);
  if (!channel.orderNotificationsAt) await noteOrderNotificationsInPlace(channelId, deps);
  return result;
}

/** The "subscribe-notifications" job: the account subscribed where its marketplace has an API for it, and its polling slowed once it is. */
export async function runNotificationSubscription(
  channelId: string,
  deps: Parameters<typeof subscribeChannelNotifications>[1] & { queues?: Queues } = {},
): Promise<{ subscribed: boolean }> {
  const outcome = await subscribeChannelNotifications(channelId, deps);
  if (outcome.subscribed) await noteOrderNotificationsInPlace(channelId, deps);
  return outcome;
}

function channelState(channelId: string, deps: OrderImportDeps) {
  return (deps.prisma ?? defaultPrisma).channel.findUnique({ where: { id: channelId }, select: { status: true, orderNotificationsAt: true } });
}
