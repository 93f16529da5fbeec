import { describe, expect, it } from "vitest";
import { gtinKey, matchListings } from "./listing-matching";

const variants = [
  { id: "v-kettle", sku: "KET-RED", barcode: "036000291452" },
  { id: "v-mug", sku: "MUG-1", barcode: "4006381333931" },
  { id: "v-lid-a", sku: "LID", barcode: null },
  { id: "v-lid-b", sku: " LID ", barcode: null },
  { id: "v-spoon", sku: null, barcode: "0 12345 67890 5" },
  { id: "v-case", sku: "Case-Blue", barcode: null },
];

describe("matching listings found on a marketplace to Shopify variants", () => {
  it("given a listing whose SKU is a variant's (trimmed, any letter case), when matched, then it is linked by SKU", () => {
    expect(matchListings([{ channelSku: " ket-red " }, { channelSku: "CASE-BLUE" }], variants, [])).toEqual([
      { channelSku: " ket-red ", outcome: "LINKED", linkedBy: "SKU", variantId: "v-kettle" },
      { channelSku: "CASE-BLUE", outcome: "LINKED", linkedBy: "SKU", variantId: "v-case" },
    ]);
  });

  it("given a listing whose SKU matches nothing but whose GTIN-14 is a variant's UPC-12 written with spaces, then it is linked by barcode", () => {
    expect(matchListings([{ channelSku: "WM-SPOON", gtin: "00012345678905" }], variants, [])).toEqual([
      { channelSku: "WM-SPOON", outcome: "LINKED", linkedBy: "BARCODE", variantId: "v-spoon" },
    ]);
  });

  it("given TikTok's own SKU id with the seller's SKU beside it, then the seller's SKU is what links", () => {
    expect(matchListings([{ channelSku: "1729384756", sellerSku: "MUG-1" }], variants, [])[0]).toMatchObject({ outcome: "LINKED", variantId: "v-mug" });
  });

  it("given a SKU two variants share, two listings with one SKU, and a barcode already taken by a SKU link, then each is a conflict naming why, with its candidates, and nothing of them is linked", () => {
    const matches = matchListings(
      [
        { channelSku: "LID" },
        { channelSku: "AMZ-MUG-A", sellerSku: "MUG-1" },
        { channelSku: "AMZ-MUG-B", sellerSku: "mug-1" },
        { channelSku: "KET-RED" },
        { channelSku: "OLD-KETTLE", gtin: "0036000291452" },
      ],
      variants,
      [],
    );
    expect(matches).toEqual([
      { channelSku: "LID", outcome: "CONFLICT", candidateVariantIds: ["v-lid-a", "v-lid-b"], conflict: "SKU LID is on 2 variants in Shopify" },
      { channelSku: "AMZ-MUG-A", outcome: "CONFLICT", candidateVariantIds: ["v-mug"], conflict: "SKU MUG-1 is also on 1 other listing here (AMZ-MUG-B)" },
      { channelSku: "AMZ-MUG-B", outcome: "CONFLICT", candidateVariantIds: ["v-mug"], conflict: "SKU mug-1 is also on 1 other listing here (AMZ-MUG-A)" },
      { channelSku: "KET-RED", outcome: "LINKED", linkedBy: "SKU", variantId: "v-kettle" },
      { channelSku: "OLD-KETTLE", outcome: "CONFLICT", candidateVariantIds: ["v-kettle"], conflict: "its variant is already linked to listing KET-RED here" },
    ]);
  });

  it("given listings linked before, then they stay as they are, and a new listing of a linked variant is a conflict", () => {
    const matches = matchListings([{ channelSku: "MY-KETTLE" }, { channelSku: "KET-RED" }], variants, [{ channelSku: "MY-KETTLE", variantId: "v-mug" }]);
    expect(matches).toEqual([
      { channelSku: "MY-KETTLE", outcome: "LINKED", linkedBy: "EARLIER", variantId: "v-mug" },
      { channelSku: "KET-RED", outcome: "LINKED", linkedBy: "SKU", variantId: "v-kettle" },
    ]);
    expect(matchListings([{ channelSku: "MUG-1" }], variants, [{ channelSku: "MY-MUG", variantId: "v-mug" }])[0]).toMatchObject({ outcome: "CONFLICT" });
  });

  it("given neither SKU nor barcode matching, or none given, then it is unmatched", () => {
    expect(
      matchListings(
        [
          { channelSku: "NOPE", gtin: "Does not apply" },
          { channelSku: "  ", gtin: null },
        ],
        variants,
        [],
      ).map((m) => m.outcome),
    ).toEqual(["UNMATCHED", "UNMATCHED"]);
  });

  it("pads GTIN-8, -12 and -13 to 14 digits and refuses what is no barcode", () => {
    expect([gtinKey("96385074"), gtinKey("036000291452"), gtinKey("4006381333931"), gtinKey("n/a")]).toEqual([
      "00000096385074",
      "00036000291452",
      "04006381333931",
      null,
    ]);
  });
});
