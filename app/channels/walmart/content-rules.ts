// Walmart's content rules: which content fields its connector carries (and under which names),
// which are synced by default, the default templates, and the limits content is cut to and checked
// against (content/ adapts and validates with them). Every limit names where Walmart states it.
import type { ChannelContentRules } from "~/lib/content-rules";

const WALMART_DETAILS_POLICY =
  "Walmart Marketplace Learn, Product details policy, https://marketplacelearn.walmart.com/guides/Item%20setup/Item%20content,%20imagery,%20and%20media/Product-Detail-Page:-overview";
/** Paragraph and list markup only: Walmart's item pages render the description as the seller's copy. */
const WALMART_DESCRIPTION_TAGS: ReadonlySet<string> = new Set(["p", "br", "b", "strong", "i", "em", "ul", "ol", "li"]);

export const WALMART_CONTENT_RULES: ChannelContentRules = {
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
};
