// eBay carries money as `{ value: "12.34", currency: "USD" }` (the Amount type of the Sell APIs).
// The simulator keeps cents; every marketplace it seeds uses a two-decimal currency.

export function amount(cents: number, currency: string): { value: string; currency: string } {
  return { value: (cents / 100).toFixed(2), currency };
}

/** Cents from an Amount value, or null when the value is not a positive decimal with at most 2 places. */
export function centsOf(value: unknown): number | null {
  if (typeof value !== "string" || !/^\d+(\.\d{1,2})?$/.test(value)) return null;
  const cents = Math.round(Number(value) * 100);
  return cents > 0 ? cents : null;
}
