import type { Prisma, PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { DEFAULT_RESERVE_LEAD_HOURS } from "~/engine/defaults";
import type { ProjectedDemand } from "~/engine/promotion";
import { recordAudit } from "~/lib/audit.server";
import { logger } from "~/lib/logger.server";
import { noteChange } from "~/recompute/index.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";

// The moments of a launched promotion's window, modelled on release dates (releases.server.ts,
// decision 0016; this one is decision 0017): the reserve opening (DEFAULT_RESERVE_LEAD_HOURS
// before the start: the engine withholds an exclusive reserve from then, engine/reserve.ts), the
// start (its discount reaches its channels' prices, its auto-pause rule the others) and the end
// (prices and buffers back to the rules, results kept). The engine reads the clock, so what a
// moment must do is have the promotion's listings recomputed when it comes: one delayed job per
// promotion and moment on the recompute queue, its id carrying both and the instant, so an edited
// window is a new job and the old one finds nothing due.
//
// A moment is noted once: Promotion.reserveOpenedAt, startedAt and endedAt are stamped after the
// listings were marked (noteChange), so a job or sweep that finds the stamp does nothing; a crash
// between the two marks them again, which recomputes the same answer. Redis is not the record: the
// sweep in due-work.server.ts notes every moment passed and not stamped (workers that were down)
// and schedules again the ones ahead (a Redis that lost them).

/** The job's name on the recompute queue (workers/processors.ts runs notePromotionMomentsDue for it). */
export const PROMOTION_MOMENT_JOB = "promotion-moment";

export type PromotionMoment = "reserve" | "start" | "end";

const HOUR_MS = 3_600_000;
const LAUNCHED = ["READY", "RUNNING", "PAUSED"] as const;

/** The id of a promotion's job for one moment at one instant. */
export function promotionMomentJobId(promotionId: string, moment: PromotionMoment, at: Date): string {
  return `promotion-${promotionId}-${moment}-${at.getTime()}`;
}

interface Window {
  startsAt: Date;
  endsAt: Date;
}

/** When each moment of a window comes. */
export function momentsOf(window: Window): { moment: PromotionMoment; at: Date }[] {
  return [
    { moment: "reserve", at: new Date(window.startsAt.getTime() - DEFAULT_RESERVE_LEAD_HOURS * HOUR_MS) },
    { moment: "start", at: window.startsAt },
    { moment: "end", at: window.endsAt },
  ];
}

/**
 * Schedules the job of each moment of the promotion still ahead of `now` (one past is noted by
 * notePromotionMomentsDue), due at the moment by the clock BullMQ reads. A job already there is
 * left alone. Returns how many moments are ahead.
 */
export async function schedulePromotionMoments(
  shopId: string,
  promotion: Window & { id: string },
  deps: { queues?: Queues; now?: Date } = {},
): Promise<number> {
  const queues = deps.queues ?? defaultQueues();
  const now = (deps.now ?? new Date()).getTime();
  const ahead = momentsOf(promotion).filter((m) => m.at.getTime() > now);
  const clock = Date.now();
  await queues.recompute.addBulk(
    ahead.map(({ moment, at }) => ({
      name: PROMOTION_MOMENT_JOB,
      data: { shopId },
      opts: { jobId: promotionMomentJobId(promotion.id, moment, at), timestamp: clock, delay: Math.max(0, at.getTime() - clock) },
    })),
  );
  return ahead.length;
}

/** Units sold and projected, per channel of the promotion: what the Promotions screen shows when it is over. */
export interface PromotionResults {
  endedAt: string;
  endedBy: string;
  unitsSold: number;
  /** Null when no checklist was computed, so nothing was projected. */
  projectedUnits: number | null;
  channels: { channelId: string; channelName: string; soldUnits: number; projectedUnits: number | null }[];
}

type PromotionWithChannels = Prisma.PromotionGetPayload<{
  include: { channels: { include: { channel: { select: { name: true; kind: true } } } }; variants: true };
}>;

/**
 * What the promotion sold on each of its channels between its start and its end (or `now`, ended
 * early), against the checklist's projected demand for that channel. Sales in the Shopify store
 * carry no channel: they count for the promotion's Shopify channel, if it has one.
 */
export async function promotionResults(prisma: PrismaClient, promotion: PromotionWithChannels, now: Date, actor: string): Promise<PromotionResults> {
  const until = now < promotion.endsAt ? now : promotion.endsAt;
  const sales = await prisma.sale.groupBy({
    by: ["channelId"],
    where: {
      shopId: promotion.shopId,
      variantId: { in: promotion.variants.map((v) => v.variantId) },
      soldAt: { gte: promotion.startsAt, lt: until },
    },
    _sum: { quantity: true },
  });
  const soldOn = new Map(sales.map((s) => [s.channelId, s._sum.quantity ?? 0]));
  const checklist = promotion.checklist as { projectedDemand?: ProjectedDemand[] } | null;
  const projected = checklist?.projectedDemand ?? null;
  const channels = promotion.channels.map((c) => {
    const sold = (soldOn.get(c.channelId) ?? 0) + (c.channel.kind === "SHOPIFY" ? (soldOn.get(null) ?? 0) : 0);
    const projectedUnits = projected === null ? null : projected.filter((d) => d.channelId === c.channelId).reduce((sum, d) => sum + d.units, 0);
    return { channelId: c.channelId, channelName: c.channel.name, soldUnits: sold, projectedUnits };
  });
  return {
    endedAt: now.toISOString(),
    endedBy: actor,
    unitsSold: channels.reduce((sum, c) => sum + c.soldUnits, 0),
    projectedUnits: projected === null ? null : projected.reduce((sum, d) => sum + d.units, 0),
    channels,
  };
}

const WITH_CHANNELS = { channels: { include: { channel: { select: { name: true, kind: true } } } }, variants: true } as const;

/**
 * Ends a launched promotion now (its end came, or the merchant ended it early): status ENDED, the
 * moment stamped and its results kept, compare-and-set so two runs end it once. Returns false when
 * it was not launched or was ended already. The caller has its listings recomputed.
 */
export async function closePromotion(prisma: PrismaClient, promotion: PromotionWithChannels, now: Date, actor: string): Promise<boolean> {
  const results = await promotionResults(prisma, promotion, now, actor);
  const { count } = await prisma.promotion.updateMany({
    where: { id: promotion.id, shopId: promotion.shopId, status: { in: [...LAUNCHED] }, endedAt: null },
    data: {
      status: "ENDED",
      endedAt: now,
      startedAt: promotion.startedAt ?? (promotion.startsAt <= now ? now : null),
      reserveOpenedAt: promotion.reserveOpenedAt ?? now,
      results: results as unknown as Prisma.InputJsonValue,
    },
  });
  if (count === 0) return false;
  await recordAudit(prisma, {
    shopId: promotion.shopId,
    actor,
    action: "promotion.ended",
    subjectType: "promotion",
    subjectId: promotion.id,
    details: { name: promotion.name, ...results },
  });
  return true;
}

/**
 * The promotion-moment job: each launched promotion of the shop whose reserve opening, start or
 * end has passed and was not noted has its variants' listings recomputed (the engine, reading the
 * clock, now holds the reserve, applies the discount and auto-pause, or restores the rules), then
 * the moment is stamped; a start also makes a READY promotion RUNNING, an end makes it ENDED with
 * its results. Returns how many moments it noted.
 */
export async function notePromotionMomentsDue(shopId: string, deps: { prisma?: PrismaClient; queues?: Queues; now?: Date } = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const reserveFrom = new Date(now.getTime() + DEFAULT_RESERVE_LEAD_HOURS * HOUR_MS);
  const due = await prisma.promotion.findMany({
    // An uninstalled shop's moments wait: the sweep notes them if it comes back.
    where: {
      shopId,
      status: { in: [...LAUNCHED] },
      shop: { uninstalledAt: null },
      OR: [
        { reserveOpenedAt: null, startsAt: { lte: reserveFrom } },
        { startedAt: null, startsAt: { lte: now } },
        { endedAt: null, endsAt: { lte: now } },
      ],
    },
    include: WITH_CHANNELS,
  });
  let noted = 0;
  for (const promotion of due) {
    const variantIds = promotion.variants.map((v) => v.variantId);
    await noteChange(shopId, { kind: "catalog", variantIds }, { prisma, queues: deps.queues });
    const ending = promotion.endsAt <= now;
    const starting = !ending && promotion.startedAt === null && promotion.startsAt <= now;
    if (ending) {
      if (await closePromotion(prisma, promotion, now, "scheduler")) noted++;
      logger.info({ shopId, promotionId: promotion.id }, "promotion ended: prices and buffers back to the rules");
      continue;
    }
    // The moments passed together (workers down across both) are one recompute and stamped together.
    const { count } = await prisma.promotion.updateMany({
      where: { id: promotion.id, shopId, OR: [{ reserveOpenedAt: null }, ...(starting ? [{ startedAt: null }] : [])] },
      data: { reserveOpenedAt: promotion.reserveOpenedAt ?? now, ...(starting ? { startedAt: now } : {}) },
    });
    if (starting) {
      // A paused promotion stays paused: the merchant resumes it.
      await prisma.promotion.updateMany({ where: { id: promotion.id, shopId, status: "READY" }, data: { status: "RUNNING" } });
      await recordAudit(prisma, {
        shopId,
        actor: "scheduler",
        action: "promotion.started",
        subjectType: "promotion",
        subjectId: promotion.id,
        details: { name: promotion.name },
      });
    }
    noted += count;
    logger.info({ shopId, promotionId: promotion.id, moment: starting ? "start" : "reserve" }, "promotion moment noted: its listings recomputed");
  }
  return noted;
}

/**
 * The sweep (due-work.server.ts): every installed shop's launched promotions with a moment passed
 * and not noted have it noted now (once, when the workers are back), and the moments ahead get
 * their job again where Redis lost it. Returns how many shops had either.
 */
export async function sweepPromotionMoments(shopIds: readonly string[], deps: { prisma?: PrismaClient; queues?: Queues; now?: Date } = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const waiting = await prisma.promotion.findMany({
    where: { shopId: { in: [...shopIds] }, status: { in: [...LAUNCHED] }, endedAt: null },
    select: { id: true, shopId: true, startsAt: true, endsAt: true, reserveOpenedAt: true, startedAt: true },
  });
  const reserveFrom = now.getTime() + DEFAULT_RESERVE_LEAD_HOURS * HOUR_MS;
  const shops = new Set<string>();
  const missed = new Set<string>();
  for (const p of waiting) {
    shops.add(p.shopId);
    const passed = p.endsAt <= now || (p.startedAt === null && p.startsAt <= now) || (p.reserveOpenedAt === null && p.startsAt.getTime() <= reserveFrom);
    if (passed) missed.add(p.shopId);
    await schedulePromotionMoments(p.shopId, p, { queues: deps.queues, now });
  }
  for (const shopId of missed) await notePromotionMomentsDue(shopId, { ...deps, prisma, now });
  return shops.size;
}
