// TikTok Shop's content rules: which content fields its connector carries (and under which names),
// which are synced by default, the default templates, and the limits content is cut to and checked
// against (content/ adapts and validates with them). Every limit names where TikTok Shop states it.
import type { ChannelContentRules } from "~/lib/content-rules";

const TIKTOK_PARTIAL_EDIT = "TikTok Shop Partner API, Partial Edit Product (POST /product/202309/products/{product_id}/partial_edit), partner.tiktokshop.com";
/**
 * TikTok accepts any HTML but turns some tags into other forms (a <table> becomes an image) and
 * takes <img> only with TikTok-hosted URLs (Partial Edit Product, description): text markup only.
 */
const TIKTOK_DESCRIPTION_TAGS: ReadonlySet<string> = new Set(["p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li"]);

export const TIKTOK_CONTENT_RULES: ChannelContentRules = {
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
};
