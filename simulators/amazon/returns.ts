// Buyers sending units back (the simulator's side door) and the report Amazon lists the
// seller-fulfilled ones in: GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE, a tab-delimited flat file
// with the columns of "Returns reports attributes" (developer-docs.amazon.com/sp-api/docs/
// returns-reports-attributes). The Orders API says nothing of returns, so a return never moves
// an order's lastUpdatedTime: the report is the only place it shows.
//
// A return's life as Seller Central's Manage Returns tells it: the buyer's request is authorized
// at once ("Amazon automatically authorizes US return requests that fall within Amazon's return
// policy": "Approved"), the parcel reaches the seller ("Return delivery date"), the seller refunds
// ("Refunded Amount"; "Return requests that are refunded in full are automatically completed":
// "Completed"). An FBA order's units go back to Amazon's warehouse and are in the FBA customer
// returns report instead, never in this one ("The FBA returns do not include self-fulfilled
// returns, just as the Returns Report does not include FBA returns").
import { randomBytes } from "node:crypto";
import { findOrder } from "./orders";
import { buyableQuantity, nowIso, setBuyableQuantity, type AmazonOrderItem, type SellerState } from "./state";

export const RETURNS_REPORT_TYPE = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE";

/** The report's columns, in the documented order. */
export const RETURNS_REPORT_COLUMNS = [
  "Order ID",
  "Order date",
  "Return request date",
  "Return request status",
  "Amazon RMA ID",
  "Merchant RMA ID",
  "Label type",
  "Label cost",
  "Currency code",
  "Return carrier",
  "Tracking ID",
  "Label to be paid by",
  "A-to-Z Claim",
  "Is prime",
  "ASIN",
  "Merchant SKU",
  "Item Name",
  "Return quantity",
  "Return Reason",
  "In policy",
  "Return type",
  "Resolution",
  "Invoice number",
  "Return delivery date",
  "Order Amount",
  "Order quantity",
  "SafeT Action reason",
  "SafeT claim id",
  "SafeT claim state",
  "SafeT claim creation time",
  "SafeT claim reimbursement amount",
  "Refunded Amount",
] as const;

export interface BuyerReturnRequest {
  sku: string;
  quantity: number;
  /** Amazon's return reason code; "CR-UNWANTED_ITEM" when left out. */
  reason?: string;
}

/** One return request over units of one order item, as the report lists it. */
export interface BuyerReturn {
  sellerId: string;
  marketplaceId: string;
  amazonRmaId: string;
  orderId: string;
  orderItemId: string;
  orderCreatedTime: string;
  requestedAt: string;
  status: "Approved" | "Completed";
  fulfilledByAmazon: boolean;
  asin?: string;
  sku: string;
  itemName: string;
  quantity: number;
  reason: string;
  trackingId: string;
  orderQuantity: number;
  unitPrice: { amount: string; currencyCode: string };
  /** When the parcel reached the seller (or, for FBA, Amazon's warehouse). */
  deliveredAt?: string;
  /** What the buyer got back, in the order's currency ("12.50"). */
  refundedAmount?: string;
}

const itemNameOf = (seller: SellerState, sku: string) => {
  const name = seller.listings.get(sku)?.attributes.item_name?.[0]?.value;
  return typeof name === "string" ? name : sku;
};
const itemCancelled = (item: AmazonOrderItem) => Boolean(item.cancellation?.cancellationExecution);
const cents = (amount: string) => Math.round(Number(amount) * 100);
const amountOf = (centsValue: number) => (centsValue / 100).toFixed(2);

/** The report's dates: "10-Jul-2025" in a document Amazon served (a public copy); in UTC here. */
export function reportDate(iso: string): string {
  const date = new Date(iso);
  const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${String(date.getUTCDate()).padStart(2, "0")}-${month}-${date.getUTCFullYear()}`;
}

export class BuyerReturns {
  private readonly all: BuyerReturn[] = [];

  /**
   * The buyer asks to send back units of a shipped order item. Refused (thrown) for an order the
   * seller does not have, a SKU the order does not hold, a cancelled item, or more units than were
   * shipped and are not already in a return. FBA orders count every unit ordered as shipped: the
   * simulator does not ship them itself.
   */
  request(seller: SellerState, orderId: string, request: BuyerReturnRequest): BuyerReturn {
    const order = findOrder(seller, orderId);
    if (!order) throw new Error(`Amazon simulator: no order ${orderId}`);
    const item = order.orderItems.find((i) => i.product.sellerSku === request.sku);
    if (!item) throw new Error(`Amazon simulator: order ${orderId} has no item for ${request.sku}`);
    if (itemCancelled(item)) throw new Error(`Amazon simulator: the ${request.sku} item of order ${orderId} is cancelled; nothing shipped to return`);
    const fulfilledByAmazon = order.fulfillment.fulfilledBy === "AMAZON";
    const shipped = fulfilledByAmazon ? item.quantityOrdered : (item.fulfillment?.quantityFulfilled ?? 0);
    const inReturns = this.all.filter((r) => r.orderId === orderId && r.orderItemId === item.orderItemId).reduce((n, r) => n + r.quantity, 0);
    if (!Number.isInteger(request.quantity) || request.quantity < 1 || request.quantity > shipped - inReturns) {
      throw new Error(
        `Amazon simulator: ${request.quantity} unit(s) of ${request.sku} cannot be returned: ${shipped} shipped, ${inReturns} already in a return`,
      );
    }
    const record: BuyerReturn = {
      sellerId: seller.spec.sellerId,
      marketplaceId: order.salesChannel.marketplaceId,
      amazonRmaId: `D${randomBytes(6).toString("base64url").replace(/[-_]/g, "x")}RMA`,
      orderId,
      orderItemId: item.orderItemId,
      orderCreatedTime: order.createdTime,
      requestedAt: nowIso(),
      status: "Approved",
      fulfilledByAmazon,
      ...(item.product.asin ? { asin: item.product.asin } : {}),
      sku: request.sku,
      itemName: itemNameOf(seller, request.sku),
      quantity: request.quantity,
      reason: request.reason ?? "CR-UNWANTED_ITEM",
      trackingId: `9202${String(Math.floor(Math.random() * 1e15)).padStart(15, "0")}`,
      orderQuantity: item.quantityOrdered,
      unitPrice: item.product.price?.unitPrice ?? { amount: "0.00", currencyCode: "USD" },
    };
    this.all.push(record);
    return record;
  }

  /**
   * The parcel arrives. A seller-fulfilled unit is the seller's to put back on the shelf (Amazon's
   * DEFAULT quantity is what the seller sets, so it stays); an FBA unit goes back to Amazon's count.
   */
  receive(seller: SellerState, amazonRmaId: string): BuyerReturn {
    const record = this.find(seller, amazonRmaId);
    if (record.deliveredAt) throw new Error(`Amazon simulator: return ${amazonRmaId} was received already`);
    record.deliveredAt = nowIso();
    const listing = seller.listings.get(record.sku);
    if (record.fulfilledByAmazon && listing) setBuyableQuantity(listing, (buyableQuantity(listing) ?? 0) + record.quantity);
    return record;
  }

  /** The seller refunds the return: by default the units' price; refunded in full, it is Completed. */
  refund(seller: SellerState, amazonRmaId: string, amountCents?: number): BuyerReturn {
    const record = this.find(seller, amazonRmaId);
    if (record.refundedAmount !== undefined) throw new Error(`Amazon simulator: return ${amazonRmaId} was refunded already`);
    const full = cents(record.unitPrice.amount) * record.quantity;
    const refunded = amountCents ?? full;
    if (!Number.isInteger(refunded) || refunded <= 0 || refunded > full)
      throw new Error(`Amazon simulator: a refund of ${refunded} cents is not within 1..${full}`);
    record.refundedAmount = amountOf(refunded);
    if (refunded === full) record.status = "Completed";
    return record;
  }

  of(sellerId: string): BuyerReturn[] {
    return this.all.filter((r) => r.sellerId === sellerId);
  }

  /**
   * The report's content: the seller's seller-fulfilled returns requested within [from, to] in
   * these marketplaces, oldest request first, each as it stands now. Null when there are none.
   */
  report(sellerId: string, marketplaceIds: string[], from: number, to: number): string | null {
    const rows = this.of(sellerId)
      .filter((r) => !r.fulfilledByAmazon && marketplaceIds.includes(r.marketplaceId))
      .filter((r) => Date.parse(r.requestedAt) >= from && Date.parse(r.requestedAt) <= to)
      .map(reportRow);
    return rows.length === 0 ? null : [RETURNS_REPORT_COLUMNS.join("\t"), ...rows.map((row) => row.join("\t"))].join("\n") + "\n";
  }

  private find(seller: SellerState, amazonRmaId: string): BuyerReturn {
    const record = this.all.find((r) => r.sellerId === seller.spec.sellerId && r.amazonRmaId === amazonRmaId);
    if (!record) throw new Error(`Amazon simulator: no return ${amazonRmaId} for seller ${seller.spec.sellerId}`);
    return record;
  }
}

/**
 * One row. Fields with nothing to say are a single space where a document Amazon served shows
 * one (Merchant RMA ID, Invoice number, Return delivery date) and empty elsewhere.
 */
function reportRow(r: BuyerReturn): string[] {
  const row: Record<(typeof RETURNS_REPORT_COLUMNS)[number], string> = {
    "Order ID": r.orderId,
    "Order date": reportDate(r.orderCreatedTime),
    "Return request date": reportDate(r.requestedAt),
    "Return request status": r.status,
    "Amazon RMA ID": r.amazonRmaId,
    "Merchant RMA ID": " ",
    "Label type": "AmazonPrePaidLabel",
    "Label cost": "4.14",
    "Currency code": r.unitPrice.currencyCode,
    "Return carrier": "USPS",
    "Tracking ID": r.trackingId,
    "Label to be paid by": "Seller",
    "A-to-Z Claim": "N",
    "Is prime": "N",
    ASIN: r.asin ?? "",
    "Merchant SKU": r.sku,
    "Item Name": r.itemName,
    "Return quantity": String(r.quantity),
    "Return Reason": r.reason,
    "In policy": "Y",
    "Return type": "C-Returns",
    Resolution: "StandardRefund",
    "Invoice number": " ",
    "Return delivery date": r.deliveredAt ? reportDate(r.deliveredAt) : " ",
    "Order Amount": amountOf(cents(r.unitPrice.amount) * r.orderQuantity),
    "Order quantity": String(r.orderQuantity),
    "SafeT Action reason": "",
    "SafeT claim id": "",
    "SafeT claim state": "",
    "SafeT claim creation time": "",
    "SafeT claim reimbursement amount": "",
    "Refunded Amount": r.refundedAmount ?? "",
  };
  return RETURNS_REPORT_COLUMNS.map((column) => row[column]);
}
