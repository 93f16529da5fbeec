import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { failForGoodUnlessRetryable as failFast, queuePrefix, QUEUE_NAMES, type JobPayloads } from "~/queues.server";
import { runShopMaintenance } from "~/anchor/maintenance.server";
import { runRecomputeJob } from "~/recompute/recompute.server";
import { applyWebhookDelivery } from "~/anchor/ingest/webhook-processor.server";
import { runChannelSync, runNotifiedOrderImport, runOrderImport } from "~/sync/jobs.server";
import { createOrderInShopify, retryOrderWriteback } from "~/sync/orders.server";
import { cancelBackOrder, shipBackOrder } from "~/sync/order-actions.server";
import { SharedRateLimiter } from "~/sync/rate-limiter.server";
import { createAlertWorker } from "~/alerts/worker.server";

// One BullMQ worker per queue that has work to do, each a thin loop around a service in app/.
// Queues without a worker here keep their jobs until the service that handles them exists.
// A failure that will not heal (an AnchorlineError that is not retryable) fails its job at once;
// any other failure is retried with the queue's backoff.
export function createWorkers(connection: Redis, prefix = queuePrefix()): Worker[] {
  const limiter = new SharedRateLimiter(connection);
  return [
    // Each delivery is a few short queries, mostly waiting on PostgreSQL: many at once keep up
    // with a burst of Shopify changes (8 at once applied ~60/s, behind a 100/s stream).
    new Worker<JobPayloads["webhooks"]>(
      QUEUE_NAMES.webhooks,
      failFast((job) => applyWebhookDelivery(job.data.webhookId)),
      {
        connection,
        prefix,
        concurrency: 32,
      },
    ),
    // Imports are long and heavy on the database: one at a time per worker process.
    new Worker<JobPayloads["shop-maintenance"]>(
      QUEUE_NAMES.shopMaintenance,
      failFast((job) => runShopMaintenance(job.data)),
      {
        connection,
        prefix,
        concurrency: 1,
      },
    ),
    // One job per shop (deduplicated while it waits); a few shops side by side, since each
    // recompute keeps a database connection busy for its whole run.
    new Worker<JobPayloads["recompute"]>(
      QUEUE_NAMES.recompute,
      failFast((job) => runRecomputeJob(job.data.shopId)),
      {
        connection,
        prefix,
        concurrency: 2,
      },
    ),
    // Flushes of different accounts run side by side; each account's pace is set by its shared
    // rate limiter, not by this concurrency.
    new Worker<JobPayloads["channel-sync"]>(
      QUEUE_NAMES.channelSync,
      failFast((job) => runChannelSync(job.data.channelId, connection)),
      {
        connection,
        prefix,
        concurrency: 8,
      },
    ),
    // Each account's import is one job on its own schedule; they wait on marketplaces, not on us.
    new Worker<JobPayloads["order-import"]>(
      QUEUE_NAMES.orderImport,
      failFast((job) =>
        job.data.retryOrderId !== undefined
          ? retryOrderWriteback(job.data.retryOrderId)
          : job.data.shopifyOrderFor !== undefined
            ? createOrderInShopify(job.data.shopifyOrderFor)
            : job.data.shipOrderId !== undefined && job.data.shipment
              ? shipBackOrder(job.data.shipOrderId, job.data.shipment, { limiter })
              : job.data.cancelOrderId !== undefined
                ? cancelBackOrder(job.data.cancelOrderId, job.data.cancelReason ?? "other", { limiter })
                : job.data.notification === undefined
                  ? runOrderImport(job.data.channelId)
                  : runNotifiedOrderImport(job.data.channelId, job.data.notification),
      ),
      { connection, prefix, concurrency: 4 },
    ),
    // Alert deliveries (and the alert watchers' schedule): a Slack or SMTP outage retries here and
    // never holds up a sync job.
    createAlertWorker(connection, prefix),
  ];
}
