import type { PrismaClient } from "@prisma/client";
import { settleUnprofitableAlerts } from "~/alerts/unprofitable.server";
import defaultPrisma from "~/db.server";
import { logger } from "~/lib/logger.server";
import { sqlFor, type Sql } from "~/lib/sql.server";
import { queues as defaultQueues, requestFlush as queueFlush, type Queues } from "~/queues.server";
import { computeListing, type ComputedListing, decide, type SiblingPrice, type StoredListing } from "./desired";
import { batchInputsFromRows, type ShopInputs } from "./inputs";
import { type EngineRows, loadEngineRows, loadShopInputs } from "./load-inputs.server";
import { recomputeMarkedContent } from "./content-step.server";
import { explanationsToRefresh, writeMargins } from "./margins.server";
import { writeDecisions, writeExplanations } from "./write-outbox.server";
import { couponStepMoved, promotionCoupons, storeSiblings, suspensionStepMoved } from "./parity";
import { PROMOTION_COUPON_STEP } from "~/engine/promotion";
import { SUSPENSION_STEPS } from "~/engine/ats";
import { watchParity } from "./parity.server";

// The recompute service: a shop's stale listings (Listing.staleSince set through noteChange, index.server.ts)
// through the engine into their desired state, the outbox the channel workers push
// (write-outbox.server.ts); then its content step (content-step.server.ts) for listings whose
// content was marked (Listing.contentStaleSince).
//
// Per batch the inputs are loaded in one query per table for the whole batch, never per listing,
// and every query is scoped by shop. Writes are compare-and-set:
// - a new desired state is written only while the listing is still stale and its desiredVersion is
//   what was read: a recompute that finished first (and cleared the mark) wins over a slower one
//   working from older inputs;
// - staleSince is cleared only where it still holds the value read, so a mark made while the batch
//   computed survives and the listing is computed again.

export const DEFAULT_BATCH_SIZE = 1000;
/** Stale listings read per pass, in variant order, then computed batch by batch. */
const PASS_SIZE = 20_000;
export const DEFAULT_MAX_RUN_MS = 5 * 60_000;
const MAX_PASSES_WITHOUT_CLEARING = 2;

export interface RecomputeDeps {
  sql: Sql;
  now: () => Date;
  requestFlush: (channelId: string) => Promise<void>;
  /** Where alerts are stored (a group of held prices, or a parity violation that stands, pages the merchant). */
  prisma: PrismaClient;
  batchSize: number;
  /** Stop starting new passes after this long; the job queues its own continuation. */
  maxRunMs: number;
  /** Runs after a batch is computed and before it is written (tests use it to land a mark mid-batch). */
  beforeWrite?: (listingIds: string[]) => Promise<void>;
}

export interface RecomputeResult {
  /** Listings run through the engine (a listing marked again mid-run counts each time). */
  examined: number;
  /** New desired states written (desiredVersion bumped), held ones included. */
  changed: number;
  /** Of those, and of unchanged listings newly held, how many wait for the merchant (parity). */
  held: number;
  /** Channel accounts asked to flush because they have new pending desired states. */
  channelsFlushed: number;
  /** Listings left stale because they were marked again (or recomputed elsewhere) mid-batch. */
  markedAgain: number;
  /** Listings whose content the content step computed, and of those, how many got new content. */
  contentExamined: number;
  contentChanged: number;
  /** Stale listings remain for another job (time limit reached, or marks outpacing the batches). */
  more: boolean;
}

// ---------------------------------------------------------------- loading

interface StaleRef {
  id: string;
  variantId: string;
}

async function staleRefs(sql: Sql, shopId: string, limit: number): Promise<StaleRef[]> {
  // Variant order keeps a variant's listings on every channel in one batch, so parity compares
  // the prices they are all about to get. Materialized so the shop's own stale rows are found by
  // the (shopId, staleSince) index and then sorted: left to itself the planner may walk the
  // variantId index of every shop's listings looking for this shop's few.
  return sql.rows<StaleRef>(
    `WITH stale AS MATERIALIZED (
       SELECT id, "variantId" FROM "Listing" WHERE "shopId" = $1 AND "staleSince" IS NOT NULL
     )
     SELECT id, "variantId" FROM stale ORDER BY "variantId", id LIMIT $2`,
    [shopId, limit],
  );
}

/** Batches of about `size`, never splitting one variant's listings. */
export function batchesByVariant(refs: readonly StaleRef[], size: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let lastVariant: string | null = null;
  for (const ref of refs) {
    if (current.length >= size && ref.variantId !== lastVariant) {
      batches.push(current);
      current = [];
    }
    current.push(ref.id);
    lastVariant = ref.variantId;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

interface BatchRows extends EngineRows {
  listings: StoredListing[];
  siblings: SiblingPrice[];
}

async function loadBatch(sql: Sql, shopId: string, listingIds: string[], shop: ShopInputs, clock: () => Date): Promise<BatchRows & { now: Date }> {
  const listings = await sql.rows<StoredListing>(
    `SELECT id, "channelId", "variantId", "fulfilledByMarketplace", "desiredQuantity", "desiredPriceCents", "desiredVersion", "pushedPriceCents",
            "syncState"::text AS "syncState", "staleSince"::text AS "staleSince", "holdGroup",
            COALESCE(explanation->'price' @> $3::jsonb, false) AS "couponStepShown",
            COALESCE(explanation->'quantity' @> $4::jsonb OR explanation->'quantity' @> $5::jsonb, false) AS "suspensionStepShown"
     FROM "Listing" WHERE "shopId" = $1 AND id = ANY($2::text[]) AND "staleSince" IS NOT NULL`,
    [shopId, listingIds, JSON.stringify([{ rule: PROMOTION_COUPON_STEP }]), ...SUSPENSION_STEPS.map((rule) => JSON.stringify([{ rule }]))],
  );
  // The batch's instant is read after its marks, so every mark it clears was made before it: the
  // moment that made one (a promotion's start or end, a release) has come by this instant. Read
  // before the marks, a batch begun a moment early could take in the mark a promotion's end had
  // just made, compute the promotion still running, clear the mark, and leave its discount on
  // after the end (decision 0017). Everything else is read after it.
  const now = clock();
  const listedVariantIds = [...new Set(listings.map((l) => l.variantId))];
  const [rows, siblings] = await Promise.all([
    loadEngineRows(sql, shopId, listings, shop, now),
    shop.parityEdges.length === 0
      ? Promise.resolve([])
      : sql.rows<SiblingPrice>(
          `SELECT id, "channelId", "variantId", "desiredPriceCents", "pushedPriceCents", "syncState"::text AS "syncState" FROM "Listing"
           WHERE "shopId" = $1 AND "variantId" = ANY($2::text[])`,
          [shopId, listedVariantIds],
        ),
  ]);
  // The store's price is a sibling of every listing: the anchor's price, watched like any channel's.
  const storeChannelId = [...shop.channels.values()].find((c) => c.kind === "shopify")?.id ?? null;
  const listedIds = new Set(listedVariantIds);
  const listed = rows.variants.filter((v) => listedIds.has(v.id));
  return { ...rows, now, listings, siblings: shop.parityEdges.length === 0 ? siblings : [...siblings, ...storeSiblings(listed, storeChannelId)] };
}

// ---------------------------------------------------------------- writing

// ---------------------------------------------------------------- the service

/**
 * Recomputes every stale listing of the shop, batch by batch, until none is left. It stops early,
 * with `more` set, at its time limit or when the listings left keep being marked again faster than
 * they compute; `runRecomputeJob` then queues the continuation.
 */
export async function recomputeStaleListings(shopId: string, deps: Partial<RecomputeDeps> = {}): Promise<RecomputeResult> {
  const sql = deps.sql ?? sqlFor();
  const clock = deps.now ?? (() => new Date());
  const flush = deps.requestFlush ?? ((channelId: string) => queueFlush(channelId));
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxRunMs = deps.maxRunMs ?? DEFAULT_MAX_RUN_MS;
  const result: RecomputeResult = { examined: 0, changed: 0, held: 0, channelsFlushed: 0, markedAgain: 0, contentExamined: 0, contentChanged: 0, more: false };

  const shop = await loadShopInputs(sql, shopId);
  if (!shop) return result;
  const flushed = new Set<string>();

  const deadline = Date.now() + maxRunMs;
  let passesWithoutClearing = 0;
  for (;;) {
    const refs = await staleRefs(sql, shopId, Math.max(PASS_SIZE, batchSize));
    if (refs.length === 0) break;
    // Enough for one job: the rest goes to the next (see `runRecomputeJob`), so one busy shop
    // cannot hold a worker slot forever.
    if (Date.now() > deadline || passesWithoutClearing >= MAX_PASSES_WITHOUT_CLEARING) {
      result.more = true;
      break;
    }
    let progressed = 0;
    for (const ids of batchesByVariant(refs, batchSize)) {
      const rows = await loadBatch(sql, shopId, ids, shop, clock);
      const now = rows.now;
      if (rows.listings.length === 0) continue;
      const batch = batchInputsFromRows({ ...rows, now });
      const computed = new Map<string, ComputedListing>();
      for (const listing of rows.listings) {
        const answer = computeListing(listing, shop, batch, now);
        if (answer) computed.set(listing.id, answer);
      }
      // A running coupon-style promotion's coupon is what customers take off on its channels: parity counts it.
      const couponOf = promotionCoupons(batch.promotions, now);
      const decisions = decide(rows.listings, computed, rows.siblings, shop, couponOf);
      await deps.beforeWrite?.(rows.listings.map((l) => l.id));
      const marginMoved = await writeMargins(sql, shopId, computed.values());
      const { written, clearedUnchanged } = await writeDecisions(sql, shopId, decisions);
      const explanationMoved = new Set([...marginMoved, ...couponStepMoved(rows.listings, computed), ...suspensionStepMoved(rows.listings, computed)]);
      await writeExplanations(sql, shopId, explanationsToRefresh(decisions, computed, explanationMoved));

      const variantNames = new Map(rows.variants.map((v) => [v.id, v.name]));
      await watchParity(
        deps.prisma ?? defaultPrisma,
        shopId,
        shop,
        { listings: rows.listings, siblings: rows.siblings, decisions, written, variantNames, couponOf },
        now,
      );

      result.examined += rows.listings.length;
      const pendingChannels = new Set<string>();
      for (const row of written) {
        if (row.bumped) result.changed += 1;
        if (row.state === "HELD") result.held += 1;
        if (row.state === "PENDING") pendingChannels.add(row.channelId);
      }
      // Asked after every batch, not at the end, so a large recompute's first listings are on
      // their way while the rest compute; the request is deduplicated per account.
      for (const channelId of pendingChannels) {
        await flush(channelId);
        flushed.add(channelId);
      }
      const cleared = clearedUnchanged + written.filter((w) => w.cleared).length;
      result.markedAgain += rows.listings.length - cleared;
      progressed += cleared;
    }
    // A pass that cleared nothing only met listings marked again while it computed; a few in a
    // row means marks arrive faster than the batch computes, and spinning would not help.
    passesWithoutClearing = progressed === 0 ? passesWithoutClearing + 1 : 0;
  }

  await settleUnprofitableAlerts(deps.prisma ?? defaultPrisma, shopId);

  // Content after every stock and price batch: a quantity is what oversells, a title is not.
  const content = await recomputeMarkedContent(shopId, { sql, prisma: deps.prisma ?? defaultPrisma, requestFlush: flush, deadline });
  result.contentExamined = content.examined;
  result.contentChanged = content.changed;
  result.more ||= content.more;
  for (const channelId of content.channelIds) flushed.add(channelId);
  result.channelsFlushed = flushed.size;
  return result;
}

/**
 * The recompute worker's job. When stale listings remain, the continuation is queued with
 * `keepLastIfActive`: a plain deduplicated add made while this job is active would be dropped
 * (BullMQ keeps a simple-mode deduplication key until the job finishes), whereas this one is
 * stored and queued the moment this job completes.
 */
export async function runRecomputeJob(shopId: string, queues: Queues = defaultQueues(), deps: Partial<RecomputeDeps> = {}): Promise<RecomputeResult> {
  const startedAt = performance.now();
  const result = await recomputeStaleListings(shopId, deps);
  logger.info({ shopId, ...result, ms: Math.round(performance.now() - startedAt) }, "listings recomputed");
  if (result.more) {
    await queues.recompute.add("recompute", { shopId }, { deduplication: { id: `recompute:${shopId}`, keepLastIfActive: true } });
  }
  return result;
}
