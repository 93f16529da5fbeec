// What one simulated Walmart seller account holds: its listings (SKU → quantity, price, item content), the
// feeds it submitted, the purchase orders buyers placed, and whether its credentials still work.
import { randomUUID } from "node:crypto";
import { salesTax } from "../common/sales-tax";
import type { WalmartReturnRecord } from "./returns";

/** Where the simulated Walmart buyers live unless a test says otherwise: Bentonville, Arkansas. */
export const WALMART_SHIP_TO_STATE = "AR";

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
  /**
   * Units Walmart holds for the item in its own fulfillment centers (WFS): set only for an item
   * Walmart fulfils, which getWFSInventory then lists. WFSFulfilled POs take their units from here.
   */
  wfsQuantity?: number;
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
  /** When the WFS quantity last changed (getWFSInventory's shipNodes[].modifiedDate). */
  wfsModifiedAt?: number;
  /**
   * Walmart took the item off the site: publishedStatus UNPUBLISHED (or SYSTEM_PROBLEM) with its
   * unpublishedReasons.reason[] (getAllItems' example: "No shipping information was set up...").
   * Unset: PUBLISHED.
   */
  unpublished?: { status: UnpublishedStatus; reasons: string[] };
}

/** getAllItems' publishedStatus words for an item buyers cannot see (the items definition's examples and filter values). */
export const UNPUBLISHED_STATUSES = ["UNPUBLISHED", "SYSTEM_PROBLEM"] as const;
export type UnpublishedStatus = (typeof UNPUBLISHED_STATUSES)[number];

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

/** Where a PO ships from: getAllOrders' `shipNodeType` ("SellerFulfilled(Default), WFSFulfilled and 3PLFulfilled"). */
export type WalmartShipNodeType = "SellerFulfilled" | "WFSFulfilled" | "3PLFulfilled";
export const SHIP_NODE_TYPES: readonly WalmartShipNodeType[] = ["SellerFulfilled", "WFSFulfilled", "3PLFulfilled"];

/** orderLineStatus.status in the orders definition. */
export type WalmartLineStatus = "Created" | "Acknowledged" | "Shipped" | "Delivered" | "Cancelled" | "Refund";
export const LINE_STATUSES: readonly WalmartLineStatus[] = ["Created", "Acknowledged", "Shipped", "Delivered", "Cancelled", "Refund"];

/** Units of a line in one status: an `orderLineStatus` entry with its `statusQuantity`. */
export interface WalmartLineStatusRecord {
  status: WalmartLineStatus;
  quantity: number;
  /** cancelOrderLines' reasons; a buyer's is CUSTOMER_REQUESTED_SELLER_TO_CANCEL. */
  cancellationReason?: string;
  /** Shipped units: the trackingInfo shippingUpdates was given for them. */
  trackingInfo?: WalmartTrackingInfo;
}

/** `trackingInfo` of shippingUpdates (orders definition): carrierName is `carrier` (Walmart's list) or `otherCarrier`. */
export interface WalmartTrackingInfo {
  shipDateTime: number;
  carrierName: { carrier?: string; otherCarrier?: string };
  methodCode: string;
  trackingNumber: string;
  trackingURL?: string;
}

export interface WalmartOrderLineRecord {
  /** "1", "2"...: `lineNumber`. */
  lineNumber: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
  /** Sales tax on the line's ItemPrice (all its units), charged at checkout for the PO's ship-to state. */
  taxCents: number;
  /** Every unit of the line is in exactly one entry; they sum to `quantity`. */
  statuses: WalmartLineStatusRecord[];
  /** Epoch ms of the line's latest status change: `statusDate`. */
  statusDate: number;
  /** Refunded units' charges (the line's `refund`): each negative, with its refundReason. */
  refund?: { refundId: string; charges: Array<{ reason: string; amountCents: number }> };
  /** The return the line's latest refund came from (`returnOrderId`). */
  returnOrderId?: string;
}

export interface WalmartOrderRecord {
  purchaseOrderId: string;
  customerOrderId: string;
  /** Epoch milliseconds, as Walmart's `orderDate`. */
  orderDate: number;
  /** Epoch ms of the PO's latest change, what lastModifiedStartDate/EndDate filter on; the newest statusDate. */
  lastModified: number;
  shipNodeType: WalmartShipNodeType;
  lines: WalmartOrderLineRecord[];
  /** The buyer took more than the listing had: the units were sold anyway (the marketplace's
   * quantity lagged the anchor), which is exactly the oversell Anchorline must catch. */
  oversold: boolean;
  buyer: { name: string; email: string };
  /** The US state the PO ships to (`shippingInfo.postalAddress.state`), which sets its sales tax. */
  shipToState: string;
}

export interface BuyerLine {
  sku: string;
  quantity: number;
}

export type BuyerOrder = (BuyerLine | { lines: BuyerLine[] }) & {
  buyerName?: string;
  buyerEmail?: string;
  /** A US state of common/sales-tax.ts (default AR, Walmart's home): sets the sales tax Walmart charges. */
  shipToState?: string;
  /** Defaults to now; tests pin it to check cursors. */
  orderDate?: number;
  /**
   * SellerFulfilled by default. A WFSFulfilled PO ships from Walmart's own warehouse: the seller's
   * listing quantity is not touched, and getAllOrders lists it only when asked for shipNodeType=WFSFulfilled.
   */
  shipNodeType?: WalmartShipNodeType;
};

/** A buyer cancelling after ordering: the whole PO, or some units of some lines. */
export interface BuyerCancellation {
  /** Which lines, and how many of their units (default: every unit still cancellable). Omitted: every line. */
  lines?: Array<{ lineNumber: string; quantity?: number }>;
  /** Epoch ms of the cancellation, the PO's new last-modified time; defaults to now. */
  at?: number;
  reason?: string;
}

/** Units not yet shipped can be cancelled (cancelOrderLines: "only cancel order lines that have not been shipped"), or shipped. */
export const CANCELLABLE: ReadonlySet<WalmartLineStatus> = new Set(["Created", "Acknowledged"]);

export class WalmartAccount {
  readonly listings = new Map<string, WalmartListing>();
  readonly orders: WalmartOrderRecord[] = [];
  /** Return orders buyers opened (returns.ts). */
  readonly returns: WalmartReturnRecord[] = [];
  revoked = false;
  private orderSeq = 0;

  constructor(readonly spec: WalmartAccountSpec) {
    for (const listing of spec.listings) {
      this.listings.set(listing.sku, {
        ...listing,
        gtin: listing.gtin ?? madeUpGtin(listing.sku),
        productType: listing.productType ?? DEFAULT_PRODUCT_TYPE,
        content: { productName: `Product ${listing.sku}`, ...listing.content },
        wfsModifiedAt: listing.wfsQuantity === undefined ? undefined : Date.now(),
      });
    }
  }

  /**
   * A simulated buyer checks out: a seller-fulfilled PO decrements each listing (never below 0,
   * flagging the oversell); a WFS one leaves the listing alone. Every line starts Created.
   */
  placeOrder(order: BuyerOrder): WalmartOrderRecord {
    const wanted = "lines" in order ? order.lines : [{ sku: order.sku, quantity: order.quantity }];
    if (wanted.length === 0) throw new Error("Walmart simulator: a PO needs at least one line");
    const shipNodeType = order.shipNodeType ?? "SellerFulfilled";
    const orderDate = order.orderDate ?? Date.now();
    const shipToState = order.shipToState ?? WALMART_SHIP_TO_STATE;
    let oversold = false;
    const lines = wanted.map((want, i): WalmartOrderLineRecord => {
      const listing = this.listings.get(want.sku);
      if (!listing) throw new Error(`Walmart simulator: no listing ${want.sku} on ${this.spec.clientId}`);
      if (!Number.isInteger(want.quantity) || want.quantity < 1) throw new Error(`Walmart simulator: quantity ${want.quantity} is not a whole number above 0`);
      if (shipNodeType === "SellerFulfilled") {
        oversold ||= want.quantity > listing.quantity;
        listing.quantity = Math.max(0, listing.quantity - want.quantity);
      } else if (shipNodeType === "WFSFulfilled" && listing.wfsQuantity !== undefined) {
        listing.wfsQuantity = Math.max(0, listing.wfsQuantity - want.quantity);
        listing.wfsModifiedAt = orderDate;
      }
      return {
        lineNumber: String(i + 1),
        sku: want.sku,
        quantity: want.quantity,
        unitPriceCents: listing.priceCents,
        taxCents: salesTax(shipToState, listing.priceCents * want.quantity).cents,
        statuses: [{ status: "Created", quantity: want.quantity }],
        statusDate: orderDate,
      };
    });
    this.orderSeq += 1;
    const record: WalmartOrderRecord = {
      purchaseOrderId: String(1_000_000_000 + this.orderSeq * 7919),
      customerOrderId: String(5_000_000_000 + this.orderSeq),
      orderDate,
      lastModified: orderDate,
      shipNodeType,
      lines,
      oversold,
      buyer: { name: order.buyerName ?? "Pat Buyer", email: order.buyerEmail ?? `${randomUUID().slice(0, 8)}@relay.walmart.com` },
      shipToState,
    };
    this.orders.push(record);
    return record;
  }

  /**
   * The buyer cancels after ordering: the units named move from Created/Acknowledged to a Cancelled
   * status entry of their line (a partial cancellation splits the line's statuses), the lines'
   * statusDate and the PO's last-modified time move to `at`, and a seller-fulfilled line's units
   * go back to the listing. Units already shipped cannot be cancelled: asking throws.
   */
  cancelOrder(purchaseOrderId: string, cancellation: BuyerCancellation = {}): WalmartOrderRecord {
    const order = this.orders.find((o) => o.purchaseOrderId === purchaseOrderId);
    if (!order) throw new Error(`Walmart simulator: no PO ${purchaseOrderId} on ${this.spec.clientId}`);
    const at = Math.max(cancellation.at ?? Date.now(), order.lastModified);
    const reason = cancellation.reason ?? "CUSTOMER_REQUESTED_SELLER_TO_CANCEL";
    const cancellable = (line: WalmartOrderLineRecord) => line.statuses.filter((s) => CANCELLABLE.has(s.status)).reduce((n, s) => n + s.quantity, 0);
    const asked = cancellation.lines ?? order.lines.filter((l) => cancellable(l) > 0).map((l) => ({ lineNumber: l.lineNumber }));
    if (asked.length === 0) throw new Error(`Walmart simulator: PO ${purchaseOrderId} has nothing left to cancel`);
    const plan = asked.map((want: { lineNumber: string; quantity?: number }) => {
      const line = order.lines.find((l) => l.lineNumber === want.lineNumber);
      if (!line) throw new Error(`Walmart simulator: PO ${purchaseOrderId} has no line ${want.lineNumber}`);
      const quantity = want.quantity ?? cancellable(line);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > cancellable(line))
        throw new Error(`Walmart simulator: line ${want.lineNumber} of PO ${purchaseOrderId} has ${cancellable(line)} units to cancel, not ${quantity}`);
      return { line, quantity };
    });
    for (const { line, quantity } of plan) {
      let left = quantity;
      for (const entry of line.statuses) {
        if (!CANCELLABLE.has(entry.status) || left === 0) continue;
        const taken = Math.min(entry.quantity, left);
        entry.quantity -= taken;
        left -= taken;
      }
      const cancelled = line.statuses.find((s) => s.status === "Cancelled" && s.cancellationReason === reason);
      if (cancelled) cancelled.quantity += quantity;
      else line.statuses.push({ status: "Cancelled", quantity, cancellationReason: reason });
      line.statuses = line.statuses.filter((s) => s.quantity > 0);
      line.statusDate = at;
      const listing = this.listings.get(line.sku);
      if (listing && order.shipNodeType === "SellerFulfilled") listing.quantity += quantity;
    }
    order.lastModified = at;
    return order;
  }

  /**
   * The seller ships units (shippingUpdates): they move from Created/Acknowledged to a Shipped entry
   * of their line carrying the trackingInfo, and the line's statusDate and the PO's last-modified
   * time move to `at`. The caller has checked that the units are there to ship.
   */
  shipLines(
    order: WalmartOrderRecord,
    shipments: Array<{ line: WalmartOrderLineRecord; quantity: number; trackingInfo: WalmartTrackingInfo }>,
    at = Date.now(),
  ) {
    const when = Math.max(at, order.lastModified);
    for (const { line, quantity, trackingInfo } of shipments) {
      let left = quantity;
      for (const entry of line.statuses) {
        if (!CANCELLABLE.has(entry.status) || left === 0) continue;
        const taken = Math.min(entry.quantity, left);
        entry.quantity -= taken;
        left -= taken;
      }
      const same = line.statuses.find((s) => s.status === "Shipped" && s.trackingInfo?.trackingNumber === trackingInfo.trackingNumber);
      if (same) same.quantity += quantity;
      else line.statuses.push({ status: "Shipped", quantity, trackingInfo });
      line.statuses = line.statuses.filter((s) => s.quantity > 0);
      line.statusDate = when;
    }
    order.lastModified = when;
    return order;
  }

  /** Units of a line still Created or Acknowledged: what can be shipped or cancelled. */
  static openUnits(line: WalmartOrderLineRecord): number {
    return line.statuses.filter((s) => CANCELLABLE.has(s.status)).reduce((n, s) => n + s.quantity, 0);
  }
}
