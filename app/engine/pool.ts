import { floorBps } from "./arithmetic";
import { type ExplanationStep, percent, stepKind, units } from "./explain";
import type { Channel, StockLevel } from "./types";

export interface Pool {
  units: number;
  steps: ExplanationStep[];
}

const notSaleableStep = stepKind("pool.skipNotSaleable", ["location", "available"], (i) => `${i.location} is not saleable: not counted`);
const notCountedStep = stepKind("pool.skipVendorNotCounted", ["location", "available", "reason"], (i) => `${i.location} (vendor) is not counted: ${i.reason}`);
const notEligibleStep = stepKind("pool.skipNotEligible", ["location", "available", "channel"], (i) => `${i.location} does not feed ${i.channel}: not counted`);
const negativeNote = (available: number) => (available < 0 ? ` (available ${available} counts as 0)` : "");
const locationStep = stepKind(
  "pool.location",
  ["location", "available"],
  (i, effect) => `${i.location}: +${units(effect)}${negativeNote(Number(i.available))}`,
);
const vendorLocationStep = stepKind(
  "pool.vendorLocation",
  ["location", "available", "vendorShareBps"],
  (i, effect) =>
    `${i.location} (vendor) reports ${units(Math.max(0, Number(i.available)))}, counted at ${percent(i.vendorShareBps)}, rounded down: +${units(effect)}${negativeNote(Number(i.available))}`,
);
const totalStep = stepKind("pool.total", ["locations", "channel"], (i, _e, result) => `Pool for ${i.channel}: ${units(result)}`);

export function locationFeedsChannel(level: StockLevel, channelId: string): boolean {
  const eligible = level.location.eligibleChannelIds;
  return level.location.saleable && (eligible === null || eligible.includes(channelId));
}

/**
 * Units a location contributes: negative availability (oversold or committed beyond stock) counts
 * as 0 so one short location cannot eat another's stock. A vendor's share is rounded down per
 * location, so a fraction of a unit is never promised.
 */
export function locationContribution(level: StockLevel): number {
  const available = Math.max(0, level.available);
  return level.location.isDropShip ? floorBps(available, level.location.vendorShareBps) : available;
}

export function poolFor(channel: Channel, levels: readonly StockLevel[]): Pool {
  const steps: ExplanationStep[] = [];
  return { units: poolInto(steps, channel, levels), steps };
}

/** `poolFor` for the hot path: appends its steps to `steps` and returns the pool. */
export function poolInto(steps: ExplanationStep[], channel: Channel, levels: readonly StockLevel[]): number {
  let total = 0;
  for (const level of levels) {
    const { location, available } = level;
    if (!location.saleable) {
      steps.push(notSaleableStep(0, total, location.name, available));
      continue;
    }
    if (location.notCountedBecause) {
      steps.push(notCountedStep(0, total, location.name, available, location.notCountedBecause));
      continue;
    }
    if (!locationFeedsChannel(level, channel.id)) {
      steps.push(notEligibleStep(0, total, location.name, available, channel.name));
      continue;
    }
    const contribution = locationContribution(level);
    total += contribution;
    steps.push(
      location.isDropShip
        ? vendorLocationStep(contribution, total, location.name, available, location.vendorShareBps)
        : locationStep(contribution, total, location.name, available),
    );
  }
  steps.push(totalStep(0, total, levels.length, channel.name));
  return total;
}
