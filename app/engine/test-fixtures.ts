// Builders for tests: a plain listing with sensible defaults, each test overriding only what its
// story is about.

import type { DesiredListingInput } from "./listing";
import type { Channel, ChannelKind, ListingContext, Location, PromotionReserve, StockLevel, VariantFacts } from "./types";

export const NOW = new Date("2025-06-01T12:00:00Z");

/**
 * The playbook's default risk multipliers (domain.md, "Buffer"), as test data: the app's come from
 * each marketplace's channel module (app/channels/registry.test.ts checks these match them).
 */
export const RISK_MULTIPLIERS: Readonly<Record<ChannelKind, number>> = {
  amazon: 1.5,
  tiktok: 1.3,
  walmart: 1.3,
  shopify: 1.0,
  ebay: 1.2,
};

export function aChannel(kind: ChannelKind = "amazon", overrides: Partial<Channel> = {}): Channel {
  const name = kind === "tiktok" ? "TikTok Shop" : kind[0].toUpperCase() + kind.slice(1);
  return {
    id: `ch-${kind}`,
    kind,
    name,
    priority: 100,
    riskMultiplier: RISK_MULTIPLIERS[kind],
    defaultRiskMultiplier: RISK_MULTIPLIERS[kind],
    lowStockThreshold: 0,
    untrackedQuantity: 0,
    ...overrides,
  };
}

export function aLocation(overrides: Partial<Location> = {}): Location {
  return {
    id: "loc-warehouse",
    name: "Warehouse",
    saleable: true,
    isDropShip: false,
    vendorShareBps: 10_000,
    eligibleChannelIds: null,
    ...overrides,
  };
}

export function stockAt(available: number, location: Partial<Location> = {}): StockLevel {
  return { location: aLocation(location), available };
}

export function aVariant(overrides: Partial<VariantFacts> = {}): VariantFacts {
  return {
    id: "var-1",
    productId: "prod-1",
    tags: [],
    collections: [],
    tracked: true,
    discontinued: false,
    releaseAt: null,
    ...overrides,
  };
}

export function aListing(overrides: Partial<ListingContext> = {}): ListingContext {
  return {
    listingId: "lst-1",
    channel: aChannel(),
    variant: aVariant(),
    levels: [stockAt(50)],
    bufferRules: [],
    allocationRules: [],
    promotions: [],
    velocityPerDay: 0,
    now: NOW,
    ...overrides,
  };
}

/** A listing with a price side: Shopify price 20.00, no MAP, no cost, no price rules. */
export function aDesiredListingInput(overrides: Partial<DesiredListingInput> = {}): DesiredListingInput {
  return { ...aListing(), shopifyPriceCents: 2_000, mapCents: null, costCents: null, priceRules: [], ...overrides };
}

/** A running exclusive promotion on TikTok Shop holding 10 units, started an hour before NOW. */
export function aPromotionReserve(overrides: Partial<PromotionReserve> = {}): PromotionReserve {
  const hour = 3_600_000;
  return {
    promotionId: "promo-1",
    name: "Summer flash sale",
    status: "running",
    startsAt: new Date(NOW.getTime() - hour),
    endsAt: new Date(NOW.getTime() + 24 * hour),
    channelIds: ["ch-tiktok"],
    reserveUnits: 10,
    exclusive: true,
    ...overrides,
  };
}
