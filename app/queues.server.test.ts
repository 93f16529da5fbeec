import { afterEach, describe, expect, it, vi } from "vitest";
import { startTestRedis } from "../test/redis-server";
import { createRedisConnection } from "./queues.server";

const logLevel = process.env.LOG_LEVEL;
afterEach(() => {
  vi.restoreAllMocks();
  if (logLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = logLevel;
});

describe("the Redis connection", () => {
  it("given a connection whose Redis goes away for a second and comes back, when ioredis fails to reconnect again and again, then one warning says so and one line says it is back, and ioredis prints no unhandled error", async () => {
    // Given (info lines shown: the one saying Redis is back is one)
    process.env.LOG_LEVEL = "info";
    const redis = await startTestRedis();
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const unhandled = vi.spyOn(console, "error");
    const connection = createRedisConnection(redis.url);
    try {
      await connection.ping();
      // When
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await redis.start();
      await connection.ping();
      // Then
      expect(lines.filter((l) => l.includes("Redis unreachable; reconnecting"))).toHaveLength(1);
      expect(lines.filter((l) => l.includes("Redis reachable again"))).toHaveLength(1);
      expect(unhandled.mock.calls.flat().join(" ")).not.toContain("Unhandled error event");
    } finally {
      connection.disconnect();
      await redis.close();
    }
  });
});
