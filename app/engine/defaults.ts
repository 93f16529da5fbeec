/** The playbook's "48-hour advance inventory reserve" before a promotion starts. */
export const DEFAULT_RESERVE_LEAD_HOURS = 48;

/** Sales-velocity window when the shop has not set one. */
export const DEFAULT_VELOCITY_WINDOW_DAYS = 28;

/** Projected demand multiplier of a promotion when the merchant has not set one (2×). */
export const DEFAULT_PROMOTION_UPLIFT_BPS = 20_000;

/**
 * How far a channel's price may move from the Shopify price before its push waits for the
 * merchant (±50%), when the shop has not set its own guardrail (bounds.ts guardrailBps).
 */
export const DEFAULT_PRICE_GUARDRAIL_BPS = 5_000;
