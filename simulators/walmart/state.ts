// What one simulated Walmart seller account holds: its listings (SKU → quantity, price, item content), the
// feeds it submitted, the purchase orders buyers placed, and whether its credentials still work.
import { randomUUID } from "node:crypto";

export interface WalmartListingSpec {
  sku: string;
  quantity: number;
  priceCents: number;
  /** 14 digits, as getAnItem answers it; made up from the SKU when not given. */
  gtin?: string;
  /** The item spec 5.0 product type its Visible attributes sit under (DEFAULT_PRODUCT_TYPE when not given). */
  productType?: string;
  /** The item's content before Anchorline touches it. */
  content?: Partial<WalmartItemContent>;
}

/** The Visible attributes of item spec 5.0 that a maintenance feed can change. */
export interface WalmartItemContent {
  productName: string;
  brand?: string;
  shortDescription?: string;
  keyFeatures?: string[];
  mainImageUrl?: string;
  productSecondaryImageURL?: string[];
}

export interface WalmartAccountSpec {
  clientId: string;
  clientSecret: string;
  listings: WalmartListingSpec[];
}

export interface WalmartListing extends WalmartListingSpec {
  gtin: string;
  productType: string;
  content: WalmartItemContent;
}

export const DEFAULT_PRODUCT_TYPE = "Kitchen & Dining";

/** A valid GTIN-14 (GS1 check digit) standing for a SKU that was given none. */
export function madeUpGtin(sku: string): string {
  let hash = 0;
  for (const c of sku) hash = (hash * 31 + c.charCodeAt(0)) % 1e11;
  const body = `00${String(hash).padStart(11, "0")}`;
  const sum = Array.from(body, Number)
    .reverse()
    .reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

export interface WalmartOrderRecord {
  purchaseOrderId: string;
  customerOrderId: string;
  /** Epoch milliseconds, as Walmart's `orderDate`. */
  orderDate: number;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  status: "Created" | "Acknowledged" | "Cancelled";
  /** The buyer took more than the listing had: the units were sold anyway (the marketplace's
   * quantity lagged the anchor), which is exactly the oversell Anchorline must catch. */
  oversold: boolean;
  buyer: { name: string; email: string };
}

export interface BuyerOrder {
  sku: string;
  quantity: number;
  buyerName?: string;
  buyerEmail?: string;
  /** Defaults to now; tests pin it to check cursors. */
  orderDate?: number;
}

export class WalmartAccount {
  readonly listings = new Map<string, WalmartListing>();
  readonly orders: WalmartOrderRecord[] = [];
  revoked = false;
  private orderSeq = 0;

  constructor(readonly spec: WalmartAccountSpec) {
    for (const listing of spec.listings) {
      this.listings.set(listing.sku, {
        ...listing,
        gtin: listing.gtin ?? madeUpGtin(listing.sku),
        productType: listing.productType ?? DEFAULT_PRODUCT_TYPE,
        content: { productName: `Product ${listing.sku}`, ...listing.content },
      });
    }
  }

  /** A simulated buyer checks out: the listing is decremented (never below 0) and a PO created. */
  placeOrder(order: BuyerOrder): WalmartOrderRecord {
    const listing = this.listings.get(order.sku);
    if (!listing) throw new Error(`Walmart simulator: no listing ${order.sku} on ${this.spec.clientId}`);
    const oversold = order.quantity > listing.quantity;
    listing.quantity = Math.max(0, listing.quantity - order.quantity);
    this.orderSeq += 1;
    const record: WalmartOrderRecord = {
      purchaseOrderId: String(1_000_000_000 + this.orderSeq * 7919),
      customerOrderId: String(5_000_000_000 + this.orderSeq),
      orderDate: order.orderDate ?? Date.now(),
      sku: order.sku,
      quantity: order.quantity,
      unitPriceCents: listing.priceCents,
      status: "Created",
      oversold,
      buyer: { name: order.buyerName ?? "Pat Buyer", email: order.buyerEmail ?? `${randomUUID().slice(0, 8)}@relay.walmart.com` },
    };
    this.orders.push(record);
    return record;
  }
}
