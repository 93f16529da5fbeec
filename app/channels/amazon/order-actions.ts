// What the merchant does to an Amazon order in Shopify, passed on to Amazon.
//
// Shipping: confirmShipment, Orders API v0 (ordersV0.json, POST
// /orders/v0/orders/{orderId}/shipmentConfirmation); Orders 2026-01-01 only reads orders, so v0 is
// still where a shipment is confirmed. Its packageDetail names order items by Amazon's
// orderItemId, which Shopify never saw: getOrder (2026-01-01) gives them for the merchant's SKUs,
// with the units still unshipped and the packages already confirmed (packageReferenceId must be
// unique within the order: "Only positive numeric values are supported").
//
// Cancelling: none of the copied SP-API models (simulators/contracts/amazon-sp-api) has a seller
// cancellation. Amazon takes it as an order-acknowledgement feed (POST_ORDER_ACKNOWLEDGEMENT_DATA,
// an XML document whose schema is not among them), so it is `unsupported`: the merchant cancels in
// Seller Central.
import { ChannelError, type OrderActionOutcome, type OrderCancellation, type ShipmentConfirmation } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { SpApiClient } from "./sp-client";

interface OrderItem {
  orderItemId: string;
  quantityOrdered: number;
  product: { sellerSku?: string };
  fulfillment?: { quantityFulfilled?: number; quantityUnfulfilled?: number };
  cancellation?: { cancellationExecution?: unknown };
}

interface GetOrderAnswer {
  order: { orderId: string; orderItems: OrderItem[]; packages?: Array<{ packageReferenceId: string }> };
}

/**
 * Amazon's carrier codes for the carriers Shopify merchants name most (Shopify's tracking_company
 * values, and their common spellings), keyed by the name lower-cased without anything but letters
 * and digits. The model gives no list (its example is "FedEx"); these are the codes of Amazon's
 * carrier list in Seller Central's "Confirm shipment". Any other carrier goes as carrierCode
 * "Other" with the merchant's own name in carrierName, which the model requires in that case.
 */
const CARRIER_CODES: Record<string, string> = {
  usps: "USPS",
  unitedstatespostalservice: "USPS",
  ups: "UPS",
  upsmailinnovations: "UPSMI",
  fedex: "FedEx",
  fedexsmartpost: "FedEx SmartPost",
  dhl: "DHL",
  dhlexpress: "DHL",
  dhlecommerce: "DHL eCommerce",
  ontrac: "OnTrac",
  lasership: "LaserShip",
  amazonshipping: "Amazon Shipping",
  amazonlogisticsus: "Amazon Shipping",
  canadapost: "Canada Post",
  purolator: "Purolator",
  royalmail: "Royal Mail",
  parcelforce: "Parcelforce",
  dpd: "DPD",
  evri: "Hermes",
  hermes: "Hermes",
  yodel: "Yodel",
  gls: "GLS",
  tnt: "TNT",
  australiapost: "Australia Post",
  deutschepost: "Deutsche Post",
  japanpost: "Japan Post",
  japanposten: "Japan Post",
  yamato: "Yamato Transport",
  yamatoen: "Yamato Transport",
  sagawa: "Sagawa Express",
  sagawaen: "Sagawa Express",
};

/** The merchant's carrier as confirmShipment wants it: Amazon's code, else "Other" and the name. */
export function amazonCarrier(carrier: string): { carrierCode: string; carrierName?: string } {
  const code = CARRIER_CODES[carrier.toLowerCase().replace(/[^a-z0-9]/g, "")];
  return code ? { carrierCode: code } : { carrierCode: "Other", carrierName: carrier.trim() };
}

/** A failed call as the outcome the caller records; credentials failures stop everything (thrown). */
function failureOutcome(error: unknown): OrderActionOutcome {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  return error.retryable
    ? { status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs }
    : { status: "rejected", message: error.message };
}

const unshipped = (item: OrderItem) =>
  item.cancellation?.cancellationExecution ? 0 : (item.fulfillment?.quantityUnfulfilled ?? item.quantityOrdered - (item.fulfillment?.quantityFulfilled ?? 0));

/**
 * The package's order items: each SKU's units spread over the order's items of that SKU (Amazon
 * may split one SKU over several items), each taking at most what it has unshipped; the last one
 * takes the rest, so that Amazon, not a guess here, refuses units the order does not have.
 */
function packageItems(order: GetOrderAnswer["order"], lines: ShipmentConfirmation["lines"]): Array<{ orderItemId: string; quantity: number }> | string {
  const units = new Map<string, number>();
  for (const line of lines) {
    const items = order.orderItems.filter((i) => i.product.sellerSku === line.channelSku);
    if (items.length === 0) return `Amazon order ${order.orderId} has no item with SKU ${line.channelSku}`;
    let left = line.quantity;
    items.forEach((item, i) => {
      const take = i === items.length - 1 ? left : Math.min(left, Math.max(0, unshipped(item) - (units.get(item.orderItemId) ?? 0)));
      if (take > 0) units.set(item.orderItemId, (units.get(item.orderItemId) ?? 0) + take);
      left -= take;
    });
  }
  return [...units].map(([orderItemId, quantity]) => ({ orderItemId, quantity }));
}

export async function confirmShipment(
  client: SpApiClient,
  marketplaceId: string,
  retry: RetryOptions,
  shipment: ShipmentConfirmation,
): Promise<OrderActionOutcome> {
  const orderId = shipment.externalOrderId;
  try {
    const { order } = await withRetry(
      () =>
        client.call<GetOrderAnswer>({
          operation: "getOrder",
          endpoint: "orders",
          path: { orderId },
          query: { includedData: ["FULFILLMENT", "CANCELLATION", "PACKAGES"] },
        }),
      retry,
    );
    const orderItems = packageItems(
      order,
      shipment.lines.filter((l) => l.quantity > 0),
    );
    if (typeof orderItems === "string") return { status: "rejected", message: orderItems };
    if (orderItems.length === 0) return { status: "rejected", message: `No units to confirm for Amazon order ${orderId}` };
    const used = (order.packages ?? []).map((p) => Number(p.packageReferenceId)).filter(Number.isFinite);
    await withRetry(
      () =>
        client.call({
          operation: "confirmShipment",
          endpoint: "orders",
          version: "v0",
          path: { orderId },
          body: {
            marketplaceId,
            packageDetail: {
              packageReferenceId: String(Math.max(0, ...used) + 1),
              ...amazonCarrier(shipment.carrier),
              trackingNumber: shipment.trackingNumber,
              shipDate: shipment.shippedAt.toISOString(),
              orderItems,
            },
          },
        }),
      retry,
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
      `Amazon's API (as Anchorline uses it) cannot cancel an order for the seller: cancel order ${cancellation.externalOrderId} in Seller Central ` +
      "(Orders › Manage Orders › Cancel order), with the reason, so Amazon refunds the buyer.",
  });
}
