import { Queue, UnrecoverableError, type ConnectionOptions, type JobsOptions, type Processor } from "bullmq";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { isRetryable } from "~/lib/errors";
import { logger } from "~/lib/logger.server";

// Every queue Anchorline uses, with the shape of its jobs. Producers (routes, services) and the
// worker process (workers/main.ts) both import from here, so a job's name and payload are defined
// once.
export const QUEUE_NAMES = {
  /** Stored Shopify webhook deliveries waiting to be applied to the mirror. */
  webhooks: "webhooks",
  /** Per-shop housekeeping: initial import, scheduled reconciliation with Shopify. */
  shopMaintenance: "shop-maintenance",
  /**
   * One job per shop: recompute its stale listings' desired state with the engine; and "release"
   * jobs, delayed until a release date, that mark the variants released (sync/releases.server.ts).
   */
  recompute: "recompute",
  /** One job per channel account: push its listings' outbox to the marketplace. */
  channelSync: "channel-sync",
  /** One job per channel account: import new marketplace orders. */
  orderImport: "order-import",
  /** Alert deliveries (email, Slack), retried until they go out. */
  alerts: "alerts",
  /**
   * One job per channel account: read what the marketplace shows (the drift read cycle). A queue
   * of its own: a read is paced over minutes (a quarter of the account's rate), and on the
   * order-import queue four accounts' reads took all four slots, so buyers' orders waited behind
   * them (the demo's order-to-Shopify p50 went from 1.4 s to 17-20 s).
   */
  listingReads: "listing-reads",
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface JobPayloads {
  webhooks: { webhookId: string };
  /** "recent-check": the frequent check of recently changed levels (app/anchor/recent-levels.server.ts). */
  "shop-maintenance": { shopDomain: string; task: "initial-import" | "reconcile" | "recent-check" };
  /**
   * A "release" job carries its moment (epoch ms), for the product tags that name its day; a
   * "velocity" job the shop's local day it ages velocity for (sync/velocity-schedule.server.ts).
   */
  recompute: { shopId: string; releaseAt?: number; velocityDay?: string; vendorFeedId?: string; vendorFeedSlot?: string };
  "channel-sync": { channelId: string };
  /**
   * "import": poll the account's orders; "notified": import the orders a notification carries;
   * "writeback-retry": write a stored order back to Shopify again after a failure;
   * "shopify-order": create a stored order in Shopify (the channel's "orders in Shopify");
   * "ship-back" and "cancel-back": pass the merchant's shipment or cancellation in Shopify on;
   * "subscribe-notifications": subscribe the account's order notifications (Walmart), at connect;
   * "unsubscribe-notifications": remove that subscription, at disconnect;
   * "discover-listings": read the account's existing listings and link them (sync/listing-discovery.server.ts).
   */
  "order-import": {
    channelId: string;
    notification?: unknown;
    /** "subscribe-notifications". */
    subscribeNotifications?: true;
    /** "unsubscribe-notifications". */
    unsubscribeNotifications?: true;
    /** "discover-listings". */
    discoverListings?: true;
    retryOrderId?: string;
    shopifyOrderFor?: string;
    /** "ship-back": the merchant's shipment from Shopify, to the marketplace. */
    shipOrderId?: string;
    shipment?: ShipmentFromShopify;
    /** "cancel-back": the merchant's cancellation in Shopify, to the marketplace. */
    cancelOrderId?: string;
    cancelReason?: string;
  };
  /** "deliver" one alert, or the scheduled "housekeeping" (app/alerts/worker.server.ts). */
  alerts: { alertId: string } | { task: "housekeeping" };
  /**
   * "drift-read": one read cycle of what the marketplace shows; "listing-notified": what a
   * marketplace's listing change notification says, judged at once (sync/drift-read.server.ts).
   */
  "listing-reads": { channelId: string; notification?: unknown; deferrals?: number };
}

/** The sourceName of the Shopify orders Anchorline creates for marketplace orders. */
export const ANCHORLINE_SOURCE_NAME = "anchorline";

/** A fulfilment the merchant made in Shopify, as queued for the marketplace (by Shopify SKU). */
export interface ShipmentFromShopify {
  fulfillmentId: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  lines: { sku: string; quantity: number }[];
}

// Retries with exponential backoff: transient failures (a database restart, a marketplace 5xx)
// heal; jobs that keep failing are kept for inspection instead of vanishing. A failure that says
// it will not heal is not retried at all (failForGoodUnlessRetryable).
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A worker's processor whose failures BullMQ retries only when they may heal: an AnchorlineError
 * that is not retryable (no offline session for the shop, a query Shopify refuses, revoked
 * credentials) fails the job at once as BullMQ's UnrecoverableError, with the same message and
 * stack and the original as its cause. Anything else keeps the job's attempts.
 */
export function failForGoodUnlessRetryable<T, R>(processor: Processor<T, R>): Processor<T, R> {
  return async (job, token, signal) => {
    try {
      return await processor(job, token, signal);
    } catch (error) {
      if (isRetryable(error)) throw error;
      const failure = error as Error;
      const unrecoverable = new UnrecoverableError(failure.message);
      unrecoverable.stack = failure.stack;
      unrecoverable.cause = failure;
      throw unrecoverable;
    }
  };
}

export const RECONCILE_EVERY_MS = 6 * 3600 * 1000;

/**
 * How often each shop's recently changed levels are read back from Shopify
 * (app/anchor/recent-levels.server.ts): the longest a lost or misordered delivery of an item that
 * moved recently leaves the mirror wrong, give or take one run. Two minutes, the bound issue 18
 * sets for every listing to equal Shopify again after a fault; each run spends at most a tenth of
 * what a Standard shop's Admin API bucket restores meanwhile (1,200 of 12,000 points).
 */
export const RECENT_CHECK_EVERY_MS = 2 * 60 * 1000;

/**
 * How often a channel account is polled for new orders when its connector states no pace of its
 * own (ChannelLimits.ordersPollEveryMs). Polling is the fallback: a marketplace that notifies
 * Anchorline of an order gets an import at once, outside this schedule, and once an account's
 * notifications are in place its polling slows to the safety net's pace (app/sync/order-polling.ts).
 */
export const ORDER_IMPORT_EVERY_MS = 60 * 1000;

export function queuePrefix(): string {
  return process.env.QUEUE_PREFIX ?? "anchorline";
}

export function createRedisConnection(url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379"): Redis {
  // BullMQ workers block on Redis; ioredis must not give up on a command while they wait.
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  // Without an error listener ioredis prints "[ioredis] Unhandled error event" for every failed
  // reconnect, a few a second for a whole outage; one line when Redis goes and one when it is back.
  let unreachable = false;
  redis.on("error", (error: Error) => {
    if (unreachable) return;
    unreachable = true;
    logger.warn({ err: error, redis: redis.options.host }, "Redis unreachable; reconnecting");
  });
  redis.on("ready", () => {
    if (!unreachable) return;
    unreachable = false;
    logger.info({ redis: redis.options.host }, "Redis reachable again");
  });
  return redis;
}

export type Queues = { [K in QueueName]: Queue<JobPayloads[K]> } & { close(): Promise<void> };

export function createQueues(connection: ConnectionOptions = createRedisConnection(), prefix = queuePrefix()): Queues {
  const make = <K extends QueueName>(name: K) => new Queue<JobPayloads[K]>(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const queues = {
    webhooks: make("webhooks"),
    "shop-maintenance": make("shop-maintenance"),
    recompute: make("recompute"),
    "channel-sync": make("channel-sync"),
    "order-import": make("order-import"),
    alerts: make("alerts"),
    "listing-reads": make("listing-reads"),
  };
  return {
    ...queues,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

declare global {
  var anchorlineQueues: Queues | undefined;
}

/** The process-wide queues, opened on first use. */
export function queues(): Queues {
  globalThis.anchorlineQueues ??= createQueues();
  return globalThis.anchorlineQueues;
}

export const flushDeduplicationId = (channelId: string) => `flush:${channelId}`;

/**
 * Asks for a flush of one channel account. Deduplicated per account while a flush waits, so a
 * burst of changes becomes one job; a change made while a flush runs gets the next one.
 */
export async function requestFlush(channelId: string, delayMs = 0, from: Queues = queues()): Promise<void> {
  await from["channel-sync"].add("flush", { channelId }, { deduplication: { id: flushDeduplicationId(channelId) }, delay: delayMs });
}

/**
 * Queues the orders a marketplace notification carries ("notified"). The job's id names the account,
 * so whether one of its notifications still waits is read from the queue's id lists alone
 * (orderNotificationQueued), without loading every waiting job and its body: a flash sale keeps
 * a hundred of them waiting while the account's listing notifications ask every 2 s.
 */
export function addOrderNotification(from: Queues, channelId: string, notification: unknown) {
  return from["order-import"].add("notified", { channelId, notification }, { jobId: `${notifiedJobIdPrefix(channelId)}${randomUUID()}` });
}

/** Whether an order notification of the account waits to be imported, or is being imported. */
export async function orderNotificationQueued(from: Queues, channelId: string): Promise<boolean> {
  const ids = await from["order-import"].getRanges(["wait", "prioritized", "active", "delayed"], 0, -1);
  const prefix = notifiedJobIdPrefix(channelId);
  return ids.some((id) => id.startsWith(prefix));
}

function notifiedJobIdPrefix(channelId: string): string {
  return `notified-${channelId}-`;
}

export function orderImportSchedulerId(channelId: string): string {
  return `order-import:${channelId}`;
}

/** The account's drift read schedule (sync/drift-read.server.ts), on the listing-reads queue. */
export function driftReadSchedulerId(channelId: string): string {
  return `drift-read:${channelId}`;
}

/** Stops polling a channel account (paused, disconnected, shop uninstalled): its orders and its drift read. */
export async function stopOrderImport(channelId: string, from: Queues = queues()): Promise<void> {
  await from["order-import"].removeJobScheduler(orderImportSchedulerId(channelId));
  await from["listing-reads"].removeJobScheduler(driftReadSchedulerId(channelId));
}

/** Per-shop scheduled jobs carry the shop's domain in their scheduler id, so uninstall can find them. */
export function reconcileSchedulerId(shopDomain: string): string {
  return `reconcile:${shopDomain}`;
}

/** Starts (or keeps) the shop's reconciliation with Shopify every RECONCILE_EVERY_MS; one scheduler per shop. */
export async function scheduleReconcile(shopDomain: string, from: Queues = queues()): Promise<void> {
  await from["shop-maintenance"].upsertJobScheduler(
    reconcileSchedulerId(shopDomain),
    { every: RECONCILE_EVERY_MS },
    { name: "reconcile", data: { shopDomain, task: "reconcile" } },
  );
}

export function recentCheckSchedulerId(shopDomain: string): string {
  return `recent-check:${shopDomain}`;
}

/** Starts (or keeps) the shop's check of recently changed levels every RECENT_CHECK_EVERY_MS; one scheduler per shop. */
export async function scheduleRecentCheck(shopDomain: string, from: Queues = queues()): Promise<void> {
  await from["shop-maintenance"].upsertJobScheduler(
    recentCheckSchedulerId(shopDomain),
    { every: RECENT_CHECK_EVERY_MS },
    { name: "recent-check", data: { shopDomain, task: "recent-check" } },
  );
}
