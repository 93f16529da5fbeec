import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { addDays, localDate, parseShopDateTime, shopTimeZone } from "~/lib/zoned-time";
import { noteChange } from "~/recompute/index.server";
import { velocityWindowDays } from "~/recompute/inputs";
import { queues as defaultQueues, type Queues } from "~/queues.server";

// Velocity ages: a sale moves to an older day bucket, weighs less, then falls out of the window,
// so a velocity buffer computed yesterday is too large today although nothing changed. Once a day
// per shop, at VELOCITY_LOCAL_HOUR in the shop's time zone, the listings under a velocity rule are
// noted again (decision 0019). Only the variants sold within the window (and the days since the
// last run) can have a velocity that moved; their listings a velocity rule reaches are marked
// through noteChange's "sales" change, VARIANTS_PER_NOTE variants at a time, so a 10,000-SKU shop
// recomputes only what sold, in the recompute job's own batches.
//
// One delayed job per shop and local day on the recompute queue (`velocity-<shop>-<day>`), due at
// the moment by BullMQ's clock; each run schedules the next day's. A day runs once: its
// VelocityRun row is stamped finished, and a job or sweep that finds it so does nothing. The sweep
// (due-work.server.ts) rebuilds from PostgreSQL what Redis lost: the next day's job, and the day
// due now when it has no finished run (workers down at the moment: it runs once when they are
// back; the days missed before it are not run one by one, since today's run counts from today).

/** The job's name on the recompute queue (workers/processors.ts runs runVelocityDay for it). */
export const VELOCITY_JOB = "velocity";

/**
 * 03:00 in the shop's time zone: after the evening's orders and before its morning, when the
 * recompute competes least with the day's webhooks and the merchant's own edits.
 */
export const VELOCITY_LOCAL_HOUR = 3;

/** Variants noted per mark: one UPDATE a few hundred variants wide holds its row locks briefly. */
const VARIANTS_PER_NOTE = 500;

/** A day looked back at most besides the window, however long the workers were down. */
const MAX_CATCH_UP_DAYS = 366;

const DAY_MS = 86_400_000;

/** One velocity moment of a shop: its local day and the instant of VELOCITY_LOCAL_HOUR on it. */
export interface VelocityMoment {
  day: string;
  at: Date;
}

function momentOf(day: string, timeZone: string): VelocityMoment {
  const hour = String(VELOCITY_LOCAL_HOUR).padStart(2, "0");
  return { day, at: parseShopDateTime(`${day}T${hour}:00`, timeZone)! };
}

/** The latest moment at or before `now` (due) and the first one after it (next), in `timeZone`. */
export function velocityMoments(now: Date, timeZone: string): { due: VelocityMoment; next: VelocityMoment } {
  const today = momentOf(localDate(now, timeZone), timeZone);
  return today.at <= now ? { due: today, next: momentOf(addDays(today.day, 1), timeZone) } : { due: momentOf(addDays(today.day, -1), timeZone), next: today };
}

/** The id of a shop's velocity job for one local day: the same day is one job. */
export function velocityJobId(shopId: string, day: string): string {
  return `velocity-${shopId}-${day}`;
}

/** Adds the job of `moment` (due at it by BullMQ's clock; at once when past); a no-op while that job exists. */
async function scheduleMoment(shopId: string, moment: VelocityMoment, queues: Queues): Promise<void> {
  const clock = Date.now();
  await queues.recompute.add(
    VELOCITY_JOB,
    { shopId, velocityDay: moment.day },
    { jobId: velocityJobId(shopId, moment.day), timestamp: clock, delay: Math.max(0, moment.at.getTime() - clock) },
  );
}

interface ScheduleDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  now?: Date;
}

/** Schedules the shop's next velocity moment (a velocity rule was saved, or a day ran). Returns it. */
export async function scheduleNextVelocityDay(shopId: string, deps: ScheduleDeps = {}): Promise<VelocityMoment | null> {
  const prisma = deps.prisma ?? defaultPrisma;
  const shop = await prisma.shop.findFirst({ where: { id: shopId, uninstalledAt: null }, select: { settings: true } });
  if (!shop) return null;
  const { next } = velocityMoments(deps.now ?? new Date(), shopTimeZone(shop.settings));
  await scheduleMoment(shopId, next, deps.queues ?? defaultQueues());
  return next;
}

/**
 * Notes (noteChange "sales") the listings a velocity rule reaches of every variant the shop sold
 * after `since`, VARIANTS_PER_NOTE variants a mark. For the daily run, and for a new velocity
 * window (the Buffers screen), which moves the velocity of what sold within the old or new one.
 */
export async function noteVelocityOfSoldVariants(shopId: string, since: Date, deps: ScheduleDeps = {}): Promise<{ variants: number; listings: number }> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const now = deps.now ?? new Date();
  let variants = 0;
  let listings = 0;
  let after = "";
  for (;;) {
    // Sale.soldAt is a timestamp without zone holding UTC, as the recompute's loader reads it.
    const page = await prisma.$queryRaw<{ variantId: string }[]>`
      SELECT DISTINCT "variantId" FROM "Sale"
      WHERE "shopId" = ${shopId} AND "variantId" > ${after}
        AND "soldAt" > (${since.toISOString()}::timestamptz AT TIME ZONE 'UTC') AND "soldAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      ORDER BY 1 LIMIT ${VARIANTS_PER_NOTE}`;
    if (page.length === 0) break;
    const variantIds = page.map((row) => row.variantId);
    listings += await noteChange(shopId, { kind: "sales", variantIds }, { prisma, queues });
    variants += variantIds.length;
    after = variantIds[variantIds.length - 1];
    if (page.length < VARIANTS_PER_NOTE) break;
  }
  return { variants, listings };
}

export type VelocityDayOutcome =
  { ran: true; day: string; variants: number; listings: number } | { ran: false; day: string; reason: "already run" | "no velocity buffer" | "not installed" };

/**
 * The job of one shop's local day: notes the listings under a velocity rule whose variants sold
 * within the window (or since the last run), stamps the day finished, schedules the next day.
 * A day already finished does nothing.
 */
export async function runVelocityDay(shopId: string, day: string, deps: ScheduleDeps = {}): Promise<VelocityDayOutcome> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const now = deps.now ?? new Date();
  const shop = await prisma.shop.findFirst({ where: { id: shopId, uninstalledAt: null }, select: { settings: true } });
  if (!shop) return { ran: false, day, reason: "not installed" };
  const done = await prisma.velocityRun.findUnique({ where: { shopId_day: { shopId, day } }, select: { finishedAt: true } });
  if (done?.finishedAt) return { ran: false, day, reason: "already run" };
  // Without a velocity rule no buffer reads velocity; saving one schedules the days again.
  if ((await prisma.bufferRule.count({ where: { shopId, kind: "VELOCITY" } })) === 0) return { ran: false, day, reason: "no velocity buffer" };

  await prisma.velocityRun.upsert({ where: { shopId_day: { shopId, day } }, create: { shopId, day, startedAt: now }, update: { startedAt: now } });
  const last = await prisma.velocityRun.findFirst({
    where: { shopId, finishedAt: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  // A sale that left the window since the last run moved its velocity too (to 0 for the last one).
  const sinceLastRun = last?.finishedAt ? Math.ceil((now.getTime() - last.finishedAt.getTime()) / DAY_MS) : 1;
  const lookbackDays = velocityWindowDays(shop.settings) + Math.min(MAX_CATCH_UP_DAYS, Math.max(1, sinceLastRun));
  const since = new Date(now.getTime() - lookbackDays * DAY_MS);

  const { variants, listings } = await noteVelocityOfSoldVariants(shopId, since, { prisma, queues, now });

  await prisma.velocityRun.update({ where: { shopId_day: { shopId, day } }, data: { finishedAt: now, variants, listings } });
  await scheduleNextVelocityDay(shopId, { prisma, queues, now });
  logger.info({ shopId, day, variants, listings }, "velocity aged a day: listings under a velocity buffer recomputed");
  return { ran: true, day, variants, listings };
}

/**
 * The sweep (due-work.server.ts), for the installed shops with a velocity rule: the day due now
 * runs once if it has no finished run (workers that were down at its moment), and the next day's
 * job is made again where Redis lost it. Returns how many shops it looked at.
 */
export async function sweepVelocity(shopIds: readonly string[], deps: ScheduleDeps = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  const queues = deps.queues ?? defaultQueues();
  const now = deps.now ?? new Date();
  const shops = await prisma.shop.findMany({
    where: { id: { in: [...shopIds] }, uninstalledAt: null, bufferRules: { some: { kind: "VELOCITY" } } },
    select: { id: true, settings: true },
  });
  if (shops.length === 0) return 0;
  const moments = new Map(shops.map((shop) => [shop.id, velocityMoments(now, shopTimeZone(shop.settings))]));
  // The days due that ran, in one read: a shop's local day differs by time zone, so (shop, day) pairs.
  const finished = await prisma.velocityRun.findMany({
    where: { OR: [...moments].map(([shopId, { due }]) => ({ shopId, day: due.day })), finishedAt: { not: null } },
    select: { shopId: true },
  });
  const ran = new Set(finished.map((run) => run.shopId));
  for (const [shopId, { due, next }] of moments) {
    // The same job id as the moment's own job: nothing is added while that job waits or ran.
    if (!ran.has(shopId)) await scheduleMoment(shopId, due, queues);
    await scheduleMoment(shopId, next, queues);
  }
  return shops.length;
}

/** When the shop's velocity was last recomputed on schedule, for the Buffers screen (null: never). */
export async function lastVelocityRun(shopId: string, prisma: PrismaClient = defaultPrisma) {
  return prisma.velocityRun.findFirst({
    where: { shopId, finishedAt: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { day: true, finishedAt: true, variants: true, listings: true },
  });
}
