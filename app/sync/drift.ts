// The drift decision, pure: what a marketplace shows for a listing against what Anchorline last
// had acknowledged there. The read cycle (drift-read.server.ts) loads the inputs and acts on the
// verdict; this file decides, so every rule below is tested without a database.
//
// Drift is the quantity the marketplace shows away from the last acknowledged push, less the units
// the marketplace sold since that push (it lowers its own count on a sale, before Anchorline's
// next push), by more than the merchant's threshold (Shop.settings.alerts.driftUnits, default 5:
// the playbook's "inventory drift > 5 units", shared/seeds, Step 7 alert thresholds). A listing
// whose push is on its way, or was acknowledged less than the grace ago, is not judged: the
// marketplace may not show it yet.
import type { ChannelLimits } from "~/channels/connector";

/**
 * How long after an acknowledged push the marketplace may still show the old number. Amazon
 * accepts a listings patch for asynchronous processing ("ACCEPTED" is not applied), and Walmart's
 * and TikTok's inventory updates reach their item reads within minutes; 10 minutes is our margin,
 * a third of the playbook's 30-minute latency threshold, so a real drift is still caught well
 * within the latency alert's window.
 */
export const DRIFT_GRACE_MS = 10 * 60_000;

/** The shortest pause between two read cycles of an account. */
export const DRIFT_READ_EVERY_MS = 5 * 60_000;
/**
 * The share of an account's request rate a read cycle may use on average: the pause between cycles
 * is at least three times a cycle's length at the full rate, so pushes keep three quarters of it
 * even while a large catalog is read (an account with tight limits is read less often).
 */
export const DRIFT_READ_RATE_SHARE = 0.25;
/** How often an account of `listings` listings is read: every 5 minutes, or slower so reads use at most a quarter of its rate. */
export function driftReadEveryMs(limits: Pick<ChannelLimits, "requestsPerSecond" | "readCallsPerListing">, listings: number): number {
  const calls = listings * (limits.readCallsPerListing ?? 1);
  const cycleMs = (calls / limits.requestsPerSecond) * 1000;
  return Math.max(DRIFT_READ_EVERY_MS, Math.ceil(cycleMs / DRIFT_READ_RATE_SHARE));
}

/** A listing that drifts this many times within REPEAT_WINDOW_MS is probably written by another tool. */
export const REPEATED_DRIFTS = 3;
export const REPEAT_WINDOW_MS = 24 * 3600_000;

export interface DriftListing {
  pushedQuantity: number | null;
  pushedAt: Date | null;
  desiredQuantity: number | null;
  syncState: "IN_SYNC" | "PENDING" | "HELD" | "FAILED";
  fulfilledByMarketplace: boolean;
}

export interface DriftInput {
  listing: DriftListing;
  /** What the marketplace showed at this read; null when it shows none. */
  observedQuantity: number | null;
  /** Units of this listing's marketplace orders placed since the push (cancelled ones left out). */
  soldSincePush: number;
  thresholdUnits: number;
  /** When this listing drifted before, within the last REPEAT_WINDOW_MS (this one not included). */
  earlierDrifts: readonly Date[];
  /** The channel's setting: push the right quantity again on drift. */
  repairAllowed: boolean;
  now: Date;
  graceMs?: number;
}

export type NoDriftReason =
  "nothing shown" | "fulfilled by the marketplace" | "never pushed" | "push in flight" | "push just acknowledged" | "within the threshold";

export type DriftVerdict =
  | { drifting: false; reason: NoDriftReason }
  | {
      drifting: true;
      /** What the marketplace should show: the push, less what it sold since. */
      expected: number;
      observed: number;
      /** observed − expected. */
      units: number;
      /** Drifts within the window, this one included. */
      drifts: number;
      /** Drifted REPEATED_DRIFTS times or more within the window: probably another tool writes it. */
      anotherTool: boolean;
      repair: boolean;
    };

/** A push is waiting or on its way: the outbox holds a quantity the marketplace has not acknowledged. */
export function pushInFlight(listing: DriftListing): boolean {
  if (listing.syncState === "PENDING") return true;
  return listing.syncState === "HELD" && listing.desiredQuantity !== null && listing.desiredQuantity !== listing.pushedQuantity;
}

export function decideDrift(input: DriftInput): DriftVerdict {
  const { listing, observedQuantity, now } = input;
  if (observedQuantity === null) return { drifting: false, reason: "nothing shown" };
  // Its units are the marketplace's own (FBA, WFS, FBT): Anchorline pushes it no quantity.
  if (listing.fulfilledByMarketplace) return { drifting: false, reason: "fulfilled by the marketplace" };
  if (listing.pushedQuantity === null || listing.pushedAt === null) return { drifting: false, reason: "never pushed" };
  if (pushInFlight(listing)) return { drifting: false, reason: "push in flight" };
  if (now.getTime() - listing.pushedAt.getTime() < (input.graceMs ?? DRIFT_GRACE_MS)) return { drifting: false, reason: "push just acknowledged" };
  const expected = Math.max(0, listing.pushedQuantity - Math.max(0, input.soldSincePush));
  const units = observedQuantity - expected;
  if (Math.abs(units) <= input.thresholdUnits) return { drifting: false, reason: "within the threshold" };
  const since = now.getTime() - REPEAT_WINDOW_MS;
  const drifts = input.earlierDrifts.filter((at) => at.getTime() > since).length + 1;
  return { drifting: true, expected, observed: observedQuantity, units, drifts, anotherTool: drifts >= REPEATED_DRIFTS, repair: input.repairAllowed };
}

export interface PriceDriftInput {
  listing: Pick<DriftListing, "pushedAt" | "syncState"> & { pushedPriceCents: number | null; desiredPriceCents: number | null };
  /** The price the marketplace showed at this read, in cents; null when it shows none. */
  observedPriceCents: number | null;
  /** The channel's setting: push the right price again on drift (off by default). */
  repairAllowed: boolean;
  now: Date;
  graceMs?: number;
}

export type PriceDriftVerdict =
  | { drifting: false; reason: "nothing shown" | "never pushed" | "push in flight" | "push just acknowledged" | "the price pushed" }
  | { drifting: true; expected: number; observed: number; repair: boolean };

/**
 * A price is drift when the marketplace shows another one than the last acknowledged push, to the
 * cent (no threshold: a price is set, not counted down by sales), past the same grace as a
 * quantity. A price push waiting or held is in flight.
 */
export function decidePriceDrift(input: PriceDriftInput): PriceDriftVerdict {
  const { listing, observedPriceCents: observed, now } = input;
  if (observed === null) return { drifting: false, reason: "nothing shown" };
  if (listing.pushedPriceCents === null || listing.pushedAt === null) return { drifting: false, reason: "never pushed" };
  const priceOwed = listing.desiredPriceCents !== null && listing.desiredPriceCents !== listing.pushedPriceCents;
  if (listing.syncState === "PENDING" || (listing.syncState === "HELD" && priceOwed)) return { drifting: false, reason: "push in flight" };
  if (now.getTime() - listing.pushedAt.getTime() < (input.graceMs ?? DRIFT_GRACE_MS)) return { drifting: false, reason: "push just acknowledged" };
  if (observed === listing.pushedPriceCents) return { drifting: false, reason: "the price pushed" };
  return { drifting: true, expected: listing.pushedPriceCents, observed, repair: input.repairAllowed };
}
