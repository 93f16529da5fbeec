// What one simulated Walmart seller account holds: its listings (SKU → quantity, price), the
// feeds it submitted, the purchase orders buyers placed, and whether its credentials still work.
import { randomUUID } from "node:crypto";

export interface WalmartListingSpec {
  sku: string;
  quantity: number;
  priceCents: number;
}

export interface WalmartAccountSpec {
  clientId: string;
  clientSecret: string;
  listings: WalmartListingSpec[];
}

export interface WalmartListing extends WalmartListingSpec {
  productName: string;
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
    for (const listing of spec.listings) this.listings.set(listing.sku, { ...listing, productName: `Product ${listing.sku}` });
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
