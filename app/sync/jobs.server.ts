import type { PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import defaultPrisma from "~/db.server";
import { connectorForChannel, type ConnectableChannel } from "~/channels/registry.server";
import { ORDER_IMPORT_EVERY_MS, orderImportSchedulerId, queues as defaultQueues, type Queues } from "~/queues.server";
import { flushChannelAccount, type FlushDeps, type FlushResult } from "./flush.server";
import { importChannelOrders, type OrderImportDeps, type OrderImportResult } from "./orders.server";
import { SharedRateLimiter } from "./rate-limiter.server";

/**
 * Asks for a flush of one channel account. Deduplicated per account while a flush waits, so a
 * burst of changes becomes one job; a change made while a flush runs gets the next one.
 */
export async function requestFlush(channelId: string, delayMs = 0, queues: Queues = defaultQueues()): Promise<void> {
  await queues["channel-sync"].add("flush", { channelId }, { deduplication: { id: `flush:${channelId}` }, delay: delayMs });
}

/** The channel-sync worker's job: flush, then queue the next flush if work remains. */
export async function runChannelSync(
  channelId: string,
  redis: Redis,
  deps: Partial<FlushDeps> & { prisma?: PrismaClient; queues?: Queues } = {},
): Promise<FlushResult> {
  const result = await flushChannelAccount(channelId, { limiter: deps.limiter ?? new SharedRateLimiter(redis), prisma: deps.prisma ?? defaultPrisma, connectorFor: deps.connectorFor });
  if (result.more) await requestFlush(channelId, result.retryAfterMs ?? 0, deps.queues);
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

/** Stops polling a channel account (paused, disconnected, shop uninstalled). */
export async function stopOrderImport(channelId: string, queues: Queues = defaultQueues()): Promise<void> {
  await queues["order-import"].removeJobScheduler(orderImportSchedulerId(channelId));
}

/** The order-import worker's job. A channel that is not connected is skipped, not failed. */
export async function runOrderImport(channelId: string, deps: OrderImportDeps = {}): Promise<OrderImportResult | null> {
  const prisma = deps.prisma ?? defaultPrisma;
  const channel = await prisma.channel.findUnique({ where: { id: channelId }, select: { status: true } });
  if (!channel || channel.status !== "CONNECTED") return null;
  return importChannelOrders(channelId, deps);
}
