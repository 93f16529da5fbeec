import { describe, expect, it } from "vitest";
import { ChannelError } from "./connector";
import { channelErrorFromStatus, retryAfterMs, withRetry } from "./retry";

const noSleep = { sleep: async () => {}, random: () => 0.5 };

describe("withRetry", () => {
  it("retries a 429 and a 503 and returns the answer that finally came", async () => {
    const answers = [channelErrorFromStatus(429, "slow down"), channelErrorFromStatus(503, "busy"), "ok"];
    let calls = 0;
    const result = await withRetry(async () => {
      const next = answers[calls++];
      if (next instanceof Error) throw next;
      return next;
    }, noSleep);
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("waits exactly what Retry-After asked for, else a jittered exponential backoff", async () => {
    const waits: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw channelErrorFromStatus(429, "slow down", "2");
        if (calls <= 3) throw channelErrorFromStatus(500, "oops");
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5, baseDelayMs: 100 },
    );
    // 2 s from the header; then half (the jitter) of 100·2^1 and 100·2^2
    expect(waits).toEqual([2000, 100, 200]);
  });

  it("given a marketplace asking to wait longer than the longest backoff, when called, then the error comes back at once with the wait instead of a sleep", async () => {
    const waits: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new ChannelError("quota exhausted", { status: 429, retryable: true, retryAfterMs: 180_000 });
      },
      { sleep: async (ms) => void waits.push(ms), maxDelayMs: 20_000 },
    ).catch((e: unknown) => e);
    expect([calls, waits]).toEqual([1, []]);
    expect((error as ChannelError).details.retryAfterMs).toBe(180_000);
  });

  it("does not retry a rejection that will not heal", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw channelErrorFromStatus(400, "bad request");
      }, noSleep),
    ).rejects.toThrow("bad request");
    expect(calls).toBe(1);
  });

  it("gives up after the last attempt with the marketplace's error", async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new ChannelError("still down", { status: 503, retryable: true });
      },
      { ...noSleep, attempts: 4 },
    );
    await expect(failing).rejects.toThrow("still down");
    expect(calls).toBe(4);
  });
});

describe("reading HTTP failures", () => {
  it("marks 401 and 403 as credential failures, 429 and 5xx as retryable", () => {
    expect(channelErrorFromStatus(401, "x").details).toMatchObject({ authFailed: true, retryable: false });
    expect(channelErrorFromStatus(403, "x").details).toMatchObject({ authFailed: true, retryable: false });
    expect(channelErrorFromStatus(429, "x").retryable).toBe(true);
    expect(channelErrorFromStatus(502, "x").retryable).toBe(true);
    expect(channelErrorFromStatus(404, "x").retryable).toBe(false);
  });

  it("reads Retry-After as seconds or as a date", () => {
    expect(retryAfterMs("1.5")).toBe(1500);
    expect(retryAfterMs("Sun, 22 Nov 2026 12:00:10 GMT", Date.parse("Sun, 22 Nov 2026 12:00:00 GMT"))).toBe(10_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
