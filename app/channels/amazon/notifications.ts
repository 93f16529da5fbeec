// Amazon's ORDER_CHANGE notification (Notifications API v1, schema OrderChangeNotification.json):
// Amazon publishes one when an order is placed or changes, to an SQS queue or an EventBridge bus
// of the seller's. Anchorline takes it from an EventBridge rule whose API destination posts the
// event to /notifications/<channel> (app/routes/notifications.$channelId.tsx). The event carries
// the order's SKUs and quantities, so the order is imported from it at once, without spending
// searchOrders' quota of one call per 180 s; the scheduled search later finds it stored already.
import { z } from "zod";
import type { ImportedOrder } from "../connector";
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
