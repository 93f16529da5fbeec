// The pre-launch checklist of a promotion (domain.md "Promotions"): projected demand against what
// the promotion's channels can sell, the parity violations its prices would cause, the units its
// reserve takes from other channels, and the notice channels need. Launch waits for a pass or an
// explicit override by the merchant.

import { ceilTolerant } from "./arithmetic";
import { DEFAULT_PRICE_GUARDRAIL_BPS, DEFAULT_PROMOTION_UPLIFT_BPS, DEFAULT_RESERVE_LEAD_HOURS } from "./defaults";
import { type ExplanationStep, formatNumber, instantWords, money, percent, stepKind, units } from "./explain";
import { isPromotionRunning } from "./reserve";
import { newOrDeeperViolations, type ParityEdge, type ParityViolation, type VisiblePrice } from "./parity";
// price.ts applies a running promotion (promotionOnPrice) and this checklist foresees its guardrail:
// the two only call each other inside functions, so the import cycle is harmless at load.
import { priceGuardrailBreach } from "./price";
import type { Cents, Channel, DiscountKind, PromotionDiscount, PromotionReserve } from "./types";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type { AutoPause, DiscountKind, PromotionDiscount } from "./types";

export interface VariantOnChannel {
  channelId: string;
  velocityPerDay: number;
  availableToSell: number;
  visiblePrice: VisiblePrice | null;
}

export interface PromotionVariant {
  variantId: string;
  name: string;
  mapCents: Cents | null;
  /** Its Shopify price, the price guardrail's reference (price.ts priceGuardrailBreach); absent: not checked. */
  shopifyPriceCents?: Cents | null;
  /** Overrides the promotion's reserve for this variant; null: the promotion's. */
  reserveUnits: number | null;
  /** Every channel the variant is listed on, the promotion's and the others. */
  onChannels: readonly VariantOnChannel[];
}

export interface PromotionPlan {
  promotionId: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  channelIds: readonly string[];
  discount: PromotionDiscount;
  upliftBps?: number;
  reserveUnits: number;
  exclusiveReserve: boolean;
  variants: readonly PromotionVariant[];
}

export interface PromotionChecklistInput {
  plan: PromotionPlan;
  channels: readonly Channel[];
  parityEdges: readonly ParityEdge[];
  now: Date;
  /** The shop's price guardrail (Shop.settings.priceGuardrailBps); absent: the default ±50 %. */
  priceGuardrailBps?: number;
}

export type CheckKind = "demand" | "parity" | "reserve" | "map" | "notice" | "guardrail";

export interface ChecklistItem {
  check: CheckKind;
  status: "pass" | "warn" | "fail";
  variantId: string | null;
  channelId: string | null;
  text: string;
}

export interface ProjectedDemand {
  variantId: string;
  channelId: string;
  units: number;
}

export interface ReserveTaken {
  variantId: string;
  channelId: string;
  units: number;
}

export interface PromotionChecklist {
  verdict: "pass" | "fail";
  reasons: string[];
  items: ChecklistItem[];
  projectedDemand: ProjectedDemand[];
  parityViolations: ParityViolation[];
  reservesTaken: ReserveTaken[];
}

export interface PromotionalPrice {
  visible: VisiblePrice;
  /** Set when MAP lifted the discounted list price or a coupon takes the checkout under MAP. */
  mapNotice: string | null;
}

/** A price and its coupon after a discount: list-price kinds lower the price (never below 0), coupon kinds add to the coupon. */
export function discounted(priceCents: Cents, couponCents: Cents, discount: PromotionDiscount): { priceCents: Cents; couponCents: Cents } {
  let price = priceCents;
  let coupon = couponCents;
  switch (discount.kind) {
    case "percent":
      price = Math.round((priceCents * (10_000 - discount.value)) / 10_000);
      break;
    case "amount":
      price = priceCents - discount.value;
      break;
    case "fixedPrice":
      price = discount.value;
      break;
    case "couponPercent":
      coupon = couponCents + Math.round((priceCents * discount.value) / 10_000);
      break;
    case "couponAmount":
      coupon = couponCents + discount.value;
      break;
  }
  price = Math.max(0, price);
  return { priceCents: price, couponCents: Math.min(coupon, price) };
}

/**
 * The price customers see during the promotion. List-price discounts are held at MAP; coupons are
 * not (MAP governs the advertised price), but a coupon that takes the checkout under MAP is noted.
 */
export function promotionalPrice(current: VisiblePrice, discount: PromotionDiscount, mapCents: Cents | null): PromotionalPrice {
  const after = discounted(current.priceCents, current.couponCents, discount);
  const couponCents = after.couponCents;
  let priceCents = after.priceCents;
  let mapNotice: string | null = null;
  if (mapCents !== null && priceCents < mapCents) {
    mapNotice = `Promotional price ${money(priceCents)} on ${current.channelName} is under MAP: held at ${money(mapCents)}`;
    priceCents = mapCents;
  } else if (mapCents !== null && priceCents - couponCents < mapCents) {
    mapNotice = `The coupon takes the checkout price on ${current.channelName} to ${money(priceCents - couponCents)}, under MAP ${money(mapCents)}`;
  }
  return { visible: { ...current, priceCents, couponCents: Math.min(couponCents, priceCents) }, mapNotice };
}

const isCoupon = (kind: DiscountKind) => kind === "couponPercent" || kind === "couponAmount";

/** "20% off", "5.00 off", "a price of 40.00", "a 10% coupon", "a 5.00 coupon". */
function discountWords(kind: DiscountKind, value: number): string {
  switch (kind) {
    case "percent":
      return `${percent(value)} off`;
    case "amount":
      return `${money(value)} off`;
    case "fixedPrice":
      return `a price of ${money(value)}`;
    case "couponPercent":
      return `a ${percent(value)} coupon`;
    case "couponAmount":
      return `a ${money(value)} coupon`;
  }
}

const promotionPriceStep = stepKind(
  "price.promotion",
  ["promotion", "discountKind", "discountValue", "endsAt"],
  (i, _effect, result) =>
    `${i.promotion}: ${discountWords(i.discountKind as DiscountKind, Number(i.discountValue))} until ${instantWords(String(i.endsAt))} → ${money(result)}`,
);
/** The rule of the step a coupon-style promotion adds to a price's explanation (the recompute looks for it in a stored one). */
export const PROMOTION_COUPON_STEP = "price.promotionCoupon";

const promotionCouponStep = stepKind(
  PROMOTION_COUPON_STEP,
  ["promotion", "discountKind", "discountValue", "endsAt", "couponCents"],
  (i, _effect, result) =>
    `${i.promotion}: ${discountWords(i.discountKind as DiscountKind, Number(i.discountValue))} at checkout until ${instantWords(String(i.endsAt))}: the list price stays ${money(result)}, the coupon of ${money(i.couponCents)} counts for parity`,
);

export interface PromotionOnPrice {
  promotionId: string;
  priceCents: Cents;
  /** What a coupon-style promotion takes off at checkout (0 for list-price discounts). */
  couponCents: Cents;
  step: ExplanationStep;
}

/**
 * The promotion running on this channel, if any, applied to its rule price: list-price discounts
 * change the price pushed, coupon-style ones leave it and give the coupon customers see. Of
 * several running here, the one with the lowest checkout price (price less coupon) wins: the
 * merchant launched each, and customers take the better deal. MAP is the caller's to apply after.
 */
export function promotionOnPrice(channelId: string, promotions: readonly PromotionReserve[], now: Date, priceCents: Cents): PromotionOnPrice | null {
  let best: { promotion: PromotionReserve; discount: PromotionDiscount; priceCents: Cents; couponCents: Cents } | null = null;
  for (const promotion of promotions) {
    const discount = promotion.discount;
    if (!discount || !promotion.channelIds.includes(channelId) || !isPromotionRunning(promotion, now)) continue;
    const after = discounted(priceCents, 0, discount);
    if (best === null || after.priceCents - after.couponCents < best.priceCents - best.couponCents) best = { promotion, discount, ...after };
  }
  if (best === null) return null;
  const { promotion, discount } = best;
  const endsAt = promotion.endsAt.toISOString();
  const step = isCoupon(discount.kind)
    ? promotionCouponStep(0, best.priceCents, promotion.name, discount.kind, discount.value, endsAt, best.couponCents)
    : promotionPriceStep(best.priceCents - priceCents, best.priceCents, promotion.name, discount.kind, discount.value, endsAt);
  return { promotionId: promotion.promotionId, priceCents: best.priceCents, couponCents: best.couponCents, step };
}

/**
 * The coupon a running coupon-style promotion gives customers on this channel at this price (0
 * when none runs, or when a list-price discount is the better deal there): its list price is not
 * pushed, so parity counts it as the channel's visible coupon while it runs (decision 0023).
 */
export function runningCouponCents(channelId: string, promotions: readonly PromotionReserve[], now: Date, priceCents: Cents): Cents {
  return promotionOnPrice(channelId, promotions, now, priceCents)?.couponCents ?? 0;
}

export function promotionChecklist(input: PromotionChecklistInput): PromotionChecklist {
  const { plan, now } = input;
  const channelName = new Map(input.channels.map((c) => [c.id, c.name]));
  const nameOf = (id: string) => channelName.get(id) ?? id;
  const inPromotion = new Set(plan.channelIds);
  const days = Math.max(0, plan.endsAt.getTime() - plan.startsAt.getTime()) / DAY_MS;
  const uplift = (plan.upliftBps ?? DEFAULT_PROMOTION_UPLIFT_BPS) / 10_000;

  const items: ChecklistItem[] = [];
  const projectedDemand: ProjectedDemand[] = [];
  const reservesTaken: ReserveTaken[] = [];
  const violations: ParityViolation[] = [];

  for (const channel of input.channels) {
    if (!inPromotion.has(channel.id) || !channel.promotionNoticeHours) continue;
    const hoursLeft = (plan.startsAt.getTime() - now.getTime()) / HOUR_MS;
    const enough = hoursLeft >= channel.promotionNoticeHours;
    items.push({
      check: "notice",
      status: enough ? "pass" : "fail",
      variantId: null,
      channelId: channel.id,
      text: enough
        ? `${channel.name} gets its ${channel.promotionNoticeHours} hours' notice`
        : `${channel.name} needs ${channel.promotionNoticeHours} hours' notice; the promotion starts in ${formatNumber(Math.max(0, hoursLeft))} hours`,
    });
  }

  for (const variant of plan.variants) {
    const promoted = variant.onChannels.filter((c) => inPromotion.has(c.channelId));
    const others = variant.onChannels.filter((c) => !inPromotion.has(c.channelId));

    let demand = 0;
    for (const listing of promoted) {
      const projected = ceilTolerant(listing.velocityPerDay * uplift * days);
      projectedDemand.push({ variantId: variant.variantId, channelId: listing.channelId, units: projected });
      demand += projected;
    }
    // The promotion's channels draw on one pool, so what they can sell together is the most any
    // one of them is offered, not the sum.
    const sellable = promoted.reduce((most, c) => Math.max(most, c.availableToSell), 0);
    const covered = demand <= sellable;
    items.push({
      check: "demand",
      status: covered ? "pass" : "fail",
      variantId: variant.variantId,
      channelId: null,
      text: `${variant.name}: projected demand ${units(demand)} (velocity × ${formatNumber(uplift)} uplift × ${formatNumber(days)} days) against ${units(sellable)} available${covered ? "" : ": not enough stock"}`,
    });

    const reserve = Math.max(0, variant.reserveUnits ?? plan.reserveUnits);
    if (reserve > sellable) {
      items.push({
        check: "reserve",
        status: "warn",
        variantId: variant.variantId,
        channelId: null,
        text: `${variant.name}: reserve of ${units(reserve)} is more than the ${units(sellable)} available`,
      });
    }
    if (plan.exclusiveReserve && reserve > 0) {
      for (const other of others) {
        const taken = Math.min(reserve, Math.max(0, other.availableToSell));
        reservesTaken.push({ variantId: variant.variantId, channelId: other.channelId, units: taken });
        const emptied = taken > 0 && taken === other.availableToSell;
        items.push({
          check: "reserve",
          status: emptied ? "warn" : "pass",
          variantId: variant.variantId,
          channelId: other.channelId,
          text: `${variant.name}: the reserve takes ${units(taken)} from ${nameOf(other.channelId)}${emptied ? ", leaving it none" : ""}`,
        });
      }
    }

    const current = variant.onChannels.flatMap((c) => (c.visiblePrice ? [c.visiblePrice] : []));
    const during = current.map((price) => {
      if (!inPromotion.has(price.channelId)) return price;
      const promo = promotionalPrice(price, plan.discount, variant.mapCents);
      if (promo.mapNotice) {
        items.push({ check: "map", status: "warn", variantId: variant.variantId, channelId: price.channelId, text: promo.mapNotice });
      }
      // The recompute holds a new price beyond the shop's guardrail for the merchant's approval
      // (recompute/desired.ts), a promotion's too: said now, not found held at the start.
      const breach =
        variant.shopifyPriceCents === undefined || variant.shopifyPriceCents === null || promo.visible.priceCents === price.priceCents
          ? null
          : priceGuardrailBreach(promo.visible.priceCents, variant.shopifyPriceCents, input.priceGuardrailBps ?? DEFAULT_PRICE_GUARDRAIL_BPS);
      if (breach) {
        items.push({
          check: "guardrail",
          status: "warn",
          variantId: variant.variantId,
          channelId: price.channelId,
          text: `${variant.name} on ${price.channelName}: ${breach.text}; at the start its push is held until you approve it`,
        });
      }
      return promo.visible;
    });
    for (const violation of newOrDeeperViolations(input.parityEdges, current, during)) {
      violations.push(violation);
      items.push({
        check: "parity",
        status: violation.allowed ? "warn" : "fail",
        variantId: variant.variantId,
        channelId: violation.watchedId,
        text: `${variant.name}: ${violation.text}${violation.allowed ? " (allowed by the merchant)" : ""}`,
      });
    }
  }

  const reasons = items.filter((i) => i.status === "fail").map((i) => i.text);
  return {
    verdict: reasons.length === 0 ? "pass" : "fail",
    reasons,
    items,
    projectedDemand,
    parityViolations: violations,
    reservesTaken,
  };
}

/** What would mend a failing or warning check, in the merchant's words (the Promotions screen shows it beside it). */
export function suggestedFix(item: Pick<ChecklistItem, "check" | "status">): string | null {
  if (item.status === "pass") return null;
  switch (item.check) {
    case "demand":
      return "Restock before the start, lower the expected uplift, or shorten the window";
    case "parity":
      return "Give the watching channel the same discount, lower the discount, or allow the violation on the parity edge (Pricing)";
    case "reserve":
      return `Lower the reserve, or restock before the reserve opens ${DEFAULT_RESERVE_LEAD_HOURS} hours ahead of the start`;
    case "map":
      return "Lower the discount so the price stays at or above MAP";
    case "notice":
      return "Move the start later so the channel gets its notice, or leave that channel out";
    case "guardrail":
      return "Lower the discount to within the guardrail, widen the price guardrail (Pricing) before the start, or approve the held price under Held pushes (Pricing) when it starts";
  }
}

export interface ChecklistOverride {
  by: string;
  at: Date;
}

export interface LaunchDecision {
  allowed: boolean;
  reason: string;
}

/** A promotion launches when its checklist passes, or when the merchant overrides a failing one. */
export function promotionLaunchDecision(checklist: PromotionChecklist, override: ChecklistOverride | null): LaunchDecision {
  if (checklist.verdict === "pass") return { allowed: true, reason: "Checklist passed" };
  if (override) {
    const issues = checklist.reasons.length === 1 ? "1 issue" : `${checklist.reasons.length} issues`;
    return { allowed: true, reason: `Checklist failed (${issues}), overridden by ${override.by}` };
  }
  return { allowed: false, reason: `Checklist failed: ${checklist.reasons.join("; ")}` };
}

/** Share of a running promotion's reserve left at which the merchant is alerted (domain.md). */
export const RESERVE_ALERT_PERCENTS = [25, 10, 5] as const;
export type ReserveAlertPercent = (typeof RESERVE_ALERT_PERCENTS)[number];

/**
 * The alert levels a sale crossed: those the units left fell to or under, having been above
 * before. Several at once when one big order drains the reserve; none when a return refills it.
 * Whole units are compared with the exact share (25% of 10 is 2.5: the alert fires at 2 left).
 */
export function reserveAlertsCrossed(reserveUnits: number, leftBefore: number, leftAfter: number): ReserveAlertPercent[] {
  if (reserveUnits <= 0) return [];
  const crossed: ReserveAlertPercent[] = [];
  for (const pct of RESERVE_ALERT_PERCENTS) {
    const level = (reserveUnits * pct) / 100;
    if (leftBefore > level && leftAfter <= level) crossed.push(pct);
  }
  return crossed;
}
