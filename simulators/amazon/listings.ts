// Listings Items API behaviour: how a set of JSON Patch operations lands on a listing, and how a
// listing is shown by getListingsItem. The same code serves patchListingsItem and the PATCH /
// PARTIAL_UPDATE messages of a JSON_LISTINGS_FEED, as Amazon applies both through one pipeline.
//
// Amazon checks attribute values against the product type's JSON Schema (Product Type Definitions
// API), which is served at run time and not among the copied contracts. The checks below cover the
// attributes Anchorline writes, with Amazon's issue codes and wording where they are known:
// 4000001 "The provided value for '...' is invalid." and 99022 "... does not have enough values"
// (both from Amazon's answers quoted in amzn/selling-partner-api-models issues #5219 and #493, and
// 99022 in listings-feed-processing-report-schema-v2.example.json), 4000003 for a product type
// (issue #5241). See README.md for what this leaves out.
import { marketplaceFacts } from "./marketplaces";
import { listingStatus, nowIso, offerOf, type AttributeValue, type ListingIssue, type ListingRecord, type SellerState } from "./state";

export interface PatchOperation {
  op: "add" | "replace" | "merge" | "delete";
  path: string;
  value?: AttributeValue[];
}

export interface Submission {
  status: "ACCEPTED" | "INVALID";
  issues: ListingIssue[];
}

/** The product types the simulator knows: Amazon's generic offer-only type and each listing's own. */
const GENERIC_PRODUCT_TYPE = "PRODUCT";

/** "Titles must not exceed 200 characters, including spaces" (Amazon product title requirements, Seller Central help). */
const ITEM_NAME_MAX = 200;

const invalidValue = (attribute: string, label: string): ListingIssue => ({
  code: "4000001",
  message: `The provided value for '${label}' is invalid.`,
  severity: "ERROR",
  attributeNames: [attribute],
  categories: ["INVALID_ATTRIBUTE"],
});

const tooFewValues = (field: string, attribute: string): ListingIssue => ({
  code: "99022",
  message: `The field '${field}' for the attribute '${attribute}' does not have enough values. The required minimum is '1' value(s).`,
  severity: "ERROR",
  attributeNames: [attribute],
  categories: ["MISSING_ATTRIBUTE"],
});

function checkFulfillment(values: AttributeValue[]): ListingIssue[] {
  const issues: ListingIssue[] = [];
  for (const entry of values) {
    if (typeof entry.fulfillment_channel_code !== "string" || !entry.fulfillment_channel_code)
      issues.push(tooFewValues("fulfillment_channel_code", "fulfillment_availability"));
    if (entry.quantity !== undefined && !(Number.isInteger(entry.quantity) && (entry.quantity as number) >= 0))
      issues.push(invalidValue("fulfillment_availability", "Quantity"));
  }
  return issues;
}

function checkOffer(values: AttributeValue[], marketplaceId: string, merging: boolean): ListingIssue[] {
  const issues: ListingIssue[] = [];
  const { currency } = marketplaceFacts(marketplaceId);
  for (const offer of values) {
    if (offer.marketplace_id !== undefined && offer.marketplace_id !== marketplaceId) issues.push(invalidValue("purchasable_offer", "Marketplace"));
    if (offer.currency !== undefined && offer.currency !== currency) issues.push(invalidValue("purchasable_offer", "Currency"));
    const schedule = (offer.our_price as Array<{ schedule?: Array<{ value_with_tax?: unknown }> }> | undefined)?.[0]?.schedule;
    if (!schedule?.length) {
      // A merge may leave our_price as it was; a replace must say it.
      if (!merging || offer.our_price !== undefined) issues.push(tooFewValues("prices", "purchasable_offer.our_price"));
      continue;
    }
    const price = schedule[0]?.value_with_tax;
    if (typeof price !== "number" || !(price > 0)) issues.push(invalidValue("purchasable_offer", "Your Price"));
  }
  return issues;
}

function checkText(attribute: string, values: AttributeValue[]): ListingIssue[] {
  const issues: ListingIssue[] = [];
  for (const entry of values) {
    if (typeof entry.value !== "string" || !entry.value.trim()) issues.push(tooFewValues("value", attribute));
    else if (attribute === "item_name" && entry.value.length > ITEM_NAME_MAX) issues.push(invalidValue(attribute, "Item Name"));
  }
  return issues;
}

function checkPatch(patch: PatchOperation, marketplaceId: string): ListingIssue[] {
  const attribute = /^\/attributes\/([a-z0-9_]+)$/.exec(patch.path)?.[1];
  if (!attribute) {
    // "Only top-level listings item attributes can be patched" (patchListingsItem description).
    return [
      {
        code: "4000001",
        message: `The provided path '${patch.path}' is invalid. Only top-level attributes can be patched.`,
        severity: "ERROR",
        categories: ["INVALID_ATTRIBUTE"],
      },
    ];
  }
  if (patch.op === "delete") return [];
  const values = patch.value ?? [];
  if (!values.length) return [tooFewValues("value", attribute)];
  switch (attribute) {
    case "fulfillment_availability":
      return checkFulfillment(values);
    case "purchasable_offer":
      return checkOffer(values, marketplaceId, patch.op === "merge");
    case "item_name":
    case "product_description":
    case "bullet_point":
      return checkText(attribute, values);
    default:
      return [];
  }
}

/** The selector properties that identify one entry of an attribute (Amazon's "selectors"). */
function selectorOf(attribute: string, entry: AttributeValue, marketplaceId: string): string {
  if (attribute === "fulfillment_availability") return String(entry.fulfillment_channel_code);
  if (attribute === "purchasable_offer") return [entry.marketplace_id ?? marketplaceId, entry.currency ?? "", entry.audience ?? "ALL"].join("|");
  return String(entry.marketplace_id ?? marketplaceId) + "|" + String(entry.language_tag ?? "");
}

function applyPatch(record: ListingRecord, patch: PatchOperation, marketplaceId: string) {
  const attribute = patch.path.slice("/attributes/".length);
  const values = (patch.value ?? []).map((v) => ({ ...v, marketplace_id: v.marketplace_id ?? marketplaceId }));
  if (patch.op === "delete") {
    delete record.attributes[attribute];
    return;
  }
  if (patch.op !== "merge" || !record.attributes[attribute]) {
    record.attributes[attribute] = values;
    return;
  }
  // merge: entries with the same selectors are merged field by field (nested our_price replaced
  // whole), the others kept; this is why merge preserves lead times and discounts that replace drops.
  const current = record.attributes[attribute];
  for (const value of values) {
    const key = selectorOf(attribute, value, marketplaceId);
    const existing = current.find((c) => selectorOf(attribute, c, marketplaceId) === key);
    if (existing) Object.assign(existing, value);
    else current.push(value);
  }
}

/**
 * Applies a submission all-or-nothing: any ERROR issue makes it INVALID and nothing changes. A SKU
 * the seller does not have is created as an offer-only listing, which is what Amazon does (it
 * answers ACCEPTED: "you are successfully sending us [the offer], but that doesn't mean you have a
 * complete buyable listing", amzn/selling-partner-api-docs issue #3748); the new listing carries
 * an ERROR issue and is neither buyable nor discoverable, which getListingsItem shows.
 */
export function submitPatches(seller: SellerState, sku: string, productType: string, patches: PatchOperation[]): Submission {
  const existing = seller.listings.get(sku);
  if (productType !== GENERIC_PRODUCT_TYPE && productType !== existing?.productType) {
    return {
      status: "INVALID",
      issues: [
        { code: "4000003", message: "The Amazon product type specified is invalid or not supported.", severity: "ERROR", categories: ["INVALID_ATTRIBUTE"] },
      ],
    };
  }
  const issues = patches.flatMap((p) => checkPatch(p, seller.marketplaceId));
  if (issues.some((i) => i.severity === "ERROR")) return { status: "INVALID", issues };
  const at = nowIso();
  const record: ListingRecord = existing ?? {
    sku,
    productType,
    fulfilledByAmazon: false,
    attributes: {},
    issues: [
      {
        code: "SIMULATED_OFFER_WITHOUT_PRODUCT", // the simulator's own code: Amazon's is not documented
        message: "The SKU has an offer but no product data. Provide the product (an ASIN or product details) to make it buyable.",
        severity: "ERROR",
        categories: ["MISSING_ATTRIBUTE"],
      },
    ],
    createdAt: at,
    updatedAt: at,
  };
  for (const patch of patches) applyPatch(record, patch, seller.marketplaceId);
  record.updatedAt = at;
  seller.listings.set(sku, record);
  return { status: "ACCEPTED", issues };
}

export const INCLUDED_DATA_DEFAULT = ["summaries"];

/** getListingsItem's Item for the datasets asked for (includedData; "summaries" by default). */
export function renderItem(seller: SellerState, record: ListingRecord, includedData: string[]): Record<string, unknown> {
  const marketplaceId = seller.marketplaceId;
  const item: Record<string, unknown> = { sku: record.sku };
  const wants = new Set(includedData.length ? includedData : INCLUDED_DATA_DEFAULT);
  if (wants.has("summaries")) {
    const itemName = record.attributes.item_name?.[0]?.value;
    item.summaries = [
      {
        marketplaceId,
        ...(record.asin ? { asin: record.asin } : {}),
        productType: record.productType,
        conditionType: "new_new",
        status: listingStatus(record, marketplaceId),
        ...(typeof itemName === "string" ? { itemName } : {}),
        createdDate: record.createdAt,
        lastUpdatedDate: record.updatedAt,
      },
    ];
  }
  if (wants.has("attributes")) item.attributes = record.attributes;
  if (wants.has("issues")) item.issues = record.issues;
  if (wants.has("offers")) {
    const offer = offerOf(record, marketplaceId);
    const price = (offer?.our_price as Array<{ schedule?: Array<{ value_with_tax?: number }> }> | undefined)?.[0]?.schedule?.[0]?.value_with_tax;
    item.offers =
      typeof price === "number"
        ? [
            {
              marketplaceId,
              offerType: "B2C",
              price: { currencyCode: String(offer?.currency ?? marketplaceFacts(marketplaceId).currency), amount: price.toFixed(2) },
            },
          ]
        : [];
  }
  if (wants.has("fulfillmentAvailability")) {
    item.fulfillmentAvailability = (record.attributes.fulfillment_availability ?? []).map((f) => ({
      fulfillmentChannelCode: String(f.fulfillment_channel_code),
      ...(typeof f.quantity === "number" ? { quantity: f.quantity } : {}),
    }));
  }
  return item;
}
