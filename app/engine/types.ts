// The engine's inputs and outputs. Shapes follow the database rows (prisma/schema.prisma) closely
// so a service can build them with a plain mapping: percentages are basis points (1% = 100 bps),
// money is integer minor units (cents), dates are Date objects.

import type { Explanation } from "./explain";
import type { SalesVelocity } from "./velocity";

export const CHANNEL_KINDS = ["amazon", "ebay", "walmart", "tiktok", "shopify"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type Bps = number;
export type Cents = number;

export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  /** Lower number = higher priority: keeps its listings longest when stock runs low. */
  priority: number;
  /** Multiplies computed (velocity) buffers; null means the kind's default. */
  riskMultiplier: number | null;
  /**
   * The kind's default multiplier, used when riskMultiplier is null: the marketplace's own (its
   * channel module's, app/channels), handed in by whoever builds the channel.
   */
  defaultRiskMultiplier: number;
  /** Below this pool the channel lists 0 (low-stock throttling). 0 disables throttling. */
  lowStockThreshold: number;
  /** What untracked (non-inventory) items are listed at on this channel. */
  untrackedQuantity: number;
  /** Hours of advance notice the channel needs before a promotion starts; 0 or absent: none. */
  promotionNoticeHours?: number;
}

export interface Location {
  id: string;
  name: string;
  /** Counted in the pool at all? (A returns shelf or a showroom is not.) */
  saleable: boolean;
  /** A drop shipper or vendor: its reported quantity counts at `vendorShareBps`. */
  isDropShip: boolean;
  vendorShareBps: Bps;
  /** Why a vendor's quantity counts for nothing now (paused, its feed stale), for the explanation; absent: it counts. */
  notCountedBecause?: string | null;
  /** Channels this location may feed; null means every channel. */
  eligibleChannelIds: readonly string[] | null;
}

export interface StockLevel {
  location: Location;
  /** Shopify's "available" (already excludes committed units); may be negative. */
  available: number;
}

/** What a rule applies to, least to most specific after CHANNEL. */
export type RuleScope = "channel" | "collection" | "tag" | "product" | "variant" | "listing";

export interface ScopedRule {
  id: string;
  /** Null: applies on every channel. */
  channelId: string | null;
  scope: RuleScope;
  /** The listing/variant/product id, the tag or the collection handle; null for CHANNEL scope. */
  scopeValue: string | null;
}

export type BufferRule = ScopedRule &
  (
    | { kind: "fixed"; units: number }
    | { kind: "percent"; percentBps: Bps }
    | {
        kind: "velocity";
        leadTimeDays: number;
        safetyStock: number;
        /** Overrides the channel's risk multiplier for this rule. */
        riskMultiplier: number | null;
      }
  );

export type AllocationRule = ScopedRule &
  (
    | { kind: "cap"; units: number }
    | { kind: "poolShare"; percentBps: Bps }
    | { kind: "fixed"; units: number }
    | { kind: "vendorShare"; percentBps: Bps; locationId: string }
  );

export type PromotionStatus = "draft" | "ready" | "running" | "paused" | "ended" | "cancelled";

/** A promotion as it touches one variant: the units it holds back for its own channels. */
export interface PromotionReserve {
  promotionId: string;
  name: string;
  status: PromotionStatus;
  startsAt: Date;
  endsAt: Date;
  channelIds: readonly string[];
  /** Units still held for this variant (the service subtracts what the promotion already sold). */
  reserveUnits: number;
  /** Exclusive reserves are withheld from every other channel; others are only planned. */
  exclusive: boolean;
  /** Its discount on its own channels while it runs (promotion.ts); absent: no price effect. */
  discount?: PromotionDiscount;
  /** What it does to the other channels while it runs; absent: nothing. */
  autoPause?: AutoPause;
}

export type DiscountKind = "percent" | "amount" | "fixedPrice" | "couponPercent" | "couponAmount";

export interface PromotionDiscount {
  kind: DiscountKind;
  /** Basis points for the percent kinds, cents otherwise. */
  value: number;
}

/**
 * A promotion's auto-pause rule: while it runs, the channels it does not promote list 0 ("pause")
 * or at most `throttleUnits` ("throttle"), so its stock goes where the promotion sells it.
 * `channelIds` names which of those channels; empty: every channel not in the promotion.
 */
export interface AutoPause {
  mode: "none" | "pause" | "throttle";
  throttleUnits: number | null;
  channelIds: readonly string[];
}

/**
 * The product's status in Shopify (ProductStatus of API 2026-10), and "unknown" for one a later
 * API version adds. Active and unlisted products are offered; the others list 0 (README).
 */
export type ProductStatus = "active" | "unlisted" | "draft" | "archived" | "unknown";

export interface VariantFacts {
  id: string;
  productId: string;
  tags: readonly string[];
  collections: readonly string[];
  tracked: boolean;
  discontinued: boolean;
  /** Before this instant every channel lists 0 (release / preorder hold). */
  releaseAt: Date | null;
  /** Absent: "active" (callers that describe a variant without its product). */
  productStatus?: ProductStatus;
}

export interface ListingContext {
  listingId: string;
  channel: Channel;
  variant: VariantFacts;
  levels: readonly StockLevel[];
  bufferRules: readonly BufferRule[];
  allocationRules: readonly AllocationRule[];
  promotions: readonly PromotionReserve[];
  /**
   * The variant's sales per day that a velocity buffer protects against (velocity.ts): the
   * recompute counts every channel's sales and the store's, since they all draw on one pool.
   */
  velocityPerDay: number;
  /** What `velocityPerDay` counted, for the explanation of a velocity buffer; absent: not said. */
  velocity?: SalesVelocity;
  /**
   * Every channel of the shop (this one included), so low-stock throttling can keep the
   * priority order. Absent: only this channel's own threshold is used.
   */
  channels?: readonly Channel[];
  now: Date;
  /**
   * Set for a bundle or kit listing: its quantity comes from its components (bundle.ts), and
   * `levels` and `velocityPerDay` of the listing itself are not used.
   */
  bundleComponents?: readonly BundleComponent[];
  /**
   * Set when the marketplace ships this listing from its own warehouse (Amazon FBA, the
   * playbook's hybrid pool): the listing carries the marketplace's stock, takes nothing from the
   * pool and is pushed no quantity. `by` names the marketplace for the explanation ("Amazon").
   */
  fulfilledByMarketplace?: { by: string };
  /**
   * Channels whose listing of this variant the marketplace suspended (suppressed, deactivated,
   * on hold), where the merchant chose to offer its units to the other channels (decision 0025):
   * that channel lists 0, and no other channel is throttled on its account. Absent: none.
   */
  suspendedChannels?: readonly SuspendedChannel[];
}

/** A channel whose listing of the variant does not sell, with the marketplace's reason. */
export interface SuspendedChannel {
  channelId: string;
  channelName: string;
  reason: string;
}

export interface AvailableToSell {
  listingId: string;
  quantity: number;
  pool: number;
  reserve: number;
  buffer: number;
  throttled: boolean;
  held: boolean;
  explanation: Explanation;
  /** For a bundle or kit: each component's own available-to-sell on this channel, for drill-down. */
  components?: readonly AvailableToSell[];
  /** The marketplace fulfils it from its own stock: `quantity` is 0 and nothing is to be pushed. */
  fulfilledByMarketplace?: boolean;
}

/** One component of a bundle or kit listing, as the service reads it from the mirror. */
export interface BundleComponent {
  variant: VariantFacts;
  /** How the merchant knows it, for the explanation; the variant id when absent. */
  name?: string;
  unitsPerBundle: number;
  levels: readonly StockLevel[];
  /** The component's own sales per day, as a listing of it would count them. */
  velocityPerDay: number;
  /** What the component's velocity counted, for its explanation. */
  velocity?: SalesVelocity;
  /** Promotions touching the component; absent: the bundle listing's. */
  promotions?: readonly PromotionReserve[];
  /**
   * The shop's channels as the component's own listing would see them (its low-stock thresholds,
   * which rules scoped to the component can set); absent: the bundle listing's.
   */
  channels?: readonly Channel[];
}
