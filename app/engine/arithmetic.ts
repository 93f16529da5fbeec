// Integer helpers. Quantities and money stay integers throughout the engine; the only floats are
// velocities and risk multipliers, which meet integers in exactly one place each (computed
// buffers, projected demand) and are rounded there with `ceilTolerant`.

/** a × bps / 10000 rounded down, exact for integer a and bps. */
export function floorBps(a: number, bps: number): number {
  return Math.floor((a * bps) / 10_000);
}

/** a × bps / 10000 rounded up, exact for integer a and bps. */
export function ceilBps(a: number, bps: number): number {
  return Math.ceil((a * bps) / 10_000);
}

/**
 * Rounds up, ignoring binary floating-point noise: (0.1 × 3 + 0.3) × 10 is 6.000000000000001 in
 * IEEE doubles and must still give 6, not 7, or a merchant checking the sum by hand sees a wrong
 * buffer.
 */
export function ceilTolerant(value: number): number {
  const nearest = Math.round(value);
  return Math.abs(value - nearest) < 1e-9 ? nearest : Math.ceil(value);
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
