// Sell Fulfillment API v1 getOrders: the `filter` grammar (creationdate, lastmodifieddate,
// orderfulfillmentstatus), limit/offset pages, orderIds, and the 400 error ids the definition
// lists for each mistake (sell_fulfillment_v1_oas3.json, GET /order). Shipping fulfillments
// (POST/GET /order/{orderId}/shipping_fulfillment) are in shipping.ts.
import type { SimResponse } from "../common/http";
import { ebayErrors, type EbayError } from "./errors";
import { amount } from "./money";
import { fulfillmentStatusOf, lineItemIdOf, lineRefundedCents, type AccountRecord, type EbaySimState, type OrderRecord } from "./state";

/** "Maximum: 200 Default: 50" (getOrders limit parameter). */
export const GET_ORDERS_MAX_LIMIT = 200;
export const GET_ORDERS_DEFAULT_LIMIT = 50;
/** "orderIds ... (maximum 50)". */
export const GET_ORDERS_MAX_IDS = 50;
/** "when no filters are used this call returns all orders created within the last 90 days". */
const DEFAULT_WINDOW_MS = 90 * 24 * 3600 * 1000;

const DOMAIN = "API_FULFILLMENT";
const badRequest = (errorId: number, message: string): SimResponse =>
  ebayErrors(400, [{ errorId, domain: DOMAIN, category: "REQUEST", message } satisfies EbayError]);

interface DateRange {
  from: number;
  to?: number;
}

interface OrderFilter {
  creation?: DateRange;
  lastModified?: DateRange;
  fulfillmentStatuses?: string[];
}

// [2016-03-21T08:25:43.511Z..] or [start..end], both ends inclusive.
const RANGE = /^\[(.*?)\.\.(.*)\]$/;

function parseRange(raw: string, now: number): DateRange | SimResponse {
  const match = RANGE.exec(raw);
  if (!match) return badRequest(30810, "Invalid date format");
  if (!match[1]) return badRequest(30820, "Start date is missing");
  const from = Date.parse(match[1]);
  const to = match[2] ? Date.parse(match[2]) : undefined;
  if (Number.isNaN(from) || (to !== undefined && Number.isNaN(to)) || !match[1].endsWith("Z")) return badRequest(30810, "Invalid date format");
  if (to !== undefined && from > to) return badRequest(30840, "Start date should be before end date");
  if (from > now || (to !== undefined && to > now)) return badRequest(30850, "Start and end dates can't be in the future");
  return { from, to };
}

function parseFilter(raw: string | null, now: number): OrderFilter | SimResponse {
  const filter: OrderFilter = {};
  if (!raw) return filter;
  // Criteria are comma-separated; a date range never contains a comma.
  for (const criterion of raw
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean)) {
    const colon = criterion.indexOf(":");
    const name = colon < 0 ? criterion : criterion.slice(0, colon);
    const value = colon < 0 ? "" : criterion.slice(colon + 1);
    if (name === "creationdate" || name === "lastmodifieddate") {
      const range = parseRange(value, now);
      if ("status" in range) return range;
      if (name === "creationdate") filter.creation = range;
      else filter.lastModified = range;
    } else if (name === "orderfulfillmentstatus") {
      const statuses = /^\{([A-Z_|]+)\}$/.exec(value)?.[1].split("|");
      if (!statuses?.every((s) => ["NOT_STARTED", "IN_PROGRESS", "FULFILLED"].includes(s))) {
        return badRequest(30800, `Invalid filter value ${value} for filter ${name}`);
      }
      filter.fulfillmentStatuses = statuses;
    } else return badRequest(30700, `Invalid filter name: ${name}`);
  }
  return filter;
}

const within = (at: number, range: DateRange) => at >= range.from && (range.to === undefined || at <= range.to);

export function getOrders(state: EbaySimState, account: AccountRecord, query: URLSearchParams): SimResponse {
  const now = state.now();
  const limitRaw = query.get("limit");
  const offsetRaw = query.get("offset");
  const limit = limitRaw === null ? GET_ORDERS_DEFAULT_LIMIT : Number(limitRaw);
  const offset = offsetRaw === null ? 0 : Number(offsetRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > GET_ORDERS_MAX_LIMIT) return badRequest(31100, `Invalid limit: ${limitRaw}`);
  if (!Number.isInteger(offset) || offset < 0) return badRequest(31000, `Invalid offset: ${offsetRaw}`);

  let matching: OrderRecord[];
  const orderIds = query.get("orderIds");
  if (orderIds) {
    const ids = orderIds.split(",").map((s) => s.trim());
    if (ids.length > GET_ORDERS_MAX_IDS) return badRequest(30900, `Exceeded maximum number of order IDs (the current limit is ${GET_ORDERS_MAX_IDS})`);
    matching = state.orders.filter((o) => o.userId === account.userId && ids.includes(o.orderId));
  } else {
    const filter = parseFilter(query.get("filter"), now);
    if ("status" in filter) return filter;
    matching = state.orders.filter((o) => {
      if (o.userId !== account.userId) return false;
      // "If creationdate and lastmodifieddate are both included, only creationdate is used."
      if (filter.creation) {
        if (!within(o.createdAt, filter.creation)) return false;
      } else if (filter.lastModified) {
        if (!within(o.modifiedAt, filter.lastModified)) return false;
      } else if (o.createdAt < now - DEFAULT_WINDOW_MS) return false;
      return !filter.fulfillmentStatuses || filter.fulfillmentStatuses.includes(fulfillmentStatusOf(o));
    });
  }
  // Newest first. eBay does not document the order of results; callers must not rely on it.
  matching = [...matching].sort((a, b) => b.createdAt - a.createdAt || b.orderId.localeCompare(a.orderId));

  const page = matching.slice(offset, offset + limit);
  const href = (o: number) => {
    const q = new URLSearchParams(query);
    q.set("limit", String(limit));
    q.set("offset", String(o));
    return `/sell/fulfillment/v1/order?${q.toString()}`;
  };
  return {
    status: 200,
    body: {
      href: href(offset),
      total: matching.length,
      limit,
      offset,
      orders: page.map((o) => orderView(o, account, query.get("fieldGroups") === "TAX_BREAKDOWN")),
      ...(offset + limit < matching.length ? { next: href(offset + limit) } : {}),
      ...(offset > 0 ? { prev: href(Math.max(0, offset - limit)) } : {}),
    },
  };
}

const iso = (at: number) => new Date(at).toISOString();
const DAY_MS = 86_400_000;

/** CancelStatus: NONE_REQUESTED, IN_PROGRESS while a request is open, CANCELED once done. */
function cancelStatus(o: OrderRecord) {
  // "For the getOrders call: This array is returned but is always empty."
  if (o.cancelled) return { cancelState: "CANCELED", cancelledDate: iso(o.cancelledAt ?? o.modifiedAt), cancelRequests: [] };
  if (o.cancelRequestedAt !== undefined) return { cancelState: "IN_PROGRESS", cancelRequests: [] };
  return { cancelState: "NONE_REQUESTED", cancelRequests: [] };
}

/**
 * The order as getOrders gives it. Its sales tax is 'eBay Collect and Remit' (LineItem
 * ebayCollectAndRemitTaxes: "eBay will ... handle collection and remittance of the tax without
 * requiring the seller to take any action"): STATE_SALES_TAX with collectionMethod NET ("its value
 * is always NET"), and the same amount in the line's `taxes` ("always returned ... this amount will
 * only be returned when the line item is subject to any type of sales tax"; its taxType "only ...
 * when fieldGroups is set to TAX_BREAKDOWN"). The lineItems.total and pricingSummary.total include
 * it only with TAX_BREAKDOWN, as their notes say. paymentSummary counts the item price alone:
 * refunds of tax are not modelled.
 */
function orderView(o: OrderRecord, account: AccountRecord, taxBreakdown: boolean) {
  const lineCents = o.unitPriceCents * o.quantity;
  const lineCost = amount(lineCents, o.currency);
  const tax = amount(o.taxCents, o.currency);
  const total = amount(lineCents + (taxBreakdown ? o.taxCents : 0), o.currency);
  const refundedCents = o.cancelled ? lineCents : lineRefundedCents(o);
  // A cancelled order is refunded in full, at order level (PaymentSummary.refunds, OrderRefund).
  // A line refunded after shipping shows in lineItems[].refunds (LineItemRefund: no status) and
  // again in paymentSummary.refunds with its status and eBay's reference (no refundId: that is
  // returned at line level for a line's refund).
  const refunds = o.cancelled
    ? [{ refundId: `RF-${o.orderId}`, refundStatus: "REFUNDED", amount: lineCost, refundDate: iso(o.cancelledAt ?? o.modifiedAt) }]
    : o.lineRefunds.map((r) => ({
        refundReferenceId: r.refundReferenceId,
        refundStatus: "REFUNDED",
        amount: amount(r.amountCents, o.currency),
        refundDate: iso(r.refundedAt),
      }));
  // OrderPaymentStatusEnum: PAID, then PARTIALLY_REFUNDED or FULLY_REFUNDED once refunds are issued.
  const paymentStatus = refundedCents === 0 ? "PAID" : refundedCents >= lineCents ? "FULLY_REFUNDED" : "PARTIALLY_REFUNDED";
  return {
    orderId: o.orderId,
    creationDate: iso(o.createdAt),
    lastModifiedDate: iso(o.modifiedAt),
    orderFulfillmentStatus: fulfillmentStatusOf(o),
    orderPaymentStatus: paymentStatus,
    sellerId: account.userId,
    salesRecordReference: o.orderId.replace(/-/g, "").slice(-6),
    buyer: { username: o.buyerUsername },
    pricingSummary: { priceSubtotal: lineCost, ...(taxBreakdown && o.taxCents > 0 ? { tax } : {}), total },
    paymentSummary: {
      // Payment.paymentStatus is the buyer's payment (FAILED, PAID, PENDING): refunds do not change it.
      payments: [{ paymentMethod: "EBAY", paymentStatus: "PAID", amount: lineCost, paymentDate: iso(o.createdAt) }],
      refunds,
      totalDueSeller: amount(lineCents - refundedCents, o.currency),
    },
    cancelStatus: cancelStatus(o),
    fulfillmentStartInstructions: [
      {
        fulfillmentInstructionsType: "SHIP_TO",
        ebaySupportedFulfillment: false,
        shippingStep: {
          shippingCarrierCode: "USPS",
          shippingServiceCode: "USPSPriority",
          shipTo: {
            fullName: `Buyer ${o.buyerUsername}`,
            contactAddress:
              o.shipToState === "CA"
                ? { addressLine1: "1 Main St", city: "San Jose", stateOrProvince: "CA", postalCode: "95125", countryCode: "US" }
                : { addressLine1: "1 Main St", city: "Springfield", stateOrProvince: o.shipToState, postalCode: "00000", countryCode: "US" },
          },
        },
      },
    ],
    lineItems: [
      {
        lineItemId: lineItemIdOf(o),
        legacyItemId: o.listingId,
        sku: o.sku,
        title: o.title,
        quantity: o.quantity,
        lineItemCost: lineCost,
        total,
        soldFormat: "FIXED_PRICE",
        listingMarketplaceId: account.marketplaceId,
        purchaseMarketplaceId: account.marketplaceId,
        // Line statuses are FULFILLED, IN_PROGRESS or NOT_STARTED: no line says it was cancelled.
        lineItemFulfillmentStatus: fulfillmentStatusOf(o),
        // One handling day, three to five in transit (the seller's stated times, here fixed).
        lineItemFulfillmentInstructions: {
          shipByDate: iso(o.createdAt + DAY_MS),
          minEstimatedDeliveryDate: iso(o.createdAt + 3 * DAY_MS),
          maxEstimatedDeliveryDate: iso(o.createdAt + 5 * DAY_MS),
          guaranteedDelivery: false,
        },
        // "always returned ... as an empty array" unless a refund was issued for the line; an
        // order's cancellation is refunded at order level.
        refunds: o.lineRefunds.map((r) => ({ refundId: r.refundId, amount: amount(r.amountCents, o.currency), refundDate: iso(r.refundedAt) })),
        taxes: o.taxCents > 0 ? [{ amount: tax, ...(taxBreakdown ? { taxType: "STATE_SALES_TAX" } : {}) }] : [],
        ...(o.taxCents > 0 ? { ebayCollectAndRemitTaxes: [{ taxType: "STATE_SALES_TAX", amount: tax, collectionMethod: "NET" }] } : {}),
        appliedPromotions: [],
      },
    ],
  };
}
