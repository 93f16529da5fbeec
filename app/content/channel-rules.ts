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
const EBAY_CONTRACT = "eBay Inventory API Product schema, simulators/contracts/ebay-sell/sell_inventory_v1_oas3.json";

/** Tags eBay's Product.description supports ("Basic HTML tags are supported...", Inventory API definition). */
const EBAY_DESCRIPTION_TAGS: ReadonlySet<string> = new Set(["b", "strong", "br", "ol", "ul", "li", "table", "tr", "td", "th", "thead", "tfoot", "tbody", "caption", "colgroup", "col"]);

const WALMART_DETAILS_POLICY = "Walmart Marketplace Learn, Product details policy, https://marketplacelearn.walmart.com/guides/Item%20setup/Item%20content,%20imagery,%20and%20media/Product-Detail-Page:-overview";
/** Paragraph and list markup only: Walmart's item pages render the description as the seller's copy. */
const WALMART_DESCRIPTION_TAGS: ReadonlySet<string> = new Set(["p", "br", "b", "strong", "i", "em", "ul", "ol", "li"]);

const TIKTOK_PARTIAL_EDIT = "TikTok Shop Partner API, Partial Edit Product (POST /product/202309/products/{product_id}/partial_edit), partner.tiktokshop.com";
/**
 * TikTok accepts any HTML but turns some tags into other forms (a <table> becomes an image) and
 * takes <img> only with TikTok-hosted URLs (Partial Edit Product, description): text markup only.
 */
const TIKTOK_DESCRIPTION_TAGS: ReadonlySet<string> = new Set(["p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li"]);

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
  WALMART: {
    // The connector sends these through the MP_MAINTENANCE item feed, into the item's
    // Visible.<product type> section of Walmart's 5.0 item spec (app/channels/walmart/content.ts).
    carried: { title: true, description: true, bullets: true, images: true, brand: true },
    wireNames: { title: "productName", description: "shortDescription", bullets: "keyFeatures" },
    syncedByDefault: ["title", "description", "bullets", "images", "brand"],
    templates: { title: "{{vendor}} {{title}}, {{options}}", description: "{{description_html}}" },
    title: {
      // "Writing brief titles not exceeding 150 characters"; prohibited: "using special characters
      // (e.g., ~, !, *, $)" (Walmart Marketplace Learn, Product details policy).
      max: 150,
      required: true,
      forbidden: ["~", "!", "*", "$"],
      source: WALMART_DETAILS_POLICY,
    },
    description: {
      // shortDescription takes paragraph HTML (the 5.0 MP_ITEM example sends <p>); 4,000 characters
      // is shortDescription's maxLength in Walmart's earlier item specs. Assumption: 5.x allows at
      // least as much, which we could not check against a 5.x spec from here.
      max: 4000,
      required: false,
      html: WALMART_DESCRIPTION_TAGS,
      source: WALMART_DETAILS_POLICY,
    },
    bullets: {
      // Assumption: Walmart's policy asks for "three or more" key features and sets no count or
      // length we could verify; 10 of at most 500 characters keeps them the bullets they are meant to be.
      maxCount: 10,
      maxLength: 500,
      source: WALMART_DETAILS_POLICY,
    },
    images: {
      // mainImageUrl plus productSecondaryImageURL (item spec 5.0). An item keeps its images when
      // none are sent, so a maintenance feed needs none. Assumption: 10 in all, as we could not
      // verify Walmart's cap on secondary images.
      minCount: 0,
      maxCount: 10,
      httpsOnly: false,
      source: WALMART_DETAILS_POLICY,
    },
    // brand: maxLength 60 in Walmart's item specs (the attribute's definition since spec 3.x).
    brand: { max: 60, required: false, source: "Walmart item spec, brand (maxLength 60)" },
  },
  TIKTOK: {
    // The connector sends these with Partial Edit Product (app/channels/tiktok/content.ts). Images
    // are not carried: main_images take URIs from TikTok's Upload Product Image call, not URLs.
    carried: { title: true, description: true },
    syncedByDefault: ["title", "description"],
    // One title and description per TikTok product, shared by all its SKUs: no variant options.
    templates: { title: "{{title}}", description: "{{description_html}}" },
    // title: "Title length: DE, ES, FR, IE, IT, JP, UK, US: [1, 255]"; description "Max length:
    // 10,000 characters" in HTML (Partial Edit Product, Product API 202309).
    title: { max: 255, required: true, source: TIKTOK_PARTIAL_EDIT },
    description: { max: 10_000, required: false, html: TIKTOK_DESCRIPTION_TAGS, source: TIKTOK_PARTIAL_EDIT },
  },
  SHOPIFY: { ...NOTHING, unsupported: "Shopify is the anchor: content comes from it, nothing is sent to it." },
};
