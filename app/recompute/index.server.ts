// The one way into the pipeline. Whatever changed (a webhook applied to the mirror, an order
// written back, a merchant's rule, a channel's settings), the caller says what changed here; this
// marks exactly the listings the change can move (staleSince) and asks for one recompute job per
// shop, which computes them and writes the outbox. Nothing else marks listings or asks for a
// recompute.
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "~/db.server";
import type { Queues } from "~/queues.server";
import { markChannels, markStock, requestRecompute } from "./stale.server";

/** What changed, in the terms of what it can move. */
export type Change =
  /** Stock of variants at locations (a null location: wherever the variant is counted). */
  | { kind: "stock"; at: { variantId: string; locationId: string | null }[] }
  /** Variants' catalog data: price, status, content, a kit's make-up; every listing of them and of their bundles. */
  | { kind: "catalog"; variantIds: string[] }
  /** Channel settings or shop-wide rules: every listing of these channels, or of the shop when none are named. */
  | { kind: "channels"; channelIds?: string[] };

export interface ChangeDeps {
  prisma?: PrismaClient;
  queues?: Queues;
}

/**
 * Marks the listings a change can move and returns how many. For a caller recording many changes
 * in one go (an import batch, an order's lines): it asks for the recompute once, with
 * `recomputeMarked`, when its batch is done.
 */
export async function markChanged(shopId: string, change: Change, deps: ChangeDeps = {}): Promise<number> {
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
  }
}

/** Asks for the shop's recompute after `markChanged` calls; nothing is asked when nothing was marked. */
export async function recomputeMarked(shopId: string, marked: number, deps: ChangeDeps = {}): Promise<void> {
  if (marked > 0) await requestRecompute(shopId, deps.queues);
}

/** Notes one change: marks what it can move and asks for the shop's recompute. Returns how many listings were marked. */
export async function noteChange(shopId: string, change: Change, deps: ChangeDeps = {}): Promise<number> {
  const marked = await markChanged(shopId, change, deps);
  await recomputeMarked(shopId, marked, deps);
  return marked;
}

/** Asks for the shop's recompute of listings already stale (new listings are created stale). */
export { requestRecompute };
