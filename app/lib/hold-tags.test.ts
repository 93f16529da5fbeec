import { describe, expect, it } from "vitest";
import { holdsFromTags, releaseOfTag, releaseTagOf } from "./hold-tags";

describe("holds a merchant keeps as Shopify product tags", () => {
  it("given anchorline:discontinued and release tags in any case, then discontinued and the latest release day, at midnight UTC", () => {
    expect(holdsFromTags(["kitchen", " Anchorline:Discontinued ", "anchorline:release:2027-01-15", "ANCHORLINE:RELEASE:2027-03-01"])).toEqual({
      discontinued: true,
      releaseAt: new Date("2027-03-01T00:00:00Z"),
    });
    expect(holdsFromTags(["kitchen", "sale"])).toEqual({ discontinued: false, releaseAt: null });
  });

  it("given a release tag that names no day, then no release", () => {
    for (const tag of ["anchorline:release:soon", "anchorline:release:2027-02-30", "anchorline:release:2027-1-5", "release:2027-01-15"])
      expect([tag, releaseOfTag(tag)]).toEqual([tag, null]);
    expect(holdsFromTags(["anchorline:release:2027-02-30"]).releaseAt).toBeNull();
  });

  it("given a release day, then the tag that names it, read back as the same day", () => {
    expect(releaseTagOf(new Date("2027-01-15T00:00:00Z"))).toBe("anchorline:release:2027-01-15");
    expect(releaseOfTag(releaseTagOf(new Date("2027-01-15T00:00:00Z")))).toEqual(new Date("2027-01-15T00:00:00Z"));
  });
});
