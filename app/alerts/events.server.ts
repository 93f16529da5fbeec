import type { PrismaClient } from "@prisma/client";
import { recordAudit } from "~/lib/audit.server";
import { raiseAlert, type RaiseOptions, type RaiseResult } from "./raise.server";

// The issue's events, each raised with a dedupe key naming the problem (so it pages once while it
// lasts) and the facts a merchant needs to act without opening five screens. Thresholds follow
// shared/design/domain.md: drift over 5 units, latency over 30 minutes, any parity violation,
// promotion reserve at 25%, 10% and 5% left.

export const DRIFT_THRESHOLD_UNITS = 5;
export const LATENCY_THRESHOLD_MINUTES = 30;
export const PROMOTION_RESERVE_LEVELS_PERCENT = [25, 10, 5] as const;

interface ChannelRef {
  id: string;
  name: string;
}

function formatCents(cents: number, currencyCode = "USD"): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currencyCode }).format(cents / 100);
}

export interface ParityViolationInput {
  shopId: string;
  variantId: string;
  sku: string;
  /** The channel that punishes a lower price elsewhere (Amazon, Walmart). */
  watcher: ChannelRef;
  watcherPriceCents: number;
  /** Where the lower customer-visible price is. */
  watched: ChannelRef;
  watchedPriceCents: number;
  toleranceCents?: number;
  currencyCode?: string;
  /** The watcher's listing, when the push that would create the violation is held. */
  listingId?: string | null;
  held: boolean;
}

/** How every standing violation's key begins (parityViolationKey). */
export const PARITY_VIOLATION_KEY_PREFIX = "parity:";

/** One open alert per variant and edge (a watcher and the channel it watches) while the violation stands. */
export function parityViolationKey(variantId: string, watcherId: string, watchedId: string): string {
  return `${PARITY_VIOLATION_KEY_PREFIX}${variantId}:${watcherId}:${watchedId}`;
}

export function raiseParityViolation(prisma: PrismaClient, input: ParityViolationInput, options?: RaiseOptions): Promise<RaiseResult> {
  const currency = input.currencyCode ?? "USD";
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "PARITY_VIOLATION",
      dedupeKey: parityViolationKey(input.variantId, input.watcher.id, input.watched.id),
      title: `${input.sku} is cheaper on ${input.watched.name} (${formatCents(input.watchedPriceCents, currency)}) than on ${input.watcher.name} (${formatCents(input.watcherPriceCents, currency)})`,
      channelId: input.watcher.id,
      listingId: input.listingId ?? null,
      facts: {
        sku: input.sku,
        watchingChannel: input.watcher.name,
        priceThere: formatCents(input.watcherPriceCents, currency),
        cheaperOn: input.watched.name,
        priceOnCheaperChannel: formatCents(input.watchedPriceCents, currency),
        tolerance: formatCents(input.toleranceCents ?? 0, currency),
        pushHeld: input.held,
      },
    },
    options,
  );
}

export interface DriftInput {
  shopId: string;
  channel: ChannelRef;
  listing: { id: string; channelSku: string; pushedQuantity: number; observedQuantity: number };
  thresholdUnits?: number;
}

/** Raises when the channel shows more than `thresholdUnits` away from what was pushed; null otherwise. */
export async function raiseDrift(prisma: PrismaClient, input: DriftInput, options?: RaiseOptions): Promise<RaiseResult | null> {
  const threshold = input.thresholdUnits ?? DRIFT_THRESHOLD_UNITS;
  const { listing } = input;
  const drift = listing.observedQuantity - listing.pushedQuantity;
  if (Math.abs(drift) <= threshold) return null;
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "DRIFT",
      dedupeKey: `drift:${listing.id}`,
      title: `${listing.channelSku} on ${input.channel.name} shows ${listing.observedQuantity}, Anchorline pushed ${listing.pushedQuantity}`,
      channelId: input.channel.id,
      listingId: listing.id,
      facts: {
        channel: input.channel.name,
        sku: listing.channelSku,
        pushed: listing.pushedQuantity,
        channelShows: listing.observedQuantity,
        drift,
        thresholdUnits: threshold,
      },
    },
    options,
  );
}

export interface SyncLatencyInput {
  shopId: string;
  channel: ChannelRef;
  /** The oldest change not yet acknowledged by the channel (its listing's desiredAt). */
  oldestPendingSince: Date;
  pendingListings: number;
  thresholdMinutes?: number;
  now?: Date;
}

/** Raises when the channel's oldest unacknowledged change is older than the threshold; null otherwise. */
export async function raiseSyncLatency(prisma: PrismaClient, input: SyncLatencyInput, options?: RaiseOptions): Promise<RaiseResult | null> {
  const threshold = input.thresholdMinutes ?? LATENCY_THRESHOLD_MINUTES;
  const now = input.now ?? options?.now ?? new Date();
  const lagMinutes = Math.floor((now.getTime() - input.oldestPendingSince.getTime()) / 60_000);
  if (lagMinutes <= threshold) return null;
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "SYNC_LATENCY",
      dedupeKey: `sync-latency:${input.channel.id}`,
      title: `Changes reach ${input.channel.name} ${lagMinutes} minutes late`,
      channelId: input.channel.id,
      facts: { channel: input.channel.name, oldestChangeWaitingMinutes: lagMinutes, listingsWaiting: input.pendingListings, thresholdMinutes: threshold },
    },
    { ...options, now },
  );
}

export interface CredentialsFailedInput {
  shopId: string;
  channel: ChannelRef & { kind: string };
  reason: string;
}

export function raiseCredentialsFailed(prisma: PrismaClient, input: CredentialsFailedInput, options?: RaiseOptions): Promise<RaiseResult> {
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "CREDENTIALS_FAILED",
      dedupeKey: `credentials:${input.channel.id}`,
      title: `${input.channel.name} refused Anchorline's credentials: nothing is being pushed to it`,
      channelId: input.channel.id,
      facts: { channel: input.channel.name, marketplace: input.channel.kind, reason: input.reason.slice(0, 500) },
    },
    options,
  );
}

export interface ListingSuspendedInput {
  shopId: string;
  channel: ChannelRef;
  listing: { id: string; channelSku: string; externalId?: string | null };
  reason: string;
}

export function raiseListingSuspended(prisma: PrismaClient, input: ListingSuspendedInput, options?: RaiseOptions): Promise<RaiseResult> {
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "LISTING_SUSPENDED",
      dedupeKey: `suspended:${input.listing.id}`,
      title: `${input.listing.channelSku} is suspended on ${input.channel.name}`,
      channelId: input.channel.id,
      listingId: input.listing.id,
      facts: {
        channel: input.channel.name,
        sku: input.listing.channelSku,
        marketplaceId: input.listing.externalId ?? null,
        reason: input.reason.slice(0, 1000),
      },
    },
    options,
  );
}

export interface PromotionReserveInput {
  shopId: string;
  promotion: { id: string; name: string; endsAt: Date };
  /** The variant whose reserve it is; each variant of a promotion is watched on its own. */
  variant?: { id: string; name: string };
  reserveUnits: number;
  remainingUnits: number;
}

/** The lowest of 25/10/5 % the remaining reserve is at or under, or null above 25 %. */
export function promotionReserveLevel(reserveUnits: number, remainingUnits: number): number | null {
  if (reserveUnits <= 0) return null;
  const percentLeft = (Math.max(0, remainingUnits) / reserveUnits) * 100;
  const crossed = PROMOTION_RESERVE_LEVELS_PERCENT.filter((level) => percentLeft <= level);
  return crossed.length ? crossed[crossed.length - 1]! : null;
}

/** Each level pages once per promotion (and variant, when given): 25 %, then 10 %, then 5 %. */
export async function raisePromotionReserve(prisma: PrismaClient, input: PromotionReserveInput, options?: RaiseOptions): Promise<RaiseResult | null> {
  const level = promotionReserveLevel(input.reserveUnits, input.remainingUnits);
  if (level === null) return null;
  return raiseAlert(
    prisma,
    {
      shopId: input.shopId,
      kind: "PROMOTION_RESERVE",
      dedupeKey: `promotion-reserve:${input.promotion.id}:${input.variant ? `${input.variant.id}:` : ""}${level}`,
      title: `${input.promotion.name}${input.variant ? ` (${input.variant.name})` : ""}: ${input.remainingUnits} of ${input.reserveUnits} reserved units left (${level}% mark)`,
      facts: {
        promotion: input.promotion.name,
        ...(input.variant ? { variant: input.variant.name } : {}),
        reserved: input.reserveUnits,
        left: input.remainingUnits,
        level: `${level}%`,
        endsAt: input.promotion.endsAt.toISOString(),
      },
    },
    options,
  );
}

// ---------------------------------------------------------------- acknowledging and resolving

/** Someone is on it: the alert stops being "open" but still blocks a second page for the same problem. */
export async function acknowledgeAlert(prisma: PrismaClient, shopId: string, alertId: string, actor: string, now = new Date()): Promise<boolean> {
  const { count } = await prisma.alert.updateMany({ where: { id: alertId, shopId, state: "OPEN" }, data: { state: "ACKNOWLEDGED", acknowledgedAt: now } });
  if (count > 0) await recordAudit(prisma, { shopId, actor, action: "alert.acknowledged", subjectType: "alert", subjectId: alertId });
  return count > 0;
}

/**
 * The problem is over. Its dedupe key is retired (suffixed with the alert's id) so the same
 * problem coming back later is a new alert that pages again, while this one stays in the history.
 */
export async function resolveAlert(prisma: PrismaClient, shopId: string, alertId: string, actor: string, now = new Date()): Promise<boolean> {
  const alert = await prisma.alert.findFirst({ where: { id: alertId, shopId, state: { not: "RESOLVED" } }, select: { dedupeKey: true } });
  if (!alert) return false;
  const { count } = await prisma.alert.updateMany({
    where: { id: alertId, shopId, state: { not: "RESOLVED" } },
    data: { state: "RESOLVED", resolvedAt: now, dedupeKey: `${alert.dedupeKey}|resolved:${alertId}` },
  });
  if (count > 0) await recordAudit(prisma, { shopId, actor, action: "alert.resolved", subjectType: "alert", subjectId: alertId });
  return count > 0;
}

/** Resolves the open alert of a problem by its dedupe key (the watchers do this when it clears). */
export async function resolveAlertByKey(prisma: PrismaClient, shopId: string, dedupeKey: string, actor: string, now = new Date()): Promise<boolean> {
  const alert = await prisma.alert.findUnique({ where: { shopId_dedupeKey: { shopId, dedupeKey } }, select: { id: true } });
  return alert ? resolveAlert(prisma, shopId, alert.id, actor, now) : false;
}
