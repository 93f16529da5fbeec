// Pure: from a batch's engine inputs to what each stale listing's row should become. The service
// (recompute.server.ts) loads the inputs and writes these decisions.

import { changedListings, type DesiredState } from "~/engine/changes";
import type { Explanation } from "~/engine/explain";
import { desiredListing } from "~/engine/listing";
import { newOrDeeperViolations, type ParityEdge } from "~/engine/parity";
import { NEUTRAL_PRICE_RULE, type PriceNotice, priceGuardrailBreach } from "~/engine/price";
import type { BundleComponent, VariantFacts } from "~/engine/types";
import { listingMargin, type Margin } from "./margins";
import { type BatchInputs, type BundleComponentRow, listingInput, type ListingRef, type ShopInputs } from "./inputs";
import { holdGroupKey, NO_PROMOTION_COUPONS, type PromotionCouponOf, shownPrice, type VisibleExtras, visiblePricesOf } from "./parity";

/** What Listing.explanation holds: the engine's steps, shown to the merchant. */
export interface StoredExplanation {
  quantity: Explanation;
  price: Explanation;
  priceNotices: PriceNotice[];
  /** Why the price is held for review (parity), empty when it is not. */
  parity: string[];
  /** Why the price is held for review (beyond the shop's price guardrail), empty when it is not. */
  guardrail: string[];
}

export interface ComputedListing extends DesiredState {
  channelId: string;
  variantId: string;
  explanation: StoredExplanation;
  /** How the price breaks the shop's price guardrail (engine/price.ts priceGuardrailBreach); null within it. */
  beyondGuardrail: string | null;
  /** The price rule that set the price; null when none applies (a held push's cause, parity.ts). */
  ruleId: string | null;
  /** Its margin at this price (margins.ts), written for the Margins screen and the unprofitable alert. */
  margin: Margin;
  /**
   * The launched promotion whose discount set the price, if any. Its parity was reviewed at launch
   * (the checklist passed, or the merchant overrode it), so its price is not held for parity.
   */
  promotionId?: string | null;
}

/**
 * The engine's answer for one listing. A bundle or kit goes through the engine's kit path
 * (engine/ats.ts): each component counted as its own listing on the same channel, with that
 * channel's rules for it, then the kit listing's own artificial counts and release hold. Null when
 * the listing's rows are gone (deleted meanwhile).
 */
export function computeListing(listing: ListingRef, shop: ShopInputs, batch: BatchInputs, now: Date): ComputedListing | null {
  const input = listingInput(listing, listing.variantId, shop, batch, now);
  if (!input) return null;
  const components = batch.variants.get(listing.variantId)?.isBundle ? (batch.components.get(listing.variantId) ?? []) : [];
  const desired = desiredListing(components.length > 0 ? { ...input, bundleComponents: bundleComponents(listing, components, shop, batch, now) } : input);
  const breach = priceGuardrailBreach(desired.priceCents, input.shopifyPriceCents, shop.priceGuardrailBps);
  return {
    listingId: listing.id,
    channelId: listing.channelId,
    variantId: listing.variantId,
    quantity: desired.quantity,
    priceCents: desired.priceCents,
    explanation: { quantity: desired.explanation.quantity, price: desired.explanation.price, priceNotices: desired.price.notices, parity: [], guardrail: [] },
    beyondGuardrail: breach?.text ?? null,
    ruleId: desired.price.rule === NEUTRAL_PRICE_RULE ? null : desired.price.rule.id,
    margin: listingMargin(desired.price, input.costCents),
    promotionId: desired.price.promotionId,
  };
}

/**
 * A kit's components as the engine takes them: each with what its own listing on this channel
 * would be given (its stock, velocity, promotions and the channels' thresholds for it). Counted as
 * a listing of its own, so the kit listing's listing-scoped rules do not reach it. A component
 * missing from the mirror has no stock to promise: no levels, so it makes no kit.
 */
function bundleComponents(listing: ListingRef, rows: readonly BundleComponentRow[], shop: ShopInputs, batch: BatchInputs, now: Date): BundleComponent[] {
  return rows.map((row) => {
    const ref = { ...listing, id: `${listing.id}/component/${row.componentId}`, variantId: row.componentId, fulfilledByMarketplace: false };
    const own = listingInput(ref, row.componentId, shop, batch, now);
    const name = batch.variants.get(row.componentId)?.name ?? row.componentId;
    if (!own) return { variant: missingVariant(row.componentId), name, unitsPerBundle: row.unitsPerBundle, levels: [], velocityPerDay: 0 };
    return {
      variant: own.variant,
      name,
      unitsPerBundle: row.unitsPerBundle,
      levels: own.levels,
      velocityPerDay: own.velocityPerDay,
      velocity: own.velocity,
      promotions: own.promotions,
      channels: own.channels,
    };
  });
}

function missingVariant(id: string): VariantFacts {
  return { id, productId: "", tags: [], collections: [], tracked: true, discontinued: false, releaseAt: null };
}

export type SyncStateName = "IN_SYNC" | "PENDING" | "HELD" | "FAILED";

/** A stale listing as read, with the values the compare-and-set writes check. */
export interface StoredListing extends ListingRef {
  desiredQuantity: number | null;
  desiredPriceCents: number | null;
  desiredVersion: number;
  pushedPriceCents: number | null;
  syncState: SyncStateName;
  /** Exactly as PostgreSQL prints it, so the compare-and-set compares what was read. */
  staleSince: string;
  /** The hold group it was held in when read (parity.ts), so a group it leaves is counted again. */
  holdGroup?: string | null;
  /**
   * Whether its stored price explanation shows a promotion's coupon: a coupon that starts or ends
   * leaves the price as it was (no new desired state), yet "Why?" must say so (parity.ts couponStepMoved).
   */
  couponStepShown?: boolean;
  /**
   * Whether its stored quantity explanation shows a suspension whose units are offered (the
   * engine's SUSPENSION_STEPS): a suspension that starts or ends may leave the quantity as it was,
   * yet "Why?" must say so (suspensionStepMoved).
   */
  suspensionStepShown?: boolean;
}

/** Any listing of a batch's variants (stale or not), for parity across channels. */
export interface SiblingPrice {
  id: string;
  channelId: string;
  variantId: string;
  desiredPriceCents: number | null;
  pushedPriceCents: number | null;
  syncState: SyncStateName;
}

export interface ParityHold {
  held: boolean;
  reasons: string[];
  /** The other channel of the first edge it would break: its hold group's pair (parity.ts). */
  otherChannelId?: string;
}

/**
 * Whether this listing's new price must wait for the merchant (domain.md "Parity"): on an edge
 * touching its channel that the merchant has not allowed, the customer-visible prices after the
 * pending pushes show a violation that is new, or deeper than the one live now. Only the listing
 * whose own price moves is held: a push that leaves its price as customers see it cannot create a
 * violation. Several listings of one channel: the cheapest is what a price crawler compares.
 * Shipping and a visible coupon count as the merchant set them per channel (`extras`), on the edges
 * that count them; the store channel's price is the Shopify price (a sibling, parity.ts storeSiblings).
 */
function keepLowest(map: Map<string, number>, channelId: string, price: number | null): void {
  if (price === null) return;
  const current = map.get(channelId);
  if (current === undefined || price < current) map.set(channelId, price);
}

export function parityHold(
  listing: StoredListing,
  newPriceCents: number,
  siblings: readonly SiblingPrice[],
  /** What customers will see on a sibling once the pending pushes are out (null: nothing). */
  nextPriceOf: (sibling: SiblingPrice) => number | null,
  edges: readonly ParityEdge[],
  channelNames: ReadonlyMap<string, string>,
  extras: ReadonlyMap<string, VisibleExtras> = new Map(),
  couponOf: PromotionCouponOf = NO_PROMOTION_COUPONS,
): ParityHold {
  const none = { held: false, reasons: [] };
  if (newPriceCents === listing.pushedPriceCents) return none;
  const touched = edges.filter((e) => e.watcherId === listing.channelId || e.watchedId === listing.channelId);
  if (touched.length === 0) return none;

  const liveByChannel = new Map<string, number>();
  const nextByChannel = new Map<string, number>();
  for (const sibling of siblings) {
    if (sibling.variantId !== listing.variantId || sibling.channelId === listing.channelId) continue;
    keepLowest(liveByChannel, sibling.channelId, sibling.pushedPriceCents);
    keepLowest(nextByChannel, sibling.channelId, nextPriceOf(sibling));
  }
  if (listing.pushedPriceCents !== null) liveByChannel.set(listing.channelId, listing.pushedPriceCents);
  nextByChannel.set(listing.channelId, newPriceCents);

  // Judged edge by edge against the live prices (one live price shows no violation), so two
  // edges on one pair of channels are each compared with their own past.
  const promotionCouponOn = (channelId: string, price: number) => couponOf(listing.variantId, channelId, price);
  const live = liveByChannel.size < 2 ? [] : visiblePricesOf(liveByChannel, channelNames, extras, promotionCouponOn);
  const next = visiblePricesOf(nextByChannel, channelNames, extras, promotionCouponOn);
  const blocking = newOrDeeperViolations(touched, live, next).filter((v) => !v.allowed);
  if (blocking.length === 0) return none;
  const first = blocking[0]!;
  return { held: true, reasons: blocking.map((v) => v.text), otherChannelId: first.watcherId === listing.channelId ? first.watchedId : first.watcherId };
}

const NOT_HELD: ParityHold = { held: false, reasons: [] };
const MAX_HOLD_ROUNDS = 5;

/**
 * Parity holds for a batch. Each listing is judged against the prices its siblings will show,
 * and a held sibling shows its live price, not its new one; so the holds are settled in rounds
 * until they stop changing (a price that is fine beside a held sibling's live price goes out).
 * If they have not settled after a few rounds, every listing held in any round stays held.
 * `heldAnyway` are listings held for another reason (the price guardrail): they show their live
 * price too.
 */
export function parityHolds(
  stored: readonly StoredListing[],
  computed: ReadonlyMap<string, ComputedListing>,
  siblings: readonly SiblingPrice[],
  shop: ShopInputs,
  heldAnyway: ReadonlySet<string> = new Set(),
  couponOf: PromotionCouponOf = NO_PROMOTION_COUPONS,
): Map<string, ParityHold> {
  const holds = new Map<string, ParityHold>();
  if (shop.parityEdges.length === 0) return holds;
  const channelNames = new Map([...shop.channels.values()].map((c) => [c.id, c.name]));
  const siblingsByVariant = new Map<string, SiblingPrice[]>();
  for (const sibling of siblings) {
    const list = siblingsByVariant.get(sibling.variantId);
    if (list) list.push(sibling);
    else siblingsByVariant.set(sibling.variantId, [sibling]);
  }
  const everHeld = new Set<string>();
  let held = new Set<string>(heldAnyway);
  for (let round = 0; round < MAX_HOLD_ROUNDS; round++) {
    const nextPriceOf = (sibling: SiblingPrice): number | null => {
      const fresh = computed.get(sibling.id);
      if (fresh) return held.has(sibling.id) ? sibling.pushedPriceCents : fresh.priceCents;
      return shownPrice(sibling);
    };
    const nowHeld = new Set<string>();
    for (const listing of stored) {
      const result = computed.get(listing.id);
      // A launched promotion's price: its checklist was the parity review (decision 0017).
      if (!result || result.promotionId) continue;
      const siblingsOf = siblingsByVariant.get(listing.variantId) ?? [];
      const hold = parityHold(listing, result.priceCents, siblingsOf, nextPriceOf, shop.parityEdges, channelNames, shop.visibleExtras, couponOf);
      holds.set(listing.id, hold);
      if (hold.held) nowHeld.add(listing.id);
    }
    for (const id of heldAnyway) nowHeld.add(id);
    const settled = nowHeld.size === held.size && [...nowHeld].every((id) => held.has(id));
    for (const id of nowHeld) everHeld.add(id);
    held = nowHeld;
    if (settled) return holds;
  }
  for (const id of everHeld) {
    if (heldAnyway.has(id)) continue;
    if (!holds.get(id)?.held) holds.set(id, { held: true, reasons: ["Prices of this variant's channels did not settle: held for review"] });
  }
  return holds;
}

export type Decision =
  | {
      kind: "write";
      listing: StoredListing;
      computed: ComputedListing;
      /** A new desired state (desiredVersion + 1), or only a change of sync state. */
      bump: boolean;
      state: "PENDING" | "HELD";
      message: string | null;
      /** Held for parity: its group (parity.ts holdGroupKey), paged and decided together; else null. */
      holdGroup: string | null;
    }
  | { kind: "clear"; listing: StoredListing };

/** The held listing's syncMessage: which checks hold its price, then each one's reasons. */
export function heldMessage(holds: { parity: readonly string[]; guardrail: readonly string[] }): string {
  const kinds = [holds.parity.length > 0 ? "parity" : null, holds.guardrail.length > 0 ? "price guardrail" : null].filter((k) => k !== null);
  return `Price held for review (${kinds.join(" and ")}): ${[...holds.parity, ...holds.guardrail].join("; ")}`.slice(0, 1000);
}

/**
 * What each examined listing's row becomes. A changed quantity or price is a new desired state,
 * pending or held; an unchanged one writes nothing, except a listing whose hold no longer (or now)
 * applies, which changes state without a new version.
 */
export function decide(
  stored: readonly StoredListing[],
  computed: ReadonlyMap<string, ComputedListing>,
  siblings: readonly SiblingPrice[],
  shop: ShopInputs,
  /** The coupons running coupon-style promotions add (parity.ts promotionCoupons). */
  couponOf: PromotionCouponOf = NO_PROMOTION_COUPONS,
): Decision[] {
  const previous = new Map<string, DesiredState>();
  for (const l of stored) {
    // A marketplace-fulfilled listing's desired quantity is null (nothing to push), and stays so.
    if ((l.desiredQuantity !== null || l.fulfilledByMarketplace) && l.desiredPriceCents !== null) {
      previous.set(l.id, { listingId: l.id, quantity: l.desiredQuantity, priceCents: l.desiredPriceCents });
    }
  }
  const next = stored.flatMap((l) => computed.get(l.id) ?? []);
  const changed = new Set(changedListings(previous, next).map((c) => c.listingId));
  // A price beyond the guardrail waits for the merchant unless it is the one live already (the
  // merchant approved it): like a parity hold, it only ever holds a price that moves.
  const beyondGuardrail = new Map<string, string>();
  for (const listing of stored) {
    const result = computed.get(listing.id);
    if (result?.beyondGuardrail && result.priceCents !== listing.pushedPriceCents) beyondGuardrail.set(listing.id, result.beyondGuardrail);
  }
  const holds = parityHolds(stored, computed, siblings, shop, new Set(beyondGuardrail.keys()), couponOf);

  return stored.map((listing): Decision => {
    const result = computed.get(listing.id);
    if (!result) return { kind: "clear", listing };
    const parity = holds.get(listing.id) ?? NOT_HELD;
    const guardrail = beyondGuardrail.has(listing.id) ? [beyondGuardrail.get(listing.id) as string] : [];
    const held = parity.held || guardrail.length > 0;
    const withHolds = { ...result, explanation: { ...result.explanation, parity: parity.reasons, guardrail } };
    const state = held ? "HELD" : "PENDING";
    const message = held ? heldMessage({ parity: parity.reasons, guardrail }) : null;
    const holdGroup =
      parity.held && parity.otherChannelId
        ? holdGroupKey({ ruleId: result.ruleId, channelId: listing.channelId, otherChannelId: parity.otherChannelId })
        : null;
    if (changed.has(listing.id)) return { kind: "write", listing, computed: withHolds, bump: true, state, message, holdGroup };
    const releasing = listing.syncState === "HELD" && !held;
    const holding = listing.syncState === "PENDING" && held;
    if (releasing || holding) return { kind: "write", listing, computed: withHolds, bump: false, state, message, holdGroup };
    return { kind: "clear", listing };
  });
}
