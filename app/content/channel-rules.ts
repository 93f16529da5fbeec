// Per channel kind: which content fields its connector carries (and under which names), which are
// synced by default, the default templates, and the limits content is cut to and checked against.
// Every limit names where the marketplace states it.
import type { ChannelKind } from "@prisma/client";
import { PRODUCT_TEXT_MAX_LENGTH as EBAY_PRODUCT_TEXT_MAX_LENGTH } from "~/channels/ebay/rules";
import type { ContentField } from "./fields";

export interface TextRule {
  max: number;
  required: boolean;
  /** Characters the channel refuses in this field. */
  forbidden?: readonly string[];
  source: string;
}

export interface DescriptionRule extends TextRule {
  /** "strip": plain text only; otherwise the tags kept (everything else is removed, text kept). */
  html: "strip" | ReadonlySet<string>;
}

export interface BulletRule {
  maxCount: number;
  maxLength: number;
  source: string;
}

export interface ImageRule {
  minCount: number;
  maxCount: number;
  httpsOnly: boolean;
  /** Smallest allowed longest side, in pixels, where the channel sets one. */
  minLongestSidePx?: number;
  source: string;
}

export interface ChannelContentRules {
  /** The fields the channel's connector can send, and the name its pushContent takes each under. */
  carried: Partial<Record<ContentField, true>>;
  /** Synced unless Channel.settings.content.fields says otherwise. */
  syncedByDefault: readonly ContentField[];
  templates: { title: string; description: string; subtitle?: string };
  title?: TextRule;
  description?: DescriptionRule;
  bullets?: BulletRule;
  images?: ImageRule;
  brand?: TextRule;
  subtitle?: TextRule;
  /** GTIN lengths the channel takes and the field each goes to. */
  gtin?: { fieldByLength: Record<number, string>; required: boolean; source: string };
  /** The connector's name for a field, where it is not the field's own (eBay: images → imageUrls). */
  wireNames?: Partial<Record<ContentField, string>>;
  /** Why the connector carries nothing yet (shown on the preview). */
  unsupported?: string;
}

const AMAZON_TITLE_SOURCE = "Amazon, Product title requirements and guidelines, https://sellercentral-europe.amazon.com/help/hub/reference/external/201100890";
const EBAY_CONTRACT = "eBay Inventory API Product schema, shared/contracts/ebay-sell/sell_inventory_v1_oas3.json";

/** Tags eBay's Product.description supports ("Basic HTML tags are supported...", Inventory API definition). */
const EBAY_DESCRIPTION_TAGS: ReadonlySet<string> = new Set(["b", "strong", "br", "ol", "ul", "li", "table", "tr", "td", "th", "thead", "tfoot", "tbody", "caption", "colgroup", "col"]);

const NOTHING: Omit<ChannelContentRules, "unsupported"> = { carried: {}, syncedByDefault: [], templates: { title: "{{title}}", description: "{{description}}" } };

export const CHANNEL_CONTENT_RULES: Record<ChannelKind, ChannelContentRules> = {
  AMAZON: {
    // The connector writes item_name, product_description and bullet_point (app/channels/amazon/patches.ts).
    carried: { title: true, description: true, bullets: true },
    syncedByDefault: ["title", "description", "bullets"],
    templates: { title: "{{vendor}} {{title}} – {{options}}", description: "{{description}}" },
    title: {
      // "Titles must not exceed 200 characters, including spaces" and "must not use the following
      // special characters: !, $, ?, _, {, }, ^, ¬, ¦".
      max: 200,
      required: true,
      forbidden: ["!", "$", "?", "_", "{", "}", "^", "¬", "¦"],
      source: AMAZON_TITLE_SOURCE,
    },
    description: {
      // "Don't use HTML, JavaScript, or other types of code in your product detail pages"
      // (https://sellercentral.amazon.com/gp/help/external/help.html?itemID=200390640); 2,000
      // characters is product_description's maxLength in Amazon's product type definitions
      // (Product Type Definitions API, getDefinitionsProductType).
      max: 2000,
      required: false,
      html: "strip",
      source: "https://sellercentral.amazon.com/gp/help/external/help.html?itemID=200390640",
    },
    bullets: {
      // bullet_point: at most 5 values of at most 500 characters (Amazon product type definitions,
      // getDefinitionsProductType; Seller Central "Bullet point requirements").
      maxCount: 5,
      maxLength: 500,
      source: "Amazon product type definitions (bullet_point), https://developer-docs.amazon.com/sp-api/docs/product-type-definitions-api",
    },
  },
  EBAY: {
    // The connector writes these into the inventory item's product (app/channels/ebay/content.ts).
    carried: { title: true, description: true, images: true, gtin: true, brand: true, subtitle: true },
    wireNames: { images: "imageUrls" },
    // The subtitle is unique to eBay and "an additional listing fee will be charged" for it
    // (Product.subtitle, Inventory API definition): only when the merchant turns it on.
    syncedByDefault: ["title", "description", "images", "gtin", "brand"],
    templates: { title: "{{title}} {{options}}", description: "{{description_html}}", subtitle: "{{metafields.custom.subtitle}}" },
    // "Max Length: 80"; "required before an offer can be published" (Product.title).
    title: { max: EBAY_PRODUCT_TEXT_MAX_LENGTH.title, required: true, source: EBAY_CONTRACT },
    // "Max Length: 4000", basic HTML tags supported, no active content; required to publish.
    description: { max: EBAY_PRODUCT_TEXT_MAX_LENGTH.description, required: true, html: EBAY_DESCRIPTION_TAGS, source: EBAY_CONTRACT },
    subtitle: { max: EBAY_PRODUCT_TEXT_MAX_LENGTH.subtitle, required: false, source: EBAY_CONTRACT },
    brand: { max: EBAY_PRODUCT_TEXT_MAX_LENGTH.brand, required: false, source: EBAY_CONTRACT },
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
  },
  WALMART: { ...NOTHING, unsupported: "The Walmart connector does not send content yet (its item feed is not implemented): only quantities and prices go." },
  TIKTOK: { ...NOTHING, unsupported: "The TikTok Shop connector does not send content yet: only quantities and prices go." },
  SHOPIFY: { ...NOTHING, unsupported: "Shopify is the anchor: content comes from it, nothing is sent to it." },
};
