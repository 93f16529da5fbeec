import { describe, expect, it } from "vitest";
import { formatShopDateTime, parseShopDateTime } from "./zoned-time";

describe("dates a merchant types, in the shop's time zone", () => {
  it("given a date alone, then it is midnight in the shop's zone, summer and winter", () => {
    expect(parseShopDateTime("2027-01-15", "UTC")?.toISOString()).toBe("2027-01-15T00:00:00.000Z");
    expect(parseShopDateTime("2027-01-15", "Europe/Berlin")?.toISOString()).toBe("2027-01-14T23:00:00.000Z");
    expect(parseShopDateTime("2027-07-15", "Europe/Berlin")?.toISOString()).toBe("2027-07-14T22:00:00.000Z");
    expect(parseShopDateTime("2027-01-15", "America/New_York")?.toISOString()).toBe("2027-01-15T05:00:00.000Z");
  });

  it("given a date and time, with T or a space, then that wall-clock time in the zone; an offset of its own wins", () => {
    expect(parseShopDateTime("2027-01-15T09:30", "America/New_York")?.toISOString()).toBe("2027-01-15T14:30:00.000Z");
    expect(parseShopDateTime(" 2027-01-15 09:30 ", "UTC")?.toISOString()).toBe("2027-01-15T09:30:00.000Z");
    expect(parseShopDateTime("2027-01-15T09:30:00Z", "Europe/Berlin")?.toISOString()).toBe("2027-01-15T09:30:00.000Z");
    expect(parseShopDateTime("2027-01-15T09:30+01:00", "UTC")?.toISOString()).toBe("2027-01-15T08:30:00.000Z");
  });

  it("given a local time a clock change skips, then it is read at the offset before the change", () => {
    // Berlin jumps from 02:00 to 03:00 on 2027-03-28: 02:30 does not exist there.
    expect(parseShopDateTime("2027-03-28T02:30", "Europe/Berlin")?.toISOString()).toBe("2027-03-28T01:30:00.000Z");
  });

  it("given words, a day the calendar lacks or a time past 23:59, then no date", () => {
    for (const text of ["next friday", "15/01/2027", "2027-02-30", "2027-13-01", "2027-01-15T24:00", "2027-01-15T09", ""])
      expect([text, parseShopDateTime(text, "UTC")]).toEqual([text, null]);
  });

  it("given an instant, then it is written back as the merchant types it, and reads back the same", () => {
    const zone = "Europe/Berlin";
    for (const text of ["2027-01-15", "2027-01-15T09:30", "2027-07-01T23:59:30"]) expect(formatShopDateTime(parseShopDateTime(text, zone)!, zone)).toBe(text);
  });
});
