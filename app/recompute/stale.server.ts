import type { PrismaClient } from "@prisma/client";
import { sqlFor } from "~/lib/sql.server";
import { queues as defaultQueues, type Queues } from "~/queues.server";

// Marking listings for recomputation. Each mark sets staleSince to now; the engine reads stale
// listings, computes, and clears the mark only if it is still the value it read, so a change that
// lands mid-computation is never lost (see the engine's recompute service).

// The listings a stock change of a variant at a location can move: listings of that variant and of
// bundles made from it, on channels that count that location (saleable and eligible), or that share
// that location's quantity through an artificial count. A null location stands for any change of
// the variant (price, status, content). $1 shop, $2 variant ids, $3 location ids (pairwise).
const MARK_STOCK_CHANGES_STALE = `
  WITH changed AS (
    SELECT DISTINCT c."variantId", c."locationId" FROM unnest($2::text[], $3::text[]) AS c("variantId", "locationId")
  ), touched AS (
    SELECT "variantId", "locationId" FROM changed
    UNION
    SELECT bc."bundleId", c."locationId" FROM changed c JOIN "BundleComponent" bc ON bc."shopId" = $1 AND bc."componentId" = c."variantId"
  )
  UPDATE "Listing" AS l SET "staleSince" = clock_timestamp()
  WHERE l."shopId" = $1
    -- The touched variants' listings through the variantId index; without it the planner read every
    -- listing of the shop for each stock change (4 ms a webhook at 20,000 listings, growing with the shop).
    AND l."variantId" = ANY (ARRAY(SELECT "variantId" FROM touched))
    AND EXISTS (
      SELECT 1 FROM touched t
      WHERE t."variantId" = l."variantId"
        AND (
          t."locationId" IS NULL
          OR (
            EXISTS (SELECT 1 FROM "Location" loc WHERE loc.id = t."locationId" AND loc.saleable)
            AND NOT EXISTS (SELECT 1 FROM "LocationChannel" lc WHERE lc."locationId" = t."locationId" AND lc."channelId" = l."channelId" AND NOT lc.eligible)
          )
          OR EXISTS (SELECT 1 FROM "AllocationRule" ar WHERE ar."channelId" = l."channelId" AND ar.kind = 'VENDOR_SHARE' AND ar."locationId" = t."locationId")
        )
    )`;

/**
 * A mark is one UPDATE over many listings while recompute, flushes and other marks write some of
 * the same rows in their own order, so PostgreSQL can pick it as a deadlock's victim (seen when a
 * merchant saved throttling during the demo's sale). Setting staleSince again is harmless, so the
 * mark is simply run again.
 */
const DEADLOCK_ATTEMPTS = 5;

export function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string }; message?: string } | null;
  // P2034: Prisma's "write conflict or a deadlock"; 40P01 / 40001: PostgreSQL's deadlock_detected
  // and serialization_failure, as pg reports them or as Prisma passes them on from a raw query.
  return !!e && (e.code === "P2034" || e.code === "40P01" || e.code === "40001" || e.meta?.code === "40P01" || /deadlock detected/i.test(e.message ?? ""));
}

export async function retryingDeadlocks<T>(mark: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mark();
    } catch (error) {
      if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}

/** Above this many (variant, location) pairs a mark goes through the plain SQL pool (see markStock). */
const PRISMA_MARK_MAX = 200;

/**
 * Marks the listings stock changes of (variant, location) pairs can move (see above). A null
 * location stands for any change of the variant. A whole import batch goes through plain SQL like
 * the batch upserts: thousands of ids per statement through Prisma's driver adapter cost more time
 * and memory than the statement itself.
 */
export async function markStock(prisma: PrismaClient, shopId: string, at: { variantId: string; locationId: string | null }[]): Promise<number> {
  if (at.length === 0) return 0;
  const params = [shopId, at.map((c) => c.variantId), at.map((c) => c.locationId)] as const;
  if (at.length > PRISMA_MARK_MAX) return retryingDeadlocks(() => sqlFor().execute(MARK_STOCK_CHANGES_STALE, [...params]));
  return retryingDeadlocks(() => prisma.$executeRawUnsafe(MARK_STOCK_CHANGES_STALE, ...params));
}

/** Every listing of the shop, or of some channels (a rule, location or channel setting changed). */
export async function markChannels(prisma: PrismaClient, shopId: string, channelIds?: string[]): Promise<number> {
  const { count } = await retryingDeadlocks(() =>
    prisma.listing.updateMany({
      where: { shopId, ...(channelIds ? { channelId: { in: channelIds } } : {}) },
      data: { staleSince: new Date() },
    }),
  );
  return count;
}

// The listings whose buffer can read the velocity of the given variants: their own listings and
// their kits' (a kit's components are buffered as the components, engine/ats.ts), where some
// velocity rule of the shop reaches the listing on its channel, as engine/rules.ts matches scopes
// (exact tag, collection handle). A more specific rule of another kind may win there: the listing
// is then recomputed to the same answer, which is cheaper than resolving rules in SQL.
// $1 shop, $2 variant ids.
const MARK_VELOCITY_BUFFERED_STALE = `
  WITH sold AS (
    SELECT DISTINCT unnest($2::text[]) AS "variantId"
  ), touched AS (
    SELECT "variantId" AS "listedId", "variantId" FROM sold
    UNION
    SELECT bc."bundleId", bc."componentId" FROM sold s JOIN "BundleComponent" bc ON bc."shopId" = $1 AND bc."componentId" = s."variantId"
  )
  UPDATE "Listing" AS l SET "staleSince" = clock_timestamp()
  WHERE l."shopId" = $1
    AND l."variantId" = ANY (ARRAY(SELECT "listedId" FROM touched))
    AND EXISTS (
      SELECT 1 FROM touched t
      JOIN "Variant" v ON v.id = t."variantId" AND v."shopId" = $1
      JOIN "Product" p ON p.id = v."productId"
      JOIN "BufferRule" r ON r."shopId" = $1 AND r.kind = 'VELOCITY' AND (r."channelId" IS NULL OR r."channelId" = l."channelId")
      WHERE t."listedId" = l."variantId"
        AND (
          r.scope = 'CHANNEL'
          OR (r.scope = 'LISTING' AND r."scopeValue" = l.id)
          OR (r.scope = 'VARIANT' AND r."scopeValue" = v.id)
          OR (r.scope = 'PRODUCT' AND r."scopeValue" = p.id)
          OR (r.scope = 'TAG' AND r."scopeValue" = ANY (COALESCE(p.tags, '{}')))
          OR (r.scope = 'COLLECTION' AND EXISTS (
                SELECT 1 FROM "CollectionProduct" cp JOIN "Collection" c ON c.id = cp."collectionId"
                WHERE cp."shopId" = $1 AND cp."productId" = p.id AND c.handle = r."scopeValue"))
        )
    )`;

/** Marks the listings whose buffer can read these variants' velocity (see above); returns how many. */
export async function markVelocityBuffered(prisma: PrismaClient, shopId: string, variantIds: string[]): Promise<number> {
  if (variantIds.length === 0) return 0;
  return retryingDeadlocks(() => prisma.$executeRawUnsafe(MARK_VELOCITY_BUFFERED_STALE, shopId, variantIds));
}

/**
 * Marks the content of the listings of some products and/or channels (all of the shop's when
 * neither is named) for the recompute job's content step.
 */
export async function markContent(prisma: PrismaClient, shopId: string, scope: { productIds?: string[]; channelIds?: string[] }): Promise<number> {
  const { count } = await retryingDeadlocks(() =>
    prisma.listing.updateMany({
      where: {
        shopId,
        ...(scope.productIds ? { variant: { productId: { in: scope.productIds } } } : {}),
        ...(scope.channelIds ? { channelId: { in: scope.channelIds } } : {}),
      },
      data: { contentStaleSince: new Date() },
    }),
  );
  return count;
}

/**
 * Asks for a recompute of the shop's stale listings. Deduplicated per shop while a job waits; a
 * mark made while a job runs gets the next one.
 */
export async function requestRecompute(shopId: string, queues: Queues = defaultQueues()): Promise<void> {
  // keepLastIfActive: a mark made while the shop's job runs gets one more job after it, never a
  // second job beside it (BullMQ's plain deduplication would drop that request).
  await queues.recompute.add("recompute", { shopId }, { deduplication: { id: `recompute:${shopId}`, keepLastIfActive: true } });
}
