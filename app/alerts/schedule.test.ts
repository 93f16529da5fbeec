import { describe, expect, it } from "vitest";
import { promotionReserveLevel } from "./events.server";
import { breaksThroughQuietHours, digestDue, parseQuietHours, quietWindowEnd } from "./schedule";

const berlinNight = parseQuietHours({ start: "22:00", end: "07:00", timeZone: "Europe/Berlin" });

describe("quiet hours", () => {
  it("given a 22:00–07:00 Berlin window, when it is 23:30 there, then the window ends at 07:00 Berlin time", () => {
    // 23:30 in Berlin in November (UTC+1) is 22:30 UTC; 07:00 Berlin is 06:00 UTC the next day.
    expect(quietWindowEnd(new Date("2026-11-23T22:30:20Z"), berlinNight)).toEqual(new Date("2026-11-24T06:00:00Z"));
  });

  it("given the same window, when it is 07:00 or 21:59 there, then it is outside the window", () => {
    expect(quietWindowEnd(new Date("2026-11-24T06:00:00Z"), berlinNight)).toBeNull();
    expect(quietWindowEnd(new Date("2026-11-24T20:59:00Z"), berlinNight)).toBeNull();
  });

  it("given a malformed quietHours value, when parsed, then there are no quiet hours rather than a lost alert", () => {
    const quiet = parseQuietHours({ start: "25:00", end: "07:00", timeZone: "Mars/Olympus" });
    expect(quietWindowEnd(new Date("2026-11-24T03:00:00Z"), quiet)).toBeNull();
  });

  it("given a window ending at 07:00, when an oversell, a parity violation due in 4 hours or a drift arrives at 23:30, then only the oversell and the parity violation page", () => {
    const at = new Date("2026-11-23T22:30:00Z");
    const end = quietWindowEnd(at, berlinNight)!;
    expect(breaksThroughQuietHours({ kind: "OVERSELL", respondBy: new Date(at.getTime() + 3600_000) }, end)).toBe(true);
    expect(breaksThroughQuietHours({ kind: "PARITY_VIOLATION", respondBy: new Date(at.getTime() + 4 * 3600_000) }, end)).toBe(true);
    expect(breaksThroughQuietHours({ kind: "LISTING_SUSPENDED", respondBy: new Date(at.getTime() + 24 * 3600_000) }, end)).toBe(false);
    expect(breaksThroughQuietHours({ kind: "DRIFT", respondBy: null }, end)).toBe(false);
  });
});

describe("the daily digest's schedule", () => {
  const quiet = parseQuietHours({ timeZone: "America/New_York" });

  it("given a route in New York, when it is 07:59 there, then the digest is not due, and from 08:00 it is due once that day", () => {
    expect(digestDue(new Date("2026-11-24T12:59:00Z"), quiet, null)).toBe(false);
    expect(digestDue(new Date("2026-11-24T13:00:00Z"), quiet, null)).toBe(true);
    expect(digestDue(new Date("2026-11-24T20:00:00Z"), quiet, new Date("2026-11-24T13:05:00Z"))).toBe(false);
    expect(digestDue(new Date("2026-11-25T13:00:00Z"), quiet, new Date("2026-11-24T13:05:00Z"))).toBe(true);
  });
});

describe("promotion reserve levels", () => {
  it("given a reserve of 200 units, when 60, 50, 20, 10 or 0 are left, then the levels are none, 25, 10, 5 and 5", () => {
    expect([60, 50, 20, 10, 0].map((left) => promotionReserveLevel(200, left))).toEqual([null, 25, 10, 5, 5]);
  });
});
