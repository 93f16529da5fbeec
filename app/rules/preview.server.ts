import type { Prisma, PrismaClient } from "@prisma/client";
import { explanationText } from "~/engine/explain";
import { computeListing } from "~/recompute/desired";
import { type AllocationRuleRow, batchInputsFromRows, type BufferRuleRow } from "~/recompute/inputs";
import { loadEngineRows, loadShopInputs } from "~/recompute/load-inputs.server";
import { sqlFor } from "~/lib/sql.server";

// What saving a rule would change, before it is saved, for every screen that keeps quantity rules
// (Buffers, Artificial counts): the listings the rule applies to (all of them counted, the first
// PREVIEW_SAMPLE computed) through the engine with the shop's current rules, then with the rules
// changed as saving would change them. Inputs are read and shaped exactly as the recompute service
// does (app/recompute/load-inputs.server.ts, inputs.ts), so "after" is what the recompute will store.

/** How many affected listings the preview runs through the engine (a page, not the whole shop). */
export const PREVIEW_SAMPLE = 25;

export interface PreviewRow {
  listingId: string;
  sku: string;
  title: string;
  channelName: string;
  /** What the outbox holds now (null: never computed). */
  storedQuantity: number | null;
  /** Null for a listing the marketplace ships from its own warehouse (FBA): no rule moves it. */
  before: number | null;
  after: number | null;
  explanationAfter: string;
}

export interface Preview {
  affected: number;
  rows: PreviewRow[];
  note: string | null;
}

/** The rule rows as saving would leave them: each family's loaded rows in, the changed rows out. */
export interface RuleChange {
  bufferRules?: (rules: BufferRuleRow[]) => BufferRuleRow[];
  allocationRules?: (rules: AllocationRuleRow[]) => AllocationRuleRow[];
}

/** The change that adds `row`, or puts it in place of the stored rule it edits (same id). */
export function withRule<T extends { id: string }>(row: T): (rules: T[]) => T[] {
  return (rules) => [...rules.filter((r) => r.id !== row.id), row];
}

/** Where a rule of this channel (null: every channel) and scope applies. */
export interface RuleReach {
  channelId: string | null;
  /** A RuleScope, as the recompute's rows carry it (text). */
  scope: string;
  scopeValue: string | null;
}

export async function previewRuleChange(shopId: string, reach: RuleReach, change: RuleChange, prisma: PrismaClient, now = new Date()): Promise<Preview> {
  const where: Prisma.ListingWhereInput = {
    shopId,
    ...(reach.channelId ? { channelId: reach.channelId } : {}),
    ...(reach.scope === "TAG" ? { variant: { product: { tags: { has: reach.scopeValue ?? "" } } } } : {}),
    // The products Shopify holds in the collection, as mirrored (anchor/collections.server.ts).
    ...(reach.scope === "COLLECTION" ? { variant: { product: { collections: { some: { collection: { handle: reach.scopeValue ?? "" } } } } } } : {}),
    ...(reach.scope === "PRODUCT" ? { variant: { productId: reach.scopeValue ?? "" } } : {}),
    ...(reach.scope === "VARIANT" ? { variantId: reach.scopeValue ?? "" } : {}),
    ...(reach.scope === "LISTING" ? { id: reach.scopeValue ?? "" } : {}),
  };
  const [affected, listings] = await Promise.all([
    prisma.listing.count({ where }),
    prisma.listing.findMany({
      where,
      orderBy: { id: "asc" },
      take: PREVIEW_SAMPLE,
      select: {
        id: true,
        channelId: true,
        variantId: true,
        channelSku: true,
        desiredQuantity: true,
        fulfilledByMarketplace: true,
        channel: { select: { name: true } },
        variant: { select: { title: true, product: { select: { title: true } } } },
      },
    }),
  ]);
  const current = await engineQuantities(shopId, listings, now);
  const proposed = await engineQuantities(shopId, listings, now, change);
  const rows = listings.map((l) => ({
    listingId: l.id,
    sku: l.channelSku,
    title: `${l.variant.product.title} – ${l.variant.title}`,
    channelName: l.channel.name,
    storedQuantity: l.desiredQuantity,
    // A listing the marketplace fulfils (FBA) gets no quantity either way: shown as such, not as 0.
    before: l.fulfilledByMarketplace ? null : (current.get(l.id)?.quantity ?? 0),
    after: l.fulfilledByMarketplace ? null : (proposed.get(l.id)?.quantity ?? 0),
    explanationAfter: proposed.get(l.id)?.explanation ?? "",
  }));
  const note = affected > listings.length ? `Showing the first ${listings.length} of ${affected} listings this rule applies to.` : null;
  return { affected, rows, note };
}

export interface EngineAnswer {
  /** Null for a listing the marketplace fulfils from its own stock (FBA): no rule moves it. */
  quantity: number | null;
  priceCents: number;
  explanation: string;
}

/**
 * The engine's answer for a few listings from the shop's current rows, optionally with the rules
 * changed. For screens (previews), not the hot path: the recompute service is the one that stores
 * desired states.
 */
export async function engineQuantities(
  shopId: string,
  listings: readonly { id: string; channelId: string; variantId: string; fulfilledByMarketplace?: boolean }[],
  now: Date,
  change: RuleChange = {},
): Promise<Map<string, EngineAnswer>> {
  const answers = new Map<string, EngineAnswer>();
  if (listings.length === 0) return answers;
  // The recompute job's own loader: a preview computes from exactly what a push would.
  const sql = sqlFor();
  const shop = await loadShopInputs(sql, shopId);
  if (!shop) return answers;
  const rows = await loadEngineRows(sql, shopId, listings, shop, now);
  const batch = batchInputsFromRows({
    ...rows,
    bufferRules: change.bufferRules ? change.bufferRules(rows.bufferRules) : rows.bufferRules,
    allocationRules: change.allocationRules ? change.allocationRules(rows.allocationRules) : rows.allocationRules,
    now,
  });
  for (const listing of listings) {
    const answer = computeListing(listing, shop, batch, now);
    if (answer)
      answers.set(listing.id, { quantity: answer.quantity, priceCents: answer.priceCents, explanation: explanationText(answer.explanation.quantity) });
  }
  return answers;
}
