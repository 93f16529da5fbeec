// Amazon's content rules: which content fields its connector carries (and under which names),
// which are synced by default, the default templates, and the limits content is cut to and checked
// against (content/ adapts and validates with them). Every limit names where Amazon states it.
import type { ChannelContentRules } from "~/lib/content-rules";

const AMAZON_TITLE_SOURCE = "Amazon, Product title requirements and guidelines, https://sellercentral-europe.amazon.com/help/hub/reference/external/201100890";

export const AMAZON_CONTENT_RULES: ChannelContentRules = {
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
};
