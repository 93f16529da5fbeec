// Channel price for one listing (domain.md "Prices, per listing"):
//   anchor (Shopify price, or MAP) × (1 + differential %) + differential amount → rounding
//   → price cap → MAP floor; then the fee-inclusive floor flags (never changes) the price.
//
// Money is integer minor units (cents) from input to output. Percentages are basis points, so the
// only division is by 10 000 and is rounded once, half up, to the cent: 19.99 × 1.1 is 21.989 in
// exact arithmetic and 21.989000000000001 in doubles, and both must publish 21.99.

import { type ExplanationStep, money, percent, stepKind } from "./explain";
import { promotionOnPrice } from "./promotion";
import { rankIfApplies } from "./rules";
import type { Cents, Channel, PromotionReserve, ScopedRule, VariantFacts } from "./types";

export const PRICE_ROUNDINGS = ["none", "cents99", "cents95", "whole"] as const;
export type PriceRounding = (typeof PRICE_ROUNDINGS)[number];

export type PriceRule = ScopedRule & {
  differentialBps: number;
  differentialCents: Cents;
  rounding: PriceRounding;
  mapIsAnchor: boolean;
  feeBps: number;
  fixedFeeCents: Cents;
  shippingCents: Cents;
  minMarginBps: number;
  /** The most this channel may be charged; null: no cap. */
  maxPriceCents: Cents | null;
};

export interface PriceContext {
  listingId: string;
  channel: Channel;
  variant: VariantFacts;
  shopifyPriceCents: Cents;
  mapCents: Cents | null;
  costCents: Cents | null;
  priceRules: readonly PriceRule[];
  /** The variant's launched promotions: one running on this channel discounts its price (promotion.ts). */
  promotions?: readonly PromotionReserve[];
  /** Needed with `promotions`: a promotion acts only within its window. */
  now?: Date;
}

export type PriceNoticeCode = "mapClamped" | "mapAnchorMissing" | "priceCapped" | "unprofitable" | "costUnknown" | "feesExceedPrice";

/**
 * Something the merchant should know about a price. Worded on reading, like explanation steps:
 * the figures are kept and the sentence built only when a screen or an alert shows it.
 */
export class PriceNotice {
  constructor(
    readonly code: PriceNoticeCode,
    /** The price the notice is about (before a clamp or cap), in cents; 0 when not applicable. */
    readonly priceCents: Cents = 0,
    /** The limit involved: MAP, the cap or the fee-inclusive floor, in cents; 0 when not applicable. */
    readonly limitCents: Cents = 0,
    readonly feeBps: number = 0,
    readonly minMarginBps: number = 0,
  ) {}

  get message(): string {
    switch (this.code) {
      case "mapClamped":
        return `Price ${money(this.priceCents)} is under MAP ${money(this.limitCents)}: published at MAP`;
      case "mapAnchorMissing":
        return "MAP is the anchor but this variant has no MAP: the Shopify price is used";
      case "priceCapped":
        return `Price ${money(this.priceCents)} lowered to the cap of ${money(this.limitCents)}`;
      case "unprofitable":
        return `Price ${money(this.priceCents)} is under the fee-inclusive floor of ${money(this.limitCents)}`;
      case "costUnknown":
        return "No cost known: profitability not checked";
      case "feesExceedPrice":
        return `Fees ${percent(this.feeBps)} and minimum margin ${percent(this.minMarginBps)} take the whole price: no price is profitable`;
    }
  }

  toJSON(): { code: PriceNoticeCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export interface ListingPrice {
  listingId: string;
  priceCents: Cents;
  anchorCents: Cents;
  /** Fee-inclusive floor; null when the cost is unknown or fees leave no margin at all. */
  floorCents: Cents | null;
  unprofitable: boolean;
  /** What a running coupon-style promotion takes off at checkout (the visible price's coupon); 0 without one. */
  couponCents: Cents;
  /** The running promotion whose discount set the price (or its coupon); null when none did. */
  promotionId: string | null;
  notices: PriceNotice[];
  explanation: ExplanationStep[];
  /** The rule that priced it (NEUTRAL_PRICE_RULE when none applies): its fees and shipping make the margin. */
  rule: PriceRule;
}

const ROUNDING_WORDS: Readonly<Record<PriceRounding, string>> = {
  none: "no rounding",
  cents99: "up to .99",
  cents95: "up to .95",
  whole: "up to a whole amount",
};

const anchorMapStep = stepKind("price.anchorMap", ["mapCents"], (i) => `Anchor: MAP ${money(i.mapCents)}`);
const anchorShopifyStep = stepKind("price.anchorShopify", ["shopifyPriceCents"], (i) => `Anchor: Shopify price ${money(i.shopifyPriceCents)}`);
const differentialPercentStep = stepKind(
  "price.differentialPercent",
  ["differentialBps", "channel"],
  (i, effect, result) =>
    `${i.channel} differential ${Number(i.differentialBps) > 0 ? "+" : ""}${percent(i.differentialBps)}: ${money(result - effect)} → ${money(result)}`,
);
const differentialAmountStep = stepKind(
  "price.differentialAmount",
  ["differentialCents", "channel"],
  (i, _effect, result) => `${i.channel} adds ${money(i.differentialCents)}: ${money(result)}`,
);
const notNegativeStep = stepKind("price.notNegative", [], () => "A price is never below 0");
const roundingStep = stepKind(
  "price.rounding",
  ["rounding"],
  (i, _effect, result) => `Rounded ${ROUNDING_WORDS[i.rounding as PriceRounding]}: ${money(result)}`,
);
const capStep = stepKind("price.cap", ["maxPriceCents"], (i) => `Capped at ${money(i.maxPriceCents)}`);
const mapFloorStep = stepKind("price.mapFloor", ["mapCents"], (i) => `Raised to MAP ${money(i.mapCents)} (never published below MAP)`);
const feeFloorStep = stepKind(
  "price.feeFloor",
  ["costCents", "fixedFeeCents", "shippingCents", "feeBps", "minMarginBps", "floorCents"],
  (i, _effect, price) =>
    `Fee-inclusive floor (${money(i.costCents)} + ${money(i.fixedFeeCents)} + ${money(i.shippingCents)}) ÷ (1 − ${percent(i.feeBps)} − ${percent(i.minMarginBps)}) = ${money(i.floorCents)}: ${price < Number(i.floorCents) ? "unprofitable" : "profitable"}`,
);
const resultStep = stepKind("price.result", ["channel"], (i, _effect, result) => `Price on ${i.channel}: ${money(result)}`);

/**
 * Rounds up to the next price ending, as Shopify Markets' price rounding does, so a rounded price
 * is never under the computed one (and so never under a floor the computed one met).
 */
export function roundPrice(cents: Cents, rounding: PriceRounding): Cents {
  const within = ((cents % 100) + 100) % 100;
  switch (rounding) {
    case "none":
      return cents;
    case "cents99":
      return cents + (99 - within);
    case "cents95":
      return within <= 95 ? cents + (95 - within) : cents + (100 - within) + 95;
    case "whole":
      return within === 0 ? cents : cents + (100 - within);
  }
}

/** cents × (10000 + bps) / 10000, rounded half up to the cent, in integers. */
export function applyDifferential(cents: Cents, bps: number): Cents {
  return Math.round((cents * (10_000 + bps)) / 10_000);
}

/** (cost + fixed fee + shipping) / (1 − fee % − margin %), rounded up; null when fees leave no margin. */
export function feeInclusiveFloor(costCents: Cents, rule: PriceRule): Cents | null {
  const keptBps = 10_000 - rule.feeBps - rule.minMarginBps;
  if (keptBps <= 0) return null;
  return Math.ceil(((costCents + rule.fixedFeeCents + rule.shippingCents) * 10_000) / keptBps);
}

/** A price rule that changes nothing: the Shopify price as it is. Used when no rule applies. */
export const NEUTRAL_PRICE_RULE: PriceRule = {
  id: "none",
  channelId: null,
  scope: "channel",
  scopeValue: null,
  differentialBps: 0,
  differentialCents: 0,
  rounding: "none",
  mapIsAnchor: false,
  feeBps: 0,
  fixedFeeCents: 0,
  shippingCents: 0,
  minMarginBps: 0,
  maxPriceCents: null,
};

/** 1 for a step taken, 0 for one skipped: counts a price explanation before it is built. */
const present = (step: ExplanationStep | null): number => (step === null ? 0 : 1);

function priceWithRule(context: PriceContext, rule: PriceRule): ListingPrice {
  const { channel, mapCents } = context;
  const notices: PriceNotice[] = [];
  // Each optional step is held in its own variable and the explanation built once at its final
  // length (below): an array pushed to from empty reserves 17 slots, and every listing keeps its
  // price explanation of about four steps.
  let percentStep: ExplanationStep | null = null;
  let amountStep: ExplanationStep | null = null;
  let zeroStep: ExplanationStep | null = null;
  let roundStep: ExplanationStep | null = null;
  let cappedStep: ExplanationStep | null = null;
  let promotionStep: ExplanationStep | null = null;
  let mapStep: ExplanationStep | null = null;
  let floorStep: ExplanationStep | null = null;

  let anchor = context.shopifyPriceCents;
  let anchorStep: ExplanationStep;
  if (rule.mapIsAnchor && mapCents !== null) {
    anchor = mapCents;
    anchorStep = anchorMapStep(anchor, anchor, mapCents);
  } else {
    if (rule.mapIsAnchor) notices.push(new PriceNotice("mapAnchorMissing"));
    anchorStep = anchorShopifyStep(anchor, anchor, anchor);
  }

  let price = anchor;
  if (rule.differentialBps !== 0) {
    const next = applyDifferential(price, rule.differentialBps);
    percentStep = differentialPercentStep(next - price, next, rule.differentialBps, channel.name);
    price = next;
  }
  if (rule.differentialCents !== 0) {
    const next = price + rule.differentialCents;
    amountStep = differentialAmountStep(rule.differentialCents, next, rule.differentialCents, channel.name);
    price = next;
  }
  if (price < 0) {
    zeroStep = notNegativeStep(-price, 0);
    price = 0;
  }
  if (rule.rounding !== "none") {
    const next = roundPrice(price, rule.rounding);
    roundStep = roundingStep(next - price, next, rule.rounding);
    price = next;
  }
  if (rule.maxPriceCents !== null && price > rule.maxPriceCents) {
    const next = rule.maxPriceCents;
    notices.push(new PriceNotice("priceCapped", price, next));
    cappedStep = capStep(next - price, next, next);
    price = next;
  }
  // A running promotion on this channel: its discount on the rule's price (a coupon leaves the
  // price and is what customers take off at checkout), before MAP, which holds whatever it says.
  let couponCents = 0;
  let promotionId: string | null = null;
  if (context.promotions !== undefined && context.promotions.length > 0 && context.now !== undefined) {
    const promoted = promotionOnPrice(channel.id, context.promotions, context.now, price);
    if (promoted !== null) {
      promotionStep = promoted.step;
      price = promoted.priceCents;
      couponCents = promoted.couponCents;
      promotionId = promoted.promotionId;
    }
  }
  // MAP last: it is the one floor that must hold whatever the other rules said.
  if (mapCents !== null && price < mapCents) {
    notices.push(new PriceNotice("mapClamped", price, mapCents));
    mapStep = mapFloorStep(mapCents - price, mapCents, mapCents);
    price = mapCents;
  }

  let floorCents: Cents | null = null;
  let unprofitable = false;
  if (context.costCents === null) {
    notices.push(new PriceNotice("costUnknown"));
  } else {
    floorCents = feeInclusiveFloor(context.costCents, rule);
    if (floorCents === null) {
      unprofitable = true;
      notices.push(new PriceNotice("feesExceedPrice", price, 0, rule.feeBps, rule.minMarginBps));
    } else {
      if (price < floorCents) {
        unprofitable = true;
        notices.push(new PriceNotice("unprofitable", price, floorCents));
      }
      floorStep = feeFloorStep(0, price, context.costCents, rule.fixedFeeCents, rule.shippingCents, rule.feeBps, rule.minMarginBps, floorCents);
    }
  }

  const steps = new Array<ExplanationStep>(
    2 +
      present(percentStep) +
      present(amountStep) +
      present(zeroStep) +
      present(roundStep) +
      present(cappedStep) +
      present(promotionStep) +
      present(mapStep) +
      present(floorStep),
  );
  let n = 0;
  steps[n++] = anchorStep;
  if (percentStep !== null) steps[n++] = percentStep;
  if (amountStep !== null) steps[n++] = amountStep;
  if (zeroStep !== null) steps[n++] = zeroStep;
  if (roundStep !== null) steps[n++] = roundStep;
  if (cappedStep !== null) steps[n++] = cappedStep;
  if (promotionStep !== null) steps[n++] = promotionStep;
  if (mapStep !== null) steps[n++] = mapStep;
  if (floorStep !== null) steps[n++] = floorStep;
  steps[n] = resultStep(0, price, channel.name);
  return {
    listingId: context.listingId,
    priceCents: price,
    anchorCents: anchor,
    floorCents,
    unprofitable,
    couponCents,
    promotionId,
    notices,
    explanation: steps,
    rule,
  };
}

export function listingPrice(context: PriceContext): ListingPrice {
  const channelId = context.channel.id;
  const rules = context.priceRules;
  // Pricing with a rule builds its explanation, so find the winners first and price only them.
  let best = -1;
  let first = -1;
  let tied = 0;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const rank = rankIfApplies(rule.channelId, rule.scope, rule.scopeValue, channelId, context, best);
    if (rank < 0) continue;
    if (rank > best) {
      best = rank;
      first = i;
      tied = 1;
    } else {
      tied++;
    }
  }
  if (first < 0) return priceWithRule(context, NEUTRAL_PRICE_RULE);
  let chosen = priceWithRule(context, rules[first]);
  // Two price rules at the same level: the higher price protects margin and MAP.
  for (let i = first + 1; tied > 1 && i < rules.length; i++) {
    const rule = rules[i];
    if (rankIfApplies(rule.channelId, rule.scope, rule.scopeValue, channelId, context, best) !== best) continue;
    tied--;
    const candidate = priceWithRule(context, rule);
    if (candidate.priceCents > chosen.priceCents) chosen = candidate;
  }
  return chosen;
}

/** A channel price beyond the shop's price guardrail: held for the merchant, never pushed as it is. */
export interface GuardrailBreach {
  priceCents: Cents;
  shopifyPriceCents: Cents;
  guardrailBps: number;
  /** The nearest price the guardrail allows (the Shopify price ± the guardrail). */
  limitCents: Cents;
  /** How far past that limit the price is (always positive). */
  beyondCents: Cents;
  text: string;
}

/**
 * Whether `priceCents` is further from the Shopify price than `guardrailBps` either way. The
 * Shopify price is the reference the merchant knows, whatever the rule anchors on, so a typo in a
 * differential, an adjustment or MAP all show here. A guardrail of 100% or more has no lower side
 * (a price cannot go below 0).
 */
export function priceGuardrailBreach(priceCents: Cents, shopifyPriceCents: Cents, guardrailBps: number): GuardrailBreach | null {
  const upper = applyDifferential(shopifyPriceCents, guardrailBps);
  const lower = guardrailBps >= 10_000 ? null : applyDifferential(shopifyPriceCents, -guardrailBps);
  const above = priceCents > upper;
  if (!above && (lower === null || priceCents >= lower)) return null;
  const limitCents = above ? upper : (lower as Cents);
  const beyondCents = Math.abs(priceCents - limitCents);
  const away =
    shopifyPriceCents > 0
      ? `${percent(Math.round((Math.abs(priceCents - shopifyPriceCents) * 10_000) / shopifyPriceCents))} ${above ? "above" : "below"} the Shopify price ${money(shopifyPriceCents)}`
      : `${above ? "above" : "below"} a Shopify price of ${money(shopifyPriceCents)}`;
  return {
    priceCents,
    shopifyPriceCents,
    guardrailBps,
    limitCents,
    beyondCents,
    text: `Price ${money(priceCents)} is ${away}: beyond the ±${percent(guardrailBps)} price guardrail (${above ? "at most" : "at least"} ${money(limitCents)}) by ${money(beyondCents)}`,
  };
}
