// The 250-revisions-a-day cap is per listing, across every process that pushes to it: two sync
// workers, a retried job, a worker restarted after a crash. So the count lives in Redis, one key
// per listing per UTC day, and a reservation is one Lua script: check and increment cannot be
// split by another worker's reservation in between.
import type { Redis } from "ioredis";
import { createRedisConnection } from "~/queues.server";
import { REVISIONS_PER_LISTING_PER_DAY } from "./rules";

export interface RevisionReservation {
  /** The SKUs that may be revised now (one revision each was counted). */
  allowed: Set<string>;
  /** For the others: how long until their budget comes back (the next UTC day). */
  retryAfterMs: number;
}

/** Where one eBay account's revisions are counted. */
export interface RevisionCounter {
  /** Counts one revision of each SKU that still has budget today, atomically across processes. */
  reserve(skus: string[], now: number): Promise<RevisionReservation>;
  /** Gives back revisions reserved for a call eBay refused as a whole (nothing was revised). */
  release(skus: string[], now: number): Promise<void>;
}

/**
 * eBay's documentation does not say which time zone its "calendar day" is in (its call-limit day
 * starts at midnight Pacific time, https://developer.ebay.com/develop/api/sell/api_call_limits).
 * The connector counts UTC days; a listing eBay refuses anyway comes back as eBay's own per-SKU
 * error (see outcomeForSku).
 */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function startOfNextUtcDay(at: number): number {
  const next = new Date(at);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime();
}

export function msUntilNextUtcDay(at: number): number {
  return startOfNextUtcDay(at) - at;
}

/**
 * The key of one listing's count on one day. The account is a hash tag ({...}) so one call's keys
 * share a Redis Cluster slot and the script may touch them together.
 */
export function revisionKey(prefix: string, accountId: string, sku: string, day: string): string {
  return `${prefix}:ebay:revisions:{${accountId}}:${day}:${sku}`;
}

// KEYS: one per SKU. ARGV: cap, time to live (ms). Returns 1 (counted) or 0 (at the cap) per key.
const RESERVE = `
local cap = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local granted = {}
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used < cap then
    redis.call('INCR', key)
    redis.call('PEXPIRE', key, ttl)
    granted[i] = 1
  else
    granted[i] = 0
  end
end
return granted
`;

// KEYS: one per SKU. Takes one back from each count above zero.
const RELEASE = `
for _, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used > 0 then redis.call('DECR', key) end
end
return 0
`;

/**
 * A day's key outlives its day by one more, so a clock a little behind still finds it. The time
 * to live is relative (PEXPIRE), measured on the caller's clock, not Redis's.
 */
const KEY_GRACE_MS = 24 * 3600 * 1000;

export class RedisRevisionCounter implements RevisionCounter {
  constructor(
    private readonly redis: Redis,
    private readonly accountId: string,
    private readonly prefix = process.env.QUEUE_PREFIX ?? "anchorline",
    private readonly cap = REVISIONS_PER_LISTING_PER_DAY,
  ) {}

  private keys(skus: string[], now: number): string[] {
    const day = utcDay(now);
    return skus.map((sku) => revisionKey(this.prefix, this.accountId, sku, day));
  }

  async reserve(skus: string[], now: number): Promise<RevisionReservation> {
    const retryAfterMs = msUntilNextUtcDay(now);
    const unique = [...new Set(skus)];
    if (unique.length === 0) return { allowed: new Set(), retryAfterMs };
    const keys = this.keys(unique, now);
    const granted = (await this.redis.eval(RESERVE, keys.length, ...keys, this.cap, msUntilNextUtcDay(now) + KEY_GRACE_MS)) as number[];
    return { allowed: new Set(unique.filter((_sku, i) => granted[i] === 1)), retryAfterMs };
  }

  async release(skus: string[], now: number): Promise<void> {
    const unique = [...new Set(skus)];
    if (unique.length === 0) return;
    const keys = this.keys(unique, now);
    await this.redis.eval(RELEASE, keys.length, ...keys);
  }

  /** Revisions counted for `sku` on the day of `now` (for the channel's status page and tests). */
  async used(sku: string, now: number): Promise<number> {
    return Number((await this.redis.get(this.keys([sku], now)[0])) ?? 0);
  }
}

let shared: Redis | null = null;

/**
 * The process's one connection for revision counts, opened on first use: a registry builds a
 * connector per job, and a connection per connector would pile up. It stays open for the life of
 * the process (a worker's shutdown closes it with closeSharedRevisionRedis).
 */
export function sharedRevisionRedis(): Redis {
  shared ??= createRedisConnection();
  return shared;
}

export async function closeSharedRevisionRedis(): Promise<void> {
  const redis = shared;
  shared = null;
  if (redis) await redis.quit();
}
