// A token bucket: `rate` tokens per second refill up to `burst`. This is the model Amazon SP-API
// documents for its usage plans ("rate" and "burst" per operation, see "Usage Plans and Rate
// Limits in the Selling Partner API"), and close enough to eBay's and Walmart's call quotas.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private refill() {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
  }

  /** Takes `cost` tokens if there are enough; otherwise says how long until there will be. */
  take(cost = 1): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill();
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((cost - this.tokens) / this.rate) * 1000) };
  }

  get available(): number {
    this.refill();
    return this.tokens;
  }
}

/** One bucket per key (account × operation), created on first use. */
export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, rate: number, burst: number, cost = 1) {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(cost);
  }
}
