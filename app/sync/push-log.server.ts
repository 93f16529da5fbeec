import { Prisma, type PrismaClient } from "@prisma/client";

// Every push outcome of a listing, one row each (ListingPush): the Overview's 24-hour and 30-day
// charts and the weekly sync-health report count pushes, failures and latency from these rows,
// since Listing.pushedAt keeps only the last push. Written by the flush beside the outbox's own
// records (flush.server.ts recordOutcomes), pruned after HEALTH_HISTORY_DAYS by the weekly report job, a shop's once a week.

/** How long push outcomes are kept: the Overview's longest window (30 days) and a week to spare. */
export const HEALTH_HISTORY_DAYS = 37;

export type PushLogOutcome = "ACKNOWLEDGED" | "REJECTED" | "RETRY";

export interface LoggedPush {
  listingId: string;
  outcome: PushLogOutcome;
  /** Anchorline's change to the acknowledgement; acknowledged pushes only. */
  latencyMs?: number | null;
}

/** Records one flush's outcomes of one channel account, in one statement. */
export async function logPushes(prisma: PrismaClient, channel: { id: string; shopId: string }, pushes: readonly LoggedPush[], at = new Date()): Promise<void> {
  if (pushes.length === 0) return;
  await prisma.$executeRaw`
    INSERT INTO "ListingPush" ("shopId", "channelId", "listingId", "at", "outcome", "latencyMs")
    SELECT ${channel.shopId}, ${channel.id}, p.listing_id, ${at}, p.outcome, p.latency_ms
    FROM unnest(${pushes.map((p) => p.listingId)}::text[], ${pushes.map((p) => p.outcome)}::text[], ${pushes.map((p) =>
      p.latencyMs === undefined || p.latencyMs === null ? null : Math.max(0, Math.round(p.latencyMs)),
    )}::int[]) AS p(listing_id, outcome, latency_ms)`;
}

/** Drops the shop's outcomes older than HEALTH_HISTORY_DAYS (by its (shopId, at) index); returns how many. */
export async function prunePushLog(prisma: PrismaClient, shopId: string, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - HEALTH_HISTORY_DAYS * 86_400_000);
  return prisma.$executeRaw(Prisma.sql`DELETE FROM "ListingPush" WHERE "shopId" = ${shopId} AND "at" < ${before}`);
}
