// Amazon's ORDER_CHANGE notification (Notifications API v1, schema OrderChangeNotification.json):
// Amazon publishes one when an order is placed or changes, to an SQS queue or an EventBridge bus
// of the seller's. Anchorline takes it from an EventBridge rule whose API destination posts the
// event to /notifications/<channel> (app/routes/notifications.$channelId.tsx). The event carries
// the order's SKUs and quantities, so the order is imported from it at once, without spending
// searchOrders' quota of one call per 180 s; the scheduled search later finds it stored already.
//
// The same destination brings the listings' change notifications, LISTINGS_ITEM_MFN_QUANTITY_CHANGE
// (ListingsItemMfnQuantityChange.json) and LISTINGS_ITEM_STATUS_CHANGE
// (ListingsItemStatusChangeNotification.json): Amazon sends one whenever a seller-fulfilled
// listing's quantity, or a listing's BUYABLE/DISCOVERABLE status, changes, whoever changed it. The
// drift read judges them at once (sync/drift-read.server.ts runNotifiedListingChanges).
import { z } from "zod";
import type { ImportedOrder, ListingChange } from "../connector";
import type { OrderNotificationAuth } from "../module";

/** The header an EventBridge API destination's API-key connection is set up to send. */
export const NOTIFICATION_KEY_HEADER = "x-anchorline-notification-key";

/** The merchant's API destination sends the channel's key as it is, in NOTIFICATION_KEY_HEADER. */
export const AMAZON_NOTIFICATION_AUTH: OrderNotificationAuth = { header: NOTIFICATION_KEY_HEADER, expectedValue: (key) => key, subscribedAtConnect: false };

/** OrderChangeNotification.json, the fields Anchorline reads (required ones as required). */
const OrderChangeNotificationSchema = z.object({
  NotificationType: z.literal("ORDER_CHANGE"),
  EventTime: z.string(),
  Payload: z.object({
    OrderChangeNotification: z.object({
      SellerId: z.string(),
      AmazonOrderId: z.string().min(1),
      OrderChangeType: z.enum(["BuyerRequestedChange", "DeliveryTipChange", "OrderStatusChange"]),
      Summary: z.object({
        MarketplaceId: z.string(),
        OrderStatus: z.enum(["Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable", "InvoiceUnconfirmed", "PendingAvailability"]),
        PurchaseDate: z.string().datetime({ offset: true }),
        FulfillmentType: z.string(),
        OrderItems: z.array(z.object({ SellerSKU: z.string(), Quantity: z.number().int().nonnegative() })),
      }),
    }),
  }),
});

/** How an EventBridge rule hands the notification on: the SP-API document is the event's `detail`. */
const EventBridgeEventSchema = z.object({ "detail-type": z.string(), source: z.string(), detail: z.unknown() });

export type OrderChangeNotification = z.infer<typeof OrderChangeNotificationSchema>;

/**
 * The order an ORDER_CHANGE notification describes, or null when the body is not one (another
 * notification type, a malformed document). Takes the bare notification (as SQS delivers it) or
 * the EventBridge event wrapping it.
 */
export function ordersInNotification(body: unknown, expect: { sellerId?: string; marketplaceId: string }): ImportedOrder[] | null {
  const event = EventBridgeEventSchema.safeParse(body);
  const parsed = OrderChangeNotificationSchema.safeParse(event.success ? event.data.detail : body);
  if (!parsed.success) return null;
  const change = parsed.data.Payload.OrderChangeNotification;
  // Another seller's or another marketplace's order is not this channel account's to import.
  if ((expect.sellerId && change.SellerId !== expect.sellerId) || change.Summary.MarketplaceId !== expect.marketplaceId) return [];
  const { Summary: summary } = change;
  return [
    {
      externalOrderId: change.AmazonOrderId,
      status: summary.OrderStatus,
      orderedAt: new Date(summary.PurchaseDate),
      lines: summary.OrderItems.filter((item) => item.Quantity > 0).map((item) => ({ channelSku: item.SellerSKU, quantity: item.Quantity })),
      cancelled: summary.OrderStatus === "Canceled",
      // AFN: fulfilled by Amazon from its own stock, which never was in Shopify's (MFN: the seller ships).
      fulfilledByMarketplace: summary.FulfillmentType === "AFN",
    },
  ];
}

/** ListingsItemMfnQuantityChange.json, the fields Anchorline reads. */
const MfnQuantityChangeSchema = z.object({
  NotificationType: z.literal("LISTINGS_ITEM_MFN_QUANTITY_CHANGE"),
  EventTime: z.string().datetime({ offset: true }),
  Payload: z.object({ SellerId: z.string(), FulfillmentChannelCode: z.string(), Sku: z.string().min(1), Quantity: z.number().int() }),
});

/**
 * ListingsItemStatusChangeNotification.json, the fields Anchorline reads. Its enum spells the type
 * LISTINGS_ITEM_STATUS_CHANGED; its example and Amazon's notification type values say
 * LISTINGS_ITEM_STATUS_CHANGE. Both are taken.
 */
const StatusChangeSchema = z.object({
  NotificationType: z.enum(["LISTINGS_ITEM_STATUS_CHANGE", "LISTINGS_ITEM_STATUS_CHANGED"]),
  EventTime: z.string().datetime({ offset: true }),
  Payload: z.object({
    SellerId: z.string(),
    MarketplaceId: z.string().optional(),
    Sku: z.string().min(1),
    Status: z.array(z.enum(["BUYABLE", "DISCOVERABLE", "DELETED"])),
  }),
});

/** The seller-fulfilled channel Anchorline pushes (fulfillment_availability's DEFAULT); another MFN channel's count is not ours. */
const PUSHED_CHANNEL = "DEFAULT";

/**
 * What a listing change notification says of the account's listing, or null when the body is not
 * one. Takes the bare notification or the EventBridge event wrapping it.
 */
export function listingChangesInNotification(body: unknown, expect: { sellerId?: string; marketplaceId: string }): ListingChange[] | null {
  const event = EventBridgeEventSchema.safeParse(body);
  const document = event.success ? event.data.detail : body;
  const quantity = MfnQuantityChangeSchema.safeParse(document);
  if (quantity.success) {
    const { Payload: p, EventTime } = quantity.data;
    if ((expect.sellerId && p.SellerId !== expect.sellerId) || p.FulfillmentChannelCode !== PUSHED_CHANNEL) return [];
    return [{ channelSku: p.Sku, seenAt: new Date(EventTime), quantity: p.Quantity }];
  }
  const status = StatusChangeSchema.safeParse(document);
  if (!status.success) return null;
  const { Payload: p, EventTime } = status.data;
  if ((expect.sellerId && p.SellerId !== expect.sellerId) || (p.MarketplaceId && p.MarketplaceId !== expect.marketplaceId)) return [];
  const seenAt = new Date(EventTime);
  if (p.Status.includes("DELETED"))
    return [{ channelSku: p.Sku, seenAt, status: "DELETED", selling: false, suspension: "DELETED: Amazon no longer has this listing" }];
  // The same words the bulk read stores (its summaries' status, joined).
  return [{ channelSku: p.Sku, seenAt, status: p.Status.join(", ") || null, selling: p.Status.includes("BUYABLE") && p.Status.includes("DISCOVERABLE") }];
}
