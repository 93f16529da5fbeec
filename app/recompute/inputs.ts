// From database rows to the engine's inputs. Pure: the recompute service loads the rows (a few
// set-based queries per batch) and this module shapes them, so every mapping decision (defaults,
// units, which rule or promotion applies) is tested without a database.

import { defaultRiskMultiplierOf, engineKindOf, moduleOf } from "~/channels/registry";
import type { DesiredListingInput } from "~/engine/listing";
import type { ParityEdge } from "~/engine/parity";
import type { PriceRounding, PriceRule } from "~/engine/price";
import { mostSpecificRules } from "~/engine/rules";
import type {
  AllocationRule,
  BufferRule,
  Channel,
  DiscountKind,
  Location,
  PromotionReserve,
  ProductStatus,
  PromotionStatus,
  RuleScope,
  ScopedRule,
  StockLevel,
  VariantFacts,
} from "~/engine/types";
import { BOUNDS } from "~/engine/bounds";
import { readAutoPause } from "~/engine/validate";
import { DEFAULT_PRICE_GUARDRAIL_BPS, DEFAULT_VELOCITY_WINDOW_DAYS } from "~/engine/defaults";
import { salesVelocity, type Sale, type SalesVelocity } from "~/engine/velocity";
import { holdsFromTags } from "~/lib/hold-tags";
import type { VisibleExtras } from "./parity";

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------- rows, as the service's SQL returns them

export interface ChannelRow {
  id: string;
  kind: string;
  name: string;
  priority: number;
  settings: unknown;
  /** What a customer sees there besides the price (parity); absent counts as 0. */
  visibleShippingCents?: number;
  visibleCouponCents?: number;
}

export interface LocationRow {
  id: string;
  name: string;
  saleable: boolean;
  isActive: boolean;
  isDropShip: boolean;
  vendorShareBps: number;
  /** Set for a vendor whose quantity counts for nothing now (load-inputs.server.ts). */
  notCountedBecause?: string | null;
}

/** A LocationChannel row with eligible = false: that location does not feed that channel. */
export interface LocationExclusionRow {
  locationId: string;
  channelId: string;
}

export interface VariantRow {
  id: string;
  productId: string;
  /** How the merchant recognises it in an explanation: the SKU, else the titles. */
  name: string;
  priceCents: number;
  mapCents: number | null;
  discontinued: boolean;
  releaseAt: Date | null;
  isBundle: boolean;
  tags: string[];
  /** The handles of the collections its product is in (the loader always reads them; absent: none). */
  collections?: string[];
  /** The product's status as the mirror holds it (Product.status: ACTIVE, UNLISTED, DRAFT, ...). */
  productStatus: string;
  /** Null when the variant has no inventory item mirrored yet. */
  tracked: boolean | null;
  costCents: number | null;
}

export interface LevelRow {
  variantId: string;
  locationId: string;
  available: number;
}

export interface BundleComponentRow {
  bundleId: string;
  componentId: string;
  unitsPerBundle: number;
}

interface ScopedRuleRow {
  id: string;
  channelId: string | null;
  scope: string;
  scopeValue: string | null;
}

export interface BufferRuleRow extends ScopedRuleRow {
  kind: string;
  units: number | null;
  percentBps: number | null;
  /** PostgreSQL numeric arrives as text to keep its exact digits. */
  leadTimeDays: string | number | null;
  safetyStock: number | null;
  riskMultiplier: string | number | null;
  lowStockThreshold: number | null;
}

export interface AllocationRuleRow extends ScopedRuleRow {
  kind: string;
  units: number | null;
  percentBps: number | null;
  locationId: string | null;
}

export interface PriceRuleRow extends ScopedRuleRow {
  differentialBps: number;
  differentialCents: number;
  rounding: string;
  mapIsAnchor: boolean;
  feeBps: number;
  fixedFeeCents: number;
  shippingCents: number;
  minMarginBps: number;
}

export interface ParityEdgeRow {
  watcherId: string;
  watchedId: string;
  toleranceBps: number;
  toleranceCents: number;
  includeShipping: boolean;
  includeCoupons: boolean;
  allowViolations: boolean;
}

/** One promotion as it touches one variant, with what it already sold of that variant. */
export interface PromotionRow {
  promotionId: string;
  variantId: string;
  name: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  exclusive: boolean;
  /** The variant's own reserve, else the promotion's. */
  reserveUnits: number;
  soldUnits: number;
  channelIds: string[];
  /** Promotion.discountKind (PERCENT, COUPON_AMOUNT, ...) and discountValue (bps or cents). */
  discountKind: string;
  discountValue: number;
  /** Promotion.autoPause as stored (validate.ts readAutoPause). */
  autoPause: unknown;
}

/** Units sold of a variant on a channel (null: the Shopify store), `ageDays` whole days before now. */
/**
 * A listing the marketplace suspended, on a channel whose merchant offers a suspended listing's
 * units to the other channels (Channel.offerSuspendedUnits, decision 0025).
 */
export interface SuspensionRow {
  variantId: string;
  channelId: string;
  reason: string;
}

export interface SalesRow {
  variantId: string;
  channelId: string | null;
  ageDays: number;
  units: number;
}

// ---------------------------------------------------------------- single rows

function finiteOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** A settings JSON column (Shop.settings, Channel.settings) as an object; anything else reads as empty. */
export function settingsObject(settings: unknown): Record<string, unknown> {
  return settings !== null && typeof settings === "object" && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
}

/** A stored count within the units bound (bounds.ts), so no desired quantity overflows its Int column. */
function storedUnits(value: unknown): number {
  return Math.min(BOUNDS.units.max, Math.max(0, Math.floor(finiteOr(value, 0))));
}

/**
 * Channel.settings is free-form JSON written by the settings screen; a value of the wrong type is
 * read as unset rather than failing the whole shop's recompute, and one saved before the screen
 * had bounds (an untracked quantity of 1e15, a risk multiplier of 1e308) is read within them.
 */
export function channelFromRow(row: ChannelRow): Channel {
  const settings = settingsObject(row.settings);
  const kind = engineKindOf(row.kind);
  if (!kind) throw new Error(`Unknown channel kind ${row.kind}`);
  const risk = finiteOr(settings.riskMultiplier, null);
  return {
    id: row.id,
    kind,
    name: row.name,
    priority: row.priority,
    riskMultiplier: risk !== null && risk > 0 ? Math.min(risk, BOUNDS.riskMultiplier.max) : null,
    defaultRiskMultiplier: defaultRiskMultiplierOf(kind),
    lowStockThreshold: storedUnits(settings.lowStockThreshold),
    untrackedQuantity: storedUnits(settings.untrackedQuantity),
    promotionNoticeHours: Math.max(0, finiteOr(settings.promotionNoticeHours, 0)),
  };
}

/** Shop.settings.velocityWindowDays, else the engine's default. */
export function velocityWindowDays(shopSettings: unknown): number {
  const days = finiteOr(settingsObject(shopSettings).velocityWindowDays, DEFAULT_VELOCITY_WINDOW_DAYS);
  return days >= 1 ? Math.floor(days) : DEFAULT_VELOCITY_WINDOW_DAYS;
}

/**
 * Shop.settings.priceGuardrailBps, else the default (±50%). A stored value outside its bound
 * (bounds.ts; the Pricing screen never saves one) reads as unset rather than as no guardrail.
 */
export function priceGuardrailBps(shopSettings: unknown): number {
  const bps = finiteOr(settingsObject(shopSettings).priceGuardrailBps, null);
  const { min, max } = BOUNDS.guardrailBps;
  return bps !== null && bps >= min && bps <= max ? Math.round(bps) : DEFAULT_PRICE_GUARDRAIL_BPS;
}

/**
 * A location no row excludes feeds every channel (eligibleChannelIds null). A deactivated location
 * cannot fulfil, so its stock is not counted whatever its saleable flag says.
 */
export function locationsFromRows(
  rows: readonly LocationRow[],
  exclusions: readonly LocationExclusionRow[],
  channelIds: readonly string[],
): Map<string, Location> {
  const excluded = new Map<string, Set<string>>();
  for (const { locationId, channelId } of exclusions) {
    const set = excluded.get(locationId) ?? new Set<string>();
    set.add(channelId);
    excluded.set(locationId, set);
  }
  const locations = new Map<string, Location>();
  for (const row of rows) {
    const not = excluded.get(row.id);
    locations.set(row.id, {
      id: row.id,
      name: row.name,
      saleable: row.saleable && row.isActive,
      isDropShip: row.isDropShip,
      vendorShareBps: row.vendorShareBps,
      notCountedBecause: row.notCountedBecause ?? null,
      eligibleChannelIds: not ? channelIds.filter((id) => !not.has(id)) : null,
    });
  }
  return locations;
}

function scopeOf(scope: string): RuleScope {
  const lower = scope.toLowerCase();
  if (lower === "channel" || lower === "collection" || lower === "tag" || lower === "product" || lower === "variant" || lower === "listing") {
    return lower;
  }
  throw new Error(`Unknown rule scope ${scope}`);
}

function scopedFrom(row: ScopedRuleRow) {
  return { id: row.id, channelId: row.channelId, scope: scopeOf(row.scope), scopeValue: row.scopeValue };
}

function decimal(value: string | number | null): number | null {
  if (value === null) return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Null for a rule missing the number its kind needs (the form never saves one, but a half-written
 * row must not read as "buffer 0"): the next less specific rule then applies.
 */
export function bufferRuleFromRow(row: BufferRuleRow): BufferRule | null {
  const scoped = scopedFrom(row);
  switch (row.kind) {
    case "FIXED":
      return row.units === null ? null : { ...scoped, kind: "fixed", units: row.units };
    case "PERCENT":
      return row.percentBps === null ? null : { ...scoped, kind: "percent", percentBps: row.percentBps };
    case "VELOCITY": {
      const leadTimeDays = decimal(row.leadTimeDays);
      if (leadTimeDays === null) return null;
      return { ...scoped, kind: "velocity", leadTimeDays, safetyStock: row.safetyStock ?? 0, riskMultiplier: decimal(row.riskMultiplier) };
    }
    default:
      return null;
  }
}

export function allocationRuleFromRow(row: AllocationRuleRow): AllocationRule | null {
  const scoped = scopedFrom(row);
  switch (row.kind) {
    case "CAP":
      return row.units === null ? null : { ...scoped, kind: "cap", units: row.units };
    case "FIXED":
      return row.units === null ? null : { ...scoped, kind: "fixed", units: row.units };
    case "POOL_SHARE":
      return row.percentBps === null ? null : { ...scoped, kind: "poolShare", percentBps: row.percentBps };
    case "VENDOR_SHARE":
      return row.percentBps === null || row.locationId === null
        ? null
        : { ...scoped, kind: "vendorShare", percentBps: row.percentBps, locationId: row.locationId };
    default:
      return null;
  }
}

const ROUNDINGS: Readonly<Record<string, PriceRounding>> = { NONE: "none", CENTS_99: "cents99", CENTS_95: "cents95", WHOLE: "whole" };

export function priceRuleFromRow(row: PriceRuleRow): PriceRule {
  return {
    ...scopedFrom(row),
    differentialBps: row.differentialBps,
    differentialCents: row.differentialCents,
    rounding: ROUNDINGS[row.rounding] ?? "none",
    mapIsAnchor: row.mapIsAnchor,
    feeBps: row.feeBps,
    fixedFeeCents: row.fixedFeeCents,
    shippingCents: row.shippingCents,
    minMarginBps: row.minMarginBps,
    // The schema has no price cap column yet.
    maxPriceCents: null,
  };
}

export function parityEdgeFromRow(row: ParityEdgeRow): ParityEdge {
  return { ...row };
}

/** The channels that show a customer shipping or a coupon besides the price, as parity counts them. */
export function visibleExtrasFromRows(rows: readonly ChannelRow[]): Map<string, VisibleExtras> {
  const extras = new Map<string, VisibleExtras>();
  for (const row of rows) {
    const shippingCents = row.visibleShippingCents ?? 0;
    const couponCents = row.visibleCouponCents ?? 0;
    if (shippingCents !== 0 || couponCents !== 0) extras.set(row.id, { shippingCents, couponCents });
  }
  return extras;
}

const STATUSES: Readonly<Record<string, PromotionStatus>> = {
  DRAFT: "draft",
  READY: "ready",
  RUNNING: "running",
  PAUSED: "paused",
  ENDED: "ended",
  CANCELLED: "cancelled",
};

/** Prisma's DiscountKind to the engine's: the one mapping, for the recompute and the Promotions screen. */
export const DISCOUNT_KINDS_FROM_DB: Readonly<Record<string, DiscountKind>> = {
  PERCENT: "percent",
  AMOUNT: "amount",
  FIXED_PRICE: "fixedPrice",
  COUPON_PERCENT: "couponPercent",
  COUPON_AMOUNT: "couponAmount",
};

/**
 * One promotion as it touches one variant: the units it still holds (its reserve less what it
 * already sold), its discount (a kind this version does not know prices nothing) and its
 * auto-pause rule.
 */
export function promotionReserveFromRow(row: PromotionRow): PromotionReserve {
  const kind = DISCOUNT_KINDS_FROM_DB[row.discountKind];
  return {
    promotionId: row.promotionId,
    name: row.name,
    status: STATUSES[row.status] ?? "draft",
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    channelIds: row.channelIds,
    reserveUnits: Math.max(0, row.reserveUnits - Math.max(0, row.soldUnits)),
    exclusive: row.exclusive,
    ...(kind ? { discount: { kind, value: row.discountValue } } : {}),
    autoPause: readAutoPause(row.autoPause),
  };
}

const PRODUCT_STATUSES: Readonly<Record<string, ProductStatus>> = {
  ACTIVE: "active",
  UNLISTED: "unlisted",
  DRAFT: "draft",
  ARCHIVED: "archived",
};

export function variantFactsFromRow(row: VariantRow): VariantFacts {
  // The merchant's holds, set in Anchorline or as product tags in Shopify (lib/hold-tags.ts): either
  // discontinues, and the later release date holds, since listing early risks selling what may not ship.
  const tagged = holdsFromTags(row.tags);
  const releaseAt = tagged.releaseAt && (row.releaseAt === null || tagged.releaseAt > row.releaseAt) ? tagged.releaseAt : row.releaseAt;
  return {
    id: row.id,
    productId: row.productId,
    tags: row.tags,
    collections: row.collections ?? [],
    // A variant whose inventory item is not mirrored yet counts as tracked with no stock: listing
    // it at 0 until the mirror catches up is safe, listing the untracked quantity is not.
    tracked: row.tracked ?? true,
    discontinued: row.discontinued || tagged.discontinued,
    releaseAt,
    productStatus: PRODUCT_STATUSES[row.productStatus] ?? "unknown",
  };
}

// ---------------------------------------------------------------- velocity

/** Where a sale was made as the velocity explanation names it: a null channel is the Shopify store. */
export const STORE_SALES = "the Shopify store";

/** A variant's sales in the velocity window, from every channel and the store, and where they were made. */
export interface VariantSales {
  sales: Sale[];
  /** The channels that sold it (null: the Shopify store). */
  channelIds: Set<string | null>;
}

/**
 * Sales as the engine's velocity reads them, one per variant and day bucket, whatever channel sold
 * them: a velocity buffer protects the one pool every channel and the store sell from, so its
 * demand is the variant's demand everywhere (decision 0019).
 */
export function salesByVariant(rows: readonly SalesRow[], now: Date): Map<string, VariantSales> {
  const byVariant = new Map<string, VariantSales>();
  for (const row of rows) {
    let entry = byVariant.get(row.variantId);
    if (!entry) byVariant.set(row.variantId, (entry = { sales: [], channelIds: new Set() }));
    // The bucket's age in whole days is exactly what velocity recomputes from `at`.
    entry.sales.push({ at: new Date(now.getTime() - row.ageDays * DAY_MS), quantity: row.units });
    if (row.units > 0) entry.channelIds.add(row.channelId);
  }
  return byVariant;
}

/** Where a variant sold, as words: the store first, then the channels by name, then "a removed channel" for any gone. */
export function soldOnNames(channelIds: ReadonlySet<string | null>, channels: ReadonlyMap<string, Channel>): string[] {
  const ids = [...channelIds].filter((id): id is string => id !== null);
  const names = ids.flatMap((id) => channels.get(id)?.name ?? []).sort((a, b) => a.localeCompare(b));
  const removed = ids.some((id) => !channels.has(id)) ? ["a removed channel"] : [];
  return [...(channelIds.has(null) ? [STORE_SALES] : []), ...names, ...removed];
}

/** The variant's velocity over the shop's window, counting every channel's sales and the store's. */
export function variantVelocity(sales: VariantSales | undefined, shop: ShopInputs, now: Date): SalesVelocity {
  return salesVelocity(sales?.sales ?? [], { now, windowDays: shop.velocityWindowDays, soldOn: soldOnNames(sales?.channelIds ?? new Set(), shop.channels) });
}

// ---------------------------------------------------------------- everything for one listing

/** What the service loads once per shop. */
export interface ShopInputs {
  channels: Map<string, Channel>;
  locations: Map<string, Location>;
  parityEdges: ParityEdge[];
  velocityWindowDays: number;
  /** How far a channel price may be from the Shopify price before its push is held (priceGuardrailBps). */
  priceGuardrailBps: number;
  /** Per channel, the shipping and visible coupon parity counts (recompute/parity.ts); absent: none. */
  visibleExtras?: ReadonlyMap<string, VisibleExtras>;
}

export type LowStockRule = ScopedRule & { threshold: number };

/** What the service loads per batch, for the batch's variants (and bundle components). */
export interface BatchInputs {
  variants: Map<string, VariantRow>;
  levels: Map<string, LevelRow[]>;
  components: Map<string, BundleComponentRow[]>;
  bufferRules: BufferRule[];
  /** Buffer rules' low-stock thresholds (BufferRule.lowStockThreshold), scoped like the rules. */
  lowStockRules: LowStockRule[];
  allocationRules: AllocationRule[];
  priceRules: PriceRule[];
  promotions: Map<string, PromotionReserve[]>;
  /** By variant: every channel's sales and the store's in the velocity window. */
  sales: Map<string, VariantSales>;
  /** By variant: its listings suspended where the merchant offers their units to the other channels. */
  suspensions: Map<string, SuspensionRow[]>;
}

export function batchInputsFromRows(rows: {
  variants: readonly VariantRow[];
  levels: readonly LevelRow[];
  components: readonly BundleComponentRow[];
  bufferRules: readonly BufferRuleRow[];
  allocationRules: readonly AllocationRuleRow[];
  priceRules: readonly PriceRuleRow[];
  promotions: readonly PromotionRow[];
  sales: readonly SalesRow[];
  /** Absent where nothing is suspended (a rule preview). */
  suspensions?: readonly SuspensionRow[];
  now: Date;
}): BatchInputs {
  const group = <T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> => {
    const map = new Map<K, T[]>();
    for (const item of items) {
      const k = key(item);
      const list = map.get(k);
      if (list) list.push(item);
      else map.set(k, [item]);
    }
    return map;
  };
  const bufferRules: BufferRule[] = [];
  const lowStockRules: LowStockRule[] = [];
  for (const row of rows.bufferRules) {
    const rule = bufferRuleFromRow(row);
    if (rule) bufferRules.push(rule);
    // The threshold is a setting of its own: it applies even where the buffer number is missing.
    if (row.lowStockThreshold !== null) lowStockRules.push({ ...scopedFrom(row), threshold: Math.max(0, row.lowStockThreshold) });
  }
  return {
    variants: new Map(rows.variants.map((v) => [v.id, v])),
    levels: group(rows.levels, (l) => l.variantId),
    components: group(rows.components, (c) => c.bundleId),
    bufferRules,
    lowStockRules,
    allocationRules: rows.allocationRules.flatMap((r) => allocationRuleFromRow(r) ?? []),
    priceRules: rows.priceRules.map(priceRuleFromRow),
    promotions: new Map([...group(rows.promotions, (p) => p.variantId)].map(([k, list]) => [k, list.map(promotionReserveFromRow)])),
    sales: salesByVariant(rows.sales, rows.now),
    suspensions: group(rows.suspensions ?? [], (r) => r.variantId),
  };
}

/**
 * The low-stock threshold of `channel` for this listing: the most specific buffer rule that sets
 * one (the highest of ties, as the safer), else the channel's own setting.
 */
export function lowStockThresholdFor(channel: Channel, listingId: string, variant: VariantFacts, batch: BatchInputs): number {
  const winners = mostSpecificRules(batch.lowStockRules, { listingId, channelId: channel.id, variant });
  if (winners.length === 0) return channel.lowStockThreshold;
  return Math.max(...winners.map((rule) => rule.threshold));
}

export interface ListingRef {
  id: string;
  channelId: string;
  variantId: string;
  /** The marketplace ships it from its own warehouse (Listing.fulfilledByMarketplace, FBA). */
  fulfilledByMarketplace?: boolean;
}

/**
 * The engine's input for `listing` as if it sold `variantId` (its own variant, or one component
 * of its bundle). Null when the rows it needs are missing (a variant or channel deleted meanwhile).
 */
export function listingInput(listing: ListingRef, variantId: string, shop: ShopInputs, batch: BatchInputs, now: Date): DesiredListingInput | null {
  const ownChannel = shop.channels.get(listing.channelId);
  const row = batch.variants.get(variantId);
  if (!ownChannel || !row) return null;
  const variant = variantFactsFromRow(row);
  const withThreshold = (c: Channel): Channel => ({ ...c, lowStockThreshold: lowStockThresholdFor(c, listing.id, variant, batch) });
  const channels = [...shop.channels.values()].map(withThreshold);
  const channel = channels.find((c) => c.id === ownChannel.id) ?? withThreshold(ownChannel);
  const levels: StockLevel[] = [];
  for (const level of batch.levels.get(variantId) ?? []) {
    const location = shop.locations.get(level.locationId);
    if (location) levels.push({ location, available: level.available });
  }
  const velocity = variantVelocity(batch.sales.get(variantId), shop, now);
  return {
    listingId: listing.id,
    channel,
    channels,
    variant,
    levels,
    bufferRules: batch.bufferRules,
    allocationRules: batch.allocationRules,
    promotions: batch.promotions.get(variantId) ?? [],
    velocityPerDay: velocity.perDay,
    velocity,
    now,
    shopifyPriceCents: row.priceCents,
    mapCents: row.mapCents,
    costCents: row.costCents,
    priceRules: batch.priceRules,
    // A component's input (variantId not the listing's own) is not the component's listings' business.
    ...(variantId === listing.variantId ? suspendedChannelsOf(batch.suspensions.get(variantId), shop) : {}),
    // Hybrid pool: a listing the marketplace fulfils carries the marketplace's stock, not the pool.
    ...(listing.fulfilledByMarketplace ? { fulfilledByMarketplace: { by: channel.kind === "shopify" ? channel.name : moduleOf(channel.kind).label } } : {}),
  };
}

/** The engine's suspendedChannels for a variant: each suspended listing's channel, by name, with the marketplace's reason. */
function suspendedChannelsOf(rows: readonly SuspensionRow[] | undefined, shop: ShopInputs): Pick<DesiredListingInput, "suspendedChannels"> {
  const suspended = (rows ?? []).flatMap((r) => {
    const channel = shop.channels.get(r.channelId);
    return channel ? [{ channelId: r.channelId, channelName: channel.name, reason: r.reason }] : [];
  });
  return suspended.length > 0 ? { suspendedChannels: suspended } : {};
}
