// What the merchant does to an eBay order in Shopify, passed on to eBay.
//
// Shipping: createShippingFulfillment (sell_fulfillment_v1_oas3.json, POST
// /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment), one per package, naming the order's
// line items by eBay's lineItemId, which Shopify never saw: getOrders with `orderIds` gives them
// for the merchant's SKUs (the same read the order import makes, under the same call limit).
//
// Cancelling: the seller's cancellation is the Post-Order API's (post-order.ts): POST
// /post-order/v2/cancellation/check_eligibility first ("Tip: Call ... check_eligibility before
// calling this method"), then POST /post-order/v2/cancellation with the order id and a reason.
// "The cancellation operations in the Post-Order API act upon an entire order", so a cancellation
// of part of an order is `unsupported` and says so; eBay's own refusals (shipped, past the
// seller's 30 days, a buyer's request already open) come back `rejected` with its reasons.
import { ChannelError, type OrderActionOutcome, type OrderCancellation, type ShipmentConfirmation } from "../connector";
import type { EbayConnectorContext } from "./context";
import type { EbayOrder, EbayOrderPage } from "./orders";
import { checkCancellationEligibility, createCancellation } from "./post-order";

/**
 * eBay's shipping carrier codes (Trading API ShippingCarrierCodeType, which the definition points
 * to for the current list) for the carriers Shopify merchants name most, keyed by the name
 * lower-cased without anything but letters and digits. createShippingFulfillment has no field for
 * a carrier's free name, so any other carrier goes as "Other".
 */
const CARRIER_CODES: Record<string, string> = {
  usps: "USPS",
  unitedstatespostalservice: "USPS",
  ups: "UPS",
  fedex: "FedEx",
  dhl: "DHL",
  dhlexpress: "DHL",
  dhlecommerce: "DHLGlobalMail",
  ontrac: "OnTrac",
  canadapost: "CanadaPost",
  purolator: "Purolator",
  royalmail: "RoyalMail",
  parcelforce: "ParcelForce",
  evri: "Hermes",
  hermes: "Hermes",
  dpd: "DPD",
  gls: "GLS",
  tnt: "TNT",
  yodel: "Yodel",
  australiapost: "AustraliaPost",
  deutschepost: "DeutschePost",
};

export function ebayCarrierCode(carrier: string): string {
  return CARRIER_CODES[carrier.toLowerCase().replace(/[^a-z0-9]/g, "")] ?? "Other";
}

/**
 * "Only alphanumeric characters are supported for shipment tracking numbers. Spaces, hyphens, and
 * all other special characters are not supported. Do not include a space in the tracking number
 * even if a space appears in the tracking number on the shipping label." (trackingNumber)
 */
export const ebayTrackingNumber = (trackingNumber: string) => trackingNumber.replace(/[^A-Za-z0-9]/g, "");

/** "[YYYY]-[MM]-[DD]T[hh]:[mm]:[ss].[sss]Z" (shippedDate), which toISOString writes. */
const shippedDate = (at: Date) => at.toISOString();

function failureOutcome(error: unknown): OrderActionOutcome {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  return error.retryable
    ? { status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs }
    : { status: "rejected", message: error.message };
}

type LineItem = NonNullable<EbayOrder["lineItems"]>[number];

/** Each SKU's units over the order's line items of that SKU (eBay may carry one SKU on two lines). */
function lineItemsFor(orderId: string, lineItems: LineItem[], lines: ShipmentConfirmation["lines"]): Array<{ lineItemId: string; quantity: number }> | string {
  const units = new Map<string, number>();
  for (const line of lines) {
    const matching = lineItems.filter((l) => l.lineItemId && (l.sku ?? l.legacyItemId) === line.channelSku);
    if (matching.length === 0) return `eBay order ${orderId} has no line item with SKU ${line.channelSku}`;
    let left = line.quantity;
    matching.forEach((item, i) => {
      const room = Math.max(0, (item.quantity ?? 0) - (units.get(item.lineItemId!) ?? 0));
      const take = i === matching.length - 1 ? left : Math.min(left, room);
      if (take > 0) units.set(item.lineItemId!, (units.get(item.lineItemId!) ?? 0) + take);
      left -= take;
    });
  }
  return [...units].map(([lineItemId, quantity]) => ({ lineItemId, quantity }));
}

/** The order as the Fulfillment API shows it now (getOrders by id), or undefined when the seller has none. */
async function orderById(context: EbayConnectorContext, orderId: string): Promise<EbayOrder | undefined> {
  const page = (await context.client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ orderIds: orderId }))) as EbayOrderPage;
  return page.orders?.find((o) => o.orderId === orderId);
}

const noSuchOrder = (orderId: string): OrderActionOutcome => ({ status: "rejected", message: `eBay has no order ${orderId} for this seller account` });

export async function confirmShipment(context: EbayConnectorContext, shipment: ShipmentConfirmation): Promise<OrderActionOutcome> {
  const orderId = shipment.externalOrderId;
  try {
    const order = await orderById(context, orderId);
    if (!order) return noSuchOrder(orderId);
    const lineItems = lineItemsFor(
      orderId,
      order.lineItems ?? [],
      shipment.lines.filter((l) => l.quantity > 0),
    );
    if (typeof lineItems === "string") return { status: "rejected", message: lineItems };
    if (lineItems.length === 0) return { status: "rejected", message: `No units to mark shipped for eBay order ${orderId}` };
    await context.client.call("createShippingFulfillment", (api) =>
      api.sell.fulfillment.createShippingFulfillment(orderId, {
        lineItems,
        shippedDate: shippedDate(shipment.shippedAt),
        shippingCarrierCode: ebayCarrierCode(shipment.carrier),
        trackingNumber: ebayTrackingNumber(shipment.trackingNumber),
      }),
    );
    return { status: "accepted" };
  } catch (error) {
    return failureOutcome(error);
  }
}

/**
 * The seller's CancelReasonEnum value for the merchant's words (Shopify's cancel reasons:
 * customer, inventory, fraud, declined, other, staff). A seller gives ADDRESS_ISSUES,
 * BUYER_ASKED_CANCEL, ORDER_UNPAID or OUT_OF_STOCK_OR_CANNOT_FULFILL; ORDER_UNPAID never fits, as
 * the Fulfillment API lists paid orders only. "eBay Seller Standards consider seller-initiated
 * cancellations for out-of-stock reasons" (Post-Order user guide, Cancellations): only the buyer's
 * own wish is given as such, anything else is the seller not fulfilling.
 */
export function ebayCancelReason(reason: string): string {
  const words = reason.toLowerCase();
  if (/customer|buyer/.test(words)) return "BUYER_ASKED_CANCEL";
  if (/address|deliver/.test(words)) return "ADDRESS_ISSUES";
  return "OUT_OF_STOCK_OR_CANNOT_FULFILL";
}

/** EligibilityFailureReasonEnum values in the merchant's words; another is named as eBay gives it. */
const REFUSALS: Record<string, string> = {
  SHIPPED_ORDER: "it has shipped (a shipped order is returned, not cancelled)",
  CANCEL_WINDOW_ELAPSED: "the time allowed for cancelling it has passed (a seller may cancel for 30 days after the sale)",
  CANCELLATION_EXIST: "a cancellation is already open for it (if the buyer asked to cancel, approve the request in Seller Hub)",
  FULL_REFUNDED_ORDER: "it was refunded in full",
  PARTIAL_REFUNDED_ORDER: "it was refunded in part",
  RETURN_EXIST: "a return is open for it",
  CASE_EXIST: "a case or inquiry is open for it",
  INVALID_ORDER: "eBay does not know it for this seller",
};

function refusal(orderId: string, reasons: string[] = []): string {
  const said = reasons.map((r) => REFUSALS[r] ?? r);
  return `eBay will not cancel order ${orderId}: ${said.join("; ") || "it is not eligible"}${reasons.length ? ` (${reasons.join(", ")})` : ""}`;
}

/** Why the cancellation is not of the whole order (a unit of every line item), or null when it is. */
function partOnly(order: EbayOrder, lines: OrderCancellation["lines"]): string | null {
  const ordered = new Map<string, number>();
  for (const item of order.lineItems ?? []) {
    const sku = item.sku ?? item.legacyItemId ?? "";
    ordered.set(sku, (ordered.get(sku) ?? 0) + (item.quantity ?? 0));
  }
  const asked = new Map<string, number>();
  for (const line of lines) asked.set(line.channelSku, (asked.get(line.channelSku) ?? 0) + line.quantity);
  const short = [...ordered].filter(([sku, units]) => (asked.get(sku) ?? 0) < units);
  if (short.length === 0) return null;
  return short.map(([sku, units]) => `${asked.get(sku) ?? 0} of its ${units} unit(s) of ${sku}`).join(", ");
}

/** When the buyer paid (the order's first payment), for CreateCancelRequest's buyerPaidDate. */
const paidAt = (order: EbayOrder) => order.paymentSummary?.payments?.find((p) => p.paymentStatus === "PAID")?.paymentDate;

/**
 * The merchant cancelled the order in Shopify: eBay is asked to cancel it, whole. Already
 * cancelled on eBay: accepted, nothing to do. Part of it only: unsupported, saying eBay cancels
 * whole orders. Not eligible, or eBay refusing the reason: rejected with eBay's reasons. Accepted
 * once eBay gives a cancelId; the next order read brings the cancellation, which gives the units back.
 */
export async function cancelOrder(context: EbayConnectorContext, cancellation: OrderCancellation): Promise<OrderActionOutcome> {
  const orderId = cancellation.externalOrderId;
  try {
    const order = await orderById(context, orderId);
    if (!order) return noSuchOrder(orderId);
    if (order.cancelStatus?.cancelState === "CANCELED") return { status: "accepted" };
    const unknown = cancellation.lines.find((l) => !(order.lineItems ?? []).some((item) => (item.sku ?? item.legacyItemId) === l.channelSku));
    if (unknown) return { status: "rejected", message: `eBay order ${orderId} has no line item with SKU ${unknown.channelSku}` };
    const part = partOnly(order, cancellation.lines);
    if (part) {
      return {
        status: "unsupported",
        message:
          `eBay cancels whole orders only, and this cancels ${part} of eBay order ${orderId}: ` +
          "cancel the whole order, or refund the units you cannot send in Seller Hub (Orders › Issue refund).",
      };
    }
    const eligibility = await checkCancellationEligibility(context, orderId);
    if (!eligibility.eligible) return { status: "rejected", message: refusal(orderId, eligibility.failureReason) };
    const cancelReason = ebayCancelReason(cancellation.reason);
    if (eligibility.eligibleCancelReason && !eligibility.eligibleCancelReason.includes(cancelReason)) {
      return {
        status: "rejected",
        message: `eBay will not cancel order ${orderId} as ${cancelReason}; it takes ${eligibility.eligibleCancelReason.join(", ")}`,
      };
    }
    const created = await createCancellation(context, { legacyOrderId: orderId, cancelReason, paidAt: paidAt(order) });
    if (created.cancelId) return { status: "accepted" };
    return { status: "rejected", message: refusal(orderId, created.orderEligibilityResult?.failureReason) };
  } catch (error) {
    return failureOutcome(error);
  }
}
