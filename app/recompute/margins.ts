// Pure: a listing's margin at its desired price, as the Margins screen shows it and the
// unprofitable alert reads it, and why a listing that was profitable is not any more. The price
// engine (engine/price.ts) decides the floor and the unprofitable flag; this only breaks the price
// down (fees, shipping, cost, margin) with the same rule, so the two can never disagree.

import { money } from "~/engine/explain";
import type { ListingPrice } from "~/engine/price";
import type { Cents } from "~/engine/types";

export interface Margin {
  priceCents: Cents;
  /** The rule's percentage fee on the price (rounded half up to the cent) plus its fixed fee. */
  feeCents: Cents;
  shippingCents: Cents;
  /** Shopify's unit cost; null when Shopify has none (then no margin is claimed). */
  costCents: Cents | null;
  /** price − fees − shipping − cost; null when the cost is unknown. */
  marginCents: Cents | null;
  /** The margin as a share of the price, in basis points; null when the cost is unknown or the price is 0. */
  marginBps: number | null;
  /** The fee-inclusive floor; null when the cost is unknown or the fees leave no margin at all. */
  floorCents: Cents | null;
  unprofitable: boolean;
}

export function listingMargin(price: ListingPrice, costCents: Cents | null): Margin {
  const { rule } = price;
  const feeCents = Math.round((price.priceCents * rule.feeBps) / 10_000) + rule.fixedFeeCents;
  const marginCents = costCents === null ? null : price.priceCents - feeCents - rule.shippingCents - costCents;
  return {
    priceCents: price.priceCents,
    feeCents,
    shippingCents: rule.shippingCents,
    costCents,
    marginCents,
    marginBps: marginCents === null || price.priceCents === 0 ? null : Math.round((marginCents * 10_000) / price.priceCents),
    floorCents: price.floorCents,
    unprofitable: price.unprofitable,
  };
}

/** What the listing's margin was before this recompute, as stored (null: never computed). */
export type StoredMargin = Pick<Margin, "priceCents" | "feeCents" | "shippingCents" | "costCents" | "floorCents" | "unprofitable"> & { cause: string | null };

/**
 * Why a listing is under its floor, in the merchant's words: what moved since it was last computed
 * (cost, price, fees, shipping), or, when nothing it knew of moved (first computed, or a margin
 * rule tightened), the floor itself. Null while it is profitable. A listing that stays unprofitable
 * keeps the cause it had when it turned.
 */
export function unprofitableCause(before: StoredMargin | null, now: Margin): string | null {
  if (!now.unprofitable) return null;
  if (before?.unprofitable && before.cause) return before.cause;
  const reasons: string[] = [];
  if (before) {
    if (before.costCents !== now.costCents && now.costCents !== null) {
      reasons.push(
        before.costCents === null
          ? `cost set to ${money(now.costCents)} in Shopify`
          : `cost ${now.costCents > before.costCents ? "rose" : "fell"} from ${money(before.costCents)} to ${money(now.costCents)} in Shopify`,
      );
    }
    if (before.priceCents !== now.priceCents) {
      reasons.push(`price ${now.priceCents > before.priceCents ? "rose" : "fell"} from ${money(before.priceCents)} to ${money(now.priceCents)}`);
    }
    if (before.feeCents !== now.feeCents && before.priceCents === now.priceCents) {
      reasons.push(`fees changed from ${money(before.feeCents)} to ${money(now.feeCents)}`);
    }
    if (before.shippingCents !== now.shippingCents) reasons.push(`shipping changed from ${money(before.shippingCents)} to ${money(now.shippingCents)}`);
  }
  if (reasons.length > 0) return reasons.join("; ");
  return now.floorCents === null
    ? "fees and minimum margin take the whole price"
    : `price ${money(now.priceCents)} is under the floor of ${money(now.floorCents)}`;
}
