import type { PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import defaultPrisma from "~/db.server";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { flushDeduplicationId, ORDER_IMPORT_EVERY_MS, orderImportSchedulerId, queues as defaultQueues, requestFlush, type Queues } from "~/queues.server";
import { logger } from "~/lib/logger.server";
import { flushChannelAccount, type FlushDeps, type FlushResult } from "./flush.server";
import { readMarketplaceStock } from "./marketplace-stock.server";
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

/**
 * Starts (or re-paces) the order polling of one channel account: a job scheduler keyed by the
 * account, so connecting twice keeps one schedule. The pace is the connector's own where its
 * orders API has a tight quota.
 */
export async function scheduleOrderImport(channel: ConnectableChannel, queues: Queues = defaultQueues()): Promise<void> {
  const every = connectorForChannel(channel).limits.ordersPollEveryMs ?? ORDER_IMPORT_EVERY_MS;
  await queues["order-import"].upsertJobScheduler(orderImportSchedulerId(channel.id), { every }, { name: "import", data: { channelId: channel.id } });
}

/**
 * The order-import worker's job: a poll. A channel that is not connected is skipped, not failed.
 * On the same schedule, the stock the marketplace fulfils itself (FBA) is read when due
 * (marketplace-stock.server.ts, twice a day); its failure is logged and never fails the import,
 * since the orders are what keep Shopify right.
 */
export async function runOrderImport(channelId: string, deps: OrderImportDeps = {}): Promise<OrderImportResult | null> {
  if (!(await isConnected(channelId, deps))) return null;
  const result = await importChannelOrders(channelId, deps);
  try {
    await readMarketplaceStock(channelId, { prisma: deps.prisma, connectorFor: deps.connectorFor });
  } catch (error) {
    logger.warn({ channelId, err: error }, "marketplace-fulfilled stock not read; tried again on the next import");
  }
  return result;
}

/** The order-import worker's other job: the orders a marketplace notification carries. */
export async function runNotifiedOrderImport(channelId: string, notification: unknown, deps: OrderImportDeps = {}): Promise<OrderImportResult | null> {
  return (await isConnected(channelId, deps)) ? importNotifiedOrders(channelId, notification, deps) : null;
}

async function isConnected(channelId: string, deps: OrderImportDeps): Promise<boolean> {
  const channel = await (deps.prisma ?? defaultPrisma).channel.findUnique({ where: { id: channelId }, select: { status: true } });
  return channel?.status === "CONNECTED";
}
