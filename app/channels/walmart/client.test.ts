import { describe, expect, it } from "vitest";
import { errorFromResponse } from "./client";

describe("Walmart failures as ChannelErrors", () => {
  it("given a 429 with only x-next-replenish-time, when read, then the wait is the time until the bucket refills", async () => {
    const now = 1_700_000_000_000;
    const response = new Response(JSON.stringify({ errors: [{ code: "TOO_MANY_REQUESTS.GMP_GATEWAY_API", description: "Too Many Requests" }] }), {
      status: 429,
      headers: { "x-next-replenish-time": String(now + 3_000) },
    });
    const error = await errorFromResponse(response, now);
    expect(error.details).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3_000, code: "TOO_MANY_REQUESTS.GMP_GATEWAY_API" });
  });

  it("given a 401, when read, then it is an auth failure that is not retried", async () => {
    const error = await errorFromResponse(new Response(JSON.stringify({ errors: [{ code: "UNAUTHORIZED.GMP_GATEWAY_API" }] }), { status: 401 }));
    expect(error.details).toMatchObject({ authFailed: true, retryable: false });
  });
});
