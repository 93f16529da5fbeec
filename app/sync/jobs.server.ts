import type { PrismaClient } from "@prisma/client";
import type { Redis } from "ioredis";
import defaultPrisma from "~/db.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";
import { flushChannelAccount, type FlushDeps, type FlushResult } from "./flush.server";
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
