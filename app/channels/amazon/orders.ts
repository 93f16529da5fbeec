// Orders from the Orders API v2026-01-01 (searchOrders): the v0 getOrders is marked deprecated in
// ordersV0.json. Searched by lastUpdatedAfter so a cancellation comes back as a change. The
// cursor is the `lastUpdatedBefore` Amazon says it searched up to (SearchOrdersResponse: "Only
// orders updated before the specified time are returned"), plus the orders already delivered at
// exactly that instant (lastUpdatedAfter is inclusive), plus Amazon's pagination token while a
// result set is only partly read; so an order comes back only when it changed. Returns change no
// order the API reads: the cursor also holds the returns report's state (returns.ts), and an order
// whose returns grew is read again with getOrder and sent back with them.
import { ChannelError, type ImportedOrder, type OrderPage } from "../connector";
import { readOrder, required } from "../order-reading";
import { fromAmount } from "../money";
import { withRetry, type RetryOptions } from "../retry";
import { ORDERS_PAGE_SIZE } from "./limits";
import { advanceReturns, startReturns, withReturns, type ReturnsState } from "./returns";
import type { SpApiClient } from "./sp-client";

/** Without a cursor: orders of the last day. Our choice; older ones predate the connection. */
const FIRST_WINDOW_MS = 86_400_000;
/**
 * Pages per fetchOrders call. searchOrders' plan is 0.0056 per second with burst 20
 * (orders_2026-01-01.json): a few pages a call leave burst for the next one.
 */
const MAX_PAGES_PER_CALL = 5;
/**
 * Orders whose returns grew, read again per fetchOrders call (getOrder, 0.5 per second, burst 30,
 * orders_2026-01-01.json); the rest wait for the next call. Our choice, within the burst.
 */
const RETURNED_ORDERS_PER_CALL = 20;

/**
 * The datasets read (searchOrders includedData): buyer, money (the items' proceeds, their sales tax
 * among them), tax (who collects and remits it: ItemTax.taxCollections), fulfilment (status and who
 * fulfils: `fulfillment.fulfilledBy`) and cancellation (which items were cancelled:
 * OrderItem.cancellation). A dataset not asked for is left out of the answer, and its absence
 * would read as "not cancelled".
 */
const INCLUDED_DATA = ["BUYER", "PROCEEDS", "TAX", "FULFILLMENT", "CANCELLATION"];
/**
 * ItemTaxCollection.model "MARKETPLACE_FACILITATOR (Tax is withheld and remitted to the taxing
 * authority by Amazon on behalf of the seller)", orders_2026-01-01.json.
 */
const MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR";

interface Watermark {
  /** ISO time: orders updated at or after it are new to us... */
  after: string;
  /** ...except these (`key` below), delivered already at exactly `after`. */
  seen: string[];
}

interface OrdersCursor extends Watermark {
  /** While a result set is only partly read: Amazon's nextToken and the watermark it leads to. */
  resume?: string;
  next?: Watermark;
}

interface Cursor extends OrdersCursor {
  returns?: ReturnsState;
}

interface Money {
  amount?: string;
  currencyCode?: string;
}

interface AmazonOrder {
  orderId: string;
  createdTime: string;
  lastUpdatedTime: string;
  buyer?: { buyerName?: string; buyerEmail?: string };
  proceeds?: { grandTotal?: Money };
  /** OrderFulfillment: fulfilledBy "AMAZON" (FBA) or "MERCHANT". */
  fulfillment?: { fulfillmentStatus?: string; fulfilledBy?: string };
  orderItems: AmazonOrderItem[];
}

interface AmazonOrderItem {
  orderItemId?: string;
  quantityOrdered: number;
  product: { sellerSku?: string; price?: { unitPrice?: Money } };
  /**
   * ItemProceeds: per category (ITEM, SHIPPING, TAX...) the item's amount for all its units; the
   * TAX one detailed by what was taxed ("only available for TAX and DISCOUNT proceeds types").
   */
  proceeds?: { breakdowns?: Array<{ type?: string; subtotal?: Money; detailedBreakdowns?: Array<{ subtype?: string; value?: Money }> }> };
  /** ItemTax: who withholds and remits the item's tax. */
  tax?: { taxCollections?: Array<{ model?: string; responsibleParty?: string }> };
  /**
   * ItemCancellation: a request (cancellationRequest) cancels nothing until it is executed
   * (cancellationExecution). The model names no cancelled quantity: an executed one is the item's.
   */
  cancellation?: { cancellationRequest?: unknown; cancellationExecution?: unknown };
}

interface SearchAnswer {
  orders: AmazonOrder[];
  pagination?: { nextToken?: string };
  lastUpdatedBefore?: string;
}

const encode = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");
const decode = (since: string): Cursor => JSON.parse(Buffer.from(since, "base64url").toString("utf8")) as Cursor;
const itemCancelled = (item: AmazonOrderItem) => Boolean(item.cancellation?.cancellationExecution);
/**
 * An order as delivered: a change within the same timestamp (Amazon's are to the second) still
 * differs, be it its status or an item cancelled.
 */
const key = (order: AmazonOrder) =>
  `${order.orderId}@${order.lastUpdatedTime}@${order.fulfillment?.fulfillmentStatus ?? ""}@${(order.orderItems ?? []).map((i) => (itemCancelled(i) ? "x" : "-")).join("")}`;
const cents = (money: Money | undefined) => fromAmount(money && { value: money.amount, currency: money.currencyCode });

/**
 * The sales tax on the item's price, all its units: the TAX proceeds' ITEM part where Amazon details
 * it (its SHIPPING or GIFT_WRAP parts are taxes on other charges), else the whole TAX subtotal.
 * Null when the proceeds carry no TAX entry.
 */
function itemTaxCents(item: AmazonOrderItem): number | null {
  const tax = item.proceeds?.breakdowns?.find((b) => b.type === "TAX");
  if (!tax) return null;
  const onItem = tax.detailedBreakdowns?.find((d) => d.subtype === "ITEM");
  return tax.detailedBreakdowns?.length ? (onItem ? cents(onItem.value) : 0) : cents(tax.subtotal);
}

export function toImportedOrder(order: AmazonOrder): ImportedOrder {
  const status = order.fulfillment?.fulfillmentStatus ?? "UNKNOWN";
  const cancelled = status === "CANCELLED";
  return {
    externalOrderId: order.orderId,
    status,
    orderedAt: new Date(order.createdTime),
    currencyCode: order.proceeds?.grandTotal?.currencyCode ?? null,
    totalCents: cents(order.proceeds?.grandTotal),
    buyer: { name: order.buyer?.buyerName ?? null, email: order.buyer?.buyerEmail ?? null },
    // An item without a seller SKU is not one of the merchant's listings: nothing to count down.
    lines: required(order.orderItems, "orderItems")
      .filter((i) => i.product.sellerSku)
      .map((i) => ({
        channelSku: i.product.sellerSku!,
        quantity: i.quantityOrdered,
        priceCents: cents(i.product.price?.unitPrice),
        taxCents: itemTaxCents(i),
        taxCollectedByMarketplace: (i.tax?.taxCollections ?? []).some((c) => c.model === MARKETPLACE_FACILITATOR),
        // A cancelled order cancels every unit; otherwise an item cancelled (executed) is cancelled whole.
        cancelledQuantity: cancelled || itemCancelled(i) ? i.quantityOrdered : 0,
      })),
    cancelled,
    updatedAt: new Date(order.lastUpdatedTime),
    // FBA: Amazon ships from its own warehouse, so the units never were in Shopify's stock.
    fulfilledByMarketplace: order.fulfillment?.fulfilledBy === "AMAZON",
  };
}

/** The watermark after this result set: Amazon's own bound, else the newest update seen. */
function watermarkAfter(previous: Watermark, bound: string | undefined, orders: AmazonOrder[]): Watermark {
  const newest = orders.reduce((max, o) => (Date.parse(o.lastUpdatedTime) > Date.parse(max) ? o.lastUpdatedTime : max), previous.after);
  const after = bound && Date.parse(bound) >= Date.parse(newest) ? bound : newest;
  const at = Date.parse(after);
  const seenBefore = at === Date.parse(previous.after) ? previous.seen : [];
  return { after, seen: [...new Set([...seenBefore, ...orders.filter((o) => Date.parse(o.lastUpdatedTime) === at).map(key)])] };
}

export async function fetchOrders(
  client: SpApiClient,
  marketplaceId: string,
  since: string | null,
  retry: RetryOptions,
  now: number,
  returnsReportEveryMs?: number,
): Promise<OrderPage> {
  const { returns: previousReturns, ...decoded }: Cursor = since ? decode(since) : { after: new Date(now - FIRST_WINDOW_MS).toISOString(), seen: [] };
  let cursor: OrdersCursor = decoded;
  // A cursor from before returns were read starts them from where its orders stand.
  let returns = previousReturns ?? startReturns(cursor.after);
  const seen = new Set(cursor.seen);
  const imported: ImportedOrder[] = [];
  for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
    const query: Record<string, string | string[]> = cursor.resume
      ? { paginationToken: cursor.resume }
      : { lastUpdatedAfter: cursor.after, marketplaceIds: [marketplaceId], includedData: INCLUDED_DATA, maxResultsPerPage: String(ORDERS_PAGE_SIZE) };
    let answer: SearchAnswer;
    try {
      answer = await withRetry(() => client.call<SearchAnswer>({ operation: "searchOrders", endpoint: "orders", query }), retry);
    } catch (error) {
      // A pagination token kept across calls may have lapsed: search the window again instead.
      if (!(cursor.resume && error instanceof ChannelError && error.details.status === 400)) throw error;
      cursor = { after: cursor.after, seen: cursor.seen };
      continue;
    }
    const fresh = answer.orders.filter((o) => !seen.has(key(o)));
    imported.push(...fresh.map((o) => readOrder(o, toImportedOrder, (raw) => raw.orderId)));
    // The watermark moves only once the whole result set is read; until then it waits in `next`.
    const target = watermarkAfter(cursor.next ?? cursor, answer.lastUpdatedBefore ?? cursor.next?.after, answer.orders);
    const nextToken = answer.pagination?.nextToken;
    if (nextToken) {
      cursor = { after: cursor.after, seen: cursor.seen, resume: nextToken, next: target };
      continue;
    }
    cursor = target;
    break;
  }
  returns = await advanceReturns(client, marketplaceId, retry, returns, now, returnsReportEveryMs);
  const returned = await readReturnedOrders(client, returns, new Set(imported.map((o) => o.externalOrderId)), retry);
  returns = { ...returns, owed: returns.owed.filter((id) => !returned.done.has(id)) };
  const orders = [...imported, ...returned.orders].map((order) => withReturns(order, returns));
  return { orders, cursor: encode({ ...cursor, returns }) };
}

/**
 * The orders owed for their returns that this page does not already carry, read again with
 * getOrder, a few per call. `done`: the ones settled, sent or not: an order sold before the
 * returns' origin is not ours to restock, and one Amazon answers 404 for is gone. A failure that
 * may heal leaves the rest for the next call.
 */
async function readReturnedOrders(client: SpApiClient, returns: ReturnsState, inPage: Set<string>, retry: RetryOptions) {
  const done = new Set(returns.owed.filter((id) => inPage.has(id)));
  const orders: ImportedOrder[] = [];
  for (const orderId of returns.owed.filter((id) => !inPage.has(id)).slice(0, RETURNED_ORDERS_PER_CALL)) {
    try {
      const { order } = await withRetry(
        () => client.call<{ order: AmazonOrder }>({ operation: "getOrder", endpoint: "orders", path: { orderId }, query: { includedData: INCLUDED_DATA } }),
        retry,
      );
      done.add(orderId);
      if (Date.parse(order.createdTime) < Date.parse(returns.origin)) continue;
      orders.push(readOrder(order, toImportedOrder, (raw) => raw.orderId));
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      if (error.retryable) break;
      done.add(orderId);
    }
  }
  return { orders, done };
}
