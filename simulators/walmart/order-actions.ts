// The seller's order actions of walmart-marketplace-orders-openapi-original.yml: "Ship Order Lines"
// (shippingUpdates, POST /v3/orders/{purchaseOrderId}/shipping) and "Cancel Order Lines"
// (cancelOrderLines, POST /v3/orders/{purchaseOrderId}/cancel). The definition has already checked
// the body's shape (required fields, the carrier, methodCode, unitOfMeasurement and
// cancellationReason enums); what is checked here is what its prose says and the PO's state allows.
import type { SimResponse } from "../common/http";
import { notFound, walmartError } from "./errors";
import { orderDocument } from "./orders";
import { WalmartAccount, type WalmartOrderLineRecord, type WalmartOrderRecord, type WalmartTrackingInfo } from "./state";

const refuse = (field: string, description: string): SimResponse =>
  walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_ORDER_API", field, description, category: "DATA" }]);

interface StatusEntry {
  status: string;
  statusQuantity: { unitOfMeasurement: string; amount: string };
  cancellationReason?: string;
  trackingInfo?: WalmartTrackingInfo;
}
interface LineEntry {
  lineNumber: string;
  sellerOrderId?: string;
  orderLineStatuses: { orderLineStatus: StatusEntry[] };
}

/** "The quantity of the unit of measurement": a whole number above 0, as a string. */
function unitsOf(entry: StatusEntry): number | null {
  const amount = entry.statusQuantity.amount;
  return /^[1-9]\d*$/.test(amount) ? Number(amount) : null;
}

function findOrder(account: WalmartAccount, purchaseOrderId: string): WalmartOrderRecord | SimResponse {
  const order = account.orders.find((o) => o.purchaseOrderId === purchaseOrderId);
  return order ?? notFound("GMP_ORDER_API", `purchaseOrderId ${purchaseOrderId} not found`);
}

/** Where the units are now, in the words the refusal gives: "2 Shipped, 1 Cancelled". */
const describe = (line: WalmartOrderLineRecord) => line.statuses.map((s) => `${s.quantity} ${s.status}`).join(", ");

/**
 * Ships units of the PO's lines with their trackingInfo. Refused: a WFS PO (Walmart ships it), a
 * status other than "Use 'Shipped'", a carrier given both or neither way, otherCarrier without
 * trackingURL ("When otherCarrier is used, trackingUrl must also be provided"), sellerOrderId over
 * its "limit of 30 characters", more units than are still Created/Acknowledged. processMode
 * PARTIAL_UPDATE ("only to update tracking information after order is shipped") replaces the
 * trackingInfo of units already Shipped instead.
 */
export function shipOrderLines(account: WalmartAccount, purchaseOrderId: string, body: unknown, now = Date.now()): SimResponse {
  const shipment = (body as { orderShipment?: { processMode?: string; orderLines: { orderLine: LineEntry[] } } } | undefined)?.orderShipment;
  if (!shipment) return refuse("orderShipment", "orderShipment is required");
  const found = findOrder(account, purchaseOrderId);
  if ("status" in found) return found;
  const order = found;
  if (order.shipNodeType !== "SellerFulfilled")
    return refuse("purchaseOrderId", `PO ${purchaseOrderId} is ${order.shipNodeType}: Walmart ships it, the seller cannot`);
  const partialUpdate = shipment.processMode === "PARTIAL_UPDATE";
  if (shipment.processMode !== undefined && !partialUpdate) return refuse("processMode", `processMode ${shipment.processMode} is not PARTIAL_UPDATE`);
  if (shipment.orderLines.orderLine.length === 0) return refuse("orderLines.orderLine", "at least one orderLine is required");

  const plan: Array<{ line: WalmartOrderLineRecord; quantity: number; trackingInfo: WalmartTrackingInfo }> = [];
  for (const entry of shipment.orderLines.orderLine) {
    const line = order.lines.find((l) => l.lineNumber === entry.lineNumber);
    if (!line) return refuse("lineNumber", `PO ${purchaseOrderId} has no line ${entry.lineNumber}`);
    if ((entry.sellerOrderId ?? "").length > 30) return refuse("sellerOrderId", "sellerOrderId is limited to 30 characters");
    for (const status of entry.orderLineStatuses.orderLineStatus) {
      if (status.status !== "Shipped") return refuse("status", `line ${entry.lineNumber}: status must be Shipped, not ${status.status}`);
      const quantity = unitsOf(status);
      if (quantity === null)
        return refuse("statusQuantity.amount", `line ${entry.lineNumber}: amount ${status.statusQuantity.amount} is not a whole number above 0`);
      const tracking = status.trackingInfo!;
      const { carrier, otherCarrier } = tracking.carrierName;
      if (Boolean(carrier) === Boolean(otherCarrier))
        return refuse("carrierName", `line ${entry.lineNumber}: carrierName needs exactly one of carrier or otherCarrier`);
      if (otherCarrier && !tracking.trackingURL) return refuse("trackingURL", `line ${entry.lineNumber}: trackingURL is mandatory when otherCarrier is used`);
      if (!tracking.trackingNumber.trim()) return refuse("trackingNumber", `line ${entry.lineNumber}: trackingNumber is empty`);
      plan.push({ line, quantity, trackingInfo: { ...tracking } });
    }
  }
  for (const line of new Set(plan.map((p) => p.line))) {
    const asked = plan.filter((p) => p.line === line).reduce((n, p) => n + p.quantity, 0);
    const available = partialUpdate ? line.statuses.filter((s) => s.status === "Shipped").reduce((n, s) => n + s.quantity, 0) : WalmartAccount.openUnits(line);
    if (asked > available)
      return refuse(
        "statusQuantity.amount",
        partialUpdate
          ? `line ${line.lineNumber} of PO ${purchaseOrderId} has ${available} units shipped (${describe(line)}), cannot update tracking of ${asked}`
          : `line ${line.lineNumber} of PO ${purchaseOrderId} has ${available} units left to ship (${describe(line)}), cannot ship ${asked}`,
      );
  }
  if (partialUpdate) {
    for (const { line, trackingInfo } of plan) {
      for (const entry of line.statuses) if (entry.status === "Shipped") entry.trackingInfo = trackingInfo;
      line.statusDate = Math.max(now, order.lastModified);
    }
    order.lastModified = Math.max(now, order.lastModified);
  } else account.shipLines(order, plan, now);
  return { status: 200, body: { order: orderDocument(order) } };
}

/**
 * Cancels units of the PO's lines with a cancellationReason of the definition's list. Only units
 * still Created/Acknowledged can be cancelled; shipped ones are refused, naming where the units are.
 */
export function cancelOrderLines(account: WalmartAccount, purchaseOrderId: string, body: unknown, now = Date.now()): SimResponse {
  const cancellation = (body as { orderCancellation?: { orderLines: { orderLine: LineEntry[] } } } | undefined)?.orderCancellation;
  if (!cancellation) return refuse("orderCancellation", "orderCancellation is required");
  const found = findOrder(account, purchaseOrderId);
  if ("status" in found) return found;
  const order = found;
  if (cancellation.orderLines.orderLine.length === 0) return refuse("orderLines.orderLine", "at least one orderLine is required");
  const plan: Array<{ line: WalmartOrderLineRecord; quantity: number; reason: string }> = [];
  for (const entry of cancellation.orderLines.orderLine) {
    const line = order.lines.find((l) => l.lineNumber === entry.lineNumber);
    if (!line) return refuse("lineNumber", `PO ${purchaseOrderId} has no line ${entry.lineNumber}`);
    for (const status of entry.orderLineStatuses.orderLineStatus) {
      if (status.status !== "Cancelled") return refuse("status", `line ${entry.lineNumber}: status must be Cancelled, not ${status.status}`);
      const quantity = unitsOf(status);
      if (quantity === null)
        return refuse("statusQuantity.amount", `line ${entry.lineNumber}: amount ${status.statusQuantity.amount} is not a whole number above 0`);
      plan.push({ line, quantity, reason: status.cancellationReason! });
    }
  }
  for (const line of new Set(plan.map((p) => p.line))) {
    const asked = plan.filter((p) => p.line === line).reduce((n, p) => n + p.quantity, 0);
    const open = WalmartAccount.openUnits(line);
    if (asked > open)
      return refuse(
        "statusQuantity.amount",
        `line ${line.lineNumber} of PO ${purchaseOrderId} cannot be cancelled: ${open} of its units are Created or Acknowledged (${describe(line)}), ${asked} asked`,
      );
  }
  for (const { line, quantity, reason } of plan) account.cancelOrder(purchaseOrderId, { lines: [{ lineNumber: line.lineNumber, quantity }], reason, at: now });
  return { status: 200, body: { order: orderDocument(order) } };
}
