// confirmShipment (Orders API v0, ordersV0.json: POST /orders/v0/orders/{orderId}/shipmentConfirmation):
// the seller tells Amazon a package left, with its carrier, tracking number and the order items
// and units in it. The 2026-01-01 model has no such operation (it only reads orders: searchOrders,
// getOrder), so this is still v0's; what it changes is read back through the 2026-01-01 model's
// OrderPackage (dataset PACKAGES) and ItemFulfillment (quantityFulfilled / quantityUnfulfilled).
// The body's shape is checked against the model before this runs; what is checked here is what
// the model's prose and the order's state say.
import type { SimResponse } from "../common/http";
import { amazonError, invalidInput } from "./errors";
import { findOrder } from "./orders";
import { nowIso, type AmazonOrder, type SellerState } from "./state";

/** ConfirmShipmentRequest / PackageDetail as the model defines them (the fields the simulator keeps). */
export interface ConfirmShipmentRequest {
  marketplaceId: string;
  packageDetail: {
    packageReferenceId: string;
    carrierCode: string;
    carrierName?: string;
    shippingMethod?: string;
    trackingNumber: string;
    shipDate: string;
    shipFromSupplySourceId?: string;
    orderItems: Array<{ orderItemId: string; quantity: number; transparencyCodes?: string[] }>;
  };
}

/** What a test reads back: one confirmed package, as the seller sent it. */
export interface ConfirmedShipment {
  orderId: string;
  packageReferenceId: string;
  carrierCode: string;
  carrierName?: string;
  shippingMethod?: string;
  trackingNumber: string;
  shipDate: string;
  orderItems: Array<{ orderItemId: string; quantity: number }>;
}

const isCancelled = (item: AmazonOrder["orderItems"][number]) => Boolean(item.cancellation?.cancellationExecution);
const unshippedUnits = (item: AmazonOrder["orderItems"][number]) => (isCancelled(item) ? 0 : item.quantityOrdered - (item.fulfillment?.quantityFulfilled ?? 0));

/**
 * Checks the confirmation against the order and, when it holds, records the package: the items'
 * quantityFulfilled go up, the order becomes SHIPPED once every item not cancelled is shipped in
 * full (PARTIALLY_SHIPPED before that), lastUpdatedTime moves so searchOrders by lastUpdatedAfter
 * returns it. Answers 204 with no body, as the model documents.
 */
export function confirmShipment(
  seller: SellerState,
  orderId: string,
  request: ConfirmShipmentRequest,
): { answer: SimResponse; order?: AmazonOrder; shipment?: ConfirmedShipment } {
  const order = findOrder(seller, orderId);
  // 404: "The specified resource does not exist." (confirmShipment responses).
  if (!order) return { answer: amazonError(404, "NotFound", `Order ${orderId} not found.`) };
  const { packageDetail: pkg } = request;
  const refuse = (reason: string) => ({ answer: invalidInput([reason]) });
  if (request.marketplaceId !== order.salesChannel.marketplaceId)
    return refuse(`marketplaceId ${request.marketplaceId} is not the marketplace of order ${orderId}.`);
  if (order.fulfillment.fulfilledBy === "AMAZON") return refuse(`Order ${orderId} is fulfilled by Amazon; only merchant-fulfilled orders can be confirmed.`);
  if (order.fulfillment.fulfillmentStatus === "CANCELLED") return refuse(`Order ${orderId} is cancelled and cannot be confirmed as shipped.`);
  if (order.fulfillment.fulfillmentStatus === "SHIPPED") return refuse(`Order ${orderId} is already shipped in full.`);
  // PackageReferenceId: "Only positive numeric values are supported."; unique within the order.
  if (!/^[1-9]\d*$/.test(pkg.packageReferenceId)) return refuse(`packageReferenceId ${pkg.packageReferenceId} must be a positive number.`);
  if (order.packages?.some((p) => p.packageReferenceId === pkg.packageReferenceId))
    return refuse(`packageReferenceId ${pkg.packageReferenceId} was already used for order ${orderId}.`);
  // carrierName: "Required when `carrierCode` is \"Other\"".
  if (!pkg.carrierCode.trim()) return refuse("carrierCode is required for all marketplaces.");
  if (pkg.carrierCode === "Other" && !pkg.carrierName?.trim()) return refuse('carrierName is required when carrierCode is "Other".');
  if (!pkg.trackingNumber.trim()) return refuse("trackingNumber must not be empty.");
  if (pkg.orderItems.length === 0) return refuse("orderItems must name at least one order item.");
  const seen = new Set<string>();
  for (const line of pkg.orderItems) {
    const item = order.orderItems.find((i) => i.orderItemId === line.orderItemId);
    if (!item) return refuse(`orderItemId ${line.orderItemId} is not an item of order ${orderId}.`);
    if (seen.has(line.orderItemId)) return refuse(`orderItemId ${line.orderItemId} is given twice.`);
    seen.add(line.orderItemId);
    if (isCancelled(item)) return refuse(`orderItemId ${line.orderItemId} is cancelled and cannot be shipped.`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) return refuse(`quantity of orderItemId ${line.orderItemId} must be at least 1.`);
    if (line.quantity > unshippedUnits(item))
      return refuse(`quantity ${line.quantity} of orderItemId ${line.orderItemId} exceeds the ${unshippedUnits(item)} unit(s) not yet shipped.`);
  }

  for (const line of pkg.orderItems) {
    const item = order.orderItems.find((i) => i.orderItemId === line.orderItemId)!;
    const shipped = (item.fulfillment?.quantityFulfilled ?? 0) + line.quantity;
    item.fulfillment = { quantityFulfilled: shipped, quantityUnfulfilled: item.quantityOrdered - shipped };
  }
  const at = nowIso();
  (order.packages ??= []).push({
    packageReferenceId: pkg.packageReferenceId,
    createdTime: at,
    packageStatus: { status: "SHIPPED" },
    carrier: pkg.carrierCode === "Other" ? pkg.carrierName! : pkg.carrierCode,
    shipTime: new Date(pkg.shipDate).toISOString(),
    ...(pkg.shippingMethod ? { shippingService: pkg.shippingMethod } : {}),
    trackingNumber: pkg.trackingNumber,
    packageItems: pkg.orderItems.map(({ orderItemId, quantity }) => ({ orderItemId, quantity })),
  });
  order.fulfillment.fulfillmentStatus = order.orderItems.every((i) => unshippedUnits(i) === 0) ? "SHIPPED" : "PARTIALLY_SHIPPED";
  order.lastUpdatedTime = at;
  const shipment: ConfirmedShipment = {
    orderId,
    packageReferenceId: pkg.packageReferenceId,
    carrierCode: pkg.carrierCode,
    ...(pkg.carrierName !== undefined ? { carrierName: pkg.carrierName } : {}),
    ...(pkg.shippingMethod !== undefined ? { shippingMethod: pkg.shippingMethod } : {}),
    trackingNumber: pkg.trackingNumber,
    shipDate: pkg.shipDate,
    orderItems: pkg.orderItems.map(({ orderItemId, quantity }) => ({ orderItemId, quantity })),
  };
  return { answer: { status: 204 }, order, shipment };
}
