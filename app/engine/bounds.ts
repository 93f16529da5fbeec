// The bounds of every number a merchant can set (a form field, a CSV column), in one place, and
// the zod helpers that hold each field to them: validate.ts builds the engine's checks from these,
// and a route whose form carries a number of its own uses the same helper. A number outside its
// bound is refused on its field with a message naming the field and the allowed range, and
// nothing is saved.
//
// Each bound is what a merchant could mean, with room to spare; beyond it is a typo (an extra
// zero, a pasted SKU) that would otherwise be pushed to a marketplace, break a worker or overflow
// a column. Every bound fits the column it is stored in: PostgreSQL's Int (2,147,483,647, money in
// cents and percentages in basis points included), BufferRule.leadTimeDays Decimal(8, 2) and
// BufferRule.riskMultiplier Decimal(6, 3).
//
// | bound | range | why |
// | --- | --- | --- |
// | units | 0 – 1,000,000 | buffers, caps, fixed counts, safety stock, untracked quantity, thresholds, reserves: a million units of one variant is more than a listing sells; a typo of 1e12 is not stock |
// | money | 0 – 1,000,000.00 | MAP, fees, shipping, tolerances, discounts, a price cap: a million a unit covers any product sold on these marketplaces; 100,000,000 cents fits an Int |
// | price adjustment | −1,000,000.00 – +1,000,000.00 | the amount a price rule adds or takes off, the money bound either way |
// | price differential | −90% – +500% | −90% still charges a tenth of the anchor (−100% would give it away); +500% (6× the anchor) is beyond any real marketplace markup |
// | percent | 0% – 100% | fees, margins, shares, tolerances, percent buffers and discounts are parts of a whole |
// | priority | 1 – 1,000 | lower is first; a thousand ranks are more than a shop has channels (and the Channels screen's range) |
// | risk multiplier | 0.01 – 10 | scales a velocity buffer; the marketplaces' defaults are 1–2, and 10× already buffers ten times the expected demand |
// | lead time | 0 – 365 days | restocking slower than a year is not a buffer's lead time (the velocity window's limit too) |
// | velocity window | 1 – 365 days | a year is the longest window that still says something about next week's demand |
// | promotion notice | 0 – 8,760 hours | a year ahead at most |
// | demand uplift | 0.01× – 100× | a promotion's expected sales multiplier (2× by default) |
// | price guardrail | 1% – 500% | how far a channel's price may move from the Shopify price before a push waits for the merchant (50% by default); 500% matches the differential's ceiling |

import { z } from "zod";

export interface Bound {
  min: number;
  max: number;
  /** Whole numbers only (counts, cents, basis points). */
  whole: boolean;
  /** The figure as the merchant typed it (a percent for basis points, an amount for cents). */
  show: (value: number) => string;
}

const count = (value: number) => value.toLocaleString("en-US");
const amount = (cents: number) => (cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percentOf = (bps: number) => `${(bps / 100).toLocaleString("en-US")}%`;
const times = (bps: number) => `${(bps / 10_000).toLocaleString("en-US")}×`;

export const MAX_UNITS = 1_000_000;
export const MAX_MONEY_CENTS = 100_000_000;

export const BOUNDS = {
  units: { min: 0, max: MAX_UNITS, whole: true, show: count },
  moneyCents: { min: 0, max: MAX_MONEY_CENTS, whole: true, show: amount },
  adjustmentCents: { min: -MAX_MONEY_CENTS, max: MAX_MONEY_CENTS, whole: true, show: amount },
  differentialBps: { min: -9_000, max: 50_000, whole: true, show: percentOf },
  percentBps: { min: 0, max: 10_000, whole: true, show: percentOf },
  priority: { min: 1, max: 1_000, whole: true, show: count },
  riskMultiplier: { min: 0.01, max: 10, whole: false, show: count },
  leadTimeDays: { min: 0, max: 365, whole: false, show: count },
  windowDays: { min: 1, max: 365, whole: true, show: count },
  noticeHours: { min: 0, max: 8_760, whole: true, show: count },
  upliftBps: { min: 100, max: 1_000_000, whole: true, show: times },
  guardrailBps: { min: 100, max: 50_000, whole: true, show: percentOf },
} as const satisfies Record<string, Bound>;

export type BoundName = keyof typeof BOUNDS;

/** "Lead time must be between 0 and 365": the field and its range, in the merchant's units. */
export function rangeMessage(label: string, bound: Bound): string {
  return `${label} must be between ${bound.show(bound.min)} and ${bound.show(bound.max)}`;
}

/**
 * A number held to `bound`, each refusal naming `label`: not a number, out of range (checked
 * before wholeness, so 1e15 reads as out of range rather than as a fraction), not whole.
 */
export function bounded(label: string, bound: Bound | BoundName) {
  const b = typeof bound === "string" ? BOUNDS[bound] : bound;
  const range = { error: rangeMessage(label, b) };
  const schema = z
    .number({ error: `${label} must be a number` })
    .min(b.min, range)
    .max(b.max, range);
  return b.whole ? schema.int({ error: `${label} must be a whole number` }) : schema;
}
