import { describe, expect, it } from "vitest";
import { AnchorlineError, isRetryable, NotFoundForShop, NotReadyYet, RequestRefused, UpstreamError } from "./errors";

describe("the error hierarchy", () => {
  it("says a refusal and a missing record never heal, and a record not mirrored yet will", () => {
    expect(new RequestRefused("Only a draft can be launched").retryable).toBe(false);
    expect(new NotFoundForShop("Channel")).toMatchObject({ message: "Channel not found", name: "NotFoundForShop", retryable: false });
    expect(new NotReadyYet("inventory item 7 is not in the mirror yet").retryable).toBe(true);
  });

  it("reads an upstream answer by its status: 429, 5xx and no answer heal, other 4xx do not, unless the caller knows better", () => {
    const retryable = (status?: number) => new UpstreamError("x", { status }).retryable;
    expect([retryable(429), retryable(500), retryable(503), retryable(undefined)]).toEqual([true, true, true, true]);
    expect([retryable(400), retryable(401), retryable(404), retryable(410)]).toEqual([false, false, false, false]);
    expect(new UpstreamError("Shopify refused the query", { retryable: false }).retryable).toBe(false);
  });

  it("treats an error outside the hierarchy as one that may heal", () => {
    expect(isRetryable(new Error("connection reset"))).toBe(true);
    expect(isRetryable("a string")).toBe(true);
    expect(isRetryable(new NotFoundForShop("Listing"))).toBe(false);
    expect(new NotFoundForShop("Listing")).toBeInstanceOf(AnchorlineError);
  });
});
