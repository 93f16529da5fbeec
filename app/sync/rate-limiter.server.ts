import type { Redis } from "ioredis";

// One token bucket per channel account, kept in Redis so every worker process draws from the same
// bucket: two processes flushing one Amazon account together must still stay under its rate.
// BullMQ's open-source limiter is per queue, not per account, hence this.

// KEYS[1] bucket; ARGV: rate (tokens/s), burst, cost, now (ms). Returns {granted, waitMs}.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local granted = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  granted = 1
else
  wait = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 60000)
return {granted, wait}
`;

export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

export class SharedRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = process.env.QUEUE_PREFIX ?? "anchorline",
  ) {}

  /** Takes one request's worth of tokens, or says how long to wait before trying again. */
  async tryTake(account: string, limit: RateLimit, cost = 1): Promise<{ granted: boolean; waitMs: number }> {
    const [granted, waitMs] = (await this.redis.eval(
      TAKE,
      1,
      `${this.prefix}:ratelimit:${account}`,
      limit.requestsPerSecond,
      limit.burst,
      cost,
      Date.now(),
    )) as [number, number];
    return { granted: granted === 1, waitMs };
  }

  /**
   * Waits (up to `maxWaitMs`) until `cost` requests may go; false if it would have to wait longer.
   * A cost above the burst could never be granted: callers split their work (see pacedBatches).
   */
  async take(account: string, limit: RateLimit, cost = 1, maxWaitMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const { granted, waitMs } = await this.tryTake(account, limit, Math.min(cost, limit.burst));
      if (granted) return true;
      if (Date.now() + waitMs > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
