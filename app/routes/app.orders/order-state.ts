import type { WritebackState } from "@prisma/client";

// An order's state in Anchorline, in the merchant's words: pure, so the screen's browser code
// (the state filter's choices) and the server (the list) read the same names.

/**
 * What the merchant can filter by. Each order shows one of the first five (orderState below);
 * "cancelled" also finds orders cancelled in part, and "oversold" is a mark beside the state.
 */
export const ORDER_STATES = ["written", "waiting", "failed", "marketplace", "cancelled", "oversold"] as const;
export type OrderStateFilter = (typeof ORDER_STATES)[number];

export const ORDER_STATE_LABELS: Record<OrderStateFilter, string> = {
  written: "Taken off Shopify",
  waiting: "Waiting",
  failed: "Failed",
  marketplace: "Shipped by the marketplace",
  cancelled: "Cancelled",
  oversold: "Oversold",
};

export interface OrderFacts {
  writeback: WritebackState;
  writebackAttempts: number;
  writebackMessage: string | null;
  cancelledAt: Date | null;
  fulfilledByMarketplace: boolean;
  oversold: boolean;
  /** The merchant's shipment, told to the marketplace; the marketplace's refusal of a shipment or cancellation. */
  shippedBackAt?: Date | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  marketplaceMessage?: string | null;
  lines: { quantity: number; cancelledQuantity: number }[];
}

export type StateTone = "success" | "info" | "critical" | "warning" | undefined;

export interface OrderState {
  /** Which filter finds it; null for a state no filter names (nothing to take off Shopify). */
  key: OrderStateFilter | null;
  words: string;
  tone: StateTone;
  /** Further marks beside the state: a partial cancellation, an oversell. */
  marks: { words: string; tone: StateTone }[];
  /** Whether the merchant can retry its write-back. */
  retryable: boolean;
}

/**
 * An order's state in the merchant's words. A failed write-back comes first (it needs the
 * merchant, whatever else is true), then the marketplace shipping it, then a whole cancellation.
 */
export function orderState(order: OrderFacts): OrderState {
  const ordered = order.lines.reduce((sum, l) => sum + l.quantity, 0);
  const cancelled = order.lines.reduce((sum, l) => sum + Math.min(l.quantity, l.cancelledQuantity), 0);
  const marks: OrderState["marks"] = [];
  if (!order.cancelledAt && cancelled > 0) marks.push({ words: `${cancelled} of ${ordered} cancelled`, tone: "warning" });
  if (order.oversold) marks.push({ words: "Oversold", tone: "critical" });
  if (order.shippedBackAt) marks.push({ words: `Shipped: ${order.carrier ?? "carrier"} ${order.trackingNumber ?? ""}`.trim(), tone: "success" });
  if (order.marketplaceMessage) marks.push({ words: order.marketplaceMessage, tone: "warning" });
  const state = (key: OrderStateFilter | null, words: string, tone: StateTone): OrderState => ({ key, words, tone, marks, retryable: key === "failed" });
  if (order.writeback === "FAILED") {
    const tries = order.writebackAttempts === 1 ? "1 attempt" : `${order.writebackAttempts} attempts`;
    return state("failed", `Failed: ${order.writebackMessage ?? "Shopify did not take the change"} (${tries})`, "critical");
  }
  if (order.fulfilledByMarketplace) return state("marketplace", "Shipped by the marketplace", "info");
  if (order.cancelledAt) return state("cancelled", "Cancelled", undefined);
  if (order.writeback === "PENDING") return state("waiting", "Waiting", "info");
  if (order.writeback === "WRITTEN") return state("written", "Taken off Shopify", "success");
  return state(null, "Nothing to take off Shopify", undefined);
}

/** The Shopify admin's page of an order: its numeric id, stored plain or as a GID. */
export function shopifyOrderUrl(shopifyOrderId: string | null): string | null {
  const id = shopifyOrderId?.match(/(\d+)$/)?.[1];
  return id ? `shopify:admin/orders/${id}` : null;
}
