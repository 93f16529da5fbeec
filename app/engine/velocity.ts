// Sales velocity: an exponentially weighted average of daily sales over the merchant's window.
//
// Sales are bucketed by whole days of age (day 0 = the 24 hours before `now`). Day d weighs
// 0.5^(d / halfLife), and velocity = Σ sales(d)·w(d) / Σ w(d) over the window's days, so a
// steady 3 a day reads exactly 3 whatever the half-life, and recent days count more than old ones.
//
// Half-life: a quarter of the window by default (7 days for a 28-day window), so the oldest day
// of the window still counts 1/16 of today: recent enough to catch a trend before buffers go
// stale, long enough that one spike day does not double the buffer. It scales with the window so
// a merchant who widens the window to smooth a seasonal product really does smooth it.

import { DEFAULT_VELOCITY_WINDOW_DAYS } from "./defaults";
import { type ExplanationStep, formatNumber, type StepInput, stepKind } from "./explain";

const DAY_MS = 86_400_000;

// What was counted, in the merchant's words. `soldOn` names where the units sold ("the Shopify
// store, Amazon US and eBay US"); null when the caller did not say, "" when nothing sold anywhere.
function countedText(i: Readonly<Record<string, StepInput>>, perDay: StepInput): string {
  const where = i.soldOn === null || i.soldOn === undefined ? "" : i.soldOn === "" ? " in the store or on any channel" : ` across ${String(i.soldOn)}`;
  return `${formatNumber(i.unitsInWindow)} sold in the last ${i.windowDays} days${where}, recent days weighted more (half-life ${formatNumber(i.halfLifeDays)} days): ${formatNumber(perDay)}/day`;
}

const velocityStep = stepKind("velocity.ewma", ["unitsInWindow", "windowDays", "halfLifeDays", "soldOn"], (i, _effect, result) => countedText(i, result));

/**
 * The same figure as a step of a quantity's explanation, placed before the velocity buffer it
 * feeds: it changes nothing (effect 0), so its result is the running quantity, and the velocity
 * per day is one of its inputs.
 */
export const velocityCountedStep = stepKind("velocity.counted", ["unitsInWindow", "windowDays", "halfLifeDays", "soldOn", "velocityPerDay"], (i) =>
  countedText(i, i.velocityPerDay),
);

export interface Sale {
  at: Date;
  quantity: number;
}

export interface ChannelSale extends Sale {
  variantId: string;
  channelId: string;
}

export interface VelocityOptions {
  now: Date;
  windowDays?: number;
  halfLifeDays?: number;
  /** Where the sales were made, for the explanation ("the Shopify store", "Amazon US"); absent: not said. */
  soldOn?: readonly string[];
}

export interface SalesVelocity {
  perDay: number;
  unitsInWindow: number;
  windowDays: number;
  halfLifeDays: number;
  /** Where the counted sales were made, as words ("the Shopify store, Amazon US and eBay US"); null: not said. */
  soldOn: string | null;
  explanation: ExplanationStep[];
}

/** "a", "a and b", "a, b and c". */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

export function defaultHalfLifeDays(windowDays: number): number {
  return Math.max(1, windowDays / 4);
}

export function salesVelocity(sales: readonly Sale[], options: VelocityOptions): SalesVelocity {
  const windowDays = Math.max(1, Math.floor(options.windowDays ?? DEFAULT_VELOCITY_WINDOW_DAYS));
  // A half-life of 0 or less has no meaning (every day but today would weigh 0 or infinity).
  const asked = options.halfLifeDays;
  const halfLifeDays = asked !== undefined && asked > 0 ? asked : defaultHalfLifeDays(windowDays);
  const nowMs = options.now.getTime();

  const unitsByAge = new Array<number>(windowDays).fill(0);
  let unitsInWindow = 0;
  for (const sale of sales) {
    const age = nowMs - sale.at.getTime();
    // A future-dated sale is a clock or import error, not demand; leaving it out keeps the
    // figure reproducible from the same history.
    if (age < 0) continue;
    const day = Math.floor(age / DAY_MS);
    if (day >= windowDays) continue;
    unitsByAge[day] += sale.quantity;
    unitsInWindow += sale.quantity;
  }

  let weighted = 0;
  let totalWeight = 0;
  for (let day = 0; day < windowDays; day++) {
    const weight = 0.5 ** (day / halfLifeDays);
    weighted += unitsByAge[day] * weight;
    totalWeight += weight;
  }
  const perDay = Math.max(0, weighted / totalWeight);
  const soldOn = options.soldOn === undefined ? null : listed(options.soldOn);

  return {
    perDay,
    unitsInWindow,
    windowDays,
    halfLifeDays,
    soldOn,
    explanation: [velocityStep(0, perDay, unitsInWindow, windowDays, halfLifeDays, soldOn)],
  };
}

export function velocityKey(variantId: string, channelId: string): string {
  return `${variantId}:${channelId}`;
}

/** Velocity per variant and channel, keyed by `velocityKey`. */
export function salesVelocityByVariantAndChannel(sales: readonly ChannelSale[], options: VelocityOptions): Map<string, SalesVelocity> {
  const grouped = new Map<string, ChannelSale[]>();
  for (const sale of sales) {
    const key = velocityKey(sale.variantId, sale.channelId);
    const group = grouped.get(key);
    if (group) group.push(sale);
    else grouped.set(key, [sale]);
  }
  const velocities = new Map<string, SalesVelocity>();
  for (const [key, group] of grouped) velocities.set(key, salesVelocity(group, options));
  return velocities;
}
