// Buyers' returns in eBay's Post-Order API v2: GET /post-order/v2/return/search (GetSummaryResponse
// of ReturnSummaryType members) and GET /post-order/v2/return/{returnId} (GetDetailResponse), from
// eBay's reference pages ("Search Returns", "Get Return" and the types they name,
// developer.ebay.com/Devzone/post-order). The returns themselves are opened, delivered and refunded
// by the state's buyer hooks (state.ts openReturn, deliverReturn, refundReturn).
//
// A return has no last-modified filter: the search filters by creation date, return id, order,
// listing, state. So a reader that wants to see a return move must search its creation window again.
import type { SimResponse } from "../common/http";
import { postOrderError } from "./post-order-errors";
import type { AccountRecord, EbaySimState, OrderRecord, ReturnRecord } from "./state";

const DAY_MS = 86_400_000;
/** "limit ... Min value: 1 Max value: 200 Default value: 25". */
export const RETURN_SEARCH_MAX_LIMIT = 200;
const RETURN_SEARCH_DEFAULT_LIMIT = 25;
/** A range given by one end only reaches "the following 90 days" / "the preceding 90 days". */
const ONE_ENDED_RANGE_MS = 90 * DAY_MS;
/** creation_date_range_from "cannot be set to more than 18 months in the past". */
const OLDEST_FROM_MS = 548 * DAY_MS;
/** "The seller's next response" is due within this many days of a step (ReturnResponseDueType.respondByDate); the simulator's choice. */
const RESPOND_WITHIN_MS = 3 * DAY_MS;

/** ReturnCountFilterEnum: the return_state query parameter and countSummary.type. */
const COUNT_FILTERS: Record<string, (r: ReturnRecord, now: number) => boolean> = {
  ALL_OPEN: (r) => r.state !== "CLOSED",
  ALL_OPEN_RETURN: (r) => r.state !== "CLOSED",
  // "Note: This value is not currently supported." The simulator's returns are all MONEY_BACK.
  ALL_OPEN_REPLACEMENT: () => false,
  CLOSED: (r) => r.state === "CLOSED",
  EBAY_PLUS: () => false,
  ITEM_DELIVERED: (r) => r.state === "ITEM_DELIVERED",
  ITEM_SHIPPED: (r) => r.state === "ITEM_SHIPPED",
  RETURN_STARTED: (r) => r.state === "RETURN_REQUESTED",
  SELLER_ACTION_DUE: (r) => sellerActionDue(r) !== null,
  SELLER_ACTION_OVERDUE: (r, now) => sellerActionDue(r) !== null && now > lastStepAt(r) + RESPOND_WITHIN_MS,
  SELLER_NO_ACTION: (r) => r.state !== "CLOSED" && sellerActionDue(r) === null,
};

/** ReturnStateEnum values the `states` query parameter takes (those the simulator's returns pass through, and the rest eBay lists). */
const RETURN_STATES = new Set([
  "AUTO_REFUND_INITIATED",
  "CLOSED",
  "INITIAL",
  "ITEM_DELIVERED",
  "ITEM_KEPT",
  "ITEM_READY_TO_SHIP",
  "ITEM_SHIPPED",
  "LESS_THAN_A_FULL_REFUND_ISSUED",
  "PARTIAL_REFUNDED",
  "REFUND_FAILED",
  "REFUND_INITIATED",
  "REFUND_SENT_PENDING_CONFIRMATION",
  "RETURN_LABEL_PENDING",
  "RETURN_LABEL_REQUESTED",
  "RETURN_REJECTED",
  "RETURN_REQUESTED",
  "RMA_PENDING",
]);

/** ReturnSortField: ACTUAL_AMOUNT, BUYER_LOGIN_NAME, ESTIMATED_AMOUNT, FILING_DATE, REASON, REFUND_DUE_DATE, RETURN_ID or STATUS, after + or -. */
const SORT_FIELDS: Record<string, (r: ReturnRecord) => number | string> = {
  ACTUAL_AMOUNT: (r) => r.refund?.amountCents ?? 0,
  BUYER_LOGIN_NAME: (r) => r.orderId,
  ESTIMATED_AMOUNT: (r) => r.quantity,
  FILING_DATE: (r) => r.createdAt,
  REASON: (r) => r.reason,
  REFUND_DUE_DATE: (r) => lastStepAt(r),
  RETURN_ID: (r) => r.returnId,
  STATUS: (r) => r.status,
};

const RETURN_DOMAIN = "returnErrorDomain";
const badRequest = (name: string, value: string, message: string) =>
  postOrderError(400, { domain: RETURN_DOMAIN, category: "REQUEST", message, parameter: { name, value } });

const lastStepAt = (r: ReturnRecord) => r.history[r.history.length - 1].at;

/** What the seller is to do next: approve a new request, refund a delivered one (ActivityOptionEnum). */
function sellerActionDue(r: ReturnRecord): string | null {
  if (r.state === "RETURN_REQUESTED") return "SELLER_APPROVE_REQUEST";
  if (r.state === "ITEM_DELIVERED") return "SELLER_ISSUE_REFUND";
  return null;
}

const iso = (at: number) => new Date(at).toISOString();
/** The Post-Order API's DateTime: `{ value }` (formattedValue is "Reserved for future use"). */
const dateTime = (at: number) => ({ value: iso(at) });
/** The Post-Order API's Amount: `value` is a number here, not the Sell APIs' string. */
const amountOf = (cents: number, currency: string) => ({ value: cents / 100, currency });

function refundTotals(r: ReturnRecord, order: OrderRecord) {
  const estimated = amountOf(order.unitPriceCents * r.quantity, order.currency);
  return { estimatedRefundAmount: estimated, ...(r.refund ? { actualRefundAmount: amountOf(r.refund.amountCents, order.currency) } : {}) };
}

/** ReturnSummaryType, as the search and GET ?fieldgroups=SUMMARY give it. */
function summaryView(r: ReturnRecord, order: OrderRecord, sellerLoginName: string) {
  const due = sellerActionDue(r);
  return {
    returnId: r.returnId,
    orderId: r.orderId,
    buyerLoginName: order.buyerUsername,
    sellerLoginName,
    currentType: "MONEY_BACK",
    state: r.state,
    status: r.status,
    creationInfo: {
      item: { itemId: r.itemId, transactionId: r.transactionId, returnQuantity: r.quantity },
      type: "MONEY_BACK",
      reason: r.reason,
      reasonType: "REMORSE",
      creationDate: dateTime(r.createdAt),
    },
    sellerTotalRefund: refundTotals(r, order),
    buyerTotalRefund: refundTotals(r, order),
    ...(due ? { sellerResponseDue: { activityDue: due, respondByDate: dateTime(lastStepAt(r) + RESPOND_WITHIN_MS) } } : {}),
    ...(due ? { sellerAvailableOptions: [{ actionType: due }, { actionType: "SELLER_SEND_MESSAGE" }] } : {}),
  };
}

/** ReturnDetailType, as GET /return/{returnId} gives it by default (fieldgroups FULL). */
function detailView(r: ReturnRecord, order: OrderRecord, account: AccountRecord) {
  return {
    buyerLoginName: order.buyerUsername,
    sellerLoginName: account.userId,
    marketplaceId: account.marketplaceId,
    itemDetail: {
      itemId: r.itemId,
      transactionId: r.transactionId,
      returnQuantity: r.quantity,
      itemTitle: order.title,
      itemPrice: amountOf(order.unitPriceCents, order.currency),
      transactionDate: dateTime(order.createdAt),
    },
    responseHistory: r.history.map((h) => ({
      activity: h.activity,
      author: h.author,
      creationDate: dateTime(h.at),
      fromState: h.fromState,
      toState: h.toState,
    })),
    ...(r.deliveredAt !== undefined ? { returnShipmentInfo: { shipmentTracking: { actualDeliveryDate: dateTime(r.deliveredAt) } } } : {}),
    ...(r.refund
      ? {
          refundInfo: {
            actualRefundDetail: { actualRefund: { totalAmount: amountOf(r.refund.amountCents, order.currency) }, refundIssuedDate: dateTime(r.refund.at) },
          },
        }
      : {}),
    ...(r.state === "CLOSED" ? { closeInfo: { returnCloseDate: dateTime(lastStepAt(r)) } } : {}),
  };
}

interface DateRange {
  from: number;
  to: number;
}

/** creation_date_range_from/_to: ISO 8601; one end alone reaches 90 days the other way; neither: any date. */
function creationRange(query: URLSearchParams, now: number): DateRange | SimResponse | null {
  const fromRaw = query.get("creation_date_range_from");
  const toRaw = query.get("creation_date_range_to");
  if (fromRaw === null && toRaw === null) return null;
  const parse = (name: string, raw: string | null) => {
    if (raw === null) return undefined;
    const at = Date.parse(raw);
    return /^\d{4}-\d{2}-\d{2}T/.test(raw) && !Number.isNaN(at)
      ? at
      : badRequest(name, raw, `${name} must be an ISO 8601 timestamp, such as 2021-05-15T03:52:39.000Z.`);
  };
  const from = parse("creation_date_range_from", fromRaw);
  const to = parse("creation_date_range_to", toRaw);
  if (typeof from === "object") return from;
  if (typeof to === "object") return to;
  const range = { from: from ?? to! - ONE_ENDED_RANGE_MS, to: to ?? from! + ONE_ENDED_RANGE_MS };
  if (from !== undefined && from < now - OLDEST_FROM_MS)
    return badRequest("creation_date_range_from", fromRaw!, "creation_date_range_from cannot be more than 18 months in the past.");
  if (range.from >= range.to)
    return badRequest("creation_date_range_from", fromRaw ?? "", "creation_date_range_from must be older than creation_date_range_to.");
  return range;
}

function wholeNumber(query: URLSearchParams, name: string, fallback: number, min: number, max = Infinity): number | SimResponse {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    return badRequest(name, raw, `${name} must be a whole number from ${min}${max === Infinity ? "" : ` to ${max}`}.`);
  return value;
}

/**
 * GET /post-order/v2/return/search, the seller's returns. Filters (AND across, as the page says):
 * return_id (alone: "any other query parameters ... are ignored"), creation date range, order_id,
 * item_id (with transaction_id, which is "ignored" without it), return_state (ReturnCountFilterEnum;
 * left out, only open returns: "the default behavior is ... to return only those return requests
 * in the 'ALL_OPEN' state", CountSummaryType), states (ReturnStateEnum), role (BUYER or SELLER,
 * "case-sensitive"). sort: one ReturnSortField after + or -, default newest filed first. Pages:
 * limit (1..200, default 25) and offset, "the number of entries to skip". countSummary counts the
 * matches of each state classification asked for.
 */
export function searchReturns(state: EbaySimState, account: AccountRecord, query: URLSearchParams): SimResponse {
  const now = state.now();
  const limit = wholeNumber(query, "limit", RETURN_SEARCH_DEFAULT_LIMIT, 1, RETURN_SEARCH_MAX_LIMIT);
  if (typeof limit !== "number") return limit;
  const offset = wholeNumber(query, "offset", 0, 0);
  if (typeof offset !== "number") return offset;
  const returnState = query.get("return_state") ?? "ALL_OPEN";
  const countFilter = COUNT_FILTERS[returnState];
  if (!countFilter) return badRequest("return_state", returnState, `return_state ${returnState} is not a ReturnCountFilterEnum value that can be searched.`);
  const states = query.get("states");
  if (states !== null && !RETURN_STATES.has(states)) return badRequest("states", states, `states ${states} is not a ReturnStateEnum value.`);
  const role = query.get("role");
  if (role !== null && role !== "BUYER" && role !== "SELLER") return badRequest("role", role, "role must be BUYER or SELLER (case-sensitive).");
  const sortRaw = query.get("sort") ?? "-FILING_DATE";
  const sortMatch = /^([+-]?)([A-Z_]+)$/.exec(sortRaw);
  const sortKey = sortMatch ? SORT_FIELDS[sortMatch[2]] : undefined;
  if (!sortMatch || !sortKey) return badRequest("sort", sortRaw, `sort ${sortRaw} is not a ReturnSortField value after + or -.`);
  const range = creationRange(query, now);
  if (range && "status" in range) return range;

  const returnId = query.get("return_id");
  const orderId = query.get("order_id");
  const itemId = query.get("item_id");
  const transactionId = itemId ? query.get("transaction_id") : null;
  const mine = state.returnRequests.filter((r) => r.userId === account.userId && role !== "BUYER");
  const matching = returnId
    ? mine.filter((r) => r.returnId === returnId)
    : mine.filter(
        (r) =>
          (!range || (r.createdAt >= range.from && r.createdAt <= range.to)) &&
          (!orderId || r.orderId === orderId) &&
          (!itemId || r.itemId === itemId) &&
          (!transactionId || r.transactionId === transactionId) &&
          (!states || r.state === states),
      );
  const direction = sortMatch[1] === "+" ? 1 : -1;
  const members = matching
    .filter((r) => countFilter(r, now))
    .sort((a, b) => {
      const [x, y] = [sortKey(a), sortKey(b)];
      return (x < y ? -1 : x > y ? 1 : 0) * direction || a.returnId.localeCompare(b.returnId) * direction;
    });
  const page = members.slice(offset, offset + limit);
  const ordersById = new Map(state.orders.map((o) => [o.orderId, o]));
  return {
    status: 200,
    body: {
      // "If this query parameter is omitted in the request, the count for every return request state is returned."
      countSummary: (query.has("return_state") ? [returnState] : Object.keys(COUNT_FILTERS)).map((type) => ({
        count: matching.filter((r) => COUNT_FILTERS[type](r, now)).length,
        type,
      })),
      members: page.map((r) => summaryView(r, ordersById.get(r.orderId)!, account.userId)),
      paginationOutput: { limit, offset, totalEntries: members.length, totalPages: Math.ceil(members.length / limit) },
    },
  };
}

/**
 * GET /post-order/v2/return/{returnId}: the detail by default ("FULL ... This is default value"),
 * the summary with fieldgroups=SUMMARY; NONE "is not supported by the GET". A return the seller
 * does not have is 404.
 */
export function getReturn(state: EbaySimState, account: AccountRecord, returnId: string, query: URLSearchParams): SimResponse {
  const fieldgroups = query.get("fieldgroups") ?? "FULL";
  if (fieldgroups !== "FULL" && fieldgroups !== "SUMMARY") return badRequest("fieldgroups", fieldgroups, "fieldgroups must be FULL or SUMMARY.");
  const r = state.returnRequests.find((x) => x.returnId === returnId && x.userId === account.userId);
  if (!r)
    return postOrderError(404, {
      domain: RETURN_DOMAIN,
      category: "REQUEST",
      message: `No return ${returnId} for this seller.`,
      parameter: { name: "returnId", value: returnId },
    });
  const order = state.orders.find((o) => o.orderId === r.orderId)!;
  return { status: 200, body: fieldgroups === "SUMMARY" ? { summary: summaryView(r, order, account.userId) } : { detail: detailView(r, order, account) } };
}
