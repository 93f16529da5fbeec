// GET /v3/orders: purchase orders as Walmart's orders definition shapes them, filtered by
// createdStartDate/createdEndDate/sku/status, paged by `nextCursor` (a query string the caller
// appends to /v3/orders as-is, like the definition's example
// "?limit=10&hasMoreElements=true&soIndex=31&poIndex=10&...").
import type { WalmartOrderRecord } from "./state";

/** Walmart's default page is 100 orders and it "cannot be larger than 200" (limit, getAllOrders). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 200;
const DAY_MS = 86_400_000;

const money = (cents: number) => ({ currency: "USD", amount: cents / 100 });

export function orderDocument(order: WalmartOrderRecord) {
  const quantity = { unitOfMeasurement: "EACH", amount: String(order.quantity) };
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
        address1: "702 SW 8th St",
        city: "Bentonville",
        state: "AR",
        postalCode: "72716",
        country: "USA",
        addressType: "RESIDENTIAL",
      },
    },
    orderLines: {
      orderLine: [
        {
          lineNumber: "1",
          item: { productName: `Product ${order.sku}`, sku: order.sku },
          charges: { charge: [{ chargeType: "PRODUCT", chargeName: "ItemPrice", chargeAmount: money(order.unitPriceCents * order.quantity) }] },
          orderLineQuantity: quantity,
          statusDate: order.orderDate,
          orderLineStatuses: { orderLineStatus: [{ status: order.status, statusQuantity: quantity }] },
        },
      ],
    },
  };
}

function parseDate(value: string | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export type OrderListing = { ok: true; body: unknown } | { ok: false; field: string; message: string };

/** One page of orders for the query; the oldest first (an approximation, see README). */
export function listOrders(orders: WalmartOrderRecord[], query: URLSearchParams, now = Date.now()): OrderListing {
  const startRaw = query.get("createdStartDate");
  const start = startRaw ? parseDate(startRaw) : now - 7 * DAY_MS; // "Default is current date - 7 days"
  if (start === null) return { ok: false, field: "createdStartDate", message: `createdStartDate ${startRaw} is not a UTC or ISO 8601 date` };
  const end = parseDate(query.get("createdEndDate")) ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(MAX_LIMIT, Number(query.get("limit") ?? DEFAULT_LIMIT) || DEFAULT_LIMIT);
  const offset = Number(query.get("soIndex") ?? 0) || 0;
  const sku = query.get("sku");
  const status = query.get("status");
  const matching = orders
    .filter((o) => o.orderDate >= start && o.orderDate <= end && (!sku || o.sku === sku) && (!status || o.status === status))
    .sort((a, b) => a.orderDate - b.orderDate || a.purchaseOrderId.localeCompare(b.purchaseOrderId));
  const page = matching.slice(offset, offset + limit);
  const more = offset + limit < matching.length;
  const meta: Record<string, unknown> = { totalCount: matching.length, limit };
  if (more) {
    const next = new URLSearchParams({
      limit: String(limit),
      hasMoreElements: "true",
      soIndex: String(offset + limit),
      poIndex: page.at(-1)?.purchaseOrderId ?? "",
      createdStartDate: new Date(start).toISOString(),
    });
    if (Number.isFinite(end)) next.set("createdEndDate", new Date(end).toISOString());
    meta.nextCursor = `?${next.toString()}`;
  }
  return { ok: true, body: { list: { meta, elements: { order: page.map(orderDocument) } } } };
}
