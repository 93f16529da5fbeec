import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket";

describe("TokenBucket", () => {
  it("allows the burst, then refuses with the wait until the next token, then refills at the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(5, 10, () => now); // Amazon patchListingsItem: 5/s, burst 10
    for (let i = 0; i < 10; i++) expect(bucket.take().ok).toBe(true);
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 200 });
    now += 200;
    expect(bucket.take().ok).toBe(true);
    expect(bucket.take().ok).toBe(false);
    now += 10_000;
    expect(bucket.available).toBe(10); // never above the burst
  });
});
