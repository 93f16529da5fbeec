import type { PrismaClient } from "@prisma/client";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import defaultPrisma from "~/db.server";
import { HOUSEKEEPING_SCHEDULER_ID, scheduleAlertHousekeeping } from "~/alerts/worker.server";
import { logger } from "~/lib/logger.server";
import { requestRecompute } from "~/recompute/index.server";
import {
  driftReadSchedulerId,
  orderImportSchedulerId,
  queues as defaultQueues,
  recentCheckSchedulerId,
  reconcileSchedulerId,
  requestFlush,
  scheduleRecentCheck,
  scheduleReconcile,
  type Queues,
} from "~/queues.server";
import { scheduleDriftRead } from "./drift-read.server";
import { scheduleOrderImport } from "./jobs.server";
import { sweepReleases } from "./releases.server";
import { sweepPromotionMoments } from "./promotion-moments.server";
import { sweepVelocity } from "./velocity-schedule.server";
import { sweepVendorFeeds } from "~/vendors/schedule.server";
import { WRITEBACK_RETRY_DELAYS_MS, writebackRetryDelay } from "./order-writeback.server";

// What is due, rebuilt from PostgreSQL. Redis holds Anchorline's queues, schedules and rate-limit
// state but is not its record: a Redis restarted without persistence, or a failover to a replica
// that lagged, loses jobs and every job scheduler, and nothing else would bring them back (the
// order polling is scheduled on connect, the reconciliation on install). The worker process runs
// `ensureWorkDue` when it starts, every DUE_WORK_EVERY_MS, and when its Redis connection comes back
// (keepWorkDue), so an emptied Redis under running workers converges without a restart.
//
// Every entry is idempotent: a scheduler is created only when missing, a flush or recompute
// request is deduplicated by its queue, and a job added with the id it was first given is a no-op
// while that job exists. Adding what is due means one more entry in DUE_WORK.

/** How often the worker process rebuilds what is due (and at once after a reconnect). */
export const DUE_WORK_EVERY_MS = 60_000;

/**
 * Stored webhook deliveries are looked at back this far before the previous run that reached
 * Redis: a failover to a replica loses the writes of its replication lag, seconds, and a delivery
 * stored while Redis was unreachable (the route answers 503 and keeps it) arrived after that run,
 * however long the outage. All of them are looked at when Redis was emptied.
 */
const RECENT_DELIVERIES_MS = 15 * 60_000;
/** Shopify's mandatory privacy webhooks, which reach a shop after it uninstalled the app. */
const PRIVACY_TOPICS = ["SHOP_REDACT", "CUSTOMERS_REDACT", "CUSTOMERS_DATA_REQUEST"] as const;

/** Deliveries queued again per run at most; the next run goes on. */
const DELIVERIES_PER_RUN = 5_000;

export interface DueWorkContext {
  prisma: PrismaClient;
  queues: Queues;
  /** This run found Redis without the marker of an earlier run: emptied, or never used. */
  redisEmptied: boolean;
  /** When the previous run that reached Redis ran (null when Redis was emptied). */
  previousRunAt: Date | null;
  now: Date;
  /** The installed shops. */
  shops: { id: string; domain: string }[];
}

export interface DueWork {
  /** What it keeps due, for the log. */
  what: string;
  /** Makes it due again where it is missing; returns how many it (re)requested. */
  ensure(ctx: DueWorkContext): Promise<number>;
}

/** Creates the schedulers of `ids` that are missing; returns how many were. */
async function ensureSchedulers(queue: Queue, ids: string[], create: (id: string) => Promise<void>): Promise<number> {
  const missing = (await Promise.all(ids.map(async (id) => ((await queue.getJobScheduler(id)) ? null : id)))).filter((id) => id !== null);
  // Each schedule on its own: one that cannot be made (an account whose connector cannot be built,
  // its sealed credentials unreadable) must not leave every account after it unpolled. The rest
  // are made; the failure is logged and the whole is reported failed, so it is tried again.
  let failed: unknown = null;
  for (const id of missing) {
    try {
      await create(id);
    } catch (error) {
      failed ??= error;
      logger.error({ err: error, scheduler: id, queue: queue.name }, "schedule not made; tried again on the next run");
    }
  }
  if (failed) throw failed;
  return missing.length;
}

export const DUE_WORK: DueWork[] = [
  {
    what: "order polling of every connected channel account",
    async ensure({ prisma, queues }) {
      const channels = await prisma.channel.findMany({
        where: { status: "CONNECTED", credentialsCiphertext: { not: null }, shop: { uninstalledAt: null } },
        select: { id: true, kind: true, shopId: true, accountId: true, region: true, credentialsCiphertext: true, settings: true, orderNotificationsAt: true },
      });
      const byScheduler = new Map(channels.map((c) => [orderImportSchedulerId(c.id), c]));
      return ensureSchedulers(queues["order-import"], [...byScheduler.keys()], (id) => scheduleOrderImport(byScheduler.get(id)!, queues));
    },
  },
  {
    what: "drift read of every connected channel account",
    async ensure({ prisma, queues }) {
      const channels = await prisma.channel.findMany({
        where: { status: "CONNECTED", credentialsCiphertext: { not: null }, shop: { uninstalledAt: null } },
        select: { id: true, kind: true, shopId: true, accountId: true, region: true, credentialsCiphertext: true, settings: true },
      });
      const byScheduler = new Map(channels.map((c) => [driftReadSchedulerId(c.id), c]));
      return ensureSchedulers(queues["order-import"], [...byScheduler.keys()], (id) => scheduleDriftRead(byScheduler.get(id)!, { prisma, queues }));
    },
  },
  {
    what: "reconciliation with Shopify of every installed shop",
    async ensure({ shops, queues }) {
      const byScheduler = new Map(shops.map((s) => [reconcileSchedulerId(s.domain), s.domain]));
      return ensureSchedulers(queues["shop-maintenance"], [...byScheduler.keys()], (id) => scheduleReconcile(byScheduler.get(id)!, queues));
    },
  },
  {
    what: "the frequent check of recently changed levels of every installed shop",
    async ensure({ shops, queues }) {
      const byScheduler = new Map(shops.map((s) => [recentCheckSchedulerId(s.domain), s.domain]));
      return ensureSchedulers(queues["shop-maintenance"], [...byScheduler.keys()], (id) => scheduleRecentCheck(byScheduler.get(id)!, queues));
    },
  },
  {
    what: "alerts housekeeping",
    ensure: ({ queues }) => ensureSchedulers(queues.alerts, [HOUSEKEEPING_SCHEDULER_ID], () => scheduleAlertHousekeeping(queues.alerts)),
  },
  {
    what: "a flush of every channel account with pending listings",
    async ensure({ prisma, queues }) {
      const channels = await prisma.channel.findMany({
        where: { status: "CONNECTED", shop: { uninstalledAt: null }, listings: { some: { syncState: "PENDING" } } },
        select: { id: true },
      });
      for (const channel of channels) await requestFlush(channel.id, 0, queues);
      return channels.length;
    },
  },
  {
    what: "a recompute of every shop with stale listings",
    async ensure({ prisma, shops, queues }) {
      const stale = await prisma.shop.findMany({
        where: {
          id: { in: shops.map((s) => s.id) },
          listings: { some: { OR: [{ staleSince: { not: null } }, { contentStaleSince: { not: null } }] } },
        },
        select: { id: true },
      });
      for (const shop of stale) await requestRecompute(shop.id, queues);
      return stale.length;
    },
  },
  {
    what: "release dates: the missed ones noted, the ones ahead scheduled",
    ensure: ({ prisma, shops, queues, now }) =>
      sweepReleases(
        shops.map((s) => s.id),
        { prisma, queues, now },
      ),
  },
  {
    what: "velocity days: the one missed run once, the next one scheduled",
    ensure: ({ prisma, shops, queues, now }) =>
      sweepVelocity(
        shops.map((s) => s.id),
        { prisma, queues, now },
      ),
  },
  {
    what: "vendor feeds: the missed slot run once, the next scheduled; late feeds alerted, stale vendors no longer counted",
    ensure: ({ prisma, shops, queues, now }) =>
      sweepVendorFeeds(
        shops.map((s) => s.id),
        { prisma, queues, now },
      ),
  },
  {
    what: "promotion moments (reserve opening, start, end): the missed ones noted, the ones ahead scheduled",
    ensure: ({ prisma, shops, queues, now }) =>
      sweepPromotionMoments(
        shops.map((s) => s.id),
        { prisma, queues, now },
      ),
  },
  {
    what: "write-back retries of failed orders whose retries are not spent",
    async ensure({ prisma, queues }) {
      // writebackAttempts 0 with FAILED: an order refused as unreadable, never retried; beyond the
      // last delay the merchant was paged instead (orders.server.ts, scheduleWritebackRetry).
      const orders = await prisma.channelOrder.findMany({
        where: { writeback: "FAILED", writebackAttempts: { gte: 1, lte: WRITEBACK_RETRY_DELAYS_MS.length }, shop: { uninstalledAt: null } },
        select: { id: true, channelId: true, writebackAttempts: true },
      });
      // The job id scheduleWritebackRetry gives it: a no-op while that retry waits in Redis.
      await queues["order-import"].addBulk(
        orders.map((o) => ({
          name: "writeback-retry",
          data: { channelId: o.channelId, retryOrderId: o.id },
          opts: { jobId: `writeback-retry-${o.id}-${o.writebackAttempts}`, delay: writebackRetryDelay(o.writebackAttempts) ?? 0 },
        })),
      );
      return orders.length;
    },
  },
  {
    what: "stored Shopify webhook deliveries still queued",
    async ensure({ prisma, shops, queues, redisEmptied, previousRunAt, now }) {
      const since = Math.min(now.getTime(), previousRunAt?.getTime() ?? now.getTime()) - RECENT_DELIVERIES_MS;
      const deliveries = await prisma.webhookDelivery.findMany({
        where: {
          state: "QUEUED",
          // Privacy requests come after the uninstall too (shop/redact 48 hours later) and must still be honoured.
          OR: [{ shopDomain: { in: shops.map((s) => s.domain) } }, { topic: { in: [...PRIVACY_TOPICS] } }],
          ...(redisEmptied ? {} : { receivedAt: { gte: new Date(since) } }),
        },
        orderBy: { receivedAt: "asc" },
        take: DELIVERIES_PER_RUN,
        select: { webhookId: true },
      });
      // The delivery id is its job id (webhook-deliveries.server.ts): a no-op while its job exists.
      await queues.webhooks.addBulk(deliveries.map((d) => ({ name: "apply", data: { webhookId: d.webhookId }, opts: { jobId: d.webhookId } })));
      return deliveries.length;
    },
  },
];

export interface DueWorkDeps {
  /** The queues' Redis, where the run leaves its marker. */
  redis: Redis;
  prisma?: PrismaClient;
  queues?: Queues;
  now?: Date;
}

/** The Redis key whose absence says Redis lost what earlier runs left there. */
const markerKey = (queues: Queues) => `${queues.webhooks.opts.prefix ?? "bull"}:due-work`;

/**
 * Rebuilds from PostgreSQL what is due and missing from Redis (DUE_WORK). Returns how many of
 * each it requested; an entry that fails is logged and the others still run.
 */
export async function ensureWorkDue(deps: DueWorkDeps): Promise<Record<string, number | "failed">> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const now = deps.now ?? new Date();
  const marker = markerKey(queues);
  // The marker holds the time of the last run that reached Redis; none means Redis lost it.
  const previous = await deps.redis.set(marker, now.toISOString(), "GET");
  const redisEmptied = previous === null;
  const previousRunAt = previous === null || Number.isNaN(Date.parse(previous)) ? null : new Date(previous);
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { id: true, domain: true } });
  const ctx: DueWorkContext = { prisma, queues, redisEmptied, previousRunAt, now, shops };
  const done: Record<string, number | "failed"> = {};
  for (const work of DUE_WORK) {
    try {
      done[work.what] = await work.ensure(ctx);
    } catch (error) {
      done[work.what] = "failed";
      logger.error({ err: error, work: work.what }, "due work not rebuilt; tried again on the next run");
    }
  }
  // A run that failed in part after finding Redis emptied looks at everything again next time.
  if (redisEmptied && Object.values(done).includes("failed")) await deps.redis.del(marker);
  (redisEmptied ? logger.info : logger.debug)({ redisEmptied, ...done }, "due work rebuilt from PostgreSQL");
  return done;
}

/**
 * Runs ensureWorkDue now, every `everyMs`, and whenever `connection` is ready again after losing
 * Redis; never two runs at once. A run asked for while one is under way runs once it ends: a Redis
 * restarted empty in the middle of a run (which found its keys still there, or had made its
 * schedules before they were lost) would otherwise wait a whole interval to be rebuilt. Not a
 * BullMQ schedule: an emptied Redis would lose it with the rest. Returns a stop function.
 */
export function keepWorkDue(connection: Redis, deps: Omit<DueWorkDeps, "redis"> & { everyMs?: number } = {}): () => void {
  let running: Promise<unknown> | null = null;
  let askedWhileRunning = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      askedWhileRunning = true;
      return;
    }
    running = ensureWorkDue({ redis: connection, prisma: deps.prisma, queues: deps.queues })
      .catch((error: unknown) => logger.error({ err: error }, "due work not rebuilt; tried again on the next run"))
      .finally(() => {
        running = null;
        if (askedWhileRunning) {
          askedWhileRunning = false;
          run();
        }
      });
  };
  run();
  const timer = setInterval(run, deps.everyMs ?? DUE_WORK_EVERY_MS);
  connection.on("ready", run);
  return () => {
    stopped = true;
    clearInterval(timer);
    connection.off("ready", run);
  };
}
