import type { PrismaClient } from "@prisma/client";
import { contentRulesOf } from "~/channels/registry";
import { desiredContentOf, listingContentInclude, sameDesiredContent } from "~/content/listing-content";
import type { Sql } from "~/lib/sql.server";
import { clearContentMarks, writeDesiredContent } from "./write-outbox.server";

// The recompute job's content step: the listings whose content was marked (a product's content
// changed, a channel's content settings were saved, a listing was linked; noteChange "content")
// get their desired content computed from the mirror and written to the outbox where it changed.
// It runs after the stock and price batches of the same job, so content never delays a quantity.

/** Listings computed per batch; each is read with its variant, product and channel. */
export const CONTENT_BATCH_SIZE = 500;

export interface ContentStepResult {
  /** Listings whose content was computed. */
  examined: number;
  /** Listings whose desired content was rewritten. */
  changed: number;
  /** Channel accounts asked to flush because content now waits to be pushed. */
  channelIds: string[];
  /** Marked listings remain (the job's time ran out, or they were marked again faster than computed). */
  more: boolean;
}

export interface ContentStepDeps {
  sql: Sql;
  prisma: PrismaClient;
  requestFlush: (channelId: string) => Promise<void>;
  /** Stop starting new batches after this moment (Date.now() scale). */
  deadline?: number;
}

/** Computes the content of the shop's marked listings, batch by batch, until none is left. */
export async function recomputeMarkedContent(shopId: string, deps: ContentStepDeps): Promise<ContentStepResult> {
  const result: ContentStepResult = { examined: 0, changed: 0, channelIds: [], more: false };
  const flushed = new Set<string>();
  for (;;) {
    const marks = await deps.sql.rows<{ id: string; stale: string }>(
      `SELECT id, "contentStaleSince"::text AS stale FROM "Listing"
       WHERE "shopId" = $1 AND "contentStaleSince" IS NOT NULL ORDER BY id LIMIT $2`,
      [shopId, CONTENT_BATCH_SIZE],
    );
    if (marks.length === 0) break;
    if (deps.deadline !== undefined && Date.now() > deps.deadline) {
      result.more = true;
      break;
    }
    const listings = await deps.prisma.listing.findMany({ where: { shopId, id: { in: marks.map((m) => m.id) } }, include: listingContentInclude });
    const settled: { id: string; stale: string }[] = [];
    const byId = new Map(listings.map((l) => [l.id, l]));
    for (const mark of marks) {
      const listing = byId.get(mark.id);
      if (!listing) continue;
      result.examined++;
      const desired = desiredContentOf(contentRulesOf(listing.channel.kind), listing);
      if (!sameDesiredContent(listing.desiredContent, desired)) {
        const { written, pending } = await writeDesiredContent(deps.prisma, listing, desired);
        // Lost to newer desired states three times over: the mark stays for the next job.
        if (!written) continue;
        result.changed++;
        if (pending) flushed.add(listing.channelId);
      }
      settled.push(mark);
    }
    const cleared = await clearContentMarks(deps.sql, shopId, settled);
    // Asked after every batch, so a channel-wide template change starts pushing before it is all computed.
    for (const channelId of flushed) if (!result.channelIds.includes(channelId)) await deps.requestFlush(channelId);
    result.channelIds = [...flushed];
    // Nothing cleared: every listing of the batch was marked again meanwhile or lost its write; spinning would not help.
    if (cleared === 0) {
      result.more = true;
      break;
    }
  }
  return result;
}
