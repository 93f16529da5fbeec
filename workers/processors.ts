import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import prisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { failForGoodUnlessRetryable as failFast, queuePrefix, QUEUE_NAMES, type JobPayloads } from "~/queues.server";
import { runShopMaintenance } from "~/anchor/maintenance.server";
import { runRecomputeJob } from "~/recompute/recompute.server";
import { applyWebhookDelivery } from "~/anchor/ingest/webhook-processor.server";
import { runChannelSync, runNotificationSubscription, runNotifiedOrderImport, runOrderImport } from "~/sync/jobs.server";
import { unsubscribeChannelNotifications } from "~/channels/notifications.server";
import { createOrderInShopify, retryOrderWriteback } from "~/sync/orders.server";
import { cancelBackOrder, shipBackOrder } from "~/sync/order-actions.server";
import { SharedRateLimiter } from "~/sync/rate-limiter.server";
import { discoverChannelListings } from "~/sync/listing-discovery.server";
import { runDriftRead, runNotifiedListingChanges } from "~/sync/drift-read.server";
import { noteReleasesDue, RELEASE_JOB } from "~/sync/releases.server";
import { notePromotionMomentsDue, PROMOTION_MOMENT_JOB } from "~/sync/promotion-moments.server";
import { runVelocityDay, VELOCITY_JOB } from "~/sync/velocity-schedule.server";
import { runVendorFeedSlot, VENDOR_FEED_JOB } from "~/vendors/schedule.server";
import { createAlertWorker } from "~/alerts/worker.server";
import { raiseJobFailed } from "~/alerts/job-failed.server";

/**
 * How many times a job whose worker died while running it (kill -9, out of memory, a deploy past
 * its grace period) is taken back and run again before it fails for good. BullMQ's default is
 * once: a Walmart flush killed twice failed ("job stalled more than allowable limit") and left its
 * listings pending. Every job of the queues below may run again: a flush pushes the outbox's newest
 * state and records only what was acknowledged, an import stores orders by marketplace id and
 * writes back with keyed adjustments, a recompute writes compare-and-set, a delivery is settled by
 * its id. A job that kills its worker every time still ends, after 5, and pages.
 */
export const MAX_STALLED_RUNS = 5;

/**
 * The channel-sync lock. A flush asked for while one runs is deduplicated onto it, so a flush whose
 * worker died held back every flush of its account until BullMQ took it back: 31-34 s at BullMQ's
 * 30 s lock and 30 s check. The lock is renewed every 2.5 s while the job runs (half its
 * duration), so it only lapses when the process is gone or its event loop stops for seconds; a
 * dead job's lock is gone within 5 s and the next check, every 5 s, runs it again: ~10 s at most.
 */
export const CHANNEL_SYNC_LOCK = { lockDuration: 5_000, stalledInterval: 5_000 } as const;

// One BullMQ worker per queue that has work to do, each a thin loop around a service in app/.
// Queues without a worker here keep their jobs until the service that handles them exists.
// A failure that will not heal (an AnchorlineError that is not retryable) fails its job at once;
// any other failure is retried with the queue's backoff. A job that fails for good pages the
// merchant (JOB_FAILED, app/alerts/job-failed.server.ts).
export function createWorkers(connection: Redis, prefix = queuePrefix()): Worker[] {
  const limiter = new SharedRateLimiter(connection);
  const idempotent = { connection, prefix, maxStalledCount: MAX_STALLED_RUNS };
  const workers = [
    // Each delivery is a few short queries, mostly waiting on PostgreSQL: many at once keep up
    // with a burst of Shopify changes (8 at once applied ~60/s, behind a 100/s stream).
    new Worker<JobPayloads["webhooks"]>(
      QUEUE_NAMES.webhooks,
      failFast((job) => applyWebhookDelivery(job.data.webhookId)),
      { ...idempotent, concurrency: 32 },
    ),
    // Imports are long and heavy on the database: one at a time per worker process.
    new Worker<JobPayloads["shop-maintenance"]>(
      QUEUE_NAMES.shopMaintenance,
      failFast((job) => runShopMaintenance(job.data)),
      { ...idempotent, concurrency: 1 },
    ),
    // One job per shop (deduplicated while it waits); a few shops side by side, since each
    // recompute keeps a database connection busy for its whole run. A release job (one per shop
    // and release moment, delayed until it) marks the variants released and asks for that recompute;
    // a velocity job (one per shop and local day) marks the listings whose velocity aged; a
    // promotion-moment job (one per promotion, moment and instant) recomputes its variants; a
    // vendor-feed job (one per feed and slot) fetches and imports a vendor's stock file.
    new Worker<JobPayloads["recompute"]>(
      QUEUE_NAMES.recompute,
      failFast((job) =>
        job.name === RELEASE_JOB
          ? noteReleasesDue(job.data.shopId, { moment: job.data.releaseAt === undefined ? undefined : new Date(job.data.releaseAt) })
          : job.name === PROMOTION_MOMENT_JOB
            ? notePromotionMomentsDue(job.data.shopId)
            : job.name === VELOCITY_JOB && job.data.velocityDay !== undefined
              ? runVelocityDay(job.data.shopId, job.data.velocityDay)
              : job.name === VENDOR_FEED_JOB && job.data.vendorFeedId !== undefined && job.data.vendorFeedSlot !== undefined
                ? runVendorFeedSlot(job.data.shopId, job.data.vendorFeedId, job.data.vendorFeedSlot)
                : runRecomputeJob(job.data.shopId),
      ),
      { ...idempotent, concurrency: 2 },
    ),
    // Flushes of different accounts run side by side; each account's pace is set by its shared
    // rate limiter, not by this concurrency.
    new Worker<JobPayloads["channel-sync"]>(
      QUEUE_NAMES.channelSync,
      failFast((job) => runChannelSync(job.data.channelId, connection)),
      { ...idempotent, ...CHANNEL_SYNC_LOCK, concurrency: 8 },
    ),
    // Each account's import is one job on its own schedule; they wait on marketplaces, not on us.
    new Worker<JobPayloads["order-import"]>(
      QUEUE_NAMES.orderImport,
      failFast((job) =>
        job.data.subscribeNotifications
          ? runNotificationSubscription(job.data.channelId)
          : job.data.unsubscribeNotifications
            ? unsubscribeChannelNotifications(job.data.channelId)
            : job.data.retryOrderId !== undefined
              ? retryOrderWriteback(job.data.retryOrderId)
              : job.data.shopifyOrderFor !== undefined
                ? createOrderInShopify(job.data.shopifyOrderFor)
                : job.data.shipOrderId !== undefined && job.data.shipment
                  ? shipBackOrder(job.data.shipOrderId, job.data.shipment, { limiter })
                  : job.data.cancelOrderId !== undefined
                    ? cancelBackOrder(job.data.cancelOrderId, job.data.cancelReason ?? "other", { limiter })
                    : job.data.discoverListings
                      ? discoverChannelListings(job.data.channelId)
                      : job.data.notification === undefined
                        ? runOrderImport(job.data.channelId)
                        : runNotifiedOrderImport(job.data.channelId, job.data.notification),
      ),
      { ...idempotent, concurrency: 4 },
    ),
    // Drift reads, paced over minutes each: two at a time, never in an order import's slot.
    new Worker<JobPayloads["listing-reads"]>(
      QUEUE_NAMES.listingReads,
      failFast((job) =>
        job.name === "listing-notified"
          ? runNotifiedListingChanges(job.data.channelId, job.data.notification, { limiter, deferrals: job.data.deferrals })
          : runDriftRead(job.data.channelId, { limiter }),
      ),
      { ...idempotent, concurrency: 2 },
    ),
    // Alert deliveries (and the alert watchers' schedule): a Slack or SMTP outage retries here and
    // never holds up a sync job. BullMQ's one stalled run: a delivery killed mid-send may have sent.
    createAlertWorker(connection, prefix),
  ];
  for (const worker of workers) pageWhenFailedForGood(worker);
  return workers;
}

/**
 * A job BullMQ moved to the failed set (its attempts spent, UnrecoverableError, or stalled too
 * often; BullMQ stamps finishedOn only then) raises JOB_FAILED once for that job. Raising never
 * fails the worker: a failure to raise is logged.
 */
function pageWhenFailedForGood(worker: Worker): void {
  worker.on("failed", (job, error) => {
    if (!job || job.finishedOn === undefined) return;
    raiseJobFailed(prisma, worker.name, job, error.message).catch((raiseError: unknown) =>
      logger.error({ queue: worker.name, jobId: job.id, err: raiseError }, "job failed for good; its alert could not be raised"),
    );
  });
}
