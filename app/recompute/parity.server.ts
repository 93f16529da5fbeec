import type { PrismaClient } from "@prisma/client";
import { PARITY_VIOLATION_KEY_PREFIX, parityViolationKey, raiseParityViolation, resolveAlert } from "~/alerts/events.server";
import { raiseHeldGroup, raiseMoreViolations, resolveHeldGroup, resolveMoreViolations, VIOLATION_ALERTS_PER_EDGE } from "~/alerts/parity-held.server";
import type { Decision, SiblingPrice, StoredListing } from "./desired";
import type { ShopInputs } from "./inputs";
import {
  holdCauseInWords,
  NO_PROMOTION_COUPONS,
  parseHoldGroup,
  type PromotionCouponOf,
  siblingsAfter,
  type StandingViolation,
  standingViolations,
} from "./parity";
import type { Written } from "./write-outbox.server";

// After each recompute batch is written, what parity tells the merchant (domain.md "Parity";
// decision 0018): one alert per group of held pushes, with the count, and one alert per variant and
// edge whose violation stands once the pending pushes are out, resolved when it is gone. The pure
// parts are parity.ts.

export interface ParityBatch {
  listings: readonly StoredListing[];
  /** Every listing of the batch's variants as read, and the store's prices (parity.ts storeSiblings). */
  siblings: readonly SiblingPrice[];
  decisions: readonly Decision[];
  written: readonly Written[];
  /** The SKU (or titles) of each variant, as alerts name it. */
  variantNames: ReadonlyMap<string, string>;
  /** The coupons the batch's running coupon-style promotions add (parity.ts promotionCoupons). */
  couponOf?: PromotionCouponOf;
}

export interface ParityWatched {
  groupsPaged: number;
  violationsRaised: number;
  violationsResolved: number;
}

export async function watchParity(prisma: PrismaClient, shopId: string, shop: ShopInputs, batch: ParityBatch, now: Date): Promise<ParityWatched> {
  if (shop.parityEdges.length === 0) return { groupsPaged: 0, violationsRaised: 0, violationsResolved: 0 };
  const groupsPaged = await pageHeldGroups(prisma, shopId, shop, batch, now);
  const { raised, resolved } = await watchStandingViolations(prisma, shopId, shop, batch, now);
  return { groupsPaged, violationsRaised: raised, violationsResolved: resolved };
}

/** The groups this batch added a held push to, or took one out of. */
function touchedGroups(batch: ParityBatch): Set<string> {
  const writtenIds = new Set(batch.written.map((w) => w.id));
  const groups = new Set<string>();
  for (const decision of batch.decisions) {
    if (decision.kind !== "write" || !writtenIds.has(decision.listing.id)) continue;
    const before = decision.listing.holdGroup ?? null;
    const after = decision.state === "HELD" ? decision.holdGroup : null;
    if (after !== null && (decision.bump || after !== before || decision.listing.syncState !== "HELD")) groups.add(after);
    if (before !== null && before !== after) groups.add(before);
  }
  return groups;
}

/**
 * Brings each touched group's alert up to date: raised (or its count updated) while the group holds
 * any push, resolved once it holds none. Returns how many groups have an open alert after it.
 */
export async function pageHeldGroups(prisma: PrismaClient, shopId: string, shop: ShopInputs, batch: ParityBatch, now: Date): Promise<number> {
  let paged = 0;
  for (const group of touchedGroups(batch)) {
    if (await pageHeldGroup(prisma, shopId, group, shop.channels, now)) paged++;
  }
  return paged;
}

/** One group's alert as the group stands now (the recompute and the merchant's verdicts call it). Returns whether it is open. */
export async function pageHeldGroup(
  prisma: PrismaClient,
  shopId: string,
  group: string,
  channels: ReadonlyMap<string, { name: string }>,
  now: Date = new Date(),
): Promise<boolean> {
  const parsed = parseHoldGroup(group);
  if (!parsed) return false;
  // The count and a few examples, never the group's messages all aggregated (a group holds thousands).
  const [state] = await prisma.$queryRaw<{ held: number; examples: (string | null)[] }[]>`
    SELECT (SELECT COUNT(*)::int FROM "Listing" WHERE "shopId" = ${shopId} AND "holdGroup" = ${group} AND "syncState" = 'HELD') AS held,
           ARRAY(SELECT "syncMessage" FROM "Listing" WHERE "shopId" = ${shopId} AND "holdGroup" = ${group} AND "syncState" = 'HELD'
                 ORDER BY id LIMIT 3) AS examples`;
  if (!state || state.held === 0) {
    await resolveHeldGroup(prisma, shopId, group, "worker", now);
    return false;
  }
  const nameOf = (id: string) => ({ id, name: channels.get(id)?.name ?? "a removed channel" });
  await raiseHeldGroup(
    prisma,
    {
      shopId,
      group,
      channel: nameOf(parsed.channelId),
      other: nameOf(parsed.otherChannelId),
      cause: holdCauseInWords(
        parsed.ruleId,
        parsed.ruleId
          ? await prisma.priceRule.findFirst({
              where: { id: parsed.ruleId, shopId },
              select: { scope: true, scopeValue: true, differentialBps: true, differentialCents: true },
            })
          : null,
      ),
      heldCount: state.held,
      examples: (state.examples ?? []).filter((e): e is string => e !== null),
    },
    { now },
  );
  return true;
}

/**
 * Violations standing once the batch's pushes are out, on edges the merchant has not allowed: each
 * raised once per variant and edge (the open one is left as it is), and each open one of the
 * batch's variants that no longer stands resolved.
 */
export async function watchStandingViolations(
  prisma: PrismaClient,
  shopId: string,
  shop: ShopInputs,
  batch: ParityBatch,
  now: Date,
): Promise<{ raised: number; resolved: number }> {
  const channelNames = new Map([...shop.channels.values()].map((c) => [c.id, c.name]));
  const after = siblingsAfter(batch.siblings, batch.decisions);
  const standing = standingViolations(shop.parityEdges, after, channelNames, shop.visibleExtras ?? new Map(), batch.couponOf ?? NO_PROMOTION_COUPONS).filter(
    (s) => !s.violation.allowed,
  );
  const variantIds = [...new Set(batch.listings.map((l) => l.variantId))];
  const checked = variantIds.flatMap((variantId) => shop.parityEdges.map((e) => parityViolationKey(variantId, e.watcherId, e.watchedId)));
  const open = await prisma.alert.findMany({ where: { shopId, dedupeKey: { in: checked } }, select: { id: true, dedupeKey: true } });
  const openKeys = new Set(open.map((a) => a.dedupeKey));
  const standingKeys = new Set<string>();
  const toRaise = new Map<string, StandingViolation[]>();
  for (const found of standing) {
    const key = parityViolationKey(found.variantId, found.violation.watcherId, found.violation.watchedId);
    standingKeys.add(key);
    if (openKeys.has(key)) continue;
    const edge = `${found.violation.watcherId}:${found.violation.watchedId}`;
    toRaise.set(edge, [...(toRaise.get(edge) ?? []), found]);
  }
  let raised = 0;
  for (const found of toRaise.values()) {
    const { watcherId, watchedId } = found[0]!.violation;
    const watcher = { id: watcherId, name: channelNames.get(watcherId) ?? watcherId };
    const watched = { id: watchedId, name: channelNames.get(watchedId) ?? watchedId };
    const room = Math.max(0, VIOLATION_ALERTS_PER_EDGE - (await openViolationAlerts(prisma, shopId, watcherId, watchedId)));
    for (const { variantId, violation } of found.slice(0, room)) {
      const held = after.some((s) => s.variantId === variantId && s.syncState === "HELD" && (s.channelId === watcherId || s.channelId === watchedId));
      const result = await raiseParityViolation(
        prisma,
        {
          shopId,
          variantId,
          sku: batch.variantNames.get(variantId) ?? variantId,
          watcher,
          watcherPriceCents: violation.watcherPriceCents,
          watched,
          watchedPriceCents: violation.watchedPriceCents,
          toleranceCents: violation.toleranceCents,
          held,
        },
        { now },
      );
      if (result.created) raised++;
    }
    if (found.length > room && (await raiseMoreViolations(prisma, { shopId, watcher, watched, notPaged: found.length - room }, { now })).created) raised++;
  }
  let resolved = 0;
  const emptied = new Set<string>();
  for (const alert of open) {
    if (standingKeys.has(alert.dedupeKey) || !(await resolveAlert(prisma, shopId, alert.id, "worker", now))) continue;
    resolved++;
    emptied.add(alert.dedupeKey.split(":").slice(2).join(":"));
  }
  // An edge whose variants' alerts are all resolved pages one by one again.
  for (const edge of emptied) {
    const [watcherId, watchedId] = edge.split(":") as [string, string];
    if (toRaise.has(edge) || (await openViolationAlerts(prisma, shopId, watcherId, watchedId)) > 0) continue;
    if (await resolveMoreViolations(prisma, shopId, watcherId, watchedId, now)) resolved++;
  }
  return { raised, resolved };
}

/** The per-variant alerts of one edge still open (parityViolationKey ends with the edge). */
function openViolationAlerts(prisma: PrismaClient, shopId: string, watcherId: string, watchedId: string): Promise<number> {
  return prisma.alert.count({
    where: {
      shopId,
      kind: "PARITY_VIOLATION",
      state: { not: "RESOLVED" },
      channelId: watcherId,
      dedupeKey: { startsWith: PARITY_VIOLATION_KEY_PREFIX, endsWith: `:${watcherId}:${watchedId}` },
    },
  });
}
