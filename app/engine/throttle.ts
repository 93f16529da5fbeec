import { type ExplanationStep, step, units } from "./explain";
import type { Channel } from "./types";

export interface Throttle {
  throttled: boolean;
  threshold: number;
  steps: ExplanationStep[];
}

/**
 * A channel's effective threshold is its own, raised to the threshold of every channel with a
 * higher priority. That keeps throttling in priority order whatever thresholds the merchant typed:
 * when a high-priority channel goes dark, every lower-priority one already has, so the last units
 * always go to the channels ranked first.
 */
export function effectiveThreshold(channel: Channel, channels: readonly Channel[] = []): {
  threshold: number;
  raisedBy: Channel | null;
} {
  let threshold = Math.max(0, channel.lowStockThreshold);
  let raisedBy: Channel | null = null;
  for (const other of channels) {
    if (other.id === channel.id || other.priority >= channel.priority) continue;
    if (other.lowStockThreshold > threshold) {
      threshold = other.lowStockThreshold;
      raisedBy = other;
    }
  }
  return { threshold, raisedBy };
}

export function throttleFor(
  channel: Channel,
  channels: readonly Channel[] | undefined,
  pool: number,
  runningTotal: number,
): Throttle {
  const { threshold, raisedBy } = effectiveThreshold(channel, channels);
  if (threshold === 0 || pool >= threshold) return { throttled: false, threshold, steps: [] };
  const why = raisedBy
    ? `${channel.name}'s low-stock threshold is raised to ${units(threshold)} because higher-priority ${raisedBy.name} pauses below it`
    : `${channel.name}'s low-stock threshold is ${units(threshold)}`;
  return {
    throttled: true,
    threshold,
    steps: [
      step(
        "throttle.lowStock",
        { pool, threshold, raisedBy: raisedBy?.name ?? null },
        -runningTotal,
        0,
        `Pool of ${units(pool)} is under the low-stock threshold: ${why}; listed at 0`,
      ),
    ],
  };
}
