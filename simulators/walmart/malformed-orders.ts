// The malformed purchase orders a test can have getAllOrders and getAnOrder send
// (common/malformed-orders.ts): OrderLineType (walmart-marketplace-orders-openapi-original.yml)
// requires `item`, with its `sku`.
import type { SimResponse } from "../common/http";
import { MalformedOrders } from "../common/malformed-orders";

export const WALMART_MALFORMATIONS = {
  /** The PO's first orderLine comes without its `item` (so without the SKU). */
  "orderLine item missing": (order: Record<string, unknown>) => {
    const [line] = (order.orderLines as { orderLine: Array<Record<string, unknown>> }).orderLine;
    delete line.item;
  },
};

export type WalmartMalformation = keyof typeof WALMART_MALFORMATIONS;

export const malformedWalmartOrders = () => new MalformedOrders<WalmartMalformation>(WALMART_MALFORMATIONS);

type PurchaseOrder = { purchaseOrderId: string };

/** A checked answer as served: getAllOrders' POs and getAnOrder's PO reshaped where a test malformed them. */
export function servedOrders(malformed: MalformedOrders<WalmartMalformation>, operationId: string, answer: SimResponse): SimResponse {
  if (answer.status !== 200) return answer;
  if (operationId === "getAllOrders") {
    const body = answer.body as { list: { meta: unknown; elements: { order: PurchaseOrder[] } } };
    const order = malformed.servedAll(body.list.elements.order, (po) => po.purchaseOrderId);
    return { ...answer, body: { ...body, list: { ...body.list, elements: { ...body.list.elements, order } } } };
  }
  if (operationId === "getAnOrder") {
    const body = answer.body as PurchaseOrder;
    return { ...answer, body: malformed.served(body.purchaseOrderId, body) };
  }
  return answer;
}
