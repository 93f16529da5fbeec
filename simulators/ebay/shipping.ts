// Sell Fulfillment API v1 shipping fulfillments (sell_fulfillment_v1_oas3.json):
// createShippingFulfillment (POST /order/{orderId}/shipping_fulfillment), getShippingFulfillments
// and getShippingFulfillment. The body's shape (ShippingFulfillmentDetails) is checked against the
// definition before this runs; what is checked here is what the definition's prose and its
// x-response-codes say, with the errorIds it lists for createShippingFulfillment's 400.
import type { SimResponse } from "../common/http";
import { ebayErrors } from "./errors";
import { lineItemIdOf, shippedUnits, type AccountRecord, type EbaySimState, type OrderRecord } from "./state";

const DOMAIN = "API_FULFILLMENT";
const refuse = (errorId: number, message: string, longMessage?: string): SimResponse =>
  ebayErrors(400, [{ errorId, domain: DOMAIN, category: "REQUEST", message, ...(longMessage ? { longMessage } : {}) }]);

interface ShippingFulfillmentDetails {
  lineItems?: Array<{ lineItemId?: string; quantity?: number }>;
  shippedDate?: string;
  shippingCarrierCode?: string;
  trackingNumber?: string;
}

/** "[YYYY]-[MM]-[DD]T[hh]:[mm]:[ss].[sss]Z" (shippedDate's stated format). */
const SHIPPED_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** "Only alphanumeric characters are supported for shipment tracking numbers." */
const TRACKING_NUMBER = /^[A-Za-z0-9]+$/;

function orderOf(state: EbaySimState, account: AccountRecord, orderId: string): OrderRecord | undefined {
  return state.orders.find((o) => o.userId === account.userId && o.orderId === orderId);
}

const invalidOrder = (orderId: string) => refuse(32100, `Invalid Order Id: ${orderId}`);

/**
 * One package of the order shipped. Refusals, with the definition's errorIds: 32100 an order the
 * seller does not have; 32200 a line item not in the order; 32210 a line item twice; 32300 a
 * tracking number without a carrier or the other way round ("mutually dependent"), or one with
 * other than letters and digits; 32500 a shippedDate off its format or in the future; 32600 no
 * line items, a quantity below one, more units than the line has left to ship, or a cancelled
 * order; 34500 a second fulfillment with the same tracking number (its id would be the same:
 * "the resulting fulfillment's ID ... is the tracking number"). Accepted: 201, the Location of
 * the new fulfillment, `{}`; the order is IN_PROGRESS or FULFILLED and modified now.
 */
export function createShippingFulfillment(
  state: EbaySimState,
  account: AccountRecord,
  orderId: string,
  body: ShippingFulfillmentDetails,
  origin: string,
): SimResponse {
  const order = orderOf(state, account, orderId);
  if (!order) return invalidOrder(orderId);
  const lines = body.lineItems ?? [];
  if (lines.length === 0) return refuse(32600, "Invalid input data", "lineItems must name at least one line item of the order.");
  const seen = new Set<string>();
  let units = 0;
  for (const line of lines) {
    if (line.lineItemId !== lineItemIdOf(order)) return refuse(32200, `Invalid line item id: ${line.lineItemId ?? ""}`);
    if (seen.has(line.lineItemId)) return refuse(32210, "Duplicate line item in the request");
    seen.add(line.lineItemId);
    // "This must be a whole number greater than zero (0). Default: 1"
    const quantity = line.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1)
      return refuse(32600, "Invalid input data", `quantity ${quantity} must be a whole number greater than zero.`);
    units += quantity;
  }
  const hasTracking = body.trackingNumber !== undefined && body.trackingNumber !== "";
  const hasCarrier = body.shippingCarrierCode !== undefined && body.shippingCarrierCode !== "";
  if (hasTracking !== hasCarrier || (hasTracking && !TRACKING_NUMBER.test(body.trackingNumber!)))
    return refuse(32300, "Invalid shipment tracking number or carrier");
  const now = state.now();
  if (body.shippedDate !== undefined && (!SHIPPED_DATE.test(body.shippedDate) || Date.parse(body.shippedDate) > now))
    return refuse(32500, "Invalid shipped date");
  if (order.cancelled) return refuse(32600, "Invalid input data", `Order ${orderId} is cancelled; it cannot be marked as shipped.`);
  if (units > order.quantity - shippedUnits(order))
    return refuse(
      32600,
      "Invalid input data",
      `${units} unit(s) exceed the ${order.quantity - shippedUnits(order)} left to ship in line item ${lineItemIdOf(order)}.`,
    );
  const fulfillmentId = hasTracking ? body.trackingNumber! : String(999 + order.fulfillments.length);
  if (order.fulfillments.some((f) => f.fulfillmentId === fulfillmentId)) return refuse(34500, "Please use PUT operation for updating shipping fulfillment");

  order.fulfillments.push({
    fulfillmentId,
    lineItems: lines.map((l) => ({ lineItemId: l.lineItemId!, quantity: l.quantity ?? 1 })),
    shippedDate: body.shippedDate ?? new Date(now).toISOString(),
    ...(hasTracking ? { shippingCarrierCode: body.shippingCarrierCode, shipmentTrackingNumber: body.trackingNumber } : {}),
  });
  order.modifiedAt = now;
  const location = `${origin}/sell/fulfillment/v1/order/${encodeURIComponent(orderId)}/shipping_fulfillment/${encodeURIComponent(fulfillmentId)}`;
  return { status: 201, headers: { Location: location }, body: {} };
}

export function getShippingFulfillments(state: EbaySimState, account: AccountRecord, orderId: string): SimResponse {
  const order = orderOf(state, account, orderId);
  if (!order) return invalidOrder(orderId);
  return { status: 200, body: { fulfillments: structuredClone(order.fulfillments), total: order.fulfillments.length } };
}

export function getShippingFulfillment(state: EbaySimState, account: AccountRecord, orderId: string, fulfillmentId: string): SimResponse {
  const order = orderOf(state, account, orderId);
  if (!order) return invalidOrder(orderId);
  const fulfillment = order.fulfillments.find((f) => f.fulfillmentId === fulfillmentId);
  if (!fulfillment) return refuse(32110, `Invalid shipping fulfillment ID: ${fulfillmentId}`);
  return { status: 200, body: structuredClone(fulfillment) };
}
