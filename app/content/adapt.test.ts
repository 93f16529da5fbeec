import { ChannelKind } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { adaptContent, contentSettings, fieldMap } from "./adapt";
import { contentRulesOf } from "~/channels/registry";
import { contentToPush, withAcknowledged } from "./diff";
import { renderTemplate, unknownPlaceholders, type ContentSource } from "./template";
import { paragraphsOf, sanitizeHtml, stripHtml, truncateAtWord } from "./transforms";
import { gtinCheckDigitValid, validateContent } from "./validate";

function source(overrides: { product?: Partial<ContentSource["product"]>; variant?: Partial<ContentSource["variant"]> } = {}): ContentSource {
  return {
    product: {
      title: "Stoneware Mug",
      vendor: "Acme",
      productType: "Mug",
      handle: "stoneware-mug",
      tags: ["kitchen"],
      descriptionHtml: "<p>Hand <strong>glazed</strong> stoneware.</p><p>Dishwasher safe.</p>",
      content: { images: [{ src: "https://cdn.example.com/mug.jpg", width: 1200, height: 1200 }] },
      ...overrides.product,
    },
    variant: { title: "Blue", sku: "MUG-BLUE", barcode: "036000291452", option1: "Blue", option2: null, option3: null, ...overrides.variant },
  };
}

const defaults = contentSettings({});
const longTitle =
  "Handmade Stoneware Coffee Mug with Speckled Reactive Glaze and Comfortable Large Handle for Tea Latte Cappuccino Hot Chocolate Microwave and Dishwasher Safe Kitchen Gift for Coffee Lovers Set of One Piece";

describe("templates", () => {
  it("given a variant with an option, when the template joins vendor, title and option, then each is filled in", () => {
    expect(renderTemplate("{{vendor}} {{title}} – {{option1}}", source())).toBe("Acme Stoneware Mug – Blue");
  });

  it("given the only variant of a product without options, when the template ends with ' – {{option1}}', then the dangling separator goes too", () => {
    expect(renderTemplate("{{vendor}} {{title}} – {{option1}}", source({ variant: { option1: "Default Title", title: "Default Title" } }))).toBe(
      "Acme Stoneware Mug",
    );
  });

  it("given a metafield list, when a template names it, then its items are joined; an unknown placeholder is reported", () => {
    const s = source({ product: { content: { metafields: { "custom.material": '["Stoneware","Glaze"]' } } } });
    expect(renderTemplate("{{title}} ({{metafields.custom.material}})", s)).toBe("Stoneware Mug (Stoneware, Glaze)");
    expect(unknownPlaceholders("{{title}} {{colour}} {{metafields.custom.x}}")).toEqual(["colour"]);
  });
});

describe("transforms", () => {
  it("cuts at the last word boundary that fits, without a dangling separator", () => {
    expect(truncateAtWord("Blue mug – large size", 13)).toBe("Blue mug");
    expect(truncateAtWord("Supercalifragilistic", 5)).toBe("Super");
  });

  it("strips HTML to text with line breaks, or keeps only allowed tags without attributes", () => {
    const html = '<p style="x">Hand <b onclick="evil()">glazed</b> &amp; fired</p><script>alert(1)</script><ul><li>Safe</li></ul>';
    expect(stripHtml(html)).toBe("Hand glazed & fired\nSafe");
    expect(sanitizeHtml(html, new Set(["b", "br", "ul", "li"]))).toBe("Hand <b>glazed</b> &amp; fired<br><ul><li>Safe</li></ul>");
  });

  it("takes bullets from list items when the description has them, else from paragraphs", () => {
    expect(paragraphsOf("<p>Intro</p><ul><li>One</li><li>Two</li></ul>")).toEqual(["One", "Two"]);
    expect(paragraphsOf("<p>One</p><p>Two</p>")).toEqual(["One", "Two"]);
  });
});

describe("content adapted per channel", () => {
  it("given a title longer than Amazon's 200 and eBay's 80 characters, when adapted, then each gets it cut at a word boundary in its own form", () => {
    const s = source({ product: { title: longTitle } });
    const amazon = adaptContent(contentRulesOf("AMAZON"), defaults, s);
    const ebay = adaptContent(contentRulesOf("EBAY"), defaults, s);
    const amazonTitle = amazon.desired!.fields.title as string;
    const ebayTitle = ebay.desired!.fields.title as string;
    expect(amazonTitle.startsWith("Acme Handmade Stoneware")).toBe(true);
    expect(amazonTitle.length).toBeLessThanOrEqual(200);
    expect(ebayTitle).toBe("Handmade Stoneware Coffee Mug with Speckled Reactive Glaze and Comfortable Large");
    expect(ebayTitle.length).toBeLessThanOrEqual(80);
    expect(`${longTitle} Blue`.startsWith(ebayTitle)).toBe(true);
    expect(amazon.desired!.issues).toEqual([]);
  });

  it("given Amazon's forbidden title characters in the product title, when adapted from the template, then they are removed", () => {
    const { desired } = adaptContent(contentRulesOf("AMAZON"), defaults, source({ product: { title: "Wow! Mug {Limited}?" } }));
    expect(desired!.fields.title).toBe("Acme Wow Mug Limited – Blue");
  });

  it("given an HTML description, when adapted, then Amazon gets plain text and eBay keeps its supported tags", () => {
    const s = source({ product: { descriptionHtml: '<p>Hand <strong>glazed</strong>.</p><p><a href="x">Dishwasher</a> safe.</p>' } });
    expect(adaptContent(contentRulesOf("AMAZON"), defaults, s).desired!.fields.description).toBe("Hand glazed.\nDishwasher safe.");
    expect(adaptContent(contentRulesOf("EBAY"), defaults, s).desired!.fields.description).toBe("Hand <strong>glazed</strong>.<br>Dishwasher safe.");
  });

  it("given a bullets metafield with seven items, when adapted for Amazon, then the first five go; without it, the description's paragraphs", () => {
    const items = ["One", "Two", "Three", "Four", "Five", "Six", "Seven"];
    const withList = source({ product: { content: { metafields: { "custom.bullets": JSON.stringify(items) } } } });
    expect(adaptContent(contentRulesOf("AMAZON"), defaults, withList).desired!.fields.bullets).toEqual(items.slice(0, 5));
    expect(adaptContent(contentRulesOf("AMAZON"), defaults, source()).desired!.fields.bullets).toEqual(["Hand glazed stoneware.", "Dishwasher safe."]);
    // eBay has no bullet field: nothing of the kind goes there.
    expect(adaptContent(contentRulesOf("EBAY"), defaults, withList).desired!.fields).not.toHaveProperty("bullets");
  });

  it("given a 12-digit UPC, eBay gets it as upc, and images as HTTPS URLs under imageUrls", () => {
    const { desired } = adaptContent(contentRulesOf("EBAY"), defaults, source());
    expect(desired!.fields).toMatchObject({ upc: ["036000291452"], imageUrls: ["https://cdn.example.com/mug.jpg"], brand: "Acme" });
  });

  it("given a variant without a barcode, eBay's content still goes (a warning) and no GTIN field is sent", () => {
    const { desired } = adaptContent(contentRulesOf("EBAY"), defaults, source({ variant: { barcode: null } }));
    expect(desired!.issues).toEqual([{ field: "gtin", severity: "warning", message: "the variant has no barcode (GTIN/UPC/EAN) in Shopify" }]);
    expect(desired!.fields).not.toHaveProperty("upc");
    expect(contentToPush(desired, null)).not.toBeNull();
  });

  it("given a barcode with a wrong check digit, eBay's content is blocked and says why", () => {
    const { desired } = adaptContent(contentRulesOf("EBAY"), defaults, source({ variant: { barcode: "036000291453" } }));
    expect(desired!.issues.map((i) => [i.field, i.severity])).toEqual([["gtin", "error"]]);
    expect(contentToPush(desired, null)).toBeNull();
  });

  it("given a product without images, eBay's content is blocked field by field (an image is required)", () => {
    const { desired } = adaptContent(contentRulesOf("EBAY"), defaults, source({ product: { content: {} } }));
    expect(desired!.issues).toEqual([expect.objectContaining({ field: "images", severity: "error", message: expect.stringContaining("at least 1 required") })]);
  });

  it("given a listing override with forbidden characters, it is sent as typed or not at all: Amazon's validation blocks it", () => {
    const { desired } = adaptContent(contentRulesOf("AMAZON"), defaults, source(), { title: "Best mug ever!" });
    expect(desired!.fields.title).toBe("Best mug ever!");
    expect(desired!.issues).toEqual([expect.objectContaining({ field: "title", severity: "error", message: expect.stringContaining('"!"') })]);
  });

  it("given Walmart, when adapted, then it gets a title of at most 150 characters without its forbidden characters, paragraph HTML, key features, images and the brand, named as its item feed names them", () => {
    const s = source({
      product: { title: `Wow! ${longTitle}`, content: { images: [{ src: "https://cdn.example.com/a.jpg" }, { src: "https://cdn.example.com/b.jpg" }] } },
    });
    const { desired } = adaptContent(contentRulesOf("WALMART"), defaults, s);
    const fields = desired!.fields;
    expect((fields.productName as string).startsWith("Acme Wow Handmade Stoneware")).toBe(true);
    expect((fields.productName as string).length).toBeLessThanOrEqual(150);
    expect(fields).toMatchObject({
      shortDescription: "<p>Hand <strong>glazed</strong> stoneware.</p><p>Dishwasher safe.</p>",
      keyFeatures: ["Hand glazed stoneware.", "Dishwasher safe."],
      images: ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg"],
      brand: "Acme",
    });
    expect(Object.keys(fields).sort()).toEqual(["brand", "images", "keyFeatures", "productName", "shortDescription"]);
    expect(desired!.issues).toEqual([]);
  });

  it("given TikTok, when adapted, then the product's own title goes without variant options and the description keeps text markup but no <img>", () => {
    const s = source({
      product: { descriptionHtml: '<p>Hand <em>glazed</em>.</p><img src="https://cdn.shopify.com/x.jpg"><table><tr><td>Size</td></tr></table>' },
    });
    const { desired, map } = adaptContent(contentRulesOf("TIKTOK"), defaults, s);
    expect(desired!.fields).toEqual({ title: "Stoneware Mug", description: "<p>Hand <em>glazed</em>.</p>Size" });
    expect(map.find((r) => r.field === "images")).toMatchObject({ synced: false, reason: "this channel's connector does not send this field" });
  });

  it("given a product without a description or images, when adapted for Walmart, then those fields are left out rather than sent empty", () => {
    const { desired } = adaptContent(contentRulesOf("WALMART"), defaults, source({ product: { descriptionHtml: null, content: {} } }));
    expect(Object.keys(desired!.fields).sort()).toEqual(["brand", "productName"]);
  });
});

describe("the field map", () => {
  it("gives each kind's defaults: identical, adapted and unique fields, and why a field does not go", () => {
    const ebay = Object.fromEntries(fieldMap(contentRulesOf("EBAY"), defaults).map((r) => [r.field, r]));
    expect(ebay.gtin).toMatchObject({ sharing: "identical", synced: true });
    expect(ebay.title).toMatchObject({ sharing: "adapted", synced: true });
    expect(ebay.subtitle).toMatchObject({ sharing: "unique", carried: true, synced: false, reason: "turned off for this channel" });
    expect(ebay.weight).toMatchObject({ carried: false, synced: false });
    expect(fieldMap(contentRulesOf("SHOPIFY"), defaults).every((r) => !r.synced && r.reason === contentRulesOf("SHOPIFY").unsupported)).toBe(true);
  });

  it("lets Channel.settings turn a field off, or on where the connector carries it, and use its own template", () => {
    const settings = contentSettings({
      content: { fields: { title: false, subtitle: true, weight: true }, templates: { subtitle: "{{product_type}} by {{vendor}}" } },
    });
    const { desired, map } = adaptContent(contentRulesOf("EBAY"), settings, source());
    expect(desired!.fields).not.toHaveProperty("title");
    expect(desired!.fields.subtitle).toBe("Mug by Acme");
    expect(map.find((r) => r.field === "weight")!.synced).toBe(false);
  });

  it("ignores malformed settings and falls back to the defaults", () => {
    expect(contentSettings({ content: { fields: "all" } })).toEqual(contentSettings({}));
  });
});

describe("validation", () => {
  it("reports every failing field with the channel's limit and source", () => {
    const rules = contentRulesOf("AMAZON");
    const issues = validateContent(
      rules,
      { title: "x".repeat(201), description: "<p>hi</p>", bullets: Array(6).fill("ok") },
      new Set(["title", "description", "bullets"]),
    );
    expect(issues.map((i) => i.field)).toEqual(["title", "description", "bullets"]);
    expect(issues[0].message).toContain("201 characters; at most 200");
    expect(issues[0].message).toContain("sellercentral");
  });

  it("given content failing every rule of every channel, when it is validated, then no message names a file of the repository, only the channel's public page where it has one", () => {
    const failing = {
      title: "",
      description: "<p>x</p>".repeat(20_000),
      bullets: Array(20).fill("<b>" + "x".repeat(2_000) + "</b>"),
      images: Array(30).fill({ src: "http://x/a.jpg" }),
      gtin: "12345670",
      brand: "x".repeat(2_000),
      subtitle: "x".repeat(2_000),
    };
    const everyField = new Set(["title", "description", "bullets", "images", "gtin", "brand", "subtitle"] as const);
    for (const kind of Object.values(ChannelKind)) {
      const messages = validateContent(contentRulesOf(kind), failing, everyField).map((i) => i.message);
      for (const message of messages) expect(message).not.toMatch(/contracts\/|simulators\/|shared\/|\.json|\.ya?ml/);
    }
    const ebayTitle = validateContent(contentRulesOf("EBAY"), { title: "x".repeat(81) }, new Set(["title"]))[0].message;
    expect(ebayTitle).toBe("81 characters; at most 80 allowed");
  });

  it("rejects non-HTTPS and too-small images on eBay", () => {
    const issues = validateContent(
      contentRulesOf("EBAY"),
      { images: [{ src: "http://x/a.jpg" }, { src: "https://x/b.jpg", width: 300, height: 200 }] },
      new Set(["images"]),
    );
    expect(issues.map((i) => i.message)).toEqual([expect.stringContaining("image 1 is not an HTTPS URL"), expect.stringContaining("image 2 is 300 px")]);
  });

  it("checks GTIN check digits", () => {
    expect(gtinCheckDigitValid("036000291452")).toBe(true);
    expect(gtinCheckDigitValid("4006381333931")).toBe(true);
    expect(gtinCheckDigitValid("4006381333932")).toBe(false);
  });
});

describe("what is pushed", () => {
  it("pushes only the fields that differ from what the channel acknowledged", () => {
    const desired = { fields: { title: "New", description: "Same" }, issues: [] };
    const pushed = withAcknowledged(null, { title: "Old", description: "Same" });
    expect(contentToPush(desired, pushed)).toEqual({ title: "New" });
    expect(contentToPush(desired, withAcknowledged(pushed, { title: "New" }))).toBeNull();
  });
});
