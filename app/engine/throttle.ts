import { type ExplanationStep, stepKind, units } from "./explain";
import type { Channel } from "./types";

export interface Throttle {
  throttled: boolean;
  threshold: number;
  steps: readonly ExplanationStep[];
}

const lowStockStep = stepKind("throttle.lowStock", ["pool", "threshold", "raisedBy", "channel"], (i) => {
  const why = i.raisedBy
    ? `${i.channel}'s low-stock threshold is raised to ${units(i.threshold)} because higher-priority ${i.raisedBy} pauses below it`
    : `${i.channel}'s low-stock threshold is ${units(i.threshold)}`;
  return `Pool of ${units(i.pool)} is under the low-stock threshold: ${why}; listed at 0`;
});
const discontinuedStep = stepKind(
  "throttle.discontinuedTopChannel",
  ["pool", "threshold", "channel"],
  (i) =>
    `Pool of ${units(i.pool)} is under ${i.channel}'s low-stock threshold of ${units(i.threshold)}, but the variant is discontinued and ${i.channel} ranks first: it sells the last units`,
);

/**
 * A channel's effective threshold is its own, raised to the threshold of every channel with a
 * higher priority. That keeps throttling in priority order whatever thresholds the merchant typed:
 * when a high-priority channel goes dark, every lower-priority one already has, so the last units
 * always go to the channels ranked first.
 */
export function effectiveThreshold(
  channel: Channel,
  channels: readonly Channel[] = [],
): {
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

/** No other channel of the shop ranks above this one (ties share first place). */
export function ranksFirst(channel: Channel, channels: readonly Channel[] = []): boolean {
  for (const other of channels) if (other.id !== channel.id && other.priority < channel.priority) return false;
  return true;
}

/**
 * Low-stock throttling: under its effective threshold a channel lists 0. A discontinued variant is
 * never restocked, so holding its last units back would strand them for good: the channel ranked
 * first still sells them (domain.md: a discontinued variant sells to zero), while lower-priority
 * channels are throttled as usual so those last units still go where an oversell costs most.
 */
export function throttleFor(channel: Channel, channels: readonly Channel[] | undefined, pool: number, runningTotal: number, discontinued = false): Throttle {
  const steps: ExplanationStep[] = [];
  const throttled = throttleInto(steps, channel, channels, pool, runningTotal, discontinued);
  return { throttled, threshold: effectiveThreshold(channel, channels).threshold, steps };
}

/** `throttleFor` for the hot path: appends its steps to `steps` and says whether to list 0. */
export function throttleInto(
  steps: ExplanationStep[],
  channel: Channel,
  channels: readonly Channel[] | undefined,
  pool: number,
  runningTotal: number,
  discontinued: boolean,
): boolean {
  const { threshold, raisedBy } = effectiveThreshold(channel, channels);
  if (threshold === 0 || pool >= threshold) return false;
  if (discontinued && ranksFirst(channel, channels)) {
    steps.push(discontinuedStep(0, runningTotal, pool, threshold, channel.name));
    return false;
  }
  steps.push(lowStockStep(-runningTotal, 0, pool, threshold, raisedBy?.name ?? null, channel.name));
  return true;
}
