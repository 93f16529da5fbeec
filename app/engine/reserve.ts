import { DEFAULT_RESERVE_LEAD_HOURS } from "./defaults";
import { type ExplanationStep, instantWords, stepKind, units } from "./explain";
import type { PromotionReserve, PromotionStatus } from "./types";

const HOUR_MS = 3_600_000;

// A paused promotion keeps its reserve: it may resume, and releasing the units would let other
// channels sell them in the meantime. Drafts hold nothing until the merchant readies them.
const HOLDING_STATUSES: ReadonlySet<PromotionStatus> = new Set(["ready", "running", "paused"]);

const reserveStep = stepKind(
  "reserve.promotion",
  ["promotion", "reserveUnits"],
  (i) => `Reserved for promotion "${i.promotion}" on other channels: -${units(i.reserveUnits)}`,
);

const NO_STEPS: readonly ExplanationStep[] = [];

/** Running, or starting within the lead time, and not over. */
export function isReserveHeld(promotion: PromotionReserve, now: Date, leadHours: number = DEFAULT_RESERVE_LEAD_HOURS): boolean {
  if (!HOLDING_STATUSES.has(promotion.status)) return false;
  const t = now.getTime();
  return t >= promotion.startsAt.getTime() - leadHours * HOUR_MS && t < promotion.endsAt.getTime();
}

export interface Reserve {
  units: number;
  steps: readonly ExplanationStep[];
}

/** Units that exclusive promotions on other channels hold back from this channel. */
export function reserveHeldFromChannel(channelId: string, promotions: readonly PromotionReserve[], now: Date, runningTotal: number): Reserve {
  if (promotions.length === 0) return { units: 0, steps: NO_STEPS };
  const steps: ExplanationStep[] = [];
  return { units: reserveInto(steps, channelId, promotions, now, runningTotal), steps };
}

/** `reserveHeldFromChannel` for the hot path: appends its steps to `steps` and returns the units. */
export function reserveInto(steps: ExplanationStep[], channelId: string, promotions: readonly PromotionReserve[], now: Date, runningTotal: number): number {
  let reserved = 0;
  for (const promotion of promotions) {
    if (!promotion.exclusive || promotion.channelIds.includes(channelId)) continue;
    if (!isReserveHeld(promotion, now)) continue;
    const held = Math.max(0, promotion.reserveUnits);
    if (held === 0) continue;
    reserved += held;
    steps.push(reserveStep(-held, runningTotal - reserved, promotion.name, held));
  }
  return reserved;
}

// A launched promotion acts (its discount, its auto-pause) from its start until its end. A paused
// one does not: the merchant paused it, so its prices and the other channels go back to the rules.
const ACTING_STATUSES: ReadonlySet<PromotionStatus> = new Set(["ready", "running"]);

/** Launched, not paused, and within its window: its discount and auto-pause apply. */
export function isPromotionRunning(promotion: PromotionReserve, now: Date): boolean {
  if (!ACTING_STATUSES.has(promotion.status)) return false;
  const t = now.getTime();
  return t >= promotion.startsAt.getTime() && t < promotion.endsAt.getTime();
}

const autoPauseStep = stepKind(
  "promotion.autoPause",
  ["promotion", "endsAt"],
  (i) => `Paused while promotion "${i.promotion}" runs on other channels (until ${instantWords(String(i.endsAt))}): listed at 0`,
);
const autoThrottleStep = stepKind(
  "promotion.autoThrottle",
  ["promotion", "throttleUnits", "endsAt"],
  (i, _effect, result) =>
    `At most ${units(i.throttleUnits)} while promotion "${i.promotion}" runs on other channels (until ${instantWords(String(i.endsAt))}): ${units(result)}`,
);

/**
 * The auto-pause rules of the promotions running on other channels (types.ts AutoPause): this
 * channel lists 0 when one pauses it, else at most the lowest throttle. Appends a step per rule
 * that applies and returns the quantity left.
 */
export function autoPauseInto(steps: ExplanationStep[], channelId: string, promotions: readonly PromotionReserve[], now: Date, quantity: number): number {
  let left = quantity;
  for (const promotion of promotions) {
    const rule = promotion.autoPause;
    if (!rule || rule.mode === "none" || promotion.channelIds.includes(channelId)) continue;
    if (rule.channelIds.length > 0 && !rule.channelIds.includes(channelId)) continue;
    if (!isPromotionRunning(promotion, now)) continue;
    const endsAt = promotion.endsAt.toISOString();
    if (rule.mode === "pause") {
      steps.push(autoPauseStep(-left, 0, promotion.name, endsAt));
      left = 0;
    } else {
      const most = Math.max(0, rule.throttleUnits ?? 0);
      const next = Math.min(left, most);
      steps.push(autoThrottleStep(next - left, next, promotion.name, most, endsAt));
      left = next;
    }
  }
  return left;
}
