// Orders from POST /order/202309/orders/search, read by update_time (oldest change first), so an
// order cancelled after it was imported comes back as a change. The cursor keeps the newest
// update_time delivered and, for the orders delivered at that second, a fingerprint of what they
// said: update_time_ge is inclusive and seconds are coarse, so an order seen at that second comes
// back only if it changed since (a cancellation within the same second included).
//
// Pages: TikTok's page_token is a position in the result set as it is at each call, and an order
// changing between two pages moves to the end (sorted by update_time), shifting the ones after it.
// So the next page is asked for from the newest update_time delivered (update_time_ge again), and
// page_token is followed only when a whole page shares one second (no other way forward).
//
// Returns: the buyer's returns and refunds are not in the order; they come from Search Returns
// (POST /return_refund/202309/returns/search, by order_ids) for the orders of each page, and a
// return's step moves its order's update_time, so an order comes back when its return moves.
import { createHash } from "node:crypto";
import type { ImportedOrder, ImportedOrderLine, OrderPage } from "../connector";
import { readOrder } from "../order-reading";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { ORDERS_PAGE_SIZE, PATHS } from "./limits";

/**
 * `item_tax[].tax_type` of US sales tax ("SALES_TAX (US market sales tax)", Get Order Detail
 * 202309), which TikTok collects and remits itself: "All US states that impose a sales tax have
 * enacted marketplace facilitator laws requiring TikTok to collect sales tax on TikTok Shop
 * transactions" (Seller University, "US Sales Tax FAQ"). The order names no one who remits it.
 */
const SALES_TAX = "SALES_TAX";
/** Without a cursor, start a week back (our choice: matches the Walmart module's first window). */
const FIRST_WINDOW_SECONDS = 7 * 86_400;
const MAX_PAGES_PER_CALL = 10;
const CANCELLED = "CANCELLED";
/** Order `fulfillment_type` of an order TikTok ships from its own warehouse. */
const FULFILLED_BY_TIKTOK = "FULFILLMENT_BY_TIKTOK";

interface OrdersCursor {
  /** What `from` counts: update_time. Cursors without it were kept by create_time. */
  by: "update_time";
  /** Epoch seconds: the newest update_time delivered. */
  from: number;
  /** Order id → fingerprint, for the orders delivered with update_time `from`. */
  seen: Record<string, string>;
}

interface TikTokLineItem {
  sku_id: string;
  sale_price?: string;
  currency?: string;
  display_status?: string;
  /** "Item tax detail" (Get Order Detail 202309): the unit's taxes, each its type, amount and rate. */
  item_tax?: Array<{ tax_type?: string; tax_amount?: string; tax_rate?: string }>;
}

interface TikTokOrder {
  id: string;
  status: string;
  create_time: number;
  update_time: number;
  fulfillment_type?: string;
  buyer_email?: string;
  payment?: { currency?: string; total_amount?: string };
  recipient_address?: Record<string, unknown> & { name?: string };
  line_items?: TikTokLineItem[];
}

interface SearchAnswer {
  orders?: TikTokOrder[];
  next_page_token?: string;
}

interface TikTokReturn {
  return_id: string;
  order_id: string;
  return_type?: string;
  return_status?: string;
  return_line_items?: Array<{ order_line_item_id?: string; sku_id?: string; seller_sku?: string }>;
}

interface ReturnsAnswer {
  return_orders?: TikTokReturn[];
  next_page_token?: string;
}

/** Units given back, per order and SKU, as the returns say now. */
type ReturnCounts = Map<string, Map<string, { returned: number; refunded: number }>>;

/** The seller received the parcel (and accepted it): RETURN_OR_REFUND_REQUEST_SUCCESS, then COMPLETE once refunded. */
const RECEIVED = new Set(["RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"]);
/** The refund went through (a REFUND, or a RETURN_AND_REFUND after the parcel came back). */
const REFUNDED = "RETURN_OR_REFUND_REQUEST_COMPLETE";
/** Order ids per Search Returns call and its page size (our choices; TikTok's maximum is not stated). */
const RETURNS_IDS_PER_CALL = 50;
const RETURNS_PAGE_SIZE = 50;

/**
 * Per SKU: units whose RETURN_AND_REFUND the seller received (returnedQuantity) and units
 * refunded (refundedQuantity: a REFUND or a RETURN_AND_REFUND complete). A REFUND sends nothing
 * back, so it never counts as returned; rejected and cancelled requests count nothing.
 */
export function countReturns(returns: TikTokReturn[]): ReturnCounts {
  const counts: ReturnCounts = new Map();
  for (const r of returns) {
    const received = r.return_type === "RETURN_AND_REFUND" && RECEIVED.has(r.return_status ?? "");
    const refunded = r.return_status === REFUNDED;
    if (!received && !refunded) continue;
    const bySku = counts.get(r.order_id) ?? new Map<string, { returned: number; refunded: number }>();
    for (const item of r.return_line_items ?? []) {
      if (!item.sku_id) continue;
      const c = bySku.get(item.sku_id) ?? { returned: 0, refunded: 0 };
      if (received) c.returned += 1;
      if (refunded) c.refunded += 1;
      bySku.set(item.sku_id, c);
    }
    counts.set(r.order_id, bySku);
  }
  return counts;
}

async function returnsOf(client: TikTokClient, orderIds: string[], retry: RetryOptions): Promise<TikTokReturn[]> {
  const found: TikTokReturn[] = [];
  for (let i = 0; i < orderIds.length; i += RETURNS_IDS_PER_CALL) {
    const ids = orderIds.slice(i, i + RETURNS_IDS_PER_CALL);
    let pageToken: string | undefined;
    do {
      const query: Record<string, string> = { page_size: String(RETURNS_PAGE_SIZE), sort_field: "create_time", sort_order: "ASC" };
      if (pageToken) query.page_token = pageToken;
      const answer = await withRetry(
        () => client.request<ReturnsAnswer>({ method: "POST", path: PATHS.returnsSearch, query, body: { order_ids: ids } }),
        retry,
      );
      found.push(...(answer.return_orders ?? []));
      pageToken = answer.next_page_token || undefined;
    } while (pageToken);
  }
  return found;
}

const toCents = (amount: string | undefined) => (amount === undefined || amount === "" ? null : Math.round(Number(amount) * 100));

/**
 * TikTok lists one line item per unit sold; they are counted back into one line per SKU, and the
 * cancelled ones (display_status CANCELLED: a partial cancellation) into its cancelledQuantity.
 * Their item_tax amounts add up to the line's tax (null when no unit states one); TikTok collects
 * it where it is US sales tax. From the order's returns (countReturns): units received back into
 * returnedQuantity, units refunded, plus the cancelled ones, into refundedQuantity.
 */
export function toImportedOrder(order: TikTokOrder, returns: ReturnCounts = new Map()): ImportedOrder {
  const lines = new Map<string, ImportedOrderLine & { cancelledQuantity: number; returnedQuantity: number; refundedQuantity: number }>();
  const backBySku = returns.get(order.id);
  for (const item of order.line_items ?? []) {
    const back = backBySku?.get(item.sku_id);
    const line = lines.get(item.sku_id) ?? {
      channelSku: item.sku_id,
      quantity: 0,
      priceCents: toCents(item.sale_price),
      cancelledQuantity: 0,
      returnedQuantity: back?.returned ?? 0,
      refundedQuantity: back?.refunded ?? 0,
    };
    line.quantity += 1;
    const taxes = item.item_tax ?? [];
    if (taxes.length > 0) {
      line.taxCents = (line.taxCents ?? 0) + taxes.reduce((sum, t) => sum + (toCents(t.tax_amount) ?? 0), 0);
      line.taxCollectedByMarketplace = (line.taxCollectedByMarketplace ?? true) && taxes.every((t) => t.tax_type === SALES_TAX);
    }
    // A cancelled unit is refunded too (refundedQuantity counts cancelled units); it cannot also be returned.
    if (item.display_status === CANCELLED) {
      line.cancelledQuantity += 1;
      line.refundedQuantity += 1;
    }
    lines.set(item.sku_id, line);
  }
  const address = order.recipient_address ?? null;
  const items = order.line_items ?? [];
  return {
    externalOrderId: order.id,
    status: order.status,
    orderedAt: new Date(order.create_time * 1000),
    updatedAt: new Date(order.update_time * 1000),
    currencyCode: order.payment?.currency ?? order.line_items?.[0]?.currency ?? null,
    totalCents: toCents(order.payment?.total_amount),
    buyer: { name: address?.name ?? null, email: order.buyer_email ?? null, address },
    lines: [...lines.values()],
    cancelled: order.status === CANCELLED || (items.length > 0 && items.every((i) => i.display_status === CANCELLED)),
    fulfilledByMarketplace: order.fulfillment_type === FULFILLED_BY_TIKTOK,
  };
}

/** What an order says that a change can move: its status, each line item's, and its returns' counts. */
function fingerprint(order: TikTokOrder, returns: ReturnCounts): string {
  const back = [...(returns.get(order.id) ?? new Map<string, { returned: number; refunded: number }>()).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sku, c]) => `${sku}:r${c.returned}:f${c.refunded}`);
  const said = [order.status, order.fulfillment_type ?? "", ...(order.line_items ?? []).map((i) => `${i.sku_id}:${i.display_status ?? ""}`), ...back];
  return createHash("sha256").update(said.join("|")).digest("base64url").slice(0, 12);
}

const encode = (cursor: OrdersCursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decode(since: string | null, nowSeconds: number): OrdersCursor {
  if (!since) return { by: "update_time", from: nowSeconds - FIRST_WINDOW_SECONDS, seen: {} };
  const stored = JSON.parse(Buffer.from(since, "base64url").toString("utf8")) as Partial<OrdersCursor> & {
    from: number;
    next?: { from: number };
  };
  if (stored.by === "update_time") return { by: "update_time", from: stored.from, seen: stored.seen ?? {} };
  // A cursor kept by create_time: every order changed since its second comes back once (the
  // importer knows the ones it has).
  return { by: "update_time", from: stored.next?.from ?? stored.from, seen: {} };
}

export async function fetchOrders(client: TikTokClient, since: string | null, retry: RetryOptions, nowMs = Date.now()): Promise<OrderPage> {
  const cursor = decode(since, Math.floor(nowMs / 1000));
  let from = cursor.from;
  let seen = new Map(Object.entries(cursor.seen));
  let queryFrom = from;
  let pageToken: string | undefined;
  const orders: ImportedOrder[] = [];
  for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
    const query: Record<string, string> = { page_size: String(ORDERS_PAGE_SIZE), sort_field: "update_time", sort_order: "ASC" };
    if (pageToken) query.page_token = pageToken;
    const answer = await withRetry(
      () => client.request<SearchAnswer>({ method: "POST", path: PATHS.ordersSearch, query, body: { update_time_ge: queryFrom } }),
      retry,
    );
    const found = answer.orders ?? [];
    // Older than what was delivered: only a shifted page shows one, and it was read before.
    const candidates = found.filter((o) => o.update_time >= from);
    const returns = candidates.length
      ? countReturns(
          await returnsOf(
            client,
            candidates.map((o) => o.id),
            retry,
          ),
        )
      : new Map();
    for (const order of candidates) {
      if (order.update_time < from) continue;
      const print = fingerprint(order, returns);
      if (order.update_time === from && seen.get(order.id) === print) continue;
      if (order.update_time > from) {
        from = order.update_time;
        seen = new Map();
      }
      seen.set(order.id, print);
      orders.push(
        readOrder(
          order,
          (raw) => toImportedOrder(raw, returns),
          (raw) => raw.id,
        ),
      );
    }
    const more = answer.next_page_token || undefined;
    if (!more) break;
    if (from > queryFrom) {
      // Ask again from the newest change delivered rather than by position.
      queryFrom = from;
      pageToken = undefined;
    } else {
      // The whole page is at one second: only the page token gets past it.
      pageToken = more;
    }
  }
  return { orders, cursor: encode({ by: "update_time", from, seen: Object.fromEntries(seen) }) };
}

/**
 * One order read with Get Order Detail (GET /order/202309/orders?ids=), with its returns, as a
 * search would deliver it: what an ORDER_STATUS_CHANGE webhook names (notifications.ts). null when
 * TikTok finds no such order in this shop.
 */
export async function fetchOrder(client: TikTokClient, orderId: string, retry: RetryOptions): Promise<ImportedOrder | null> {
  const answer = await withRetry(() => client.request<{ orders?: TikTokOrder[] }>({ method: "GET", path: PATHS.orderDetail, query: { ids: orderId } }), retry);
  const order = answer.orders?.find((o) => o.id === orderId);
  if (!order) return null;
  const returns = countReturns(await returnsOf(client, [order.id], retry));
  return readOrder(
    order,
    (raw) => toImportedOrder(raw, returns),
    (raw) => raw.id,
  );
}
