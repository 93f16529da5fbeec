// The malformed orders a test can have Get Order List (orders/search) and Get Order Detail send
// (common/malformed-orders.ts): the SDK's Order202309...LineItems give every line item its
// sku_id, seller_sku, sale_price and currency.
import type { SimResponse } from "../common/http";
import { MalformedOrders } from "../common/malformed-orders";

export const TIKTOK_MALFORMATIONS = {
  /** The order's first line item comes with nothing but its id (no sku_id, seller_sku, price or status). */
  "line item fields missing": (order: Record<string, unknown>) => {
    const items = order.line_items as Array<Record<string, unknown>>;
    items[0] = { id: items[0].id };
  },
};

export type TikTokMalformation = keyof typeof TIKTOK_MALFORMATIONS;

export const malformedTikTokOrders = () => new MalformedOrders<TikTokMalformation>(TIKTOK_MALFORMATIONS);

/** An answer as served: the orders of ordersSearch and orderDetail reshaped where a test malformed them. */
export function servedOrders(malformed: MalformedOrders<TikTokMalformation>, routeName: string, answer: SimResponse): SimResponse {
  if ((routeName !== "ordersSearch" && routeName !== "orderDetail") || answer.status !== 200) return answer;
  const body = answer.body as { data: { orders: Array<{ id: string }> } };
  return { ...answer, body: { ...body, data: { ...body.data, orders: malformed.servedAll(body.data.orders, (order) => order.id) } } };
}
