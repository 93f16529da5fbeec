// The seller's order cancellation in eBay's Post-Order API v2: POST /post-order/v2/cancellation/
// check_eligibility (OrderEligibilityCheckInfo in, OrderEligibilityResult out) and POST
// /post-order/v2/cancellation (CreateCancelRequest in, CreateCancelResponse out), from eBay's
// reference pages (developer.ebay.com/Devzone/post-order: "Check Cancellation Eligibility",
// "Create Cancellation Request" and the types they name). eBay publishes no machine-readable
// definition of this API, so the request is checked here field by field against those pages.
//
// "Currently, the cancellation operations in the Post-Order API act upon an entire order, so a
// single line item within a multiple line item order cannot be canceled" (Post-Order user guide,
// Cancellations): a request names the order only, and every line is cancelled.
import type { SimResponse } from "../common/http";
import { postOrderError } from "./post-order-errors";
import { lineItemIdOf, lineRefundedCents, shippedUnits, type AccountRecord, type EbaySimState, type OrderRecord } from "./state";

const DAY_MS = 86_400_000;

/**
 * "Sellers may cancel an order if they run out of stock on an item and are unable to fulfill the
 * order for up to 30 days after the sale" (Create Cancellation). The "cutoff for EBAY_US is 1 hour
 * after purchase" the same page names is the buyer's: a buyer's request comes within the hour,
 * and the seller approves it rather than creating one (CANCELLATION_EXIST below).
 */
export const SELLER_CANCEL_WINDOW_MS = 30 * DAY_MS;

/** CancelReasonEnum values "only ... given by the seller"; ORDER_UNPAID only for an order not paid, which the simulator never has. */
const SELLER_REASONS = ["ADDRESS_ISSUES", "BUYER_ASKED_CANCEL", "OUT_OF_STOCK_OR_CANNOT_FULFILL", "ORDER_UNPAID"];
const PAID_ORDER_REASONS = SELLER_REASONS.filter((r) => r !== "ORDER_UNPAID");
/** CancelReasonEnum values "only ... given by the buyer", and the ones that "can no longer be used" (deprecated). */
const BUYER_REASONS = ["FOUND_CHEAPER_PRICE", "ORDER_MISTAKE", "WONT_ARRIVE_IN_TIME"];
const DEPRECATED_REASONS = ["OTHER", "BUYER_CANCEL_OR_ADDRESS_ISSUE"];

const CANCEL_DOMAIN = "cancelErrorDomain";
/** The request itself is wrong (a field missing or of the wrong type, a reason the seller may not give). */
const badRequest = (message: string, parameter?: { name: string; value: string }) =>
  postOrderError(400, { domain: CANCEL_DOMAIN, category: "REQUEST", message, parameter });

function orderOf(state: EbaySimState, account: AccountRecord, legacyOrderId: string): OrderRecord | undefined {
  return state.orders.find((o) => o.userId === account.userId && o.orderId === legacyOrderId);
}

/**
 * Why the order cannot be cancelled by its seller now, as EligibilityFailureReasonEnum values,
 * empty when it can: an order the seller does not have (INVALID_ORDER); one cancelled or with the
 * buyer's request open (CANCELLATION_EXIST: the seller approves that request instead); one that
 * shipped (SHIPPED_ORDER) or was refunded (FULL_/PARTIAL_REFUNDED_ORDER); one older than the
 * seller's window (CANCEL_WINDOW_ELAPSED).
 */
export function cancellationFailures(order: OrderRecord | undefined, now: number): string[] {
  if (!order) return ["INVALID_ORDER"];
  const failures: string[] = [];
  if (order.cancelled || order.cancelRequestedAt !== undefined) failures.push("CANCELLATION_EXIST");
  if (shippedUnits(order) > 0) failures.push("SHIPPED_ORDER");
  const refunded = lineRefundedCents(order);
  if (refunded > 0) failures.push(refunded >= order.unitPriceCents * order.quantity ? "FULL_REFUNDED_ORDER" : "PARTIAL_REFUNDED_ORDER");
  if (now - order.createdAt > SELLER_CANCEL_WINDOW_MS) failures.push("CANCEL_WINDOW_ELAPSED");
  return failures;
}

/** OrderEligibilityResult: the order's answer and one itemEligibilityResult per line item (each line shares the order's fate). */
function eligibilityResult(legacyOrderId: string, order: OrderRecord | undefined, failures: string[]) {
  const eligible = failures.length === 0;
  return {
    legacyOrderId,
    eligible,
    ...(eligible ? { eligibleCancelReason: PAID_ORDER_REASONS } : { failureReason: failures }),
    itemEligibilityResult: order
      ? [{ itemId: order.listingId, transactionId: lineItemIdOf(order), eligible, ...(eligible ? {} : { failureReason: failures }) }]
      : [],
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** legacyOrderId: "Required", a string (OrderEligibilityCheckInfo, CreateCancelRequest). */
function legacyOrderIdOf(body: unknown): string | SimResponse {
  if (!isObject(body)) return badRequest("The request body must be a JSON object.");
  const id = body.legacyOrderId;
  if (typeof id !== "string" || id.trim() === "")
    return badRequest("legacyOrderId is required and must be a string.", { name: "legacyOrderId", value: String(id ?? "") });
  return id;
}

/** POST /post-order/v2/cancellation/check_eligibility: 200 with the order's OrderEligibilityResult. */
export function checkCancellationEligibility(state: EbaySimState, account: AccountRecord, body: unknown): SimResponse {
  const legacyOrderId = legacyOrderIdOf(body);
  if (typeof legacyOrderId !== "string") return legacyOrderId;
  const order = orderOf(state, account, legacyOrderId);
  return { status: 200, body: eligibilityResult(legacyOrderId, order, cancellationFailures(order, state.now())) };
}

/** DateTime: { value: "[YYYY]-[MM]-[DD]T[hh]:[mm]:[ss].[sss]Z" }. */
const isDateTime = (value: unknown) => isObject(value) && typeof value.value === "string" && !Number.isNaN(Date.parse(value.value));

/**
 * POST /post-order/v2/cancellation as the seller. The request: legacyOrderId (required),
 * cancelReason (a CancelReasonEnum value a seller may give and that suits the order: "Although not
 * required, it is highly recommended"), buyerPaid (boolean), buyerPaidDate (DateTime); any of these
 * wrong is a 400. An order that may not be cancelled is answered with its orderEligibilityResult
 * and no cancelId ("returned unless the order is not eligible for cancellation"); an eligible one
 * is cancelled at once: 201 with the cancelId.
 */
export function createCancellation(state: EbaySimState, account: AccountRecord, body: unknown): SimResponse {
  const legacyOrderId = legacyOrderIdOf(body);
  if (typeof legacyOrderId !== "string") return legacyOrderId;
  const request = body as Record<string, unknown>;
  const reason = request.cancelReason;
  if (reason !== undefined) {
    const value = { name: "cancelReason", value: String(reason) };
    if (typeof reason !== "string") return badRequest("cancelReason must be a string.", value);
    if (DEPRECATED_REASONS.includes(reason)) return badRequest(`cancelReason ${reason} is deprecated and can no longer be used.`, value);
    if (BUYER_REASONS.includes(reason)) return badRequest(`cancelReason ${reason} can only be given by the buyer.`, value);
    if (!SELLER_REASONS.includes(reason)) return badRequest(`cancelReason ${reason} is not a CancelReasonEnum value.`, value);
  }
  if (request.buyerPaid !== undefined && typeof request.buyerPaid !== "boolean") return badRequest("buyerPaid must be a boolean.");
  if (request.buyerPaidDate !== undefined && !isDateTime(request.buyerPaidDate)) return badRequest("buyerPaidDate.value must be an ISO 8601 date-time.");

  const order = orderOf(state, account, legacyOrderId);
  const failures = cancellationFailures(order, state.now());
  if (failures.length > 0 || !order) return { status: 200, body: { orderEligibilityResult: eligibilityResult(legacyOrderId, order, failures) } };
  if (typeof reason === "string" && !PAID_ORDER_REASONS.includes(reason)) {
    return badRequest(`cancelReason ${reason} is not one this order can be cancelled for (${PAID_ORDER_REASONS.join(", ")}).`, {
      name: "cancelReason",
      value: reason,
    });
  }
  return { status: 201, body: state.cancelBySeller(order.orderId, reason as string | undefined) };
}
