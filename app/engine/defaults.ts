import type { Channel, ChannelKind } from "./types";

/**
 * Risk multipliers for computed buffers, from the multichannel playbook (shared/seeds/001): the
 * costlier an oversell on a channel, the larger its buffer. Merchants can override them per
 * channel (Channel.riskMultiplier) or per rule.
 */
export const DEFAULT_RISK_MULTIPLIERS: Readonly<Record<ChannelKind, number>> = {
  amazon: 1.5,
  tiktok: 1.3,
  walmart: 1.3,
  shopify: 1.0,
  ebay: 1.2,
};

/** The playbook's "48-hour advance inventory reserve" before a promotion starts. */
export const DEFAULT_RESERVE_LEAD_HOURS = 48;

/** Sales-velocity window when the shop has not set one. */
export const DEFAULT_VELOCITY_WINDOW_DAYS = 28;

/** Projected demand multiplier of a promotion when the merchant has not set one (2×). */
export const DEFAULT_PROMOTION_UPLIFT_BPS = 20_000;

export function riskMultiplierOf(channel: Channel): number {
  return channel.riskMultiplier ?? DEFAULT_RISK_MULTIPLIERS[channel.kind];
}
