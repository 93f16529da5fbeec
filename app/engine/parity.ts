// Price parity (domain.md "Parity"): a watcher channel punishes a listing priced above what a
// customer sees on a channel it watches. Both sides are compared the same way (shipping and a
// visible coupon counted or not, per edge), since a marketplace's crawler sees both checkouts alike.

import { floorBps } from "./arithmetic";
import { money, percent } from "./explain";
import type { Cents, Channel } from "./types";

export interface ParityEdge {
  watcherId: string;
  watchedId: string;
  toleranceBps: number;
  toleranceCents: Cents;
  includeShipping: boolean;
  includeCoupons: boolean;
  /** The merchant accepts violations on this edge: pushes are not held for them. */
  allowViolations: boolean;
}

/** What a customer sees for one variant on one channel. */
export interface VisiblePrice {
  channelId: string;
  channelName: string;
  priceCents: Cents;
  shippingCents: Cents;
  /** A coupon shown on the listing (clip-coupon, promo badge); 0 if none. */
  couponCents: Cents;
}

export interface ParityViolation {
  watcherId: string;
  watchedId: string;
  watcherPriceCents: Cents;
  watchedPriceCents: Cents;
  /** How much cheaper the watched channel is. */
  differenceCents: Cents;
  toleranceCents: Cents;
  /** By how much the difference exceeds the tolerance. */
  excessCents: Cents;
  allowed: boolean;
  text: string;
}

export function comparablePrice(price: VisiblePrice, edge: ParityEdge): Cents {
  return price.priceCents + (edge.includeShipping ? price.shippingCents : 0) - (edge.includeCoupons ? price.couponCents : 0);
}

/**
 * An edge's tolerance in cents: the larger of its absolute and percentage tolerances (of the
 * watcher's price, rounded down), so a merchant who sets both is never stricter than either says.
 */
export function toleranceFor(edge: ParityEdge, watcherPriceCents: Cents): Cents {
  return Math.max(edge.toleranceCents, floorBps(Math.max(0, watcherPriceCents), edge.toleranceBps));
}

export function parityViolation(edge: ParityEdge, watcher: VisiblePrice, watched: VisiblePrice): ParityViolation | null {
  const watcherPrice = comparablePrice(watcher, edge);
  const watchedPrice = comparablePrice(watched, edge);
  const difference = watcherPrice - watchedPrice;
  const tolerance = toleranceFor(edge, watcherPrice);
  if (difference <= tolerance) return null;
  const toleranceText =
    edge.toleranceBps > 0 && floorBps(Math.max(0, watcherPrice), edge.toleranceBps) >= edge.toleranceCents
      ? `${percent(edge.toleranceBps)} = ${money(tolerance)}`
      : money(tolerance);
  return {
    watcherId: edge.watcherId,
    watchedId: edge.watchedId,
    watcherPriceCents: watcherPrice,
    watchedPriceCents: watchedPrice,
    differenceCents: difference,
    toleranceCents: tolerance,
    excessCents: difference - tolerance,
    allowed: edge.allowViolations,
    text: `${watched.channelName} shows ${money(watchedPrice)}, ${money(difference)} under ${watcher.channelName}'s ${money(watcherPrice)} (tolerance ${toleranceText})`,
  };
}

/** Every edge whose watched channel is cheaper than its watcher by more than the tolerance. */
export function parityViolations(edges: readonly ParityEdge[], prices: readonly VisiblePrice[]): ParityViolation[] {
  const byChannel = new Map(prices.map((p) => [p.channelId, p]));
  const violations: ParityViolation[] = [];
  for (const edge of edges) {
    const watcher = byChannel.get(edge.watcherId);
    const watched = byChannel.get(edge.watchedId);
    // A channel without a price for this variant shows the customer nothing to compare.
    if (!watcher || !watched) continue;
    const violation = parityViolation(edge, watcher, watched);
    if (violation) violations.push(violation);
  }
  return violations;
}

export interface PushReview {
  held: boolean;
  /** Violations the push would create or deepen on edges the merchant has not allowed. */
  blocking: ParityViolation[];
  reasons: string[];
}

/**
 * Whether pushing `proposed` must wait for the merchant: it would create a violation, or deepen
 * an existing one, on an edge not allowed to violate. A push that leaves a violation as it was,
 * or narrows it, goes through: holding it would keep the worse price live.
 */
export function pushHeldForReview(edges: readonly ParityEdge[], current: readonly VisiblePrice[], proposed: VisiblePrice): PushReview {
  const after = [...current.filter((p) => p.channelId !== proposed.channelId), proposed];
  const touched = edges.filter((e) => e.watcherId === proposed.channelId || e.watchedId === proposed.channelId);
  const blocking = newOrDeeperViolations(touched, current, after).filter((v) => !v.allowed);
  return { held: blocking.length > 0, blocking, reasons: blocking.map((v) => v.text) };
}

/**
 * The violations `after` shows that `before` did not, or shows deeper (a larger excess over the
 * tolerance). Compared edge by edge, not by channel pair: a merchant may keep two edges on one
 * pair (say, one counting coupons and one not), and each is judged against its own past.
 */
export function newOrDeeperViolations(edges: readonly ParityEdge[], before: readonly VisiblePrice[], after: readonly VisiblePrice[]): ParityViolation[] {
  const beforeByChannel = new Map(before.map((p) => [p.channelId, p]));
  const afterByChannel = new Map(after.map((p) => [p.channelId, p]));
  const found: ParityViolation[] = [];
  for (const edge of edges) {
    const watcher = afterByChannel.get(edge.watcherId);
    const watched = afterByChannel.get(edge.watchedId);
    if (!watcher || !watched) continue;
    const now = parityViolation(edge, watcher, watched);
    if (!now) continue;
    const watcherBefore = beforeByChannel.get(edge.watcherId);
    const watchedBefore = beforeByChannel.get(edge.watchedId);
    const then = watcherBefore && watchedBefore ? parityViolation(edge, watcherBefore, watchedBefore) : null;
    if (!then || now.excessCents > then.excessCents) found.push(now);
  }
  return found;
}

/**
 * A channel as the default matrix sees it: whether it crawls other channels' prices is the
 * marketplace's fact (its channel module's, app/channels), handed in by whoever builds the matrix.
 */
export type ParityMatrixChannel = Pick<Channel, "id"> & { watchesOtherPrices: boolean };

/**
 * The matrix a shop starts with (domain.md "Parity"): every channel that watches other prices
 * (Amazon and Walmart, as their channel modules say) watches every other channel's public price,
 * the merchant's own store included, with no tolerance, and shipping and visible coupons counted
 * (seed 001: "even coupon-based discounts can trigger alerts if the final checkout price is
 * visible"). The merchant edits it from there.
 */
export function defaultParityMatrix(channels: readonly ParityMatrixChannel[]): ParityEdge[] {
  const edges: ParityEdge[] = [];
  for (const watcher of channels) {
    if (!watcher.watchesOtherPrices) continue;
    for (const watched of channels) {
      if (watched.id === watcher.id) continue;
      edges.push({
        watcherId: watcher.id,
        watchedId: watched.id,
        toleranceBps: 0,
        toleranceCents: 0,
        includeShipping: true,
        includeCoupons: true,
        allowViolations: false,
      });
    }
  }
  return edges;
}
