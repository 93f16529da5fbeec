// The one list of marketplaces. Everything that differs by marketplace (label, credentials, limits,
// content rules, notifications, default risk multiplier, price watching, connector) is read
// through here from the marketplace's own folder; adding a marketplace is a new folder with its
// module.ts and one line below. The engine imports none of it: the rooms above hand it what it
// needs on its inputs (Channel.defaultRiskMultiplier, defaultParityMatrix's watchesOtherPrices).
//
// One name per marketplace: the engine's channel kind ("amazon", MarketplaceKind). Prisma's
// ChannelKind enum stores the same name in capitals ("AMAZON"); the mapping between the two is
// this file's and no one else's.
import type { Channel, ChannelKind as StoredChannelKind } from "@prisma/client";
import type { ChannelKind } from "~/engine/types";
import { carriesNothing, type ChannelContentRules } from "~/lib/content-rules";
import type { MarketplaceKind } from "./connector";
import type { ChannelModule } from "./module";
import { amazonModule } from "./amazon/module";
import { ebayModule } from "./ebay/module";
import { tiktokModule } from "./tiktok/module";
import { walmartModule } from "./walmart/module";

export const CHANNEL_MODULES: readonly ChannelModule[] = [amazonModule, ebayModule, walmartModule, tiktokModule];

/** How Prisma stores a marketplace kind. */
export type StoredMarketplaceKind = Exclude<StoredChannelKind, "SHOPIFY">;

export function storedKindOf(kind: MarketplaceKind): StoredMarketplaceKind {
  return kind.toUpperCase() as Uppercase<MarketplaceKind>;
}

const BY_STORED_KIND = new Map<string, ChannelModule>(CHANNEL_MODULES.map((m) => [storedKindOf(m.kind), m]));

/** The stored kinds of every marketplace, in the registry's order (for a form's z.enum). */
export const STORED_MARKETPLACE_KINDS = CHANNEL_MODULES.map((m) => storedKindOf(m.kind)) as [StoredMarketplaceKind, ...StoredMarketplaceKind[]];

/** The module of a stored kind ("AMAZON"); null for the Shopify anchor or a kind no module serves. */
export function moduleOfKind(stored: string): ChannelModule | null {
  return BY_STORED_KIND.get(stored) ?? null;
}

export function moduleOf(kind: MarketplaceKind): ChannelModule {
  const found = CHANNEL_MODULES.find((m) => m.kind === kind);
  if (!found) throw new Error(`No channel module for ${kind}`);
  return found;
}

/** The marketplace a stored channel is on; null for the Shopify anchor. */
export function marketplaceKindOf(channel: Pick<Channel, "kind">): MarketplaceKind | null {
  return moduleOfKind(channel.kind)?.kind ?? null;
}

/**
 * The engine's name for a stored kind (the Shopify anchor included). Every value of Prisma's enum
 * has one (registry.test.ts); a string read by raw SQL may be one nobody knows: null.
 */
export function engineKindOf(stored: StoredChannelKind): ChannelKind;
export function engineKindOf(stored: string): ChannelKind | null;
export function engineKindOf(stored: string): ChannelKind | null {
  if (stored === "SHOPIFY") return "shopify";
  return moduleOfKind(stored)?.kind ?? null;
}

/**
 * Marketplaces whose connector reads order notifications (Connector.ordersInNotification), so the
 * Channels screen can show where to send them before any connector is built.
 */
export function readsOrderNotifications(channel: Pick<Channel, "kind">): boolean {
  return moduleOfKind(channel.kind)?.readsOrderNotifications ?? false;
}

/** What a stored channel's marketplace reports of returns (nothing for the Shopify anchor). */
export function reportsReturns(channel: Pick<Channel, "kind">): { received: boolean; refunded: boolean } {
  return moduleOfKind(channel.kind)?.reportsReturns ?? { received: false, refunded: false };
}

const ANCHOR_CONTENT_RULES = carriesNothing("Shopify is the anchor: content comes from it, nothing is sent to it.");
// The playbook's (shared/seeds/001): "DTC (1.0x — you control the experience)".
const ANCHOR_DEFAULT_RISK_MULTIPLIER = 1.0;
// The merchant's own store is watched, it watches no one (domain.md "Parity").
const ANCHOR_WATCHES_OTHER_PRICES = false;

/** The content rules of a stored kind: its module's, or none for the Shopify anchor. */
export function contentRulesOf(stored: StoredChannelKind): ChannelContentRules {
  const found = moduleOfKind(stored);
  if (found) return found.contentRules;
  if (stored === "SHOPIFY") return ANCHOR_CONTENT_RULES;
  throw new Error(`No channel module for ${stored}`);
}

/**
 * The risk multiplier of a channel kind's computed buffers when the merchant set none: its
 * module's, or the Shopify anchor's. The engine receives it on each Channel (defaultRiskMultiplier).
 */
export function defaultRiskMultiplierOf(kind: ChannelKind): number {
  return kind === "shopify" ? ANCHOR_DEFAULT_RISK_MULTIPLIER : moduleOf(kind).defaultRiskMultiplier;
}

/**
 * Whether a channel kind crawls other channels' prices: its module's, or the Shopify anchor's.
 * The engine's defaultParityMatrix receives it on each channel (watchesOtherPrices).
 */
export function watchesOtherPricesOf(kind: ChannelKind): boolean {
  return kind === "shopify" ? ANCHOR_WATCHES_OTHER_PRICES : moduleOf(kind).watchesOtherPrices;
}

/** Closes what modules share across connectors; the worker entry calls it at shutdown. */
export async function closeChannelModules(): Promise<void> {
  await Promise.all(CHANNEL_MODULES.map((m) => m.close?.()));
}
