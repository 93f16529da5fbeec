// eBay's content rules: which content fields its connector carries (and under which names),
// which are synced by default, the default templates, and the limits content is cut to and checked
// against (content/ adapts and validates with them). Every limit names where eBay states it.
import type { ChannelContentRules } from "~/lib/content-rules";
import { PRODUCT_TEXT_MAX_LENGTH } from "./rules";

const EBAY_CONTRACT = "eBay Inventory API Product schema, simulators/contracts/ebay-sell/sell_inventory_v1_oas3.json";

/** Tags eBay's Product.description supports ("Basic HTML tags are supported...", Inventory API definition). */
const EBAY_DESCRIPTION_TAGS: ReadonlySet<string> = new Set([
  "b",
  "strong",
  "br",
  "ol",
  "ul",
  "li",
  "table",
  "tr",
  "td",
  "th",
  "thead",
  "tfoot",
  "tbody",
  "caption",
  "colgroup",
  "col",
]);

export const EBAY_CONTENT_RULES: ChannelContentRules = {
  // The connector writes these into the inventory item's product (app/channels/ebay/content.ts).
  carried: { title: true, description: true, images: true, gtin: true, brand: true, subtitle: true },
  wireNames: { images: "imageUrls" },
  // The subtitle is unique to eBay and "an additional listing fee will be charged" for it
  // (Product.subtitle, Inventory API definition): only when the merchant turns it on.
  syncedByDefault: ["title", "description", "images", "gtin", "brand"],
  templates: { title: "{{title}} {{options}}", description: "{{description_html}}", subtitle: "{{metafields.custom.subtitle}}" },
  // "Max Length: 80"; "required before an offer can be published" (Product.title).
  title: { max: PRODUCT_TEXT_MAX_LENGTH.title, required: true, source: EBAY_CONTRACT },
  // "Max Length: 4000", basic HTML tags supported, no active content; required to publish.
  description: { max: PRODUCT_TEXT_MAX_LENGTH.description, required: true, html: EBAY_DESCRIPTION_TAGS, source: EBAY_CONTRACT },
  subtitle: { max: PRODUCT_TEXT_MAX_LENGTH.subtitle, required: false, source: EBAY_CONTRACT },
  brand: { max: PRODUCT_TEXT_MAX_LENGTH.brand, required: false, source: EBAY_CONTRACT },
  images: {
    // Product.imageUrls: "URLs must use the HTTPS protocol", "at least one image must exist ...
    // before an offer can be published", "up to 24 pictures in one listing"; photos "at least 500
    // pixels on the longest side" (eBay picture policy, https://www.ebay.com/help/policies/listing-policies/picture-policy?id=4370).
    minCount: 1,
    maxCount: 24,
    httpsOnly: true,
    minLongestSidePx: 500,
    source: EBAY_CONTRACT,
  },
  // Product.upc and Product.ean (Inventory API definition); a 14-digit GTIN has no field of its own.
  gtin: { fieldByLength: { 12: "upc", 13: "ean" }, required: false, source: EBAY_CONTRACT },
};
