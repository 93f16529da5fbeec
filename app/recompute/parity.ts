// Pure: the parity parts of the recompute beside the holds (desired.ts parityHolds). What each
// channel shows a customer for a variant (the store's price is the Shopify variant price; shipping
// and a visible coupon as the merchant set them per channel), the group a held push belongs to, and
// the violations that stand once the batch's decisions are written (domain.md "Parity").

import { parityViolations, type ParityEdge, type ParityViolation, type VisiblePrice } from "~/engine/parity";
import { SUSPENSION_STEPS } from "~/engine/ats";
import { PROMOTION_COUPON_STEP, runningCouponCents } from "~/engine/promotion";
import type { PromotionReserve } from "~/engine/types";
import type { ComputedListing, Decision, SiblingPrice, StoredListing } from "./desired";

/** What a customer sees on a channel besides the price (Channel.visibleShippingCents, visibleCouponCents). */
export interface VisibleExtras {
  shippingCents: number;
  couponCents: number;
}

const NO_EXTRAS: VisibleExtras = { shippingCents: 0, couponCents: 0 };

/**
 * The coupon a running coupon-style promotion adds on a channel for a variant at a price: read
 * from the batch's launched promotions at the batch's `now`, so it counts from the moment the
 * promotion starts until it ends, on every listing of its variants (decision 0023).
 */
export type PromotionCouponOf = (variantId: string, channelId: string, priceCents: number) => number;

export const NO_PROMOTION_COUPONS: PromotionCouponOf = () => 0;

/** The coupons of the batch's promotions (BatchInputs.promotions, by variant) as they stand at `now`. */
export function promotionCoupons(promotions: ReadonlyMap<string, readonly PromotionReserve[]>, now: Date): PromotionCouponOf {
  if (promotions.size === 0) return NO_PROMOTION_COUPONS;
  return (variantId, channelId, priceCents) => runningCouponCents(channelId, promotions.get(variantId) ?? [], now, priceCents);
}

/**
 * The listings whose computed explanation gains or loses a promotion's coupon against the stored
 * one: their explanation is written though their desired state stays (margins.server.ts
 * explanationsToRefresh), so "Why?" shows the coupon parity counts while it runs, and not after.
 */
export function couponStepMoved(listings: readonly StoredListing[], computed: ReadonlyMap<string, ComputedListing>): Set<string> {
  const moved = new Set<string>();
  for (const listing of listings) {
    const result = computed.get(listing.id);
    if (!result) continue;
    const shows = result.explanation.price.some((step) => step.rule === PROMOTION_COUPON_STEP);
    if (shows !== (listing.couponStepShown ?? false)) moved.add(listing.id);
  }
  return moved;
}

/** As couponStepMoved, for the quantity explanation's suspension steps (the engine's SUSPENSION_STEPS, decision 0025). */
export function suspensionStepMoved(listings: readonly StoredListing[], computed: ReadonlyMap<string, ComputedListing>): Set<string> {
  const moved = new Set<string>();
  for (const listing of listings) {
    const result = computed.get(listing.id);
    if (!result) continue;
    const shows = result.explanation.quantity.some((step) => (SUSPENSION_STEPS as readonly string[]).includes(step.rule));
    if (shows !== (listing.suspensionStepShown ?? false)) moved.add(listing.id);
  }
  return moved;
}

/**
 * Each channel's lowest price for one variant as the engine's VisiblePrice, with its shipping and
 * coupon: the channel's own visible coupon, plus what a running coupon-style promotion takes off.
 */
export function visiblePricesOf(
  prices: ReadonlyMap<string, number>,
  channelNames: ReadonlyMap<string, string>,
  extras: ReadonlyMap<string, VisibleExtras> = new Map(),
  promotionCouponOn: (channelId: string, priceCents: number) => number = () => 0,
): VisiblePrice[] {
  const visible: VisiblePrice[] = [];
  for (const [channelId, priceCents] of prices) {
    const { shippingCents, couponCents } = extras.get(channelId) ?? NO_EXTRAS;
    const coupon = Math.min(priceCents, couponCents + promotionCouponOn(channelId, priceCents));
    visible.push({ channelId, channelName: channelNames.get(channelId) ?? channelId, priceCents, shippingCents, couponCents: coupon });
  }
  return visible;
}

/**
 * The store's price of each variant as a sibling listing of the store channel: it is live the
 * moment Shopify has it (nothing is pushed to the anchor), so it is both its live and its next price.
 */
export function storeSiblings(variants: Iterable<{ id: string; priceCents: number }>, storeChannelId: string | null): SiblingPrice[] {
  if (storeChannelId === null) return [];
  const siblings: SiblingPrice[] = [];
  for (const variant of variants) {
    siblings.push({
      id: `store:${variant.id}`,
      channelId: storeChannelId,
      variantId: variant.id,
      desiredPriceCents: variant.priceCents,
      pushedPriceCents: variant.priceCents,
      syncState: "IN_SYNC",
    });
  }
  return siblings;
}

/** What customers see on a listing once the pending pushes are out: a held one keeps its live price. */
export function shownPrice(sibling: Pick<SiblingPrice, "syncState" | "desiredPriceCents" | "pushedPriceCents">): number | null {
  return sibling.syncState === "HELD" ? sibling.pushedPriceCents : (sibling.desiredPriceCents ?? sibling.pushedPriceCents);
}

// ---------------------------------------------------------------- hold groups

/** The cause of a hold when no price rule set the price: the Shopify price itself moved. */
const ANCHOR_CAUSE = "anchor";

export interface HoldGroup {
  /** The price rule whose price is held; null when the Shopify price moved without one. */
  ruleId: string | null;
  /** The channel whose push is held. */
  channelId: string;
  /** The channel on the other end of the edge it would break. */
  otherChannelId: string;
}

/** The group of a held push: its cause and its pair of channels, as Listing.holdGroup stores it. */
export function holdGroupKey(group: HoldGroup): string {
  return `${group.ruleId ?? ANCHOR_CAUSE}:${group.channelId}:${group.otherChannelId}`;
}

/** A stored group key read back; null for anything else (a key is made only by holdGroupKey). */
export function parseHoldGroup(key: string): HoldGroup | null {
  const parts = key.split(":");
  if (parts.length !== 3 || parts.some((p) => p === "")) return null;
  const [cause, channelId, otherChannelId] = parts as [string, string, string];
  return { ruleId: cause === ANCHOR_CAUSE ? null : cause, channelId, otherChannelId };
}

/** A price rule as a hold's cause names it. */
export interface CauseRule {
  scope: string;
  scopeValue: string | null;
  differentialBps: number;
  differentialCents: number;
}

/**
 * A hold group's cause in words, for its alert and the Pricing screen alike: "Price rule on every
 * listing (+10%)", "The Shopify price changed", or a rule removed since it held the prices.
 */
export function holdCauseInWords(ruleId: string | null, rule: CauseRule | null | undefined): string {
  if (ruleId === null) return "The Shopify price changed";
  if (!rule) return "A price rule since removed";
  const parts = [
    rule.differentialBps !== 0 ? `${rule.differentialBps > 0 ? "+" : ""}${rule.differentialBps / 100}%` : null,
    rule.differentialCents !== 0 ? `${rule.differentialCents > 0 ? "+" : ""}${(rule.differentialCents / 100).toFixed(2)}` : null,
  ].filter((p) => p !== null);
  const target = rule.scope === "CHANNEL" ? "every listing" : `${rule.scope.toLowerCase()} ${rule.scopeValue ?? ""}`.trim();
  return `Price rule on ${target}${parts.length > 0 ? ` (${parts.join(" ")})` : ""}`;
}

// ---------------------------------------------------------------- violations that stand

/** The siblings as the batch's written decisions leave them: new prices pending, held ones at their live price. */
export function siblingsAfter(siblings: readonly SiblingPrice[], decisions: readonly Decision[]): SiblingPrice[] {
  const written = new Map<string, SiblingPrice>();
  for (const d of decisions) {
    if (d.kind !== "write") continue;
    written.set(d.listing.id, {
      id: d.listing.id,
      channelId: d.listing.channelId,
      variantId: d.listing.variantId,
      desiredPriceCents: d.computed.priceCents,
      pushedPriceCents: d.listing.pushedPriceCents,
      syncState: d.state,
    });
  }
  return siblings.map((s) => written.get(s.id) ?? s);
}

export interface StandingViolation {
  variantId: string;
  violation: ParityViolation;
}

/**
 * Every violation the variants show once the pending pushes are out, edge by edge: on each channel
 * the lowest price a customer finds (several listings of one channel: the cheapest is what a crawler
 * compares), shipping and coupons counted where the edge counts them. Allowed edges included, marked.
 */
export function standingViolations(
  edges: readonly ParityEdge[],
  siblings: readonly SiblingPrice[],
  channelNames: ReadonlyMap<string, string>,
  extras: ReadonlyMap<string, VisibleExtras>,
  couponOf: PromotionCouponOf = NO_PROMOTION_COUPONS,
): StandingViolation[] {
  const byVariant = new Map<string, Map<string, number>>();
  for (const sibling of siblings) {
    const price = shownPrice(sibling);
    if (price === null) continue;
    let prices = byVariant.get(sibling.variantId);
    if (!prices) byVariant.set(sibling.variantId, (prices = new Map()));
    const current = prices.get(sibling.channelId);
    if (current === undefined || price < current) prices.set(sibling.channelId, price);
  }
  const found: StandingViolation[] = [];
  for (const [variantId, prices] of byVariant) {
    if (prices.size < 2) continue;
    const visible = visiblePricesOf(prices, channelNames, extras, (channelId, price) => couponOf(variantId, channelId, price));
    for (const violation of parityViolations(edges, visible)) found.push({ variantId, violation });
  }
  return found;
}
