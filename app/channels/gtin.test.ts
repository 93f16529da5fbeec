import { describe, expect, it } from "vitest";
import { firstGtin, gtinDigits } from "./gtin";

describe("gtinDigits", () => {
  it("given barcodes of GS1's lengths with spaces or hyphens, when read, then the digits are kept as they are", () => {
    expect(gtinDigits("0 12345 67890 5")).toBe("012345678905");
    expect(gtinDigits("4006381333931")).toBe("4006381333931");
    expect(gtinDigits("96385074")).toBe("96385074");
    expect(gtinDigits("10012345678902")).toBe("10012345678902");
  });

  it("given an ISBN-10 (with an X check digit too), when read, then it becomes the book's ISBN-13", () => {
    expect(gtinDigits("0-306-40615-2")).toBe("9780306406157");
    expect(gtinDigits("080442957X")).toBe("9780804429573");
  });

  it("given what sellers write when there is no barcode, or a number of no GTIN length, when read, then there is none", () => {
    expect(gtinDigits("Does not apply")).toBeNull();
    expect(gtinDigits("12345")).toBeNull();
    expect(gtinDigits("12345678901")).toBeNull();
    expect(gtinDigits("")).toBeNull();
    expect(gtinDigits(undefined)).toBeNull();
  });

  it("given several candidates, when the first is no barcode, then the next one that is wins", () => {
    expect(firstGtin(["Does not apply", undefined, "4006381333931"])).toBe("4006381333931");
    expect(firstGtin([])).toBeNull();
  });
});
