// What the merchant does to an eBay order in Shopify, passed on to eBay.
//
// Shipping: createShippingFulfillment (sell_fulfillment_v1_oas3.json, POST
// /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment), one per package, naming the order's
// line items by eBay's lineItemId, which Shopify never saw: getOrders with `orderIds` gives them
// for the merchant's SKUs (the same read the order import makes, under the same call limit).
//
// Cancelling: eBay's seller cancellation is the Post-Order API (POST /post-order/v2/cancellation,
// developer.ebay.com), which eBay publishes no OpenAPI definition for and which is not among the
// copied contracts (simulators/contracts/ebay-sell), so neither the simulator nor this connector
// can hold it to eBay's shapes: it is `unsupported`, and the merchant cancels in Seller Hub.
import { ChannelError, type OrderActionOutcome, type OrderCancellation, type ShipmentConfirmation } from "../connector";
import type { EbayConnectorContext } from "./context";
import type { EbayOrderPage } from "./orders";

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

type LineItem = NonNullable<NonNullable<EbayOrderPage["orders"]>[number]["lineItems"]>[number] & { lineItemId?: string };

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

export async function confirmShipment(context: EbayConnectorContext, shipment: ShipmentConfirmation): Promise<OrderActionOutcome> {
  const orderId = shipment.externalOrderId;
  try {
    const page = (await context.client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ orderIds: orderId }))) as EbayOrderPage;
    const order = page.orders?.find((o) => o.orderId === orderId);
    if (!order) return { status: "rejected", message: `eBay has no order ${orderId} for this seller account` };
    const lineItems = lineItemsFor(
      orderId,
      (order.lineItems ?? []) as LineItem[],
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

export function cancelOrder(cancellation: OrderCancellation): Promise<OrderActionOutcome> {
  return Promise.resolve({
    status: "unsupported",
    message:
      `eBay's Sell APIs cannot cancel an order: cancel order ${cancellation.externalOrderId} in Seller Hub ` +
      "(Orders › Cancel order), with the reason, so eBay refunds the buyer.",
  });
}
