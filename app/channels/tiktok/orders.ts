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
import { createHash } from "node:crypto";
import type { ImportedOrder, ImportedOrderLine, OrderPage } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { ORDERS_PAGE_SIZE, PATHS } from "./limits";

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

const toCents = (amount: string | undefined) => (amount === undefined || amount === "" ? null : Math.round(Number(amount) * 100));

/**
 * TikTok lists one line item per unit sold; they are counted back into one line per SKU, and the
 * cancelled ones (display_status CANCELLED: a partial cancellation) into its cancelledQuantity.
 */
export function toImportedOrder(order: TikTokOrder): ImportedOrder {
  const lines = new Map<string, ImportedOrderLine & { cancelledQuantity: number }>();
  for (const item of order.line_items ?? []) {
    const line = lines.get(item.sku_id) ?? { channelSku: item.sku_id, quantity: 0, priceCents: toCents(item.sale_price), cancelledQuantity: 0 };
    line.quantity += 1;
    if (item.display_status === CANCELLED) line.cancelledQuantity += 1;
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

/** What an order says that a change can move: its status and each line item's. */
function fingerprint(order: TikTokOrder): string {
  const said = [order.status, order.fulfillment_type ?? "", ...(order.line_items ?? []).map((i) => `${i.sku_id}:${i.display_status ?? ""}`)];
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
    for (const order of found) {
      // Older than what was delivered: only a shifted page shows one, and it was read before.
      if (order.update_time < from) continue;
      const print = fingerprint(order);
      if (order.update_time === from && seen.get(order.id) === print) continue;
      if (order.update_time > from) {
        from = order.update_time;
        seen = new Map();
      }
      seen.set(order.id, print);
      orders.push(toImportedOrder(order));
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
