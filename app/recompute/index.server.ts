// The one way into the pipeline. Whatever changed (a webhook applied to the mirror, an order
// written back, a merchant's rule, a channel's settings or content templates, a verdict on a held
// price), the caller says what changed here; this marks exactly the listings the change can move
// (staleSince for stock and price, contentStaleSince for content) and asks for one recompute job
// per shop, which computes them and writes the outbox (write-outbox.server.ts). Nothing else marks
// listings, asks for a recompute or writes a desired state.
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import { requestFlush, type Queues } from "~/queues.server";
import { markChannels, markContent, markStock, markVelocityBuffered, requestRecompute } from "./stale.server";
import {
  type DriftRepair,
  type GroupVerdict,
  type GroupVerdictWritten,
  restampWaiting,
  writeDriftRepairs,
  writeGroupVerdict,
  writeVerdict,
  type Verdict,
} from "./write-outbox.server";

/** What changed, in the terms of what it can move. */
export type Change =
  /** Stock of variants at locations (a null location: wherever the variant is counted). */
  | { kind: "stock"; at: { variantId: string; locationId: string | null }[] }
  /** Variants' catalog data: price, status, content, a kit's make-up; every listing of them and of their bundles. */
  | { kind: "catalog"; variantIds: string[] }
  /** Channel settings or shop-wide rules: every listing of these channels, or of the shop when none are named. */
  | { kind: "channels"; channelIds?: string[] }
  /**
   * Content only (title, description, images, a channel's templates and synced fields): the content
   * of the listings of these products and/or channels, of the shop when neither is named.
   */
  | { kind: "content"; productIds?: string[]; channelIds?: string[] }
  /**
   * Units sold of these variants, or their sales a day older (the velocity schedule): the listings
   * whose buffer can read their velocity (a velocity rule reaches them), theirs and their kits'.
   */
  | { kind: "sales"; variantIds: string[] }
  /**
   * A channel account went live (the merchant confirmed its first push): its listings' stock, price
   * and content are computed again from what holds now, what already waits is pushed at once, and
   * that first push's age counts from now rather than from when it was computed while not live.
   */
  | { kind: "live"; channelId: string }
  /**
   * The merchant's verdict on a listing's price held for review (parity), at the version they saw.
   * Nothing is recomputed: the verdict is the desired state, written as it is and pushed.
   */
  | ({ kind: "verdict"; listing: { id: string; channelId: string; desiredVersion: number } } & Verdict)
  /**
   * The merchant's verdict on a whole group of prices held for the same cause on the same pair of
   * channels (Listing.holdGroup), as many as they saw; written at once, as it is, and pushed.
   */
  | ({ kind: "groupVerdict"; group: string; expectedCount: number } & GroupVerdict)
  /**
   * The drift read found listings of a channel showing a quantity away from their acknowledged
   * push (sync/drift-read.server.ts): the outbox owes them the desired quantity again. Written as
   * it is (compare-and-set on the push the read saw), recomputed, and the channel flushed.
   */
  | { kind: "drift"; channelId: string; repairs: readonly DriftRepair[] };

/** The changes that mark listings for the recompute (every kind but a verdict, which is written as it is, and a go-live). */
export type Mark = Exclude<Change, { kind: "verdict" } | { kind: "groupVerdict" } | { kind: "live" } | { kind: "drift" }>;

export interface ChangeDeps {
  prisma?: PrismaClient;
  queues?: Queues;
  /** Asks a channel account's worker to flush (default: the channel-sync queue); tests record it. */
  requestFlush?: (channelId: string) => Promise<void>;
}

/**
 * Marks the listings a change can move and returns how many. For a caller recording many changes
 * in one go (an import batch, an order's lines): it asks for the recompute once, with
 * `recomputeMarked`, when its batch is done.
 */
export async function markChanged(shopId: string, change: Mark, deps: ChangeDeps = {}): Promise<number> {
  const prisma = deps.prisma ?? defaultPrisma;
  switch (change.kind) {
    case "stock":
      return markStock(prisma, shopId, change.at);
    case "catalog":
      return markStock(
        prisma,
        shopId,
        change.variantIds.map((variantId) => ({ variantId, locationId: null })),
      );
    case "channels":
      return markChannels(prisma, shopId, change.channelIds);
    case "content":
      return markContent(prisma, shopId, change);
    case "sales":
      return markVelocityBuffered(prisma, shopId, change.variantIds);
  }
}

/** Asks for the shop's recompute after `markChanged` calls; nothing is asked when nothing was marked. */
export async function recomputeMarked(shopId: string, marked: number, deps: ChangeDeps = {}): Promise<void> {
  if (marked > 0) await requestRecompute(shopId, deps.queues);
}

/**
 * Notes one change: marks what it can move and asks for the shop's recompute. Returns how many
 * listings were marked (for a verdict: 1 when written, 0 when the listing was no longer held at
 * that version; for a group verdict: how many were written, 0 when the group changed).
 */
export async function noteChange(shopId: string, change: Change, deps: ChangeDeps = {}): Promise<number> {
  if (change.kind === "groupVerdict") return (await noteGroupVerdict(shopId, change, deps))?.written ?? 0;
  if (change.kind === "verdict") {
    const written = await writeVerdict(deps.prisma ?? defaultPrisma, shopId, change.listing, change);
    if (written) await (deps.requestFlush ?? ((channelId: string) => requestFlush(channelId, 0, deps.queues)))(change.listing.channelId);
    return written ? 1 : 0;
  }
  if (change.kind === "drift") {
    const written = await writeDriftRepairs(deps.prisma ?? defaultPrisma, shopId, change.repairs);
    if (written.length > 0) {
      await requestRecompute(shopId, deps.queues);
      await (deps.requestFlush ?? ((channelId: string) => requestFlush(channelId, 0, deps.queues)))(change.channelId);
    }
    return written.length;
  }
  if (change.kind === "live") {
    const prisma = deps.prisma ?? defaultPrisma;
    await restampWaiting(prisma, shopId, change.channelId);
    const marked = (await markChannels(prisma, shopId, [change.channelId])) + (await markContent(prisma, shopId, { channelIds: [change.channelId] }));
    await recomputeMarked(shopId, marked, deps);
    // What was computed while it waited and has not changed since is pushed as it is: the recompute
    // asks for a flush only where it writes a new desired state.
    await (deps.requestFlush ?? ((channelId: string) => requestFlush(channelId, 0, deps.queues)))(change.channelId);
    return marked;
  }
  const marked = await markChanged(shopId, change, deps);
  await recomputeMarked(shopId, marked, deps);
  return marked;
}

/**
 * A verdict on a hold group, with what it wrote: null when the group no longer holds as many as
 * the merchant saw (nothing written). Each channel that got pending prices is asked to flush.
 */
async function noteGroupVerdict(shopId: string, change: Extract<Change, { kind: "groupVerdict" }>, deps: ChangeDeps = {}): Promise<GroupVerdictWritten | null> {
  const written = await writeGroupVerdict(deps.prisma ?? defaultPrisma, shopId, change.group, change.expectedCount, change);
  for (const channelId of written?.channelIds ?? []) {
    await (deps.requestFlush ?? ((id: string) => requestFlush(id, 0, deps.queues)))(channelId);
  }
  return written;
}

/** Asks for the shop's recompute of listings already stale (new listings are created stale). */
export { requestRecompute };
export type { DriftRepair };
