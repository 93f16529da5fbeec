// Orders the merchant ships or cancels in Shopify, told to Walmart: "Ship Order Lines"
// (POST /v3/orders/{purchaseOrderId}/shipping) and "Cancel Order Lines" (POST .../cancel) of
// walmart-marketplace-orders-openapi-original.yml. The PO is read first (getAnOrder) to find the
// line numbers of the SKUs and its ship node; Walmart's refusals come back as `rejected` with its
// words, 429/5xx as `retry` with the wait it asked for.
import { ChannelError, type OrderActionOutcome, type OrderCancellation, type ShipmentConfirmation } from "../connector";
import { withRetry, type RetryOptions } from "../retry";
import type { WalmartClient } from "./client";

interface PoLine {
  lineNumber: string;
  item: { sku: string };
  orderLineStatuses?: { orderLineStatus?: Array<{ status?: string; statusQuantity?: { amount?: string } }> };
}
interface Po {
  purchaseOrderId: string;
  shippingInfo?: { methodCode?: string };
  orderLines?: { orderLine?: PoLine[] };
  shipNode?: { type?: string };
}

/**
 * trackingInfo.carrierName.carrier's enum in the orders definition; a carrier not on it goes as
 * `otherCarrier`, which Walmart takes only with a trackingURL.
 */
export const WALMART_CARRIERS = [
  "UPS", "USPS", "FedEx", "Airborne", "OnTrac", "DHL Ecommerce - US", "DHL", "LS", "UDS", "UPSMI", "FDX", "PILOT", "ESTES", "SAIA",
  "FDS Express", "Seko Worldwide", "HIT Delivery", "FEDEXSP", "RL Carriers", "Metropolitan Warehouse & Delivery", "China Post",
  "YunExpress", "Yellow Freight Sys", "AIT Worldwide Logistics", "Chukou1", "Sendle", "Landmark Global", "Sunyou", "Yanwen", "4PX",
  "GLS", "OSM Worldwide", "FIRST MILE", "AM Trucking", "CEVA", "India Post", "SF Express", "CNE", "TForce Freight", "AxleHire", "LSO",
  "Royal Mail", "ABF Freight System", "WanB", "Roadrunner Freight", "Meyer Distribution", "AAA Cooper", "Canada Post",
  "Southeastern Freight Lines", "Japan Post", "Correos de Mexico", "XPO Logistics", "JD Logistics", "YDH", "JCEX", "Flyt",
  "Deutsche Post", "Better Trucks", "Asendia", "SFC", "UBI", "ePost Global", "YF Logistics", "RXO", "Estes Express", "Shypmax",
  "WIN.IT America", "PITT OHIO", "PostNord Sweden", "Equick", "Whistl", "Tusou", "Shiprocket", "DTDC", "PTS",
] as const; // prettier-ignore

/** Names Shopify's tracking companies go by that are a listed carrier under another name (the enum's own descriptions). */
const ALIASES: Record<string, string> = {
  "united states postal service": "USPS",
  "fedex ground": "FedEx",
  "federal express": "FedEx",
  "fedex smartpost": "FEDEXSP",
  "dhl express": "DHL",
  "dhl ecommerce": "DHL Ecommerce - US",
  "dhl ecommerce us": "DHL Ecommerce - US",
  lasership: "LS",
  "united delivery service": "UDS",
  "ups mail innovations": "UPSMI",
  "r l carriers": "RL Carriers",
  estes: "ESTES",
};

const key = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
const BY_KEY = new Map<string, string>([...WALMART_CARRIERS.map((c) => [key(c), c] as [string, string]), ...Object.entries(ALIASES)]);

/** The merchant's carrier as Walmart's carrierName: a listed `carrier`, else `otherCarrier`. */
export function walmartCarrier(name: string): { carrier: string } | { otherCarrier: string } {
  const listed = BY_KEY.get(key(name));
  return listed ? { carrier: listed } : { otherCarrier: name.trim() };
}

/** cancelOrderLines' cancellationReason list, from the merchant's words (Shopify's reasons: customer, inventory, fraud, declined, other). */
export function walmartCancellationReason(reason: string): string {
  const words = reason.toLowerCase();
  if (/stock|inventory/.test(words)) return "SELLER_CANCEL_OUT_OF_STOCK";
  if (/fraud|declined/.test(words)) return "SELLER_CANCEL_FRAUD_STOP_SHIPMENT";
  if (/pric/.test(words)) return "SELLER_CANCEL_PRICING_ERROR";
  if (/address|deliver|serviceable/.test(words)) return "SELLER_CANCEL_ADDRESS_NOT_SERVICEABLE";
  return "CUSTOMER_REQUESTED_SELLER_TO_CANCEL";
}

const OPEN = new Set(["Created", "Acknowledged"]);
const openUnits = (line: PoLine) =>
  (line.orderLineStatuses?.orderLineStatus ?? []).filter((s) => OPEN.has(s.status ?? "")).reduce((n, s) => n + Number(s.statusQuantity?.amount ?? 0), 0);

/**
 * The units asked for, spread over the PO's lines of each SKU, open units first. Units no line has
 * open still go to the SKU's first line, so Walmart says why it refuses them (a shipped line).
 */
function allocate(po: Po, lines: Array<{ channelSku: string; quantity: number }>): Array<{ lineNumber: string; quantity: number }> | string {
  const poLines = po.orderLines?.orderLine ?? [];
  const taken = new Map<string, number>();
  for (const want of lines) {
    const ofSku = poLines.filter((l) => l.item.sku === want.channelSku);
    if (!ofSku.length) return `Walmart PO ${po.purchaseOrderId} has no line for SKU ${want.channelSku}`;
    let left = want.quantity;
    for (const line of ofSku) {
      const room = Math.max(0, openUnits(line) - (taken.get(line.lineNumber) ?? 0));
      const share = Math.min(room, left);
      if (share > 0) taken.set(line.lineNumber, (taken.get(line.lineNumber) ?? 0) + share);
      left -= share;
    }
    if (left > 0) taken.set(ofSku[0].lineNumber, (taken.get(ofSku[0].lineNumber) ?? 0) + left);
  }
  return [...taken].map(([lineNumber, quantity]) => ({ lineNumber, quantity }));
}

/** A call's failure as the action's outcome; failed credentials stop the caller, as for pushes. */
function outcomeOf(error: unknown): OrderActionOutcome {
  if (!(error instanceof ChannelError) || error.details.authFailed) throw error;
  if (error.retryable) return { status: "retry", message: error.message, retryAfterMs: error.details.retryAfterMs };
  return { status: "rejected", message: error.message };
}

async function act(
  client: WalmartClient,
  retry: RetryOptions,
  externalOrderId: string,
  build: (po: Po) => OrderActionOutcome | { path: string; json: unknown },
) {
  try {
    const po = await withRetry(() => client.request<Po>({ method: "GET", path: `/v3/orders/${encodeURIComponent(externalOrderId)}` }), retry);
    const call = build(po);
    if ("status" in call) return call;
    await withRetry(() => client.request({ method: "POST", path: call.path, json: call.json }), retry);
    return { status: "accepted" } as const;
  } catch (error) {
    return outcomeOf(error);
  }
}

const units = (quantity: number) => ({ unitOfMeasurement: "EACH", amount: String(quantity) });
const sellerShips = (po: Po) => (po.shipNode?.type ?? "SellerFulfilled") === "SellerFulfilled";

export function confirmShipment(client: WalmartClient, retry: RetryOptions, shipment: ShipmentConfirmation): Promise<OrderActionOutcome> {
  const carrierName = walmartCarrier(shipment.carrier);
  if ("otherCarrier" in carrierName && !shipment.trackingUrl)
    return Promise.resolve({
      status: "rejected",
      message: `Walmart does not list the carrier "${shipment.carrier}"; it takes another carrier only with a tracking URL`,
    });
  return act(client, retry, shipment.externalOrderId, (po) => {
    if (!sellerShips(po)) return { status: "unsupported", message: `Walmart ships this order itself (${po.shipNode?.type}); there is nothing to confirm` };
    const lines = allocate(po, shipment.lines);
    if (typeof lines === "string") return { status: "rejected", message: lines };
    const trackingInfo = {
      shipDateTime: shipment.shippedAt.getTime(),
      carrierName,
      methodCode: po.shippingInfo?.methodCode ?? "Standard",
      trackingNumber: shipment.trackingNumber,
      ...(shipment.trackingUrl ? { trackingURL: shipment.trackingUrl } : {}),
    };
    return {
      path: `/v3/orders/${encodeURIComponent(po.purchaseOrderId)}/shipping`,
      json: {
        orderShipment: {
          orderLines: {
            orderLine: lines.map((l) => ({
              lineNumber: l.lineNumber,
              // "limit of 30 characters"; the PO id is what the seller knows the order by on Walmart.
              sellerOrderId: po.purchaseOrderId.slice(0, 30),
              orderLineStatuses: { orderLineStatus: [{ status: "Shipped", statusQuantity: units(l.quantity), trackingInfo }] },
            })),
          },
        },
      },
    };
  });
}

export function cancelOrder(client: WalmartClient, retry: RetryOptions, cancellation: OrderCancellation): Promise<OrderActionOutcome> {
  const cancellationReason = walmartCancellationReason(cancellation.reason);
  return act(client, retry, cancellation.externalOrderId, (po) => {
    if (!sellerShips(po)) return { status: "unsupported", message: `Walmart fulfils this order (${po.shipNode?.type}); cancel it in Seller Center` };
    const lines = allocate(po, cancellation.lines);
    if (typeof lines === "string") return { status: "rejected", message: lines };
    return {
      path: `/v3/orders/${encodeURIComponent(po.purchaseOrderId)}/cancel`,
      json: {
        orderCancellation: {
          orderLines: {
            orderLine: lines.map((l) => ({
              lineNumber: l.lineNumber,
              orderLineStatuses: { orderLineStatus: [{ status: "Cancelled", cancellationReason, statusQuantity: units(l.quantity) }] },
            })),
          },
        },
      },
    };
  });
}
