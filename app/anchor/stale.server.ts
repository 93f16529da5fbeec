import type { PrismaClient } from "@prisma/client";
import { queues as defaultQueues, type Queues } from "~/queues.server";

// Marking listings for recomputation. Each mark sets staleSince to now; the engine reads stale
// listings, computes, and clears the mark only if it is still the value it read, so a change that
// lands mid-computation is never lost (see the engine's recompute service).

/**
 * The listings a stock change of `variantIds` at `locationId` can move: listings of those variants
 * and of bundles made from them, on channels that count that location (saleable and eligible),
 * or that share that location's quantity through an artificial count.
 */
export async function markStockChangeStale(
  prisma: PrismaClient,
  shopId: string,
  variantIds: string[],
  locationId: string | null,
): Promise<number> {
  if (variantIds.length === 0) return 0;
  return prisma.$executeRaw`
    UPDATE "Listing" AS l SET "staleSince" = clock_timestamp()
    WHERE l."shopId" = ${shopId}
      AND (l."variantId" = ANY(${variantIds}::text[])
           OR l."variantId" IN (SELECT "bundleId" FROM "BundleComponent" WHERE "shopId" = ${shopId} AND "componentId" = ANY(${variantIds}::text[])))
      AND (
        ${locationId}::text IS NULL
        OR (
          EXISTS (SELECT 1 FROM "Location" loc WHERE loc.id = ${locationId} AND loc.saleable)
          AND NOT EXISTS (SELECT 1 FROM "LocationChannel" lc WHERE lc."locationId" = ${locationId} AND lc."channelId" = l."channelId" AND NOT lc.eligible)
        )
        OR EXISTS (SELECT 1 FROM "AllocationRule" ar WHERE ar."channelId" = l."channelId" AND ar.kind = 'VENDOR_SHARE' AND ar."locationId" = ${locationId})
      )`;
}

/** Every listing of these variants (a price, status or content change), bundles included. */
export async function markVariantsStale(prisma: PrismaClient, shopId: string, variantIds: string[]): Promise<number> {
  return markStockChangeStale(prisma, shopId, variantIds, null);
}

/** Every listing of the shop, or of some channels (a rule, location or channel setting changed). */
export async function markChannelsStale(prisma: PrismaClient, shopId: string, channelIds?: string[]): Promise<number> {
  const { count } = await prisma.listing.updateMany({
    where: { shopId, ...(channelIds ? { channelId: { in: channelIds } } : {}) },
    data: { staleSince: new Date() },
  });
  return count;
}

/**
 * Asks for a recompute of the shop's stale listings. Deduplicated per shop while a job waits; a
 * mark made while a job runs gets the next one.
 */
export async function requestRecompute(shopId: string, queues: Queues = defaultQueues()): Promise<void> {
  await queues.recompute.add("recompute", { shopId }, { deduplication: { id: `recompute:${shopId}` } });
}
