// The 250-revisions-a-day cap is per listing, across every process that pushes to it: a sync
// worker, a retry, another worker after a crash. Counting inside one connector instance would let
// two workers spend the budget twice, so the count lives behind an interface the caller supplies
// (the sync worker: Redis), with an in-process one for tests and single-process use.
import { REVISIONS_PER_LISTING_PER_DAY } from "./rules";

export interface RevisionCounter {
  /**
   * Atomically adds one revision of `sku` on `day` (YYYY-MM-DD, UTC) and returns the count
   * including this one. One counter serves one eBay account (SKUs are unique per seller); a
   * shared implementation must key by account too. Redis: INCR ebay:rev:{account}:{sku}:{day},
   * then EXPIRE the key after two days.
   */
  increment(sku: string, day: string): Promise<number>;
}

export class InProcessRevisionCounter implements RevisionCounter {
  private readonly counts = new Map<string, number>();

  async increment(sku: string, day: string): Promise<number> {
    const key = `${day}\u0000${sku}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }

  /** For tests: pretend `count` revisions were already made. */
  seed(sku: string, day: string, count: number): void {
    this.counts.set(`${day}\u0000${sku}`, count);
  }
}

/**
 * eBay's "calendar day" for the cap is not given a time zone in its documentation; the connector
 * counts UTC days (and the simulator does the same).
 */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function msUntilNextUtcDay(at: number): number {
  const next = new Date(at);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - at;
}

/**
 * Reserves one revision per SKU before anything is sent. Reserving first means a failed call
 * still spends its revision: the count can only over-state eBay's, never let the 251st through.
 */
export async function reserveRevisions(counter: RevisionCounter, skus: string[], now: number): Promise<{ allowed: Set<string>; retryAfterMs: number }> {
  const day = utcDay(now);
  const counts = await Promise.all(skus.map((sku) => counter.increment(sku, day)));
  const allowed = new Set(skus.filter((_sku, i) => counts[i] <= REVISIONS_PER_LISTING_PER_DAY));
  return { allowed, retryAfterMs: msUntilNextUtcDay(now) };
}
