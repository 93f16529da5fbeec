// What the simulated Amazon remembers per seller: listings (attributes as Amazon stores them, from
// which quantity and price are read), orders, and the LWA credentials the seller authorised.
import { randomBytes } from "node:crypto";
import { marketplaceFacts } from "./marketplaces";

export interface ListingSpec {
  sku: string;
  quantity: number;
  priceCents: number;
  asin?: string;
  title?: string;
  /** The product's barcode (EAN, UPC or GTIN digits): its externally_assigned_product_identifier attribute. */
  gtin?: string;
  /** When the seller created it (ISO 8601; default: when the simulator starts), which searchListingsItems sorts and filters by. */
  createdAt?: string;
  productType?: string;
  /**
   * Fulfilled by Amazon (FBA, "AFN"): the units sit in Amazon's warehouse, the listing's
   * fulfillment_availability names the region's AMAZON_* channel instead of the seller's DEFAULT,
   * `quantity` is Amazon's count of them, and orders for it are fulfilledBy AMAZON.
   */
  fulfilledByAmazon?: boolean;
}

export interface SellerSpec {
  sellerId: string;
  marketplaceId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  listings: ListingSpec[];
}

/** Issue as the Listings Items model defines it (code, message, severity, categories...). */
export interface ListingIssue {
  code: string;
  message: string;
  severity: "ERROR" | "WARNING" | "INFO";
  attributeNames?: string[];
  categories: string[];
  /** What Amazon does about it (the definition's IssueEnforcements): LISTING_SUPPRESSED, SEARCH_SUPPRESSED... */
  enforcements?: { actions: { action: string }[]; exemption: { status: "EXEMPT" | "EXEMPT_UNTIL_EXPIRY_DATE" | "NOT_EXEMPT" } };
}

export type AttributeValue = Record<string, unknown>;

export interface ListingRecord {
  sku: string;
  asin?: string;
  productType: string;
  /** FBA: sold from Amazon's stock (the AMAZON_* fulfillment channel), not the seller's. */
  fulfilledByAmazon: boolean;
  attributes: Record<string, AttributeValue[]>;
  issues: ListingIssue[];
  createdAt: string;
  updatedAt: string;
}

/** A listing as tests read it: the numbers a buyer would see. */
export interface ListingView {
  sku: string;
  asin?: string;
  quantity: number | null;
  priceCents: number | null;
  currency: string | null;
  status: string[];
  issues: ListingIssue[];
  attributes: Record<string, AttributeValue[]>;
}

export const nowIso = () => new Date().toISOString();

/** Amazon order ids look like 3-7-7 digits ("123-4567890-1234567" in the orders model's examples). */
export function amazonOrderId(): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join("");
  return `${digits(3)}-${digits(7)}-${digits(7)}`;
}

export const submissionId = () => randomBytes(16).toString("hex");

/** An order in the Orders 2026-01-01 model's shape (the fields the simulator fills). */
export interface AmazonOrder {
  orderId: string;
  createdTime: string;
  lastUpdatedTime: string;
  salesChannel: { channelName: string; marketplaceId: string; marketplaceName: string };
  buyer?: { buyerName?: string; buyerEmail?: string };
  /** Recipient (dataset RECIPIENT): where the order ships, which sets its sales tax. */
  recipient?: { deliveryAddress: { name: string; addressLine1: string; city: string; stateOrRegion: string; postalCode: string; countryCode: string } };
  proceeds?: { grandTotal: { amount: string; currencyCode: string } };
  /** OrderFulfillment: fulfilledBy "AMAZON" (FBA) or "MERCHANT". */
  fulfillment: { fulfillmentStatus: string; fulfilledBy: "AMAZON" | "MERCHANT" };
  orderItems: AmazonOrderItem[];
  /** OrderPackage (dataset PACKAGES): one per confirmShipment, merchant-fulfilled orders only. */
  packages?: AmazonOrderPackage[];
}

/** An OrderPackage of the 2026-01-01 model, as confirmShipment (ordersV0.json PackageDetail) made it. */
export interface AmazonOrderPackage {
  packageReferenceId: string;
  createdTime: string;
  packageStatus: { status: "SHIPPED" };
  /** The carrierCode, or the carrierName when the code is "Other". */
  carrier: string;
  shipTime: string;
  shippingService?: string;
  trackingNumber: string;
  packageItems: Array<{ orderItemId: string; quantity: number }>;
}

/** Money of the Orders 2026-01-01 model: a decimal string and its currency. */
export interface Money {
  amount: string;
  currencyCode: string;
}

/** An OrderItem; `cancellation` (ItemCancellation) and `fulfillment` (ItemFulfillment) per item. */
export interface AmazonOrderItem {
  orderItemId: string;
  quantityOrdered: number;
  product: { asin?: string; sellerSku: string; price?: { unitPrice: { amount: string; currencyCode: string } } };
  /**
   * ItemProceeds (dataset PROCEEDS): the item's total, with an ITEM breakdown and, where sales tax
   * is charged, a TAX breakdown detailed by subtype (ITEM: the tax on the item's price).
   */
  proceeds?: {
    proceedsTotal: Money;
    breakdowns?: Array<{ type: "ITEM" | "TAX"; subtotal: Money; detailedBreakdowns?: Array<{ subtype: "ITEM"; value: Money }> }>;
  };
  /** ItemTax (dataset TAX): who collects and remits the item's tax (MARKETPLACE_FACILITATOR: Amazon). */
  tax?: { taxCollections: Array<{ model: "MARKETPLACE_FACILITATOR"; responsibleParty: string }> };
  cancellation?: {
    cancellationRequest?: { requester: "BUYER"; cancelReason?: string };
    cancellationExecution?: { cancelledBy: "BUYER" | "MERCHANT" | "AMAZON"; cancelReason?: string };
  };
  fulfillment?: { quantityFulfilled: number; quantityUnfulfilled: number };
}

export class SellerState {
  listings = new Map<string, ListingRecord>();
  /** Oldest first, with what the simulator knows besides (the API never says "oversold"). */
  readonly orders: Array<{ order: AmazonOrder; oversold: boolean }> = [];
  refreshTokenRevoked = false;

  constructor(readonly spec: SellerSpec) {
    const { currency, languageTag, afnChannelCode } = marketplaceFacts(spec.marketplaceId);
    for (const listing of spec.listings) {
      const at = listing.createdAt ?? nowIso();
      this.listings.set(listing.sku, {
        sku: listing.sku,
        asin: listing.asin,
        productType: listing.productType ?? "PRODUCT",
        fulfilledByAmazon: listing.fulfilledByAmazon ?? false,
        attributes: {
          ...(listing.title ? { item_name: [{ value: listing.title, language_tag: languageTag, marketplace_id: spec.marketplaceId }] } : {}),
          ...(listing.gtin
            ? {
                externally_assigned_product_identifier: [
                  { type: listing.gtin.length === 12 ? "upc" : "ean", value: listing.gtin, marketplace_id: spec.marketplaceId },
                ],
              }
            : {}),
          fulfillment_availability: [
            {
              fulfillment_channel_code: listing.fulfilledByAmazon ? afnChannelCode : "DEFAULT",
              quantity: listing.quantity,
              marketplace_id: spec.marketplaceId,
            },
          ],
          purchasable_offer: [
            { marketplace_id: spec.marketplaceId, currency, audience: "ALL", our_price: [{ schedule: [{ value_with_tax: listing.priceCents / 100 }] }] },
          ],
        },
        issues: [],
        createdAt: at,
        updatedAt: at,
      });
    }
  }

  /** A copy whose listings can be changed freely: patchListingsItem's VALIDATION_PREVIEW runs on it. */
  preview(): SellerState {
    const copy = new SellerState({ ...this.spec, listings: [] });
    copy.listings = new Map([...this.listings].map(([sku, record]) => [sku, structuredClone(record)]));
    return copy;
  }

  get marketplaceId() {
    return this.spec.marketplaceId;
  }

  view(record: ListingRecord): ListingView {
    const quantity = buyableQuantity(record);
    const offer = offerOf(record, this.marketplaceId);
    const price = ourPrice(offer);
    return {
      sku: record.sku,
      asin: record.asin,
      quantity,
      priceCents: price === null ? null : Math.round(price * 100),
      currency: typeof offer?.currency === "string" ? offer.currency : null,
      status: listingStatus(record, this.marketplaceId),
      issues: record.issues,
      attributes: record.attributes,
    };
  }
}

export function defaultQuantity(record: ListingRecord): number | null {
  const entry = record.attributes.fulfillment_availability?.find((f) => f.fulfillment_channel_code === "DEFAULT");
  return typeof entry?.quantity === "number" ? entry.quantity : null;
}

export function setDefaultQuantity(record: ListingRecord, quantity: number) {
  const entry = record.attributes.fulfillment_availability?.find((f) => f.fulfillment_channel_code === "DEFAULT");
  if (entry) entry.quantity = quantity;
  record.updatedAt = nowIso();
}

const isAfn = (code: unknown) => typeof code === "string" && code.startsWith("AMAZON_");

/** What buyers can order: Amazon's warehouse count for an FBA listing, else the seller's DEFAULT. */
export function buyableQuantity(record: ListingRecord): number | null {
  if (!record.fulfilledByAmazon) return defaultQuantity(record);
  const entry = record.attributes.fulfillment_availability?.find((f) => isAfn(f.fulfillment_channel_code));
  return typeof entry?.quantity === "number" ? entry.quantity : null;
}

/** A sale or a cancellation moves the stock it came from: Amazon's for FBA, the seller's otherwise. */
export function setBuyableQuantity(record: ListingRecord, quantity: number) {
  if (!record.fulfilledByAmazon) return setDefaultQuantity(record, quantity);
  const entry = record.attributes.fulfillment_availability?.find((f) => isAfn(f.fulfillment_channel_code));
  if (entry) entry.quantity = quantity;
  record.updatedAt = nowIso();
}

/** The seller's own hand in Seller Central: a quantity or price typed there, not through the API. */
export function editByHand(record: ListingRecord, marketplaceId: string, edit: { quantity?: number; priceCents?: number }) {
  if (edit.quantity !== undefined) setDefaultQuantity(record, edit.quantity);
  if (edit.priceCents !== undefined) {
    const offer = offerOf(record, marketplaceId);
    const schedule = (offer?.our_price as Array<{ schedule?: Array<{ value_with_tax?: unknown }> }> | undefined)?.[0]?.schedule?.[0];
    if (!schedule) throw new Error(`Amazon simulator: ${record.sku} has no price to edit`);
    schedule.value_with_tax = edit.priceCents / 100;
  }
  record.updatedAt = nowIso();
}

/** Issue code of a suppression made by hand in the simulator (Amazon's own codes are numeric, 18027...). */
export const SUPPRESSION_CODE = "90220";

/**
 * Amazon suppresses the listing with `reason`: an ERROR issue whose enforcement is
 * LISTING_SUPPRESSED (the definition's IssueEnforcementAction example), so its summaries lose
 * BUYABLE and DISCOVERABLE; null lifts it.
 */
export function suppress(record: ListingRecord, reason: string | null) {
  record.issues = record.issues.filter((i) => i.code !== SUPPRESSION_CODE);
  if (reason !== null) {
    record.issues.push({
      code: SUPPRESSION_CODE,
      message: reason,
      severity: "ERROR",
      categories: ["INVALID_ATTRIBUTE"],
      enforcements: { actions: [{ action: "LISTING_SUPPRESSED" }], exemption: { status: "NOT_EXEMPT" } },
    });
  }
  record.updatedAt = nowIso();
}

export function offerOf(record: ListingRecord, marketplaceId: string): AttributeValue | undefined {
  return record.attributes.purchasable_offer?.find((o) => (o.marketplace_id ?? marketplaceId) === marketplaceId && (o.audience ?? "ALL") === "ALL");
}

export function ourPrice(offer: AttributeValue | undefined): number | null {
  const schedule = (offer?.our_price as Array<{ schedule?: Array<{ value_with_tax?: unknown }> }> | undefined)?.[0]?.schedule?.[0];
  return typeof schedule?.value_with_tax === "number" ? schedule.value_with_tax : null;
}

/**
 * BUYABLE needs something to sell (an ASIN), a price and stock, and no ERROR issue; DISCOVERABLE
 * needs the item and no ERROR issue. An offer without an item (a SKU Amazon never had, patched)
 * is neither: Amazon keeps it, but nobody can find or buy it.
 */
export function listingStatus(record: ListingRecord, marketplaceId: string): string[] {
  const blocked = record.issues.some((i) => i.severity === "ERROR");
  if (blocked || !record.asin) return [];
  const quantity = buyableQuantity(record) ?? 0;
  const price = ourPrice(offerOf(record, marketplaceId));
  return quantity > 0 && price !== null ? ["BUYABLE", "DISCOVERABLE"] : ["DISCOVERABLE"];
}
