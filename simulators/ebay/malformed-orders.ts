// The malformed orders a test can have getOrders send (common/malformed-orders.ts): LineItem
// (sell_fulfillment_v1_oas3.json) gives `quantity` as an integer, and always gives it.
import type { SimResponse } from "../common/http";
import { MalformedOrders } from "../common/malformed-orders";

const firstLineItem = (order: Record<string, unknown>) => (order.lineItems as Array<Record<string, unknown>>)[0];

export const EBAY_MALFORMATIONS = {
  /** The order's line item comes without its quantity. */
  "lineItem quantity missing": (order: Record<string, unknown>) => {
    delete firstLineItem(order).quantity;
  },
  /** The order's line item gives its quantity as text ("2" instead of 2). */
  "lineItem quantity as text": (order: Record<string, unknown>) => {
    const line = firstLineItem(order);
    line.quantity = String(line.quantity);
  },
};

export type EbayMalformation = keyof typeof EBAY_MALFORMATIONS;

export const malformedEbayOrders = () => new MalformedOrders<EbayMalformation>(EBAY_MALFORMATIONS);

/** A checked answer as served: getOrders' orders reshaped where a test malformed them. */
export function servedOrders(malformed: MalformedOrders<EbayMalformation>, operationId: string, answer: SimResponse): SimResponse {
  if (operationId !== "getOrders" || answer.status !== 200) return answer;
  const body = answer.body as { orders: Array<{ orderId: string }> };
  return { ...answer, body: { ...body, orders: malformed.servedAll(body.orders, (order) => order.orderId) } };
}
