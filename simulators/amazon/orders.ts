// Orders API v2026-01-01: a buyer placing orders (the simulator's side door) and searchOrders with
// the rules its parameter descriptions state: exactly one of createdAfter / lastUpdatedAfter, the
// matching *Before at or after it and at least two minutes before the request, maxResultsPerPage
// 1-100 (default 100), and paginationToken for the following pages.
import { randomBytes } from "node:crypto";
import { marketplaceFacts } from "./marketplaces";
import { amazonOrderId, defaultQuantity, nowIso, offerOf, ourPrice, setDefaultQuantity, type AmazonOrder, type SellerState } from "./state";

export interface BuyerOrder {
  sku: string;
  quantity: number;
  buyerName?: string;
  buyerEmail?: string;
  /** Unit price paid; the listing's current price when left out. */
  priceCents?: number;
}

export interface PlacedOrder {
  orderId: string;
  /** More units were ordered than the listing showed (the buyer saw the last quantity pushed). */
  oversold: boolean;
  order: AmazonOrder;
}

const money = (cents: number, currencyCode: string) => ({ amount: (cents / 100).toFixed(2), currencyCode });

/**
 * A buyer checks out. Amazon takes orders against the quantity it last displayed, so an order can
 * exceed what the seller still has (that is what an oversell is): the listing goes to zero and the
 * order is kept, flagged for the test to see.
 */
export function placeOrder(seller: SellerState, buyer: BuyerOrder): PlacedOrder {
  const listing = seller.listings.get(buyer.sku);
  if (!listing) throw new Error(`Amazon simulator: seller ${seller.spec.sellerId} has no SKU ${buyer.sku}`);
  const { currency, name } = marketplaceFacts(seller.marketplaceId);
  const shown = defaultQuantity(listing) ?? 0;
  const oversold = buyer.quantity > shown;
  setDefaultQuantity(listing, Math.max(0, shown - buyer.quantity));
  const unitCents = buyer.priceCents ?? Math.round((ourPrice(offerOf(listing, seller.marketplaceId)) ?? 0) * 100);
  const at = nowIso();
  const orderId = amazonOrderId();
  const order: AmazonOrder = {
    orderId,
    createdTime: at,
    lastUpdatedTime: at,
    salesChannel: { channelName: "AMAZON", marketplaceId: seller.marketplaceId, marketplaceName: name },
    buyer: { buyerName: buyer.buyerName ?? "Simulated Buyer", buyerEmail: buyer.buyerEmail ?? `${randomBytes(6).toString("hex")}@marketplace.amazon.com` },
    proceeds: { grandTotal: money(unitCents * buyer.quantity, currency) },
    fulfillment: { fulfillmentStatus: "UNSHIPPED", fulfilledBy: "MERCHANT" },
    orderItems: [
      {
        orderItemId: randomBytes(7).toString("hex").slice(0, 14),
        quantityOrdered: buyer.quantity,
        product: { ...(listing.asin ? { asin: listing.asin } : {}), sellerSku: buyer.sku, price: { unitPrice: money(unitCents, currency) } },
        proceeds: { proceedsTotal: money(unitCents * buyer.quantity, currency) },
      },
    ],
  };
  seller.orders.push({ order, oversold });
  return { orderId, oversold, order };
}

/** The buyer cancels before shipping: the order changes (lastUpdatedTime) and the units return. */
export function cancelOrder(seller: SellerState, orderId: string): AmazonOrder {
  const entry = seller.orders.find((o) => o.order.orderId === orderId);
  if (!entry) throw new Error(`Amazon simulator: no order ${orderId}`);
  const order = entry.order;
  order.fulfillment.fulfillmentStatus = "CANCELLED";
  order.lastUpdatedTime = nowIso();
  for (const item of order.orderItems) {
    const listing = seller.listings.get(item.product.sellerSku);
    if (listing) setDefaultQuantity(listing, (defaultQuantity(listing) ?? 0) + item.quantityOrdered);
  }
  return order;
}

/**
 * searchOrders returns the core of each order and, per `includedData`, the datasets asked for
 * ("A list of datasets to include in the response", orders_2026-01-01.json): BUYER, PROCEEDS and
 * FULFILLMENT are the ones the simulator keeps; the others are never filled.
 */
function projectOrder(order: AmazonOrder, included: Set<string>): AmazonOrder {
  const copy = structuredClone(order);
  if (!included.has("BUYER")) delete copy.buyer;
  if (!included.has("PROCEEDS")) {
    delete copy.proceeds;
    for (const item of copy.orderItems) delete item.proceeds;
  }
  if (!included.has("FULFILLMENT")) delete (copy as Partial<AmazonOrder>).fulfillment;
  return copy;
}

const TWO_MINUTES_MS = 2 * 60_000;
const MAX_PAGE = 100;

interface ResultSet {
  orders: AmazonOrder[];
  pageSize: number;
  bound: { lastUpdatedBefore?: string; createdBefore?: string };
}

export type SearchAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

/** Result sets being paged through, by pagination token: later pages come from the same snapshot. */
export class OrderSearches {
  private readonly pending = new Map<string, ResultSet & { offset: number; sellerId: string }>();

  search(seller: SellerState, query: URLSearchParams, now = Date.now()): SearchAnswer {
    const token = query.get("paginationToken");
    if (token) {
      const resumed = this.pending.get(token);
      if (!resumed || resumed.sellerId !== seller.spec.sellerId) return { ok: false, reason: "Invalid paginationToken." };
      this.pending.delete(token);
      return { ok: true, body: this.page(seller, resumed, resumed.offset) };
    }
    const createdAfter = query.get("createdAfter");
    const updatedAfter = query.get("lastUpdatedAfter");
    if (Boolean(createdAfter) === Boolean(updatedAfter)) return { ok: false, reason: "Exactly one of createdAfter and lastUpdatedAfter must be provided." };
    const createdBefore = query.get("createdBefore");
    const updatedBefore = query.get("lastUpdatedBefore");
    if (createdAfter && (updatedBefore || updatedAfter))
      return { ok: false, reason: "If createdAfter is provided, neither lastUpdatedAfter nor lastUpdatedBefore may be provided." };
    if (updatedAfter && createdBefore) return { ok: false, reason: "If lastUpdatedAfter is provided, neither createdAfter nor createdBefore may be provided." };
    const after = Date.parse((createdAfter ?? updatedAfter)!);
    const beforeText = createdBefore ?? updatedBefore;
    const before = beforeText ? Date.parse(beforeText) : now;
    if (beforeText && (before < after || before > now - TWO_MINUTES_MS)) {
      return {
        ok: false,
        reason: `${createdBefore ? "createdBefore" : "lastUpdatedBefore"} must be equal to or after the ${createdBefore ? "createdAfter" : "lastUpdatedAfter"} date and at least two minutes before the time of the request.`,
      };
    }
    const pageSize = Number(query.get("maxResultsPerPage") ?? MAX_PAGE);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) return { ok: false, reason: "maxResultsPerPage must be between 1 and 100." };
    const statuses = query.get("fulfillmentStatuses")?.split(",");
    const marketplaces = query.get("marketplaceIds")?.split(",");
    const field = createdAfter ? "createdTime" : "lastUpdatedTime";
    const included = new Set(query.get("includedData")?.split(",") ?? []);
    const orders = seller.orders
      .map((o) => o.order)
      .filter((o) => {
        const t = Date.parse(o[field]);
        return (
          t >= after &&
          t <= before &&
          (!statuses || statuses.includes(o.fulfillment.fulfillmentStatus)) &&
          (!marketplaces || marketplaces.includes(o.salesChannel.marketplaceId))
        );
      })
      .sort((a, b) => Date.parse(a[field]) - Date.parse(b[field]))
      .map((o) => projectOrder(o, included));
    const boundIso = new Date(before).toISOString();
    const bound = createdAfter ? { createdBefore: boundIso } : { lastUpdatedBefore: boundIso };
    return { ok: true, body: this.page(seller, { orders, pageSize, bound }, 0) };
  }

  private page(seller: SellerState, set: ResultSet, offset: number): Record<string, unknown> {
    const orders = set.orders.slice(offset, offset + set.pageSize);
    const body: Record<string, unknown> = { orders, ...set.bound };
    if (offset + set.pageSize < set.orders.length) {
      const nextToken = randomBytes(18).toString("base64url");
      this.pending.set(nextToken, { ...set, offset: offset + set.pageSize, sellerId: seller.spec.sellerId });
      body.pagination = { nextToken };
    }
    return body;
  }
}
