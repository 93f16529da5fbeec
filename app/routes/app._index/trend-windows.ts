// The Overview charts' two windows (shared by the loader and the screen): the last 24 hours by the
// hour, the last 30 days by the day.

const HOUR_MS = 3_600_000;

export const TREND_WINDOWS = {
  "24h": { spanMs: 24 * HOUR_MS, bucketMs: HOUR_MS, label: "last 24 hours" },
  "30d": { spanMs: 30 * 24 * HOUR_MS, bucketMs: 24 * HOUR_MS, label: "last 30 days" },
} as const;

export type TrendWindow = keyof typeof TREND_WINDOWS;
