// Shopify's leaky bucket for the GraphQL Admin API, one per shop: `maximumAvailable` points, refilled
// at `restoreRate` points per second. A request needs its requested cost up front; the difference to
// the actual cost is refunded afterwards.
export interface ThrottleOptions {
  /** Bucket size in cost points. Default 2000. */
  maximumAvailable?: number;
  /** Points restored per second. Default 100. */
  restoreRate?: number;
  /** Largest cost a single query may request. Default 1000. */
  maxQueryCost?: number;
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
  readonly maxQueryCost: number;
  private readonly now: () => number;
  private available: number;
  private at: number;

  constructor(options: ThrottleOptions = {}) {
    this.maximumAvailable = options.maximumAvailable ?? 2000;
    this.restoreRate = options.restoreRate ?? 100;
    this.maxQueryCost = options.maxQueryCost ?? 1000;
    this.now = options.now ?? Date.now;
    this.available = this.maximumAvailable;
    this.at = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((t - this.at) / 1000) * this.restoreRate);
    this.at = t;
  }

  /** Takes `cost` points if available; false (nothing taken) when the bucket is short. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
}
