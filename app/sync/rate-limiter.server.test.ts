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
    // Given two worker processes (two Redis connections) on one account with 2 req/s, burst 4
    const account = `channel-${randomUUID()}`;
    const limit = { requestsPerSecond: 2, burst: 4 };
    const a = new SharedRateLimiter(redisA);
    const b = new SharedRateLimiter(redisB);
    // When they take turns
    const grants = [];
    for (let i = 0; i < 3; i++) {
      grants.push((await a.tryTake(account, limit)).granted, (await b.tryTake(account, limit)).granted);
    }
    // Then exactly the burst of 4 is granted across both, and the refusal says to wait about 0.5 s
    expect(grants.filter(Boolean)).toHaveLength(4);
    const refused = await a.tryTake(account, limit);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(300);
    expect(refused.waitMs).toBeLessThanOrEqual(500);
  });

  it("keeps accounts apart", async () => {
    const limiter = new SharedRateLimiter(redisA);
    const limit = { requestsPerSecond: 1, burst: 1 };
    expect((await limiter.tryTake(`one-${randomUUID()}`, limit)).granted).toBe(true);
    expect((await limiter.tryTake(`two-${randomUUID()}`, limit)).granted).toBe(true);
  });
});
