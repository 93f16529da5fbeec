/** The playbook's "48-hour advance inventory reserve" before a promotion starts. */
export const DEFAULT_RESERVE_LEAD_HOURS = 48;

/** Sales-velocity window when the shop has not set one. */
export const DEFAULT_VELOCITY_WINDOW_DAYS = 28;

/** Projected demand multiplier of a promotion when the merchant has not set one (2×). */
export const DEFAULT_PROMOTION_UPLIFT_BPS = 20_000;
