// Orders come from Fulfillment getOrders filtered on lastmodifieddate, walked page by page
// (limit/offset). The cursor is the end of the last window read plus the ids seen exactly at that
// instant, because eBay's date ranges include both ends, and what the returns said when last read
// (returns.ts).
import type { ImportedOrder } from "../connector";
import { fromAmount } from "../money";
import { required } from "../order-reading";
import { COLLECT_AND_REMIT_SALES_TAX_TYPES } from "./rules";
import type { ReturnsState } from "./returns";

export interface OrdersCursor {
  /** ISO instant: the next window starts here (inclusive). */
  after: string;
  /** Orders already returned whose lastModifiedDate equals `after`. */
  seenAtAfter: string[];
  /** The returns as last read; a cursor from before returns were read has none. */
  returns?: ReturnsState;
}

export function encodeCursor(cursor: OrdersCursor): string {
  return JSON.stringify(cursor);
}

const isReturnsState = (value: unknown): value is ReturnsState => {
  const state = value as Partial<ReturnsState> | undefined;
  return typeof state?.origin === "string" && typeof state.returns === "object" && state.returns !== null && Array.isArray(state.owed);
};

export function decodeCursor(raw: string | null): OrdersCursor | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<OrdersCursor>;
    if (typeof parsed.after === "string" && !Number.isNaN(Date.parse(parsed.after))) {
      return { after: parsed.after, seenAtAfter: parsed.seenAtAfter ?? [], ...(isReturnsState(parsed.returns) ? { returns: parsed.returns } : {}) };
    }
  } catch {
    // fall through: a cursor this module did not write
  }
  throw new Error(`not an eBay orders cursor: ${raw}`);
}

/** The filter for lastmodifieddate in [from..to], both inclusive (getOrders filter parameter). */
export function lastModifiedFilter(from: Date, to: Date): string {
  return `lastmodifieddate:[${from.toISOString()}..${to.toISOString()}]`;
}

interface Amount {
  value?: string;
  currency?: string;
}

/** The parts of the Fulfillment API's Order the app reads. */
export interface EbayOrder {
  orderId: string;
  creationDate?: string;
  lastModifiedDate?: string;
  orderFulfillmentStatus?: string;
  pricingSummary?: { total?: Amount };
  /** Payment.paymentStatus (FAILED, PAID, PENDING) and paymentDate, the buyer's payments. */
  paymentSummary?: { payments?: Array<{ paymentStatus?: string; paymentDate?: string }> };
  buyer?: { username?: string };
  cancelStatus?: { cancelState?: string };
  fulfillmentStartInstructions?: Array<{
    shippingStep?: { shipTo?: { fullName?: string; email?: string; contactAddress?: Record<string, unknown> } };
  }>;
  lineItems?: Array<{
    /** The line item's id, which the Post-Order API gives a return as its transactionId. */
    lineItemId?: string;
    sku?: string;
    legacyItemId?: string;
    quantity?: number;
    lineItemCost?: Amount;
    /** LineItemRefund: a refund issued for the line (after shipping), money only. */
    refunds?: Array<{ refundId?: string; amount?: Amount; refundDate?: string }>;
    /** "a list of taxes applied to the line item ... returned as empty if no taxes are applicable". */
    taxes?: Array<{ amount?: Amount; taxType?: string }>;
    /** The taxes eBay collects and remits itself ('eBay Collect and Remit'), each its type and amount. */
    ebayCollectAndRemitTaxes?: Array<{ taxType?: string; amount?: Amount }>;
  }>;
}

type EbayLineItem = NonNullable<EbayOrder["lineItems"]>[number];
const sumCents = (amounts: Array<Amount | undefined>) => amounts.reduce((sum, a) => sum + (fromAmount(a) ?? 0), 0);

/**
 * The line's sales tax for all its units: the sales taxes eBay collects and remits where it names
 * any (its fees left out), else the line's `taxes`, which the seller then collected (a seller's own
 * sales tax table, before eBay collected it); none where neither carries an amount.
 */
export function lineTax(line: EbayLineItem): { taxCents: number | null; taxCollectedByMarketplace?: boolean } {
  const remitted = (line.ebayCollectAndRemitTaxes ?? []).filter((t) => t.amount && COLLECT_AND_REMIT_SALES_TAX_TYPES.has(t.taxType ?? ""));
  if (remitted.length > 0) return { taxCents: sumCents(remitted.map((t) => t.amount)), taxCollectedByMarketplace: true };
  const taxes = (line.taxes ?? []).filter((t) => t.amount);
  if (taxes.length > 0) return { taxCents: sumCents(taxes.map((t) => t.amount)), taxCollectedByMarketplace: false };
  return { taxCents: null };
}

export interface EbayOrderPage {
  orders?: EbayOrder[];
  total?: number;
  next?: string;
}

export function importedOrder(order: EbayOrder): ImportedOrder {
  const shipTo = order.fulfillmentStartInstructions?.[0]?.shippingStep?.shipTo;
  const total = order.pricingSummary?.total;
  return {
    externalOrderId: order.orderId,
    status: order.orderFulfillmentStatus ?? "UNKNOWN",
    orderedAt: new Date(order.creationDate ?? order.lastModifiedDate ?? 0),
    currencyCode: total?.currency ?? null,
    totalCents: fromAmount(total),
    buyer: { name: shipTo?.fullName ?? order.buyer?.username ?? null, email: shipTo?.email ?? null, address: shipTo?.contactAddress ?? null },
    lines: (order.lineItems ?? []).map((line, i) => {
      const quantity = required(line.quantity, `lineItems[${i}].quantity`);
      const lineCents = fromAmount(line.lineItemCost);
      return {
        // A listing made outside the Inventory API has no SKU; its item id is what identifies it.
        channelSku: line.sku ?? line.legacyItemId ?? "",
        quantity,
        // lineItemCost is the price of all units of the line; the app stores the unit price.
        priceCents: lineCents !== null && quantity > 0 ? Math.round(lineCents / quantity) : null,
        ...lineTax(line),
      };
    }),
    cancelled: order.cancelStatus?.cancelState === "CANCELED",
  };
}
