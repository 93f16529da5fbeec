// Channel price for one listing (domain.md "Prices, per listing"):
//   anchor (Shopify price, or MAP) × (1 + differential %) + differential amount → rounding
//   → price cap → MAP floor; then the fee-inclusive floor flags (never changes) the price.
//
// Money is integer minor units (cents) from input to output. Percentages are basis points, so the
// only division is by 10 000 and is rounded once, half up, to the cent: 19.99 × 1.1 is 21.989 in
// exact arithmetic and 21.989000000000001 in doubles, and both must publish 21.99.

import { type ExplanationStep, money, percent, step } from "./explain";
import { mostSpecificRules } from "./rules";
import type { Cents, Channel, ScopedRule, VariantFacts } from "./types";

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
}

export type PriceNoticeCode = "mapClamped" | "mapAnchorMissing" | "priceCapped" | "unprofitable" | "costUnknown" | "feesExceedPrice";

export interface PriceNotice {
  code: PriceNoticeCode;
  message: string;
}

export interface ListingPrice {
  listingId: string;
  priceCents: Cents;
  anchorCents: Cents;
  /** Fee-inclusive floor; null when the cost is unknown or fees leave no margin at all. */
  floorCents: Cents | null;
  unprofitable: boolean;
  notices: PriceNotice[];
  explanation: ExplanationStep[];
}

const ROUNDING_WORDS: Readonly<Record<PriceRounding, string>> = {
  none: "no rounding",
  cents99: "up to .99",
  cents95: "up to .95",
  whole: "up to a whole amount",
};

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

const NO_RULE: Omit<PriceRule, "id" | "channelId" | "scope" | "scopeValue"> = {
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

function priceWithRule(context: PriceContext, rule: PriceRule): ListingPrice {
  const { channel, mapCents } = context;
  const steps: ExplanationStep[] = [];
  const notices: PriceNotice[] = [];

  let anchor = context.shopifyPriceCents;
  if (rule.mapIsAnchor && mapCents !== null) {
    anchor = mapCents;
    steps.push(step("price.anchorMap", { mapCents }, anchor, anchor, `Anchor: MAP ${money(anchor)}`));
  } else {
    if (rule.mapIsAnchor) {
      notices.push({ code: "mapAnchorMissing", message: "MAP is the anchor but this variant has no MAP: the Shopify price is used" });
    }
    steps.push(step("price.anchorShopify", { shopifyPriceCents: anchor }, anchor, anchor, `Anchor: Shopify price ${money(anchor)}`));
  }

  let price = anchor;
  if (rule.differentialBps !== 0) {
    const next = applyDifferential(price, rule.differentialBps);
    steps.push(
      step(
        "price.differentialPercent",
        { differentialBps: rule.differentialBps },
        next - price,
        next,
        `${channel.name} differential ${rule.differentialBps > 0 ? "+" : ""}${percent(rule.differentialBps)}: ${money(price)} → ${money(next)}`,
      ),
    );
    price = next;
  }
  if (rule.differentialCents !== 0) {
    const next = price + rule.differentialCents;
    steps.push(
      step(
        "price.differentialAmount",
        { differentialCents: rule.differentialCents },
        rule.differentialCents,
        next,
        `${channel.name} adds ${money(rule.differentialCents)}: ${money(next)}`,
      ),
    );
    price = next;
  }
  if (price < 0) {
    steps.push(step("price.notNegative", {}, -price, 0, "A price is never below 0"));
    price = 0;
  }
  if (rule.rounding !== "none") {
    const next = roundPrice(price, rule.rounding);
    steps.push(
      step("price.rounding", { rounding: rule.rounding }, next - price, next, `Rounded ${ROUNDING_WORDS[rule.rounding]}: ${money(next)}`),
    );
    price = next;
  }
  if (rule.maxPriceCents !== null && price > rule.maxPriceCents) {
    const next = rule.maxPriceCents;
    notices.push({ code: "priceCapped", message: `Price ${money(price)} lowered to the cap of ${money(next)}` });
    steps.push(step("price.cap", { maxPriceCents: next }, next - price, next, `Capped at ${money(next)}`));
    price = next;
  }
  // MAP last: it is the one floor that must hold whatever the other rules said.
  if (mapCents !== null && price < mapCents) {
    notices.push({ code: "mapClamped", message: `Price ${money(price)} is under MAP ${money(mapCents)}: published at MAP` });
    steps.push(step("price.mapFloor", { mapCents }, mapCents - price, mapCents, `Raised to MAP ${money(mapCents)} (never published below MAP)`));
    price = mapCents;
  }

  let floorCents: Cents | null = null;
  let unprofitable = false;
  if (context.costCents === null) {
    notices.push({ code: "costUnknown", message: "No cost known: profitability not checked" });
  } else {
    floorCents = feeInclusiveFloor(context.costCents, rule);
    if (floorCents === null) {
      unprofitable = true;
      notices.push({
        code: "feesExceedPrice",
        message: `Fees ${percent(rule.feeBps)} and minimum margin ${percent(rule.minMarginBps)} take the whole price: no price is profitable`,
      });
    } else if (price < floorCents) {
      unprofitable = true;
      notices.push({ code: "unprofitable", message: `Price ${money(price)} is under the fee-inclusive floor of ${money(floorCents)}` });
    }
    if (floorCents !== null) {
      steps.push(
        step(
          "price.feeFloor",
          {
            costCents: context.costCents,
            fixedFeeCents: rule.fixedFeeCents,
            shippingCents: rule.shippingCents,
            feeBps: rule.feeBps,
            minMarginBps: rule.minMarginBps,
          },
          0,
          price,
          `Fee-inclusive floor (${money(context.costCents)} + ${money(rule.fixedFeeCents)} + ${money(rule.shippingCents)}) ÷ (1 − ${percent(rule.feeBps)} − ${percent(rule.minMarginBps)}) = ${money(floorCents)}: ${unprofitable ? "unprofitable" : "profitable"}`,
        ),
      );
    }
  }

  steps.push(step("result", { priceCents: price }, 0, price, `Price on ${channel.name}: ${money(price)}`));
  return { listingId: context.listingId, priceCents: price, anchorCents: anchor, floorCents, unprofitable, notices, explanation: steps };
}

export function listingPrice(context: PriceContext): ListingPrice {
  const target = { listingId: context.listingId, channelId: context.channel.id, variant: context.variant };
  const winners = mostSpecificRules(context.priceRules, target);
  if (winners.length === 0) {
    return priceWithRule(context, { id: "none", channelId: null, scope: "channel", scopeValue: null, ...NO_RULE });
  }
  // Two price rules at the same level: the higher price protects margin and MAP.
  return winners.map((rule) => priceWithRule(context, rule)).reduce((a, b) => (b.priceCents > a.priceCents ? b : a));
}

