// GET /v3/orders (getAllOrders in walmart-marketplace-orders-openapi-original.yml): purchase orders
// as the definition shapes them, filtered by its query parameters (createdStartDate/EndDate,
// lastModifiedStartDate/EndDate, shipNodeType, sku, status, purchaseOrderId, customerOrderId),
// paged by `nextCursor` (a query string the caller appends to /v3/orders as-is, like the
// definition's example "?limit=10&hasMoreElements=true&soIndex=31&poIndex=10&...").
import { LINE_STATUSES, SHIP_NODE_TYPES, WALMART_SHIP_TO_STATE, type WalmartLineStatus, type WalmartOrderRecord, type WalmartShipNodeType } from "./state";

/** Walmart's default page is 100 orders and it "cannot be larger than 200" (limit, getAllOrders). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 200;
const DAY_MS = 86_400_000;
/** "Only orders created in last 180 days and a maximum of 20000 orders can be fetched at a time." */
const HISTORY_MS = 180 * DAY_MS;
const MAX_RESULT_SET = 20_000;
/**
 * "Use either UTC or ISO 8601 formats. Date example: '2020-03-16'(yyyy-MM-dd). Date with Timestamp
 * example: '2020-03-16T10:30:15Z'"; the definition's own nextCursor example carries milliseconds
 * ("createdEndDate=2019-09-17T18:47:03.703Z"). Nothing else (no epoch numbers, no "March 16").
 */
const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2}))?$/;
/** getAllOrders' `status`: "Valid statuses are: Created, Acknowledged, Shipped, Delivered and Cancelled" (not Refund). */
const STATUS_FILTERS: readonly WalmartLineStatus[] = LINE_STATUSES.filter((s) => s !== "Refund");
/** The query parameters a nextCursor carries over to the next page (paging ones are its own). */
const CARRIED = ["createdEndDate", "lastModifiedStartDate", "lastModifiedEndDate", "shipNodeType", "sku", "status", "purchaseOrderId", "customerOrderId"];

const money = (cents: number) => ({ currency: "USD", amount: cents / 100 });
const each = (amount: number) => ({ unitOfMeasurement: "EACH", amount: String(amount) });

export function orderDocument(order: WalmartOrderRecord) {
  return {
    purchaseOrderId: order.purchaseOrderId,
    customerOrderId: order.customerOrderId,
    customerEmailId: order.buyer.email,
    orderDate: order.orderDate,
    shippingInfo: {
      phone: "2025550123",
      estimatedDeliveryDate: order.orderDate + 5 * DAY_MS,
      estimatedShipDate: order.orderDate + DAY_MS,
      methodCode: "Standard",
      postalAddress: {
        name: order.buyer.name,
        ...(order.shipToState === WALMART_SHIP_TO_STATE
          ? { address1: "702 SW 8th St", city: "Bentonville", state: "AR", postalCode: "72716" }
          : { address1: "1 Main St", city: "Springfield", state: order.shipToState, postalCode: "00000" }),
        country: "USA",
        addressType: "RESIDENTIAL",
      },
    },
    orderLines: {
      orderLine: order.lines.map((line) => ({
        lineNumber: line.lineNumber,
        item: { productName: `Product ${line.sku}`, sku: line.sku },
        charges: {
          charge: [
            {
              chargeType: "PRODUCT",
              chargeName: "ItemPrice",
              chargeAmount: money(line.unitPriceCents * line.quantity),
              // ChargeType.tax: "taxName" and "taxAmount" (required together), the tax on this charge;
              // named as the definition's getAllOrders example names it.
              ...(line.taxCents > 0 ? { tax: { taxName: "Tax1", taxAmount: money(line.taxCents) } } : {}),
            },
          ],
        },
        orderLineQuantity: each(line.quantity),
        statusDate: line.statusDate,
        orderLineStatuses: {
          orderLineStatus: line.statuses.map((s) => ({
            status: s.status,
            statusQuantity: each(s.quantity),
            ...(s.cancellationReason ? { cancellationReason: s.cancellationReason } : {}),
            ...(s.trackingInfo ? { trackingInfo: s.trackingInfo } : {}),
          })),
        },
        ...(line.returnOrderId ? { returnOrderId: line.returnOrderId } : {}),
        ...(line.refund
          ? {
              refund: {
                refundId: line.refund.refundId,
                refundCharges: {
                  refundCharge: line.refund.charges.map((c) => ({
                    refundReason: c.reason,
                    charge: { chargeType: "PRODUCT", chargeName: "ItemPrice", chargeAmount: money(c.amountCents) },
                  })),
                },
              },
            }
          : {}),
      })),
    },
    // "Specifies the type of shipNode. Allowed values are SellerFulfilled, WFSFulfilled and 3PLFulfilled."
    shipNode: { type: order.shipNodeType },
  };
}

type DateCheck = { ok: true; ms: number | null } | { ok: false; field: string; message: string };

/** A date query parameter in the formats Walmart's definitions name (orders and returns alike); absent: null. */
export function readDate(query: URLSearchParams, field: string): DateCheck {
  const raw = query.get(field);
  if (raw === null || raw === "") return { ok: true, ms: null };
  const ms = DATE_FORMAT.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) return { ok: false, field, message: `${field} ${raw} is not a UTC or ISO 8601 date (yyyy-MM-dd or yyyy-MM-dd'T'HH:mm:ssZ)` };
  return { ok: true, ms };
}

export type OrderListing = { ok: true; body: unknown } | { ok: false; field: string; message: string };

/** One page of orders for the query; the oldest first (an approximation, see README). */
export function listOrders(orders: WalmartOrderRecord[], query: URLSearchParams, now = Date.now()): OrderListing {
  const dates: Record<string, number | null> = {};
  for (const field of ["createdStartDate", "createdEndDate", "lastModifiedStartDate", "lastModifiedEndDate"]) {
    const date = readDate(query, field);
    if (!date.ok) return date;
    dates[field] = date.ms;
  }
  for (const [start, end] of [
    ["createdStartDate", "createdEndDate"],
    ["lastModifiedStartDate", "lastModifiedEndDate"],
  ]) {
    if (dates[start] !== null && dates[end] !== null && dates[start]! > dates[end]!)
      return { ok: false, field: end, message: `${end} ${query.get(end)} is before ${start} ${query.get(start)}` };
  }
  // "Default is current date - 7 days", whatever other filter is given; and never more than 180 days back.
  const createdStart = Math.max(dates.createdStartDate ?? now - 7 * DAY_MS, now - HISTORY_MS);
  const createdEnd = dates.createdEndDate ?? Number.POSITIVE_INFINITY;
  const modifiedStart = dates.lastModifiedStartDate ?? Number.NEGATIVE_INFINITY;
  const modifiedEnd = dates.lastModifiedEndDate ?? Number.POSITIVE_INFINITY;

  const limitRaw = query.get("limit");
  const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return { ok: false, field: "limit", message: `limit ${limitRaw} must be a whole number from 1 to ${MAX_LIMIT}` };
  const shipNodeType = (query.get("shipNodeType") || "SellerFulfilled") as WalmartShipNodeType;
  if (!SHIP_NODE_TYPES.includes(shipNodeType))
    return { ok: false, field: "shipNodeType", message: `shipNodeType ${shipNodeType} is not one of ${SHIP_NODE_TYPES.join(", ")}` };
  const status = query.get("status") as WalmartLineStatus | null;
  if (status && !STATUS_FILTERS.includes(status))
    return { ok: false, field: "status", message: `status ${status} is not one of Created, Acknowledged, Shipped, Delivered and Cancelled` };

  const offset = Number(query.get("soIndex") ?? 0) || 0;
  const sku = query.get("sku");
  const purchaseOrderId = query.get("purchaseOrderId");
  const customerOrderId = query.get("customerOrderId");
  const matching = orders
    .filter(
      (o) =>
        o.shipNodeType === shipNodeType &&
        o.orderDate >= createdStart &&
        o.orderDate <= createdEnd &&
        o.lastModified >= modifiedStart &&
        o.lastModified <= modifiedEnd &&
        (!sku || o.lines.some((l) => l.sku === sku)) &&
        (!status || o.lines.some((l) => l.statuses.some((s) => s.status === status && s.quantity > 0))) &&
        (!purchaseOrderId || o.purchaseOrderId === purchaseOrderId) &&
        (!customerOrderId || o.customerOrderId === customerOrderId),
    )
    .sort((a, b) => a.orderDate - b.orderDate || a.purchaseOrderId.localeCompare(b.purchaseOrderId));
  if (matching.length > MAX_RESULT_SET)
    return { ok: false, field: "createdStartDate", message: `${matching.length} orders match; at most ${MAX_RESULT_SET} can be fetched at a time` };
  const page = matching.slice(offset, offset + limit);
  const more = offset + limit < matching.length;
  const meta: Record<string, unknown> = { totalCount: matching.length, limit };
  if (more) {
    const next = new URLSearchParams({
      limit: String(limit),
      hasMoreElements: "true",
      soIndex: String(offset + limit),
      poIndex: page.at(-1)?.purchaseOrderId ?? "",
      createdStartDate: new Date(createdStart).toISOString(),
    });
    for (const name of CARRIED) {
      const value = query.get(name);
      if (value) next.set(name, value);
    }
    meta.nextCursor = `?${next.toString()}`;
  }
  return { ok: true, body: { list: { meta, elements: { order: page.map(orderDocument) } } } };
}
