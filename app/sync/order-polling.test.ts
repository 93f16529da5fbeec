import { describe, expect, it } from "vitest";
import { ORDER_IMPORT_EVERY_MS } from "~/queues.server";
import { AMAZON_LIMITS } from "~/channels/amazon/limits";
import { ORDER_SAFETY_NET_EVERY_MS, orderPollEveryMs } from "./order-polling";

describe("the pace of an account's order polling", () => {
  it("given an account whose orders are found only by polling, when paced, then it is polled at its connector's pace, or every minute", () => {
    expect(orderPollEveryMs({}, false)).toBe(ORDER_IMPORT_EVERY_MS);
    expect(ORDER_IMPORT_EVERY_MS).toBe(60_000);
    expect(orderPollEveryMs(AMAZON_LIMITS, false)).toBe(178_572);
  });

  it("given an account whose order notifications are in place, when paced, then it is polled every 15 minutes, the safety net's pace, whatever its connector allows", () => {
    expect(ORDER_SAFETY_NET_EVERY_MS).toBe(15 * 60_000);
    expect(orderPollEveryMs({}, true)).toBe(ORDER_SAFETY_NET_EVERY_MS);
    expect(orderPollEveryMs(AMAZON_LIMITS, true)).toBe(ORDER_SAFETY_NET_EVERY_MS);
  });

  it("given a connector whose orders API allows even less than the safety net, when its notifications are in place, then its own slower pace is kept", () => {
    expect(orderPollEveryMs({ ordersPollEveryMs: 30 * 60_000 }, true)).toBe(30 * 60_000);
  });
});
