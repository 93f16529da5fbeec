import { Prisma, type PrismaClient } from "@prisma/client";
import { contentToPush, readDesiredContent, withAcknowledged } from "~/content/diff";

// The outbox is the listings' desired state: the engine writes desired* and bumps desiredVersion;
// this module reads what is pending and records what the marketplace acknowledged. Recording is a
// compare-and-set on desiredVersion, so a listing that changed again while a push was in flight
// stays pending and goes out again with its newest state.

export interface PendingListing {
  id: string;
  channelSku: string;
  externalId: string | null;
  desiredVersion: number;
  /** Null for a listing the marketplace fulfils from its own stock (FBA): no quantity goes out. */
  desiredQuantity: number | null;
  desiredPriceCents: number | null;
  pushedQuantity: number | null;
  /** The marketplace ships it from its own warehouse: never pushed a quantity, whatever desiredQuantity says. */
  fulfilledByMarketplace?: boolean;
  pushedPriceCents: number | null;
  desiredAt: Date | null;
  /** HELD: its price waits for the merchant's review (parity); its quantity still goes out. */
  syncState: "PENDING" | "HELD";
  /** Content as Listing.desiredContent/pushedContent hold it (app/content/fields.ts). */
  desiredContent?: Prisma.JsonValue | null;
  pushedContent?: Prisma.JsonValue | null;
}

/**
 * The next listings to push for one channel account, scarcest first: a listing going to 0 (or
 * nearly) is where an oversell happens, so it outranks a price tweak on a well-stocked one. A
 * listing whose price is held for parity review is among them while its quantity differs from
 * what the channel shows: holding a price must never hold back a sell-out.
 */
export async function pendingListings(prisma: PrismaClient, channelId: string, limit: number): Promise<PendingListing[]> {
  return prisma.$queryRaw<PendingListing[]>`
    SELECT id, "channelSku", "externalId", "desiredVersion", "desiredQuantity", "desiredPriceCents",
           "pushedQuantity", "pushedPriceCents", "fulfilledByMarketplace", "desiredAt", "syncState",
           "desiredContent", "pushedContent"
    FROM "Listing"
    WHERE "channelId" = ${channelId}
      AND ("syncState" = 'PENDING' OR ("syncState" = 'HELD' AND "desiredQuantity" IS NOT NULL AND "desiredQuantity" IS DISTINCT FROM "pushedQuantity"))
    ORDER BY ("desiredQuantity" = 0 AND "pushedQuantity" IS DISTINCT FROM 0) IS TRUE DESC,
             ${STOCK_OR_PRICE_TO_PUSH} DESC,
             "desiredQuantity" ASC NULLS LAST, "desiredAt" ASC NULLS LAST
    LIMIT ${limit}`;
}

/**
 * A listing with a quantity or a price still to push (a held price does not count: it waits for
 * the merchant). The flush's own test of the same thing is in flushChannelAccount.
 */
const STOCK_OR_PRICE_TO_PUSH = Prisma.sql`(
  ("syncState" IN ('PENDING', 'HELD') AND "desiredQuantity" IS NOT NULL AND "desiredQuantity" IS DISTINCT FROM "pushedQuantity")
  OR ("syncState" = 'PENDING' AND "desiredPriceCents" IS NOT NULL AND "desiredPriceCents" IS DISTINCT FROM "pushedPriceCents"))`;

/**
 * How many of these channels' listings have a quantity or a price to push: content pushes yield
 * to them, and the demo waits for them. Counts up to `atMost`.
 */
export async function stockOrPriceToPush(prisma: PrismaClient, channelIds: readonly string[], atMost = 1_000_000): Promise<number> {
  if (channelIds.length === 0) return 0;
  const [{ count }] = await prisma.$queryRaw<Array<{ count: number }>>`
    SELECT count(*)::int AS count FROM (
      SELECT 1 FROM "Listing"
      WHERE "channelId" IN (${Prisma.join(channelIds)}) AND ${STOCK_OR_PRICE_TO_PUSH}
      LIMIT ${atMost}) AS waiting`;
  return count;
}

export interface PushRecord {
  listing: PendingListing;
  quantityPushed: boolean;
  pricePushed: boolean;
  /** The content fields the channel acknowledged, if content went out. */
  contentPushed?: Record<string, unknown> | null;
}

/**
 * The marketplace acknowledged these: copy what was sent into pushed*, in sync if unchanged since.
 * One statement for the whole flush (a row-by-row update was a statement per listing, hundreds a
 * flush under load). Per row it is a compare-and-set on desiredVersion: a listing whose desired
 * state moved on meanwhile gets only what the channel now shows, and stays pending. Answers how
 * many listings are left pending that way (newer state to push, or overtaken: they need another flush).
 */
export async function recordAcknowledged(prisma: PrismaClient, records: PushRecord[], at = new Date()): Promise<number> {
  if (records.length === 0) return 0;
  const rows = records.map(({ listing, quantityPushed, pricePushed, contentPushed }) => {
    const pushedContent = contentPushed ? withAcknowledged(listing.pushedContent, contentPushed) : null;
    const contentSettled = contentToPush(listing.desiredContent, pushedContent ?? listing.pushedContent) === null;
    const complete =
      (quantityPushed || listing.desiredQuantity === null || listing.desiredQuantity === listing.pushedQuantity) &&
      (pricePushed || listing.desiredPriceCents === listing.pushedPriceCents) &&
      contentSettled;
    return Prisma.sql`(${listing.id}, ${listing.desiredVersion}::int, ${quantityPushed}::boolean, ${listing.desiredQuantity}::int,
      ${pricePushed}::boolean, ${listing.desiredPriceCents}::int, ${pushedContent ? JSON.stringify(pushedContent) : null}::jsonb,
      ${complete}::boolean, ${listing.syncState === "HELD"}::boolean)`;
  });
  const current = Prisma.sql`l."desiredVersion" = v.version`;
  // An acknowledgement of an older desired state can land after a newer one was recorded in sync
  // (two flushes of one account overlapping: a stalled job run again beside the first). The channel
  // then shows the older value: the listing goes back to pending rather than staying in sync on a
  // number the channel no longer has.
  const overtaken = Prisma.sql`NOT ${current} AND l."syncState" = 'IN_SYNC' AND (
    (v.quantity_pushed AND v.quantity IS DISTINCT FROM l."desiredQuantity") OR (v.price_pushed AND v.price_cents IS DISTINCT FROM l."desiredPriceCents"))`;
  const reopened = await prisma.$queryRaw<Array<{ again: boolean }>>`
    UPDATE "Listing" AS l SET
      "pushedQuantity" = CASE WHEN v.quantity_pushed THEN v.quantity ELSE l."pushedQuantity" END,
      "pushedPriceCents" = CASE WHEN v.price_pushed THEN v.price_cents ELSE l."pushedPriceCents" END,
      "pushedContent" = COALESCE(v.content, l."pushedContent"),
      "pushedAt" = ${at},
      "updatedAt" = ${at},
      "attempts" = CASE WHEN ${current} THEN 0 ELSE l."attempts" END,
      -- A held listing keeps its reason: the merchant still has the price to review.
      "syncMessage" = CASE WHEN ${current} AND NOT v.held THEN NULL ELSE l."syncMessage" END,
      "pushedVersion" = CASE WHEN ${current} AND v.complete THEN v.version ELSE l."pushedVersion" END,
      "syncState" = CASE WHEN ${current} AND v.complete THEN 'IN_SYNC'::"SyncState" WHEN ${overtaken} THEN 'PENDING'::"SyncState" ELSE l."syncState" END
    FROM (VALUES ${Prisma.join(rows)}) AS v(id, version, quantity_pushed, quantity, price_pushed, price_cents, content, complete, held)
    WHERE l.id = v.id
    RETURNING (NOT ${current} AND l."syncState" = 'PENDING') AS again`;
  return reopened.filter((r) => r.again).length;
}

/**
 * Ids the channel's connector looked up for listings that had none (PushOutcome.externalId).
 * Kept only where the listing still has none: an id the merchant typed is theirs to change.
 */
export async function recordExternalIds(
  prisma: PrismaClient,
  channelId: string,
  learned: ReadonlyArray<{ listing: PendingListing; externalId: string }>,
): Promise<void> {
  if (learned.length === 0) return;
  const rows = learned.map(({ listing, externalId }) => Prisma.sql`(${listing.id}, ${externalId})`);
  await prisma.$executeRaw`
    UPDATE "Listing" AS l SET "externalId" = v.external_id
    FROM (VALUES ${Prisma.join(rows)}) AS v(id, external_id)
    WHERE l.id = v.id AND l."channelId" = ${channelId} AND l."externalId" IS NULL`;
}

export async function recordRejected(prisma: PrismaClient, listing: PendingListing, message: string): Promise<void> {
  await prisma.listing.updateMany({
    where: { id: listing.id, desiredVersion: listing.desiredVersion },
    data: { syncState: "FAILED", syncMessage: message.slice(0, 1000), attempts: { increment: 1 } },
  });
}

/**
 * Pending listings whose every number the channel already acknowledged, and whose content has
 * nothing it could send (unchanged, or held back by its own validation): in sync as they are. Left
 * PENDING they would be read by every flush, forever. A held listing stays held; a listing whose
 * desired state moved on meanwhile stays pending for the next flush.
 */
export async function recordNothingToSend(prisma: PrismaClient, listings: PendingListing[]): Promise<void> {
  const pending = listings.filter((l) => l.syncState === "PENDING");
  if (pending.length === 0) return;
  // One statement, a compare-and-set on desiredVersion per row (as recordAcknowledged).
  const rows = pending.map((l) => Prisma.sql`(${l.id}, ${l.desiredVersion}::int)`);
  await prisma.$executeRaw`
    UPDATE "Listing" AS l SET "syncState" = 'IN_SYNC', "pushedVersion" = v.version, "syncMessage" = NULL, "attempts" = 0, "updatedAt" = now()
    FROM (VALUES ${Prisma.join(rows)}) AS v(id, version)
    WHERE l.id = v.id AND l."desiredVersion" = v.version AND l."syncState" = 'PENDING'`;
}

/**
 * The channel refused the listing's content. Its quantity and price still sync: the refusal is kept
 * with the desired content as an issue (shown on the content preview, and keeping this content from
 * being pushed again until it changes), not as a failed listing.
 */
export async function recordContentRejected(prisma: PrismaClient, listing: PendingListing, message: string): Promise<void> {
  const desired = readDesiredContent(listing.desiredContent);
  if (!desired) return;
  const refused = {
    ...desired,
    issues: [...desired.issues, { field: "channel" as const, severity: "error" as const, message: `refused by the channel: ${message.slice(0, 500)}` }],
  };
  listing.desiredContent = refused as unknown as Prisma.JsonValue;
  const settled =
    (listing.desiredQuantity === null || listing.desiredQuantity === listing.pushedQuantity) && listing.desiredPriceCents === listing.pushedPriceCents;
  await prisma.listing.updateMany({
    where: { id: listing.id, desiredVersion: listing.desiredVersion },
    data: {
      desiredContent: refused as unknown as Prisma.InputJsonValue,
      ...(settled ? { syncState: "IN_SYNC", pushedVersion: listing.desiredVersion, syncMessage: null } : {}),
    },
  });
}

/** Pushes that will be tried again: one statement per distinct message, not one per listing. */
export async function recordRetries(prisma: PrismaClient, retries: ReadonlyArray<{ listing: PendingListing; message: string }>): Promise<void> {
  const byMessage = new Map<string, string[]>();
  for (const { listing, message } of retries) {
    const key = message.slice(0, 1000);
    byMessage.set(key, [...(byMessage.get(key) ?? []), listing.id]);
  }
  for (const [message, ids] of byMessage)
    await prisma.listing.updateMany({ where: { id: { in: ids } }, data: { syncMessage: message, attempts: { increment: 1 } } });
}

export async function pendingCount(prisma: PrismaClient, channelId: string): Promise<number> {
  return prisma.listing.count({ where: { channelId, syncState: "PENDING" } });
}
