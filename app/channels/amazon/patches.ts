// What Anchorline changes on an Amazon listing, as Listings Items JSON Patch operations. The same
// operations go to patchListingsItem (one SKU) and into the PATCH messages of a JSON_LISTINGS_FEED
// (listings-feed-message-schema-v2.json), so a SKU ends up the same whichever path it took.
import type { ContentUpdate, PriceUpdate, QuantityUpdate } from "../connector";
import { toAmount } from "../money";
import { OFFER_PRODUCT_TYPE } from "./limits";

export interface PatchOperation {
  op: "add" | "replace" | "merge" | "delete";
  path: string;
  value?: Array<Record<string, unknown>>;
}

/** Everything one SKU needs sent: the product type to send it under and the operations. */
export interface ListingPatch {
  sku: string;
  productType: string;
  patches: PatchOperation[];
}

export interface MarketplaceContext {
  marketplaceId: string;
  languageTag: string;
}

/**
 * The seller-fulfilled quantity. "DEFAULT" is the merchant-fulfilled channel
 * (fulfillment_availability in Amazon's product type definitions; Amazon-fulfilled stock is
 * Amazon's to count, not ours to push). Negative or fractional numbers are not quantities Amazon takes.
 */
export function quantityPatch(update: QuantityUpdate): ListingPatch {
  return {
    sku: update.channelSku,
    productType: OFFER_PRODUCT_TYPE,
    patches: [
      {
        op: "replace",
        path: "/attributes/fulfillment_availability",
        value: [{ fulfillment_channel_code: "DEFAULT", quantity: Math.max(0, Math.floor(update.quantity)) }],
      },
    ],
  };
}

/**
 * "Your price" of the offer to everyone (audience ALL). `merge` rather than `replace`: replace
 * would drop what the seller keeps on the offer besides the price (sale price, minimum and maximum
 * allowed prices), merge changes only our_price.
 */
export function pricePatch(update: PriceUpdate, context: MarketplaceContext): ListingPatch {
  return {
    sku: update.channelSku,
    productType: OFFER_PRODUCT_TYPE,
    patches: [
      {
        op: "merge",
        path: "/attributes/purchasable_offer",
        value: [
          {
            marketplace_id: context.marketplaceId,
            currency: update.currencyCode,
            audience: "ALL",
            our_price: [{ schedule: [{ value_with_tax: Number(toAmount(update.priceCents, update.currencyCode).value) }] }],
          },
        ],
      },
    ],
  };
}

/** Anchorline's content field → the Amazon attribute it is written to. */
const CONTENT_ATTRIBUTES: Record<string, string> = {
  title: "item_name",
  description: "product_description",
  bullets: "bullet_point",
};

/** The attribute values of one content field, or why it cannot be sent. */
function contentValues(field: string, value: unknown, context: MarketplaceContext): Array<Record<string, unknown>> | string {
  const localized = (text: string) => ({ value: text, language_tag: context.languageTag, marketplace_id: context.marketplaceId });
  if (field === "bullets") {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return "bullets must be a list of text";
    return (value as string[]).map(localized);
  }
  if (typeof value !== "string") return `${field} must be text`;
  return [localized(value)];
}

/** Content patches, or a reason the update cannot go to Amazon as it is. */
export function contentPatch(update: ContentUpdate, productType: string, context: MarketplaceContext): ListingPatch | { problem: string } {
  const patches: PatchOperation[] = [];
  for (const [field, value] of Object.entries(update.fields)) {
    const attribute = CONTENT_ATTRIBUTES[field];
    if (!attribute) return { problem: `Amazon listings have no content field "${field}" here (supported: ${Object.keys(CONTENT_ATTRIBUTES).join(", ")})` };
    const values = contentValues(field, value, context);
    if (typeof values === "string") return { problem: values };
    patches.push({ op: "replace", path: `/attributes/${attribute}`, value: values });
  }
  return { sku: update.channelSku, productType, patches };
}
