import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { releaseOfTag, releaseTagOf, RELEASE_TAG_PREFIX } from "~/lib/hold-tags";
import { logger } from "~/lib/logger.server";
import { noteChange } from "~/recompute/index.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";

// Release dates (Variant.releaseAt): until the moment passes the engine lists the variant at 0
// (hold.release); once it has, nothing else would recompute its listings, so the moment itself is
// a job. One delayed job per shop and moment on the recompute queue, with the moment in its id:
// setting the same date on many variants, or twice, keeps one job, and a job already there is
// left alone. Delayed jobs live in Redis and survive a worker restart; a Redis that lost them is
// made whole by the sweep in due-work.server.ts, which schedules the future moments again and
// notes the missed ones at once (workers that were down when a moment passed).
//
// A moment is noted once: Variant.releaseNotedAt is stamped after its listings were marked, so a
// job or sweep that finds nothing un-noted does nothing. A crash between the two marks the
// listings again, which only recomputes the same answer.

/** The job's name on the recompute queue (workers/processors.ts runs noteReleasesDue for it). */
export const RELEASE_JOB = "release";

/** The id of a shop's release job for one moment: the same moment is one job. */
export function releaseJobId(shopId: string, at: Date): string {
  return `release-${shopId}-${at.getTime()}`;
}

/**
 * Schedules the release job of each moment still ahead of `now` (a moment past is noted by
 * noteReleasesDue). The job is due at the moment itself by the clock BullMQ reads (its timestamp
 * plus its delay), whatever clock `now` came from.
 */
export async function scheduleReleases(shopId: string, moments: readonly Date[], deps: { queues?: Queues; now?: Date } = {}): Promise<number> {
  const queues = deps.queues ?? defaultQueues();
  const now = (deps.now ?? new Date()).getTime();
  const ahead = [...new Set(moments.map((m) => m.getTime()))].filter((ms) => ms > now);
  const clock = Date.now();
  await queues.recompute.addBulk(
    ahead.map((ms) => ({
      name: RELEASE_JOB,
      data: { shopId, releaseAt: ms },
      opts: { jobId: releaseJobId(shopId, new Date(ms)), timestamp: clock, delay: Math.max(0, ms - clock) },
    })),
  );
  return ahead.length;
}

/**
 * The release job: the shop's variants whose release date has passed and was not noted yet have
 * their listings recomputed (now without the hold), and the moment is stamped as noted; with the
 * job's `moment`, so have the variants of products whose release tag names that day
 * (lib/hold-tags.ts; a tag has no stamp, the job's id keeps it to one run). Returns how many
 * variants it noted.
 */
export async function noteReleasesDue(shopId: string, deps: { prisma?: PrismaClient; queues?: Queues; now?: Date; moment?: Date } = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  if (deps.moment && deps.moment <= now) {
    // Tags matched as lib/hold-tags.ts reads them: any letter case, spaces around.
    const tagged = await prisma.$queryRaw<{ id: string }[]>`
      SELECT v.id FROM "Variant" v JOIN "Product" p ON p.id = v."productId" JOIN "Shop" s ON s.id = v."shopId"
      WHERE v."shopId" = ${shopId} AND s."uninstalledAt" IS NULL
        AND EXISTS (SELECT 1 FROM unnest(p.tags) AS t WHERE lower(btrim(t)) = ${releaseTagOf(deps.moment)})`;
    if (tagged.length > 0) await noteChange(shopId, { kind: "catalog", variantIds: tagged.map((v) => v.id) }, { prisma, queues: deps.queues });
  }
  const due = await prisma.variant.findMany({
    // An uninstalled shop's moments wait: the sweep notes them if it comes back.
    where: { shopId, releaseAt: { lte: now }, releaseNotedAt: null, shop: { uninstalledAt: null } },
    select: { id: true, releaseAt: true },
  });
  if (due.length === 0) return 0;
  const variantIds = due.map((v) => v.id);
  const marked = await noteChange(shopId, { kind: "catalog", variantIds }, { prisma, queues: deps.queues });
  // Only the moment that was seen: a date the merchant changed meanwhile waits for its own.
  const byMoment = new Map<number, string[]>();
  for (const v of due) byMoment.set(v.releaseAt!.getTime(), [...(byMoment.get(v.releaseAt!.getTime()) ?? []), v.id]);
  for (const [moment, ids] of byMoment)
    await prisma.variant.updateMany({ where: { id: { in: ids }, releaseAt: new Date(moment), releaseNotedAt: null }, data: { releaseNotedAt: now } });
  logger.info({ shopId, variants: due.length, listings: marked }, "release dates passed: listings recomputed without the hold");
  return due.length;
}

/**
 * The sweep (due-work.server.ts): every installed shop's releases due and not noted are noted now
 * (moments missed while the workers were down run once, when they are back), and the moments
 * ahead get their job again where Redis lost it. Returns how many shops had either.
 */
export async function sweepReleases(shopIds: readonly string[], deps: { prisma?: PrismaClient; queues?: Queues; now?: Date } = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  const now = deps.now ?? new Date();
  const waiting = await prisma.variant.findMany({
    where: { shopId: { in: [...shopIds] }, releaseAt: { not: null }, releaseNotedAt: null },
    select: { shopId: true, releaseAt: true },
    distinct: ["shopId", "releaseAt"],
  });
  const byShop = new Map<string, Date[]>();
  for (const v of waiting) byShop.set(v.shopId, [...(byShop.get(v.shopId) ?? []), v.releaseAt!]);
  // Release days named by product tags: their moments ahead get a job too (one past has no stamp
  // to say whether it was noted; its job, kept by Redis across a restart, is what runs it).
  const tags = await prisma.$queryRaw<{ shopId: string; tag: string }[]>`
    SELECT DISTINCT p."shopId", t AS tag FROM "Product" p, unnest(p.tags) AS t
    WHERE p."shopId" = ANY(${[...shopIds]}) AND lower(btrim(t)) LIKE ${`${RELEASE_TAG_PREFIX}%`}`;
  for (const { shopId, tag } of tags) {
    const at = releaseOfTag(tag);
    if (at && at > now) byShop.set(shopId, [...(byShop.get(shopId) ?? []), at]);
  }
  for (const [shopId, moments] of byShop) {
    if (moments.some((m) => m <= now)) await noteReleasesDue(shopId, { ...deps, prisma, now });
    await scheduleReleases(shopId, moments, { queues: deps.queues, now });
  }
  return byShop.size;
}
