// Orders from Fulfillment getOrders by last-modified date, from the cursor to a moment settleMs
// ago, paged and re-read while the window shifts under the paging; and the orders whose returns
// moved (returns.ts), read again by id.
import type { ImportedOrder, OrderPage } from "../connector";
import { readOrder } from "../order-reading";
import { fromAmount } from "../money";
import type { EbayConnectorContext } from "./context";
import { decodeCursor, encodeCursor, importedOrder, lastModifiedFilter, type EbayOrder, type EbayOrderPage } from "./orders";
import { advanceReturns, readOwedOrders, returnsOfLines, startReturns, type LineReturns } from "./returns";

/**
 * Units a line's refunds stand for. eBay's refunds are amounts (LineItemRefund.amount, the
 * seller's net, without eBay-collected tax), never units, so the units are derived: the refunded
 * amount of the line over its unit price (lineItemCost / quantity), rounded down, so a partial
 * refund (a goodwill discount, part of one unit) counts no unit, never more than the line holds.
 */
export function refundedUnits(line: NonNullable<EbayOrder["lineItems"]>[number]): number {
  const quantity = line.quantity ?? 0;
  const lineCents = fromAmount(line.lineItemCost);
  if (!lineCents || lineCents <= 0 || quantity <= 0) return 0;
  const refundedCents = (line.refunds ?? []).reduce((sum, r) => sum + (fromAmount(r.amount) ?? 0), 0);
  // floor(refunded / (lineCents / quantity)) in whole cents, without a fractional unit price.
  return Math.min(quantity, Math.max(0, Math.floor((refundedCents * quantity) / lineCents)));
}

/**
 * The order's life as the Fulfillment API tells it (sell_fulfillment_v1_oas3.json): eBay cancels
 * whole orders, so a cancelled one (cancelStatus.cancelState CANCELED; IN_PROGRESS is only the
 * buyer's request and cancels nothing) cancels every unit of every line, and no line says more
 * (lineItemFulfillmentStatus is FULFILLED, IN_PROGRESS or NOT_STARTED). A refund after shipping
 * shows in the line's refunds (lineItems[].refunds) and again in paymentSummary.refunds: only the
 * line's are read (once each), as units (refundedUnits). A cancelled order's refund is at order
 * level and already counted as every unit cancelled; refundedQuantity counts cancelled units too,
 * so it is the whole line then, not cancelled plus refunded. Returns are told by the Post-Order
 * API (returns.ts, `back` per line item): their units received back are the line's
 * returnedQuantity, and their units refunded count when more than the amounts say (a restocking
 * fee kept leaves a refunded amount short of whole units). A line no return names leaves
 * returnedQuantity unset. lastModifiedDate is when eBay last changed it. eBay's sellers ship from
 * their own stock: the API has no marketplace-fulfilled order (ebaySupportedFulfillment is a
 * seller's parcel routed through eBay's Global Shipping or Authenticity Guarantee, still theirs).
 */
export function orderWithItsLife(order: EbayOrder, back: Array<LineReturns | undefined> = []): ImportedOrder {
  const imported = importedOrder(order);
  const cancelled = order.cancelStatus?.cancelState === "CANCELED";
  const modified = order.lastModifiedDate ? new Date(order.lastModifiedDate) : undefined;
  const items = order.lineItems ?? [];
  return {
    ...imported,
    cancelled,
    lines: imported.lines.map((line, i) => {
      const returned = back[i];
      return {
        ...line,
        cancelledQuantity: cancelled ? line.quantity : 0,
        refundedQuantity: cancelled ? line.quantity : Math.max(refundedUnits(items[i] ?? {}), Math.min(line.quantity, returned?.refunded ?? 0)),
        ...(returned && !cancelled ? { returnedQuantity: Math.min(line.quantity, returned.returned) } : {}),
      };
    }),
    ...(modified && !Number.isNaN(modified.getTime()) ? { updatedAt: modified } : {}),
    fulfilledByMarketplace: false,
  };
}

/** Orders leaving the window while it is paged shift later pages; a re-read catches what shifted. */
const MAX_ORDER_PASSES = 3;

async function ordersIn(context: EbayConnectorContext, from: Date, to: Date): Promise<EbayOrder[]> {
  const { client } = context;
  const { pageSize } = context.orderPolling;
  const filter = lastModifiedFilter(from, to);
  const seen = new Map<string, EbayOrder>();
  for (let pass = 1; pass <= MAX_ORDER_PASSES; pass++) {
    let firstTotal: number | undefined;
    let shrank = false;
    for (let offset = 0; ; offset += pageSize) {
      const page = (await client.call("getOrders", (api) => api.sell.fulfillment.getOrders({ filter, limit: pageSize, offset }))) as EbayOrderPage;
      const orders = page.orders ?? [];
      firstTotal ??= page.total;
      if (page.total !== undefined && firstTotal !== undefined && page.total < firstTotal) shrank = true;
      for (const order of orders) seen.set(order.orderId, order);
      if (!page.next || orders.length === 0) break;
    }
    if (!shrank) break;
  }
  return [...seen.values()];
}

export async function fetchOrders(context: EbayConnectorContext, since: string | null): Promise<OrderPage> {
  const { now } = context;
  const { settleMs, initialLookbackMs } = context.orderPolling;
  const cursor = decodeCursor(since) ?? { after: new Date(now() - settleMs - initialLookbackMs).toISOString(), seenAtAfter: [] };
  const from = new Date(cursor.after);
  const to = new Date(now() - settleMs);
  if (to.getTime() <= from.getTime()) return { orders: [], cursor: encodeCursor(cursor) };

  const alreadySeen = new Set(cursor.seenAtAfter);
  const fresh = (await ordersIn(context, from, to))
    .filter((o) => !(alreadySeen.has(o.orderId) && Date.parse(o.lastModifiedDate ?? "") === from.getTime()))
    .sort((a, b) => Date.parse(a.lastModifiedDate ?? "") - Date.parse(b.lastModifiedDate ?? ""));
  const atEnd = fresh.filter((o) => Date.parse(o.lastModifiedDate ?? "") === to.getTime()).map((o) => o.orderId);

  // A cursor from before returns were read starts them from where its orders stand.
  let returns = await advanceReturns(context, cursor.returns ?? startReturns(cursor.after), now(), context.orderPolling.returnsEveryMs);
  const owed = await readOwedOrders(context, returns, new Set(fresh.map((o) => o.orderId)));
  returns = { ...returns, owed: returns.owed.filter((id) => !owed.done.has(id)), ...(owed.failure ? { failure: owed.failure } : {}) };
  const withReturns = (raw: EbayOrder) => orderWithItsLife(raw, returnsOfLines(raw, returns));
  return {
    orders: [...fresh, ...owed.orders].map((o) => readOrder(o, withReturns, (raw) => raw.orderId)),
    cursor: encodeCursor({ after: to.toISOString(), seenAtAfter: atEnd, returns }),
  };
}
