// Available to sell for one listing (domain.md "Available to sell"):
//   pool → promotion reserves of other channels → buffer → artificial count → throttle → hold
//   (a product not for sale in Shopify, a release date still ahead).
// Result: clamp(floor(pool − reserve − buffer), 0, cap), or 0 when throttled or held.

import { allocationInto } from "./allocation";
import { bufferInto } from "./buffer";
import { bundleComponentStep, bundleEmptyStep, bundleResultStep, bundlesFromComponent, kitMakeUp, kitPart } from "./bundle";
import { type ExplanationStep, instantWords, stepKind, units } from "./explain";
import { poolInto } from "./pool";
import { autoPauseInto, reserveInto } from "./reserve";
import { throttleInto } from "./throttle";
import type { AvailableToSell, BundleComponent, ListingContext, ProductStatus, StockLevel, VariantFacts } from "./types";

const untrackedStep = stepKind(
  "pool.untracked",
  ["untrackedQuantity", "channel"],
  (i, _effect, result) => `Inventory not tracked: ${i.channel} lists its untracked quantity of ${units(result)}`,
);
const clampZeroStep = stepKind("clamp.zero", [], () => "Never listed below 0");
const holdStep = stepKind("hold.release", ["releaseAt"], (i) => `On hold until its release on ${instantWords(String(i.releaseAt))}: listed at 0`);
const notForSaleStep = stepKind("hold.productStatus", ["status"], (i) =>
  i.status === "unknown"
    ? "The product's status in Shopify is one Anchorline does not know yet: listed at 0"
    : `The product is ${String(i.status)} in Shopify, not for sale: listed at 0`,
);
const marketplaceFulfilledStep = stepKind(
  "pool.marketplaceFulfilled",
  ["by", "channel"],
  (i) => `Fulfilled by ${i.by}: its own stock, none of the pool; ${i.channel} is pushed no quantity`,
);
/** The steps a suspension whose units are offered writes (decision 0025): the suspended listing's, and the other channels'. */
export const SUSPENSION_STEPS = ["hold.suspended", "pool.offeredBySuspended"] as const;
const suspendedStep = stepKind(
  "hold.suspended",
  ["channel", "reason"],
  (i) => `${i.channel} suspended this listing (${i.reason}): listed at 0, its units offered to the other channels`,
);
const offeredStep = stepKind(
  "pool.offeredBySuspended",
  ["channels"],
  (i) => `${i.channels} suspended its listing: its units are offered here, and it no longer ranks ahead in low-stock throttling`,
);
const resultStep = stepKind("result", ["channel"], (i, _effect, result) => `Available to sell on ${i.channel}: ${units(result)}`);

/**
 * Whether a product of this status is offered on marketplaces. Unlisted is Shopify's "active, but
 * reachable only by direct link" (no search, collections or recommendations): still for sale, so
 * offered. Draft ("isn't ready to sell") and archived ("no longer being sold") are not, nor a
 * status this version does not know, until someone decides what it means (README).
 */
export function productOffered(status: ProductStatus): boolean {
  return status === "active" || status === "unlisted";
}

/**
 * A product not for sale in Shopify, or a variant before its release or preorder date, lists 0;
 * the step removes what was left.
 */
function onHold(steps: ExplanationStep[], variant: VariantFacts, now: Date, quantity: number): boolean {
  const { releaseAt, productStatus = "active" } = variant;
  if (!productOffered(productStatus)) {
    steps.push(notForSaleStep(-quantity, 0, productStatus));
    return true;
  }
  if (releaseAt === null || now.getTime() >= releaseAt.getTime()) return false;
  steps.push(holdStep(-quantity, 0, releaseAt.toISOString()));
  return true;
}

/** This channel's own listing is suspended and the merchant offers its units to the others: it lists 0, with the marketplace's reason. */
function suspendedHere(steps: ExplanationStep[], context: ListingContext, quantity: number): boolean {
  const own = context.suspendedChannels?.find((s) => s.channelId === context.channel.id);
  if (!own) return false;
  steps.push(suspendedStep(-quantity, 0, context.channel.name, own.reason));
  return true;
}

/**
 * A listing the marketplace fulfils from its own warehouse (hybrid pool: self-fulfilled channels
 * share the pool, FBA listings carry their own quantity): no pool, rule or hold applies to stock
 * that was never Shopify's, and there is no quantity to push.
 */
function marketplaceFulfilled(context: ListingContext, by: string): AvailableToSell {
  const explanation = [marketplaceFulfilledStep(0, 0, by, context.channel.name)];
  return {
    listingId: context.listingId,
    quantity: 0,
    pool: 0,
    reserve: 0,
    buffer: 0,
    throttled: false,
    held: false,
    explanation,
    fulfilledByMarketplace: true,
  };
}

export function availableToSell(context: ListingContext): AvailableToSell {
  if (context.fulfilledByMarketplace) return marketplaceFulfilled(context, context.fulfilledByMarketplace.by);
  if (context.bundleComponents !== undefined) return bundleOnChannel(context, context.bundleComponents);
  const { channel, variant } = context;
  const steps: ExplanationStep[] = [];

  let pool: number;
  let reserve = 0;
  let buffer = 0;
  let throttled = false;
  // The merchant offers a suspended listing's units to the other channels: it lists 0, and the
  // others no longer give way to it in low-stock throttling.
  const elsewhere = (context.suspendedChannels ?? []).filter((s) => s.channelId !== channel.id);
  const competing = elsewhere.length > 0 && context.channels ? context.channels.filter((c) => !elsewhere.some((s) => s.channelId === c.id)) : context.channels;

  if (variant.tracked) {
    pool = poolInto(steps, channel, context.levels);
    if (elsewhere.length > 0) steps.push(offeredStep(0, pool, elsewhere.map((s) => s.channelName).join(", ")));
    if (context.promotions.length > 0) reserve = reserveInto(steps, channel.id, context.promotions, context.now, pool);
    buffer = bufferInto(
      steps,
      context.bufferRules,
      channel.id,
      context,
      channel,
      pool,
      context.velocityPerDay,
      variant.discontinued,
      pool - reserve,
      context.velocity,
    );
  } else {
    // Untracked stock has no count to protect, so reserves, buffers and throttling have nothing
    // to act on; only the merchant's artificial counts and holds still apply.
    pool = Math.max(0, channel.untrackedQuantity);
    steps.push(untrackedStep(pool, pool, channel.untrackedQuantity, channel.name));
  }

  const remaining = pool - reserve - buffer;
  const computed = Math.max(0, Math.floor(remaining));
  if (remaining < 0) steps.push(clampZeroStep(computed - remaining, 0));

  let quantity = computed;
  if (context.allocationRules.length > 0) {
    quantity = allocationInto(steps, context.allocationRules, channel.id, context, pool, pool - reserve, computed, context.levels);
  }

  // A running promotion's auto-pause rule: the channels it does not promote list 0 or at most N.
  if (context.promotions.length > 0) quantity = autoPauseInto(steps, channel.id, context.promotions, context.now, quantity);

  if (variant.tracked) {
    throttled = throttleInto(steps, channel, competing, pool, quantity, variant.discontinued);
    if (throttled) quantity = 0;
  }

  const held = onHold(steps, variant, context.now, quantity) || suspendedHere(steps, context, quantity);
  if (held) quantity = 0;

  steps.push(resultStep(0, quantity, channel.name));
  return { listingId: context.listingId, quantity, pool, reserve, buffer, throttled, held, explanation: steps };
}

/**
 * What each location holds in kits: for every location that stocks a component, the kits its own
 * stock makes (min over components of floor(available there / units per kit); a component it does
 * not stock makes none). A vendor share on a kit listing is a share of these.
 */
function kitLevels(components: readonly BundleComponent[]): StockLevel[] {
  const kits = new Map<string, StockLevel>();
  for (const component of components) {
    for (const level of component.levels) {
      if (!kits.has(level.location.id)) kits.set(level.location.id, { location: level.location, available: Number.POSITIVE_INFINITY });
    }
  }
  for (const [locationId, kit] of kits) {
    for (const component of components) {
      let available = 0;
      for (const level of component.levels) if (level.location.id === locationId) available = level.available;
      kit.available = Math.min(kit.available, bundlesFromComponent(available, Math.max(1, component.unitsPerBundle)));
    }
  }
  return [...kits.values()];
}

/**
 * A bundle or kit listing (domain: min over components of floor(component ATS / units per kit)).
 * Each component is computed as its own variant on this channel: its stock, its promotions' and
 * other channels' reserves, its buffer rules and throttling. Stock lives at the component level,
 * so buffers protect it there and the kit adds none of its own; the kit listing's own artificial
 * counts (a cap, a share of the pool or of a vendor's stock counted in kits, a fixed number, which
 * can only lower the kit count here) and its release hold then apply. Listing-scoped rules written
 * for the kit listing do not reach its components, nor do the components' own artificial counts
 * (they are counts of a listing that is not this one).
 */
function bundleOnChannel(context: ListingContext, components: readonly BundleComponent[]): AvailableToSell {
  const { channel, variant } = context;
  const steps: ExplanationStep[] = [];
  const evaluated: AvailableToSell[] = [];
  let quantity = Number.POSITIVE_INFINITY;
  let pool = Number.POSITIVE_INFINITY;
  let limitedBy = "";
  let throttled = false;
  const parts: string[] = [];
  for (const component of components) {
    const name = component.name ?? component.variant.id;
    const perKit = Math.max(1, component.unitsPerBundle);
    const channels = component.channels ?? context.channels;
    const own = availableToSell({
      ...context,
      listingId: `${context.listingId}/${component.variant.id}`,
      channel: channels?.find((c) => c.id === channel.id) ?? channel,
      channels,
      variant: component.variant,
      levels: component.levels,
      velocityPerDay: component.velocityPerDay,
      velocity: component.velocity,
      promotions: component.promotions ?? context.promotions,
      allocationRules: [],
      bundleComponents: undefined,
    });
    evaluated.push(own);
    throttled = throttled || own.throttled;
    const kits = bundlesFromComponent(own.quantity, perKit);
    steps.push(bundleComponentStep(0, kits, name, own.quantity, perKit));
    parts.push(kitPart(name, own.quantity, perKit));
    if (kits < quantity) {
      quantity = kits;
      limitedBy = name;
    }
    pool = Math.min(pool, bundlesFromComponent(own.pool, perKit));
  }
  if (evaluated.length === 0) {
    // A kit with nothing in it has nothing to ship; listing it would promise an empty box.
    quantity = 0;
    pool = 0;
    steps.push(bundleEmptyStep(0, 0));
  } else {
    steps.push(bundleResultStep(quantity, quantity, limitedBy, kitMakeUp(parts)));
  }

  if (context.allocationRules.length > 0) {
    // `afterReserve` is the kit count itself: a fixed count on a kit may lower it but never reach
    // past the components' own buffers, so a kit never promises more than its parts can sell.
    quantity = allocationInto(steps, context.allocationRules, channel.id, context, pool, quantity, quantity, kitLevels(components));
  }
  const held = onHold(steps, variant, context.now, quantity) || suspendedHere(steps, context, quantity);
  if (held) quantity = 0;
  steps.push(resultStep(0, quantity, channel.name));
  return {
    listingId: context.listingId,
    quantity,
    pool,
    reserve: 0,
    buffer: 0,
    throttled,
    held,
    explanation: steps,
    components: evaluated,
  };
}
