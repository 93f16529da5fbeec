import { Prisma, type PrismaClient } from "@prisma/client";
import { contentToPush } from "~/content/diff";
import type { DesiredContent } from "~/content/fields";
import type { ListingWithContentSource } from "~/content/listing-content";
import type { Sql } from "~/lib/sql.server";
import type { Decision, StoredExplanation } from "./desired";

// The one writer of the outbox. The outbox is the listings' desired state (desired*, a bumped
// desiredVersion, syncState PENDING or HELD); the channel workers push what it holds and record
// what the marketplace acknowledged (sync/outbox.server.ts). Three things write a desired state,
// all here: the engine's decisions for stale listings, the content step's new content, and the
// merchant's verdict on a price held for review. Every write is a compare-and-set on the row as it
// is written (desiredVersion, and staleSince or syncState), so a slower writer working from older
// inputs never overwrites a newer desired state.

// ---------------------------------------------------------------- the engine's decisions

export interface Written {
  id: string;
  channelId: string;
  state: string;
  bumped: boolean;
  cleared: boolean;
}

/**
 * Writes one batch of the engine's decisions: a new desired state while the listing is still stale
 * and its desiredVersion is what was read, and clears staleSince only where it still holds the
 * value read, so a mark made while the batch computed survives and the listing is computed again.
 */
export async function writeDecisions(sql: Sql, shopId: string, decisions: readonly Decision[]): Promise<{ written: Written[]; clearedUnchanged: number }> {
  const writes = decisions.filter((d): d is Extract<Decision, { kind: "write" }> => d.kind === "write");
  const clears = decisions.filter((d) => d.kind === "clear");
  let written: Written[] = [];
  if (writes.length > 0) {
    // One JSON document for the whole batch: PostgreSQL parses it once, where an array literal
    // of explanations would be escaped and parsed element by element.
    const payload = JSON.stringify(
      writes.map((d) => ({
        id: d.listing.id,
        quantity: d.computed.quantity,
        price: d.computed.priceCents,
        explanation: d.computed.explanation,
        bump: d.bump,
        state: d.state,
        message: d.message,
        group: d.holdGroup,
        stale: d.listing.staleSince,
        version: d.listing.desiredVersion,
      })),
    );
    written = await sql.rows<Written>(
      `UPDATE "Listing" AS l SET
         "desiredQuantity" = v.quantity,
         "desiredPriceCents" = v.price,
         explanation = v.explanation,
         "desiredVersion" = l."desiredVersion" + CASE WHEN v.bump THEN 1 ELSE 0 END,
         "desiredAt" = CASE WHEN v.bump THEN now() AT TIME ZONE 'UTC' ELSE l."desiredAt" END,
         "syncState" = v.state::"SyncState",
         "syncMessage" = v.message,
         "holdGroup" = v.group,
         "staleSince" = CASE WHEN l."staleSince" = v.stale THEN NULL ELSE l."staleSince" END,
         "updatedAt" = now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($2::jsonb)
         AS v(id text, quantity int, price int, explanation jsonb, bump bool, state text, message text, "group" text, stale timestamp, version int)
       WHERE l.id = v.id AND l."shopId" = $1 AND l."staleSince" IS NOT NULL AND l."desiredVersion" = v.version
       RETURNING l.id, l."channelId", l."syncState"::text AS state, v.bump AS bumped, l."staleSince" IS NULL AS cleared`,
      [shopId, payload],
    );
  }
  let clearedUnchanged = 0;
  if (clears.length > 0) {
    const cleared = await sql.rows<{ id: string }>(
      `UPDATE "Listing" AS l SET "staleSince" = NULL
       FROM unnest($2::text[], $3::timestamp[]) AS v(id, stale)
       WHERE l.id = v.id AND l."shopId" = $1 AND l."staleSince" = v.stale
       RETURNING l.id`,
      [shopId, clears.map((d) => d.listing.id), clears.map((d) => d.listing.staleSince)],
    );
    clearedUnchanged = cleared.length;
  }
  return { written, clearedUnchanged };
}

/** A listing whose explanation moved while its desired state did not, at the version read. */
export interface ExplanationRefresh {
  id: string;
  version: number;
  explanation: Pick<StoredExplanation, "quantity" | "price" | "priceNotices">;
}

/**
 * Writes the engine's new explanation of listings whose quantity and price did not move (so no
 * new desired state was written) but whose floor did: a unit cost changed in Shopify
 * (margins.server.ts). Compare-and-set on the version read, so a newer desired state keeps its
 * own; the holds (parity, guardrail) stay as written with the desired state. Nothing is pushed.
 */
export async function writeExplanations(sql: Sql, shopId: string, refreshes: readonly ExplanationRefresh[]): Promise<number> {
  if (refreshes.length === 0) return 0;
  return sql.execute(
    `UPDATE "Listing" AS l SET explanation = COALESCE(l.explanation, '{}'::jsonb) || v.patch
     FROM jsonb_to_recordset($2::jsonb) AS v(id text, version int, patch jsonb)
     WHERE l.id = v.id AND l."shopId" = $1 AND l."desiredVersion" = v.version`,
    [shopId, JSON.stringify(refreshes.map((r) => ({ id: r.id, version: r.version, patch: r.explanation })))],
  );
}

// ---------------------------------------------------------------- content

/**
 * Writes one listing's new desired content unless a newer desired state got there first. Content
 * only ever makes a listing PENDING (a held one stays held: its price waits for the merchant);
 * it never settles one, since only an acknowledged push does. The state is decided on the row as
 * it is when written: deciding it on the first read once put back IN_SYNC over a quantity the
 * recompute had made PENDING meanwhile, and that quantity was never pushed.
 */
export async function writeDesiredContent(
  prisma: PrismaClient,
  listing: Pick<ListingWithContentSource, "id" | "desiredVersion" | "syncState" | "pushedContent">,
  desired: DesiredContent | null,
): Promise<{ written: boolean; pending: boolean }> {
  const pending = contentToPush(desired, listing.pushedContent) !== null;
  let current: Pick<ListingWithContentSource, "desiredVersion" | "syncState"> | null = listing;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const becomesPending = pending && current.syncState !== "HELD";
    const { count } = await prisma.listing.updateMany({
      where: { id: listing.id, desiredVersion: current.desiredVersion, syncState: current.syncState },
      data: {
        desiredContent: desired === null ? Prisma.DbNull : (desired as unknown as Prisma.InputJsonValue),
        desiredVersion: { increment: 1 },
        desiredAt: new Date(),
        ...(becomesPending ? { syncState: "PENDING" as const } : {}),
      },
    });
    if (count === 1) return { written: true, pending: becomesPending };
    current = await prisma.listing.findUnique({ where: { id: listing.id }, select: { desiredVersion: true, syncState: true } });
  }
  return { written: false, pending: false };
}

/** Clears content marks that still hold the value read (a mark made meanwhile survives); returns how many. */
export async function clearContentMarks(sql: Sql, shopId: string, marks: readonly { id: string; stale: string }[]): Promise<number> {
  if (marks.length === 0) return 0;
  return sql.execute(
    `UPDATE "Listing" AS l SET "contentStaleSince" = NULL
     FROM unnest($2::text[], $3::timestamp[]) AS v(id, stale)
     WHERE l.id = v.id AND l."shopId" = $1 AND l."contentStaleSince" = v.stale`,
    [shopId, marks.map((m) => m.id), marks.map((m) => m.stale)],
  );
}

// ---------------------------------------------------------------- drift repairs

/**
 * A listing the marketplace shows away from its last acknowledged push, as the drift read saw it:
 * its quantity, its price, or both (a field pair left out is not repaired).
 */
export interface DriftRepair {
  id: string;
  /** The acknowledged push's version the read compared with: the repair applies only while it holds. */
  pushedVersion: number;
  /** The acknowledged quantity and what the marketplace shows. */
  pushedQuantity?: number;
  observedQuantity?: number;
  /** The acknowledged price and what the marketplace shows, in cents. */
  pushedPriceCents?: number;
  observedPriceCents?: number;
}

/**
 * Records that the marketplace holds what it shows, not the acknowledged push, so the outbox owes
 * it the desired quantity (or price) again: pushed quantity (or price) set to the observed one, a
 * new desired version, PENDING, and stale so the recompute checks the desired values against
 * today's inputs first. Compare-and-set on the acknowledged push the read saw and on a settled row
 * (IN_SYNC or FAILED): a push acknowledged or queued since the read wins, and nothing is written.
 * Returns the ids written.
 */
export async function writeDriftRepairs(prisma: PrismaClient, shopId: string, repairs: readonly DriftRepair[]): Promise<string[]> {
  if (repairs.length === 0) return [];
  const rows = await prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
    UPDATE "Listing" AS l SET
      "pushedQuantity" = COALESCE(v."observedQuantity", l."pushedQuantity"),
      "pushedPriceCents" = COALESCE(v."observedPriceCents", l."pushedPriceCents"),
      "desiredVersion" = l."desiredVersion" + 1,
      "desiredAt" = now() AT TIME ZONE 'UTC',
      "syncState" = 'PENDING',
      "syncMessage" = NULL,
      "staleSince" = COALESCE(l."staleSince", now() AT TIME ZONE 'UTC'),
      "updatedAt" = now() AT TIME ZONE 'UTC'
    FROM jsonb_to_recordset(${JSON.stringify(repairs)}::jsonb)
      AS v(id text, "pushedVersion" int, "pushedQuantity" int, "observedQuantity" int, "pushedPriceCents" int, "observedPriceCents" int)
    WHERE l.id = v.id AND l."shopId" = ${shopId}
      AND l."syncState" IN ('IN_SYNC', 'FAILED') AND l."pushedVersion" = v."pushedVersion"
      AND (v."observedQuantity" IS NULL OR l."pushedQuantity" = v."pushedQuantity")
      AND (v."observedPriceCents" IS NULL OR l."pushedPriceCents" = v."pushedPriceCents")
    RETURNING l.id`);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------- the merchant's verdict on a held price

export type Verdict =
  /** The held price goes out as it is. */
  | { verdict: "approve" }
  /** The live price stays: the desired price is set back to it, as a new desired state so the quantity still goes out. */
  | { verdict: "reject"; livePriceCents: number; message: string };

/**
 * Writes the merchant's verdict on a listing held for review, compare-and-set on HELD at the
 * version the merchant saw, so two clicks (or a recompute in between) act once. Returns whether
 * it was written.
 */
export async function writeVerdict(prisma: PrismaClient, shopId: string, listing: { id: string; desiredVersion: number }, verdict: Verdict): Promise<boolean> {
  const data: Prisma.ListingUpdateManyMutationInput =
    verdict.verdict === "approve"
      ? { syncState: "PENDING", syncMessage: null, holdGroup: null }
      : {
          desiredPriceCents: verdict.livePriceCents,
          desiredVersion: { increment: 1 },
          desiredAt: new Date(),
          syncState: "PENDING",
          syncMessage: verdict.message,
          holdGroup: null,
        };
  const { count } = await prisma.listing.updateMany({ where: { id: listing.id, shopId, syncState: "HELD", desiredVersion: listing.desiredVersion }, data });
  return count === 1;
}

export type GroupVerdict =
  /** Every held price of the group goes out as it is. */
  | { verdict: "approve" }
  /** Every live price of the group stays; a listing with nothing live yet stays held (there is no price to keep). */
  | { verdict: "reject"; message: string };

export interface GroupVerdictWritten {
  /** Listings written (pending now). */
  written: number;
  /** Of a rejected group, the listings with nothing live that stay held. */
  keptHeld: number;
  channelIds: string[];
}

/**
 * Writes the merchant's verdict on a whole hold group in one transaction: the group's held
 * listings are locked, and only when they are as many as the merchant saw (`expectedCount`) are
 * they all written; otherwise nothing is (null), so a verdict never reaches a push that was held
 * after the merchant looked.
 */
export async function writeGroupVerdict(
  prisma: PrismaClient,
  shopId: string,
  group: string,
  expectedCount: number,
  verdict: GroupVerdict,
): Promise<GroupVerdictWritten | null> {
  return prisma.$transaction(async (tx) => {
    const held = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Listing" WHERE "shopId" = ${shopId} AND "holdGroup" = ${group} AND "syncState" = 'HELD' FOR UPDATE`;
    if (held.length === 0 || held.length !== expectedCount) return null;
    const ids = held.map((l) => l.id);
    const written =
      verdict.verdict === "approve"
        ? await tx.$queryRaw<{ channelId: string }[]>`
            UPDATE "Listing" SET "syncState" = 'PENDING', "syncMessage" = NULL, "holdGroup" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
            WHERE "shopId" = ${shopId} AND id = ANY(${ids}::text[])
            RETURNING "channelId"`
        : await tx.$queryRaw<{ channelId: string }[]>`
            UPDATE "Listing" SET "desiredPriceCents" = "pushedPriceCents", "desiredVersion" = "desiredVersion" + 1, "desiredAt" = now() AT TIME ZONE 'UTC',
                   "syncState" = 'PENDING', "syncMessage" = ${verdict.message}, "holdGroup" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
            WHERE "shopId" = ${shopId} AND id = ANY(${ids}::text[]) AND "pushedPriceCents" IS NOT NULL
            RETURNING "channelId"`;
    return { written: written.length, keptHeld: ids.length - written.length, channelIds: [...new Set(written.map((w) => w.channelId))] };
  });
}

// ---------------------------------------------------------------- a channel going live

/**
 * A channel account's waiting desired states (pending or held while it was not live) dated now,
 * the moment it went live: latency (desiredAt to the acknowledgement) and the sync-latency alert
 * count from when a push was allowed, not from when the state was computed for the preview.
 */
export async function restampWaiting(prisma: PrismaClient, shopId: string, channelId: string): Promise<number> {
  const { count } = await prisma.listing.updateMany({
    where: { shopId, channelId, syncState: { in: ["PENDING", "HELD"] } },
    data: { desiredAt: new Date() },
  });
  return count;
}
