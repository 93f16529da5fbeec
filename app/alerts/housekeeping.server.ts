import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import defaultPrisma from "~/db.server";
import { runWeeklyHealthReports } from "~/health/weekly.server";
import { logger } from "~/lib/logger.server";
import { runDigests, type DigestOutcome } from "./deliver.server";
import { DRIFT_THRESHOLD_UNITS, LATENCY_THRESHOLD_MINUTES, raiseCredentialsFailed, raiseSyncLatency, resolveAlertByKey } from "./events.server";
import { queueAlertDelivery, type AlertQueue } from "./raise.server";

// The alerts queue's scheduled job: watch every installed shop for latency and refused
// credentials (drift is the drift read's, app/sync/drift-read.server.ts: it knows the grace after a
// push and the units sold since), send the digests that are due, and queue again any alert whose
// delivery was never queued or gave up, so an outage longer than a job's retries still ends in a
// delivery.

export const HOUSEKEEPING_EVERY_MS = 5 * 60_000;

const ThresholdsSchema = z
  .object({
    alerts: z
      .object({
        driftUnits: z.number().int().min(0).optional(),
        latencyMinutes: z.number().int().min(1).optional(),
      })
      .optional(),
  })
  .passthrough();

/** The merchant's thresholds (Shop.settings.alerts), defaulting to the domain's 5 units and 30 minutes. */
export function alertThresholds(settings: unknown): { driftUnits: number; latencyMinutes: number } {
  const parsed = ThresholdsSchema.safeParse(settings ?? {});
  const alerts = parsed.success ? parsed.data.alerts : undefined;
  return { driftUnits: alerts?.driftUnits ?? DRIFT_THRESHOLD_UNITS, latencyMinutes: alerts?.latencyMinutes ?? LATENCY_THRESHOLD_MINUTES };
}

export interface WatchResult {
  raised: number;
  resolved: number;
}

/** Sync latency per channel: the oldest change the channel has not acknowledged yet. */
export async function watchSyncLatency(prisma: PrismaClient, shopId: string, thresholdMinutes: number, now: Date, queue?: AlertQueue): Promise<WatchResult> {
  const result: WatchResult = { raised: 0, resolved: 0 };
  // A channel not live yet (its first push waits for the merchant's review) is not late.
  const channels = await prisma.channel.findMany({ where: { shopId, status: "CONNECTED", liveAt: { not: null } }, select: { id: true, name: true } });
  const pending = await prisma.listing.groupBy({
    by: ["channelId"],
    where: { shopId, syncState: "PENDING", desiredAt: { not: null } },
    _min: { desiredAt: true },
    _count: { _all: true },
  });
  const byChannel = new Map(pending.map((p) => [p.channelId, p]));
  for (const channel of channels) {
    const row = byChannel.get(channel.id);
    const since = row?._min.desiredAt;
    const raised = since
      ? await raiseSyncLatency(prisma, { shopId, channel, oldestPendingSince: since, pendingListings: row._count._all, thresholdMinutes, now }, { queue })
      : null;
    if (raised?.created) result.raised++;
    if (!raised && (await resolveAlertByKey(prisma, shopId, `sync-latency:${channel.id}`, "worker", now))) result.resolved++;
  }
  return result;
}

/** A channel the sync paused because its credentials were refused (app/sync/flush.server.ts). */
export async function watchCredentials(prisma: PrismaClient, shopId: string, now: Date, queue?: AlertQueue): Promise<WatchResult> {
  const result: WatchResult = { raised: 0, resolved: 0 };
  const channels = await prisma.channel.findMany({ where: { shopId }, select: { id: true, name: true, kind: true, status: true, statusReason: true } });
  for (const channel of channels) {
    if (channel.status === "FAILING") {
      const raised = await raiseCredentialsFailed(prisma, { shopId, channel, reason: channel.statusReason ?? "credentials refused" }, { queue, now });
      if (raised.created) result.raised++;
    } else if (channel.status === "CONNECTED" && (await resolveAlertByKey(prisma, shopId, `credentials:${channel.id}`, "worker", now))) {
      result.resolved++;
    }
  }
  return result;
}

// Alerts older than this are not chased any more: whoever needed them has seen the app by now.
const REQUEUE_WITHIN_MS = 3 * 24 * 3600_000;
// Leaves a just-raised alert to the raiser's own queueing.
const REQUEUE_AFTER_MS = 60_000;

export interface AlertJobLookup {
  getJobState(jobId: string): Promise<string>;
  getJob(jobId: string): Promise<{ retry(): Promise<void> } | undefined>;
}

/** Queues again every open, undelivered alert whose job is missing or failed for good. */
export async function requeueUndelivered(prisma: PrismaClient, queue: AlertQueue & AlertJobLookup, now: Date, shopId?: string): Promise<number> {
  const alerts = await prisma.alert.findMany({
    where: {
      ...(shopId ? { shopId } : {}),
      state: "OPEN",
      deliveredAt: null,
      createdAt: { gte: new Date(now.getTime() - REQUEUE_WITHIN_MS), lte: new Date(now.getTime() - REQUEUE_AFTER_MS) },
      shop: { uninstalledAt: null },
    },
    select: { id: true },
    take: 500,
  });
  let requeued = 0;
  for (const { id } of alerts) {
    const state = await queue.getJobState(id);
    if (state === "unknown") {
      if (await queueAlertDelivery(id, queue)) requeued++;
    } else if (state === "failed") {
      await (await queue.getJob(id))?.retry();
      requeued++;
    }
  }
  return requeued;
}

export interface HousekeepingResult {
  shops: number;
  raised: number;
  resolved: number;
  digests: DigestOutcome;
  /** Shops whose weekly sync-health report this run sent (app/health/weekly.server.ts). */
  healthReports: number;
  requeued: number;
}

export async function runAlertHousekeeping(queue: AlertQueue & AlertJobLookup, deps: { prisma?: PrismaClient; now?: Date } = {}): Promise<HousekeepingResult> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { id: true, settings: true } });
  const result: HousekeepingResult = { shops: shops.length, raised: 0, resolved: 0, digests: { sent: {}, failed: [] }, healthReports: 0, requeued: 0 };
  for (const shop of shops) {
    const thresholds = alertThresholds(shop.settings);
    try {
      for (const watched of [
        await watchSyncLatency(prisma, shop.id, thresholds.latencyMinutes, now, queue),
        await watchCredentials(prisma, shop.id, now, queue),
      ]) {
        result.raised += watched.raised;
        result.resolved += watched.resolved;
      }
    } catch (error) {
      // One shop's bad data must not stop the others being watched.
      logger.error({ shopId: shop.id, error }, "alert watch failed for shop");
    }
  }
  result.digests = await runDigests({ prisma, now });
  const weekly = await runWeeklyHealthReports({ prisma, now });
  result.healthReports = Object.keys(weekly.sent).length;
  result.requeued = await requeueUndelivered(prisma, queue, now);
  logger.info(
    { shops: result.shops, raised: result.raised, resolved: result.resolved, digests: Object.keys(result.digests.sent).length, requeued: result.requeued },
    "alerts housekeeping done",
  );
  return result;
}
