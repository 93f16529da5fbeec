// The malformed orders a test can have searchOrders and getOrder send (common/malformed-orders.ts):
// Order (orders_2026-01-01.json) requires orderItems, and OrderItem.quantityOrdered is an integer.
import type { SimResponse } from "../common/http";
import { MalformedOrders } from "../common/malformed-orders";

export const AMAZON_MALFORMATIONS = {
  /** The order comes without its orderItems. */
  "orderItems missing": (order: Record<string, unknown>) => {
    delete order.orderItems;
  },
  /** The first item's quantityOrdered comes as text ("2" instead of 2). */
  "quantityOrdered as text": (order: Record<string, unknown>) => {
    const [item] = order.orderItems as Array<{ quantityOrdered: unknown }>;
    item.quantityOrdered = String(item.quantityOrdered);
  },
};

export type AmazonMalformation = keyof typeof AMAZON_MALFORMATIONS;

export const malformedAmazonOrders = () => new MalformedOrders<AmazonMalformation>(AMAZON_MALFORMATIONS);

/** A checked answer as served: searchOrders' orders and getOrder's order reshaped where a test malformed them. */
export function servedOrders(malformed: MalformedOrders<AmazonMalformation>, operationId: string, answer: SimResponse): SimResponse {
  if (answer.status !== 200) return answer;
  if (operationId === "searchOrders") {
    const body = answer.body as { orders: Array<{ orderId: string }> };
    return { ...answer, body: { ...body, orders: malformed.servedAll(body.orders, (order) => order.orderId) } };
  }
  if (operationId === "getOrder") {
    const body = answer.body as { order: { orderId: string } };
    return { ...answer, body: { ...body, order: malformed.served(body.order.orderId, body.order) } };
  }
  return answer;
}
