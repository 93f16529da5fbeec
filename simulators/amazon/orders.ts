// Orders API v2026-01-01: a buyer placing orders (the simulator's side door) and searchOrders with
// the rules its parameter descriptions state: exactly one of createdAfter / lastUpdatedAfter, the
// matching *Before at or after it and at least two minutes before the request, maxResultsPerPage
// 1-100 (default 100), and paginationToken for the following pages.
import { randomBytes } from "node:crypto";
import { DEFAULT_SHIP_TO_STATE, salesTax } from "../common/sales-tax";
import { marketplaceFacts } from "./marketplaces";
import {
  amazonOrderId,
  buyableQuantity,
  nowIso,
  offerOf,
  ourPrice,
  setBuyableQuantity,
  type AmazonOrder,
  type AmazonOrderItem,
  type SellerState,
} from "./state";

export interface BuyerLine {
  sku: string;
  quantity: number;
  /** Unit price paid; the listing's current price when left out. */
  priceCents?: number;
}

/**
 * One SKU (`sku`, `quantity`) or a cart of several (`items`), shipped to `shipToState` (a US
 * state of common/sales-tax.ts; CA when left out), which sets the sales tax Amazon charges.
 */
export type BuyerOrder = (BuyerLine | { items: BuyerLine[] }) & { buyerName?: string; buyerEmail?: string; shipToState?: string };

/**
 * Who collects and remits the sales tax Amazon charges in the US: Amazon, as marketplace
 * facilitator (ItemTaxCollection.model MARKETPLACE_FACILITATOR, "Tax is withheld and remitted to
 * the taxing authority by Amazon on behalf of the seller"). The party's name is our reading; the
 * model's example names Amazon's European entity for an EU order.
 */
const US_FACILITATOR = { model: "MARKETPLACE_FACILITATOR", responsibleParty: "Amazon.com Services LLC" } as const;

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
 * order is kept, flagged for the test to see. A listing marked FBA sells from Amazon's warehouse:
 * its order is `fulfillment.fulfilledBy: "AMAZON"` (OrderFulfillment, orders_2026-01-01.json) and
 * only Amazon's count of the units goes down. Amazon splits a cart by who fulfils it, so one order
 * is either all FBA or all seller-fulfilled.
 */
export function placeOrder(seller: SellerState, buyer: BuyerOrder): PlacedOrder {
  const lines = "items" in buyer ? buyer.items : [buyer];
  if (lines.length === 0) throw new Error("Amazon simulator: an order needs at least one item");
  const { currency, name } = marketplaceFacts(seller.marketplaceId);
  const listings = lines.map((line) => {
    const listing = seller.listings.get(line.sku);
    if (!listing) throw new Error(`Amazon simulator: seller ${seller.spec.sellerId} has no SKU ${line.sku}`);
    return listing;
  });
  const byAmazon = listings[0].fulfilledByAmazon;
  if (listings.some((l) => l.fulfilledByAmazon !== byAmazon)) {
    throw new Error("Amazon simulator: Amazon splits FBA and seller-fulfilled items into separate orders; place them as two");
  }
  const state = buyer.shipToState ?? DEFAULT_SHIP_TO_STATE;
  let oversold = false;
  let totalCents = 0;
  const orderItems: AmazonOrderItem[] = lines.map((line, i) => {
    const listing = listings[i];
    const shown = buyableQuantity(listing) ?? 0;
    if (line.quantity > shown) oversold = true;
    setBuyableQuantity(listing, Math.max(0, shown - line.quantity));
    const unitCents = line.priceCents ?? Math.round((ourPrice(offerOf(listing, seller.marketplaceId)) ?? 0) * 100);
    const itemCents = unitCents * line.quantity;
    const tax = salesTax(state, itemCents);
    totalCents += itemCents + tax.cents;
    return {
      orderItemId: randomBytes(7).toString("hex").slice(0, 14),
      quantityOrdered: line.quantity,
      product: { ...(listing.asin ? { asin: listing.asin } : {}), sellerSku: line.sku, price: { unitPrice: money(unitCents, currency) } },
      // As the model's example gives them: the item's proceeds with ITEM and TAX breakdowns, the
      // TAX one detailed by what was taxed (here only the item: no shipping is charged).
      proceeds: {
        proceedsTotal: money(itemCents + tax.cents, currency),
        breakdowns: [
          { type: "ITEM", subtotal: money(itemCents, currency) },
          ...(tax.cents > 0
            ? [
                {
                  type: "TAX" as const,
                  subtotal: money(tax.cents, currency),
                  detailedBreakdowns: [{ subtype: "ITEM" as const, value: money(tax.cents, currency) }],
                },
              ]
            : []),
        ],
      },
      ...(tax.collectedByMarketplace ? { tax: { taxCollections: [US_FACILITATOR] } } : {}),
      fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: line.quantity },
    };
  });
  const at = nowIso();
  const orderId = amazonOrderId();
  const order: AmazonOrder = {
    orderId,
    createdTime: at,
    lastUpdatedTime: at,
    salesChannel: { channelName: "AMAZON", marketplaceId: seller.marketplaceId, marketplaceName: name },
    buyer: { buyerName: buyer.buyerName ?? "Simulated Buyer", buyerEmail: buyer.buyerEmail ?? `${randomBytes(6).toString("hex")}@marketplace.amazon.com` },
    recipient: {
      deliveryAddress: {
        name: buyer.buyerName ?? "Simulated Buyer",
        addressLine1: "1 Main St",
        city: "Springfield",
        stateOrRegion: state,
        postalCode: "00000",
        countryCode: "US",
      },
    },
    proceeds: { grandTotal: money(totalCents, currency) },
    fulfillment: { fulfillmentStatus: "UNSHIPPED", fulfilledBy: byAmazon ? "AMAZON" : "MERCHANT" },
    orderItems,
  };
  seller.orders.push({ order, oversold });
  return { orderId, oversold, order };
}

/** The seller's order with this id, if there is one. */
export function findOrder(seller: SellerState, orderId: string): AmazonOrder | undefined {
  return seller.orders.find((o) => o.order.orderId === orderId)?.order;
}

function orderOf(seller: SellerState, orderId: string): AmazonOrder {
  const entry = seller.orders.find((o) => o.order.orderId === orderId);
  if (!entry) throw new Error(`Amazon simulator: no order ${orderId}`);
  return entry.order;
}

const isCancelled = (item: AmazonOrderItem) => Boolean(item.cancellation?.cancellationExecution);

/** The item's units go back to the stock they came from; the item says who cancelled it and why. */
function cancelItem(seller: SellerState, item: AmazonOrderItem, reason: string) {
  if (isCancelled(item)) return;
  item.cancellation = {
    ...(item.cancellation ?? {}),
    cancellationExecution: { cancelledBy: "BUYER", cancelReason: reason },
  };
  item.fulfillment = { quantityFulfilled: 0, quantityUnfulfilled: 0 };
  const listing = seller.listings.get(item.product.sellerSku);
  if (listing) setBuyableQuantity(listing, (buyableQuantity(listing) ?? 0) + item.quantityOrdered);
}

function unshipped(order: AmazonOrder): void {
  if (order.fulfillment.fulfillmentStatus !== "UNSHIPPED" && order.fulfillment.fulfillmentStatus !== "PENDING") {
    throw new Error(`Amazon simulator: order ${order.orderId} is ${order.fulfillment.fulfillmentStatus}; only an unshipped order can be cancelled`);
  }
}

/**
 * The buyer cancels the whole order before shipping: the order is CANCELLED, every item carries
 * its ItemCancellation (cancellationExecution by BUYER), lastUpdatedTime moves and the units return.
 */
export function cancelOrder(seller: SellerState, orderId: string): AmazonOrder {
  const order = orderOf(seller, orderId);
  if (order.fulfillment.fulfillmentStatus === "CANCELLED") return order;
  unshipped(order);
  for (const item of order.orderItems) cancelItem(seller, item, "Order placed by mistake");
  order.fulfillment.fulfillmentStatus = "CANCELLED";
  order.lastUpdatedTime = nowIso();
  return order;
}

/**
 * The buyer cancels some items of an unshipped order (Amazon's "Cancel items" lets a buyer pick
 * them). The 2026-01-01 model says which item was cancelled (OrderItem.cancellation), not how many
 * of its units: an item is cancelled whole. The order stays UNSHIPPED while an item is left; with
 * none left it is CANCELLED. lastUpdatedTime moves either way.
 */
export function cancelOrderItems(seller: SellerState, orderId: string, skus: string[]): AmazonOrder {
  const order = orderOf(seller, orderId);
  unshipped(order);
  const items = order.orderItems.filter((item) => skus.includes(item.product.sellerSku));
  if (items.length !== skus.length) throw new Error(`Amazon simulator: order ${orderId} has no item for one of ${skus.join(", ")}`);
  for (const item of items) cancelItem(seller, item, "No longer needed");
  if (order.orderItems.every(isCancelled)) order.fulfillment.fulfillmentStatus = "CANCELLED";
  order.lastUpdatedTime = nowIso();
  return order;
}

/**
 * The buyer asks to cancel a seller-fulfilled order: a request only (ItemCancellationRequest,
 * requester BUYER), which the seller may refuse by shipping. Nothing is cancelled, no unit returns,
 * the order stays UNSHIPPED; lastUpdatedTime moves, so the change is seen.
 */
export function requestCancellation(seller: SellerState, orderId: string): AmazonOrder {
  const order = orderOf(seller, orderId);
  unshipped(order);
  for (const item of order.orderItems) {
    if (!isCancelled(item)) item.cancellation = { cancellationRequest: { requester: "BUYER", cancelReason: "Order placed by mistake" } };
  }
  order.lastUpdatedTime = nowIso();
  return order;
}

/**
 * searchOrders and getOrder return the core of each order and, per `includedData`, the datasets
 * asked for ("A list of datasets to include in the response", orders_2026-01-01.json): BUYER,
 * RECIPIENT, PROCEEDS, TAX, CANCELLATION, FULFILLMENT and PACKAGES are the ones the simulator
 * keeps; the others are never filled. Without FULFILLMENT nothing says who fulfils the order or
 * whether it was cancelled; without CANCELLATION nothing says which items were; without PACKAGES
 * no tracking; without PROCEEDS no amount of tax, and without TAX not who collects it.
 */
export function projectOrder(order: AmazonOrder, included: Set<string>): AmazonOrder {
  const copy = structuredClone(order);
  if (!included.has("PACKAGES") || !copy.packages?.length) delete copy.packages;
  if (!included.has("BUYER")) delete copy.buyer;
  if (!included.has("RECIPIENT")) delete copy.recipient;
  if (!included.has("TAX")) for (const item of copy.orderItems) delete item.tax;
  if (!included.has("PROCEEDS")) {
    delete copy.proceeds;
    for (const item of copy.orderItems) delete item.proceeds;
  }
  if (!included.has("CANCELLATION")) for (const item of copy.orderItems) delete item.cancellation;
  if (!included.has("FULFILLMENT")) {
    delete (copy as Partial<AmazonOrder>).fulfillment;
    for (const item of copy.orderItems) delete item.fulfillment;
  }
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
    const fulfilledBy = query.get("fulfilledBy")?.split(",");
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
          (!fulfilledBy || fulfilledBy.includes(o.fulfillment.fulfilledBy)) &&
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
