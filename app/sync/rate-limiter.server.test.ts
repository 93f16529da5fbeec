import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createRedisConnection } from "~/queues.server";
import { SharedRateLimiter } from "./rate-limiter.server";

const redisA = createRedisConnection();
const redisB = createRedisConnection();

afterAll(() => {
  redisA.disconnect();
  redisB.disconnect();
});

describe("the shared rate limiter", () => {
  it("gives two processes one bucket between them: the burst, then refusals with the wait", async () => {
    // Given two worker processes (two Redis connections) on one account with a burst of 4 and a
    // refill slow enough (one per 100 s) that a busy machine's pauses add no token mid-test
    const account = `channel-${randomUUID()}`;
    const limit = { requestsPerSecond: 0.01, burst: 4 };
    const a = new SharedRateLimiter(redisA);
    const b = new SharedRateLimiter(redisB);
    // When they take turns
    const grants = [];
    for (let i = 0; i < 3; i++) {
      grants.push((await a.tryTake(account, limit)).granted, (await b.tryTake(account, limit)).granted);
    }
    // Then exactly the burst of 4 is granted across both, and the refusal says to wait about 100 s
    expect(grants.filter(Boolean)).toHaveLength(4);
    const refused = await a.tryTake(account, limit);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(90_000);
    expect(refused.waitMs).toBeLessThanOrEqual(100_000);
  });

  it("keeps accounts apart", async () => {
    const limiter = new SharedRateLimiter(redisA);
    const limit = { requestsPerSecond: 1, burst: 1 };
    expect((await limiter.tryTake(`one-${randomUUID()}`, limit)).granted).toBe(true);
    expect((await limiter.tryTake(`two-${randomUUID()}`, limit)).granted).toBe(true);
  });

  it("given a push that makes 3 calls, when taken with its cost, then 3 tokens go at once and the next take waits for them to come back", async () => {
    const limiter = new SharedRateLimiter(redisA);
    const account = `cost-${randomUUID()}`;
    const limit = { requestsPerSecond: 10, burst: 4 };
    expect((await limiter.tryTake(account, limit, 3)).granted).toBe(true);
    const second = await limiter.tryTake(account, limit, 3);
    expect(second.granted).toBe(false);
    // 1 token left, 2 more needed at 10 per second
    expect(second.waitMs).toBeGreaterThan(150);
    expect(second.waitMs).toBeLessThanOrEqual(200);
    // take() waits for them, and a cost above the burst is asked as the burst (it could never be granted)
    expect(await limiter.take(account, limit, 3, 1_000)).toBe(true);
    expect(await limiter.take(`big-${randomUUID()}`, limit, 50, 1_000)).toBe(true);
  });
});
