import { floorBps } from "./arithmetic";
import { type ExplanationStep, percent, step, units } from "./explain";
import type { Channel, StockLevel } from "./types";

export interface Pool {
  units: number;
  steps: ExplanationStep[];
}

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
  let total = 0;
  for (const level of levels) {
    const { location } = level;
    const inputs = { location: location.name, available: level.available };
    if (!location.saleable) {
      steps.push(step("pool.skipNotSaleable", inputs, 0, total, `${location.name} is not saleable: not counted`));
      continue;
    }
    if (!locationFeedsChannel(level, channel.id)) {
      steps.push(
        step("pool.skipNotEligible", inputs, 0, total, `${location.name} does not feed ${channel.name}: not counted`),
      );
      continue;
    }
    const contribution = locationContribution(level);
    total += contribution;
    const negativeNote = level.available < 0 ? ` (available ${level.available} counts as 0)` : "";
    const text = location.isDropShip
      ? `${location.name} (vendor) reports ${units(Math.max(0, level.available))}, counted at ${percent(location.vendorShareBps)}, rounded down: +${units(contribution)}${negativeNote}`
      : `${location.name}: +${units(contribution)}${negativeNote}`;
    steps.push(
      step(
        location.isDropShip ? "pool.vendorLocation" : "pool.location",
        { ...inputs, vendorShareBps: location.isDropShip ? location.vendorShareBps : null },
        contribution,
        total,
        text,
      ),
    );
  }
  steps.push(step("pool.total", { locations: levels.length }, 0, total, `Pool for ${channel.name}: ${units(total)}`));
  return { units: total, steps };
}
