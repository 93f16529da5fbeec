// Orders the merchant ships or cancels in Shopify, told to TikTok Shop (Partner API 202309):
// "Get Order Detail" for the package id, delivery option and shipping type; "Get Shipping
// Providers" for the shipping_provider_id TikTok wants instead of a carrier name; "Ship Package"
// with self_shipment (or "Update Package Shipping Info" once shipped); "Cancel Order" by SKU.
import { ChannelError, type OrderActionOutcome, type OrderCancellation, type ShipmentConfirmation } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { TikTokClient } from "./client";
import { PATHS } from "./limits";

interface DetailOrder {
  id: string;
  status: string;
  fulfillment_type?: string;
  shipping_type?: string;
  delivery_option_id?: string;
  packages?: Array<{ id: string }>;
  line_items?: Array<{ sku_id: string; display_status?: string; tracking_number?: string }>;
}

const key = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "");
/** Shopify tracking companies TikTok lists under another name. */
const ALIASES: Record<string, string> = { unitedstatespostalservice: "usps", fedexground: "fedex", federalexpress: "fedex", dhlexpress: "dhlecommerce" };

/** The provider of TikTok's list the merchant's carrier is, by name. */
export function tiktokProvider(carrier: string, providers: Array<{ id: string; name: string }>): { id: string; name: string } | undefined {
  const wanted = ALIASES[key(carrier)] ?? key(carrier);
  return providers.find((p) => key(p.name) === wanted);
}

/** Seller cancel reason keys (assumption: out of stock is the reason TikTok lets US sellers cancel for). */
export function tiktokCancelReason(reason: string): string {
  return /pric/i.test(reason) ? "seller_cancel_reason_pricing_error" : "seller_cancel_reason_out_of_stock";
}

function outcomeOf(error: unknown): OrderActionOutcome {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  if (error.retryable) return { status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs };
  return { status: "rejected", message: error.message };
}

export async function confirmShipment(client: TikTokClient, retry: RetryOptions, shipment: ShipmentConfirmation): Promise<OrderActionOutcome> {
  try {
    const detail = await withRetry(
      () => client.request<{ orders?: DetailOrder[] }>({ method: "GET", path: PATHS.orderDetail, query: { ids: shipment.externalOrderId } }),
      retry,
    );
    const order = detail.orders?.find((o) => o.id === shipment.externalOrderId);
    if (!order) return { status: "rejected", message: `TikTok Shop has no order ${shipment.externalOrderId}` };
    if (order.fulfillment_type === "FULFILLMENT_BY_TIKTOK") return { status: "unsupported", message: "TikTok ships this order from its own warehouse" };
    if (order.shipping_type !== "SELLER")
      return { status: "unsupported", message: "TikTok Shop ships this order with its own label; arrange the handover in Seller Center" };
    const packageId = order.packages?.[0]?.id;
    if (!packageId || !order.delivery_option_id) return { status: "rejected", message: `TikTok Shop order ${order.id} has no package to ship` };
    const active = (order.line_items ?? []).filter((i) => i.display_status !== "CANCELLED");
    const shipped = order.status === "IN_TRANSIT";
    if (!shipped) {
      // Ship Package ships the whole package: a part of it needs the order split first.
      const covers = [...new Set(active.map((i) => i.sku_id))].every(
        (sku) => (shipment.lines.find((l) => l.channelSku === sku)?.quantity ?? 0) >= active.filter((i) => i.sku_id === sku).length,
      );
      if (!covers) return { status: "unsupported", message: "TikTok Shop ships a package whole; split the order in Seller Center to ship part of it" };
    }
    const providers = await withRetry(
      () =>
        client.request<{ shipping_providers?: Array<{ id: string; name: string }> }>({
          method: "GET",
          path: PATHS.shippingProviders(order.delivery_option_id!),
        }),
      retry,
    );
    const provider = tiktokProvider(shipment.carrier, providers.shipping_providers ?? []);
    if (!provider) return { status: "rejected", message: `TikTok Shop has no shipping provider "${shipment.carrier}" for this order's delivery option` };
    const body = { shipping_provider_id: provider.id, tracking_number: shipment.trackingNumber };
    if (shipped) await withRetry(() => client.request({ method: "POST", path: PATHS.updatePackageShippingInfo(packageId), body }), retry);
    else await withRetry(() => client.request({ method: "POST", path: PATHS.shipPackage(packageId), body: { self_shipment: body } }), retry);
    return { status: "accepted" };
  } catch (error) {
    return outcomeOf(error);
  }
}

export async function cancelOrder(client: TikTokClient, retry: RetryOptions, cancellation: OrderCancellation): Promise<OrderActionOutcome> {
  try {
    const body = {
      order_id: cancellation.externalOrderId,
      cancel_reason: tiktokCancelReason(cancellation.reason),
      skus: cancellation.lines.map((l) => ({ sku_id: l.channelSku, quantity: l.quantity })),
    };
    await withRetry(() => client.request({ method: "POST", path: PATHS.cancelOrder, body }), retry);
    return { status: "accepted" };
  } catch (error) {
    return outcomeOf(error);
  }
}
