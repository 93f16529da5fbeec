// ORDER_CHANGE notifications (OrderChangeNotification.json), as Amazon publishes them when an order
// is placed or changes, delivered the way an EventBridge rule with an API destination delivers
// them: the SP-API document as the `detail` of an EventBridge event, POSTed to an HTTPS endpoint
// with the header the destination's connection adds. Amazon itself only reaches SQS or
// EventBridge; the API destination is the seller's AWS set-up, and this is its stand-in.
import { randomUUID } from "node:crypto";
import type { AmazonOrder, SellerState } from "./state";

export interface OrderNotificationTarget {
  url: string;
  /** What the API destination's connection adds (its API-key header). */
  headers?: Record<string, string>;
}

/** The v0 order status words ORDER_CHANGE uses (its Summary.OrderStatus enum). */
const STATUS_WORDS: Record<string, string> = {
  UNSHIPPED: "Unshipped",
  SHIPPED: "Shipped",
  PARTIALLY_SHIPPED: "PartiallyShipped",
  CANCELLED: "Canceled",
  PENDING: "Pending",
};

export function orderChangeNotification(seller: SellerState, order: AmazonOrder, reason: "OrderStatusChange" | "BuyerRequestedChange") {
  const at = new Date().toISOString();
  return {
    NotificationVersion: "1.0",
    NotificationType: "ORDER_CHANGE",
    PayloadVersion: "1.0",
    EventTime: at,
    Payload: {
      OrderChangeNotification: {
        NotificationLevel: "OrderLevel",
        SellerId: seller.spec.sellerId,
        AmazonOrderId: order.orderId,
        OrderChangeType: reason,
        OrderChangeTrigger: {
          TimeOfOrderChange: order.lastUpdatedTime,
          ChangeReason: reason === "BuyerRequestedChange" ? "Buyer Requested Cancel" : "Order Status Change",
        },
        Summary: {
          MarketplaceId: seller.marketplaceId,
          OrderStatus: STATUS_WORDS[order.fulfillment.fulfillmentStatus] ?? "Unshipped",
          PurchaseDate: order.createdTime,
          DestinationPostalCode: "98109",
          FulfillmentType: order.fulfillment.fulfilledBy === "AMAZON" ? "AFN" : "MFN",
          OrderType: "StandardOrder",
          NumberOfItemsShipped: order.orderItems.reduce((n, item) => n + (item.fulfillment?.quantityFulfilled ?? 0), 0),
          NumberOfItemsUnshipped: order.orderItems.reduce((n, item) => n + item.quantityOrdered - (item.fulfillment?.quantityFulfilled ?? 0), 0),
          OrderItems: order.orderItems.map((item) => ({
            OrderItemId: item.orderItemId,
            SellerSKU: item.product.sellerSku,
            SupplySourceId: "simulated-supply-source",
            // The item status enum knows only these two; a cancellation shows in the order's status.
            OrderItemStatus: order.fulfillment.fulfillmentStatus === "SHIPPED" ? "Shipped" : "Unshipped",
            Quantity: item.quantityOrdered,
            QuantityShipped: item.fulfillment?.quantityFulfilled ?? 0,
          })),
        },
      },
    },
    NotificationMetadata: { ApplicationId: "amzn1.sp.solution.simulated", SubscriptionId: randomUUID(), PublishTime: at, NotificationId: randomUUID() },
  };
}

/** The EventBridge event an SP-API notification arrives in on the seller's partner event bus. */
export function eventBridgeEvent(notification: ReturnType<typeof orderChangeNotification>) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": notification.NotificationType,
    source: "aws.partner/sellingpartnerapi.amazon/amzn1.sp.solution.simulated",
    account: "000000000000",
    time: notification.EventTime,
    region: "us-east-1",
    resources: [],
    detail: notification,
  };
}

/** API destinations retry a failed delivery (5xx, 429, no answer); a few tries is enough here. */
const DELIVERY_ATTEMPTS = 5;
const RETRY_DELAY_MS = 500;

/**
 * Posts notifications one after another, retrying failures, and lets a test wait for the ones
 * under way. Delivered out of the request that placed the order, as Amazon does.
 */
export class NotificationDeliveries {
  private chain: Promise<void> = Promise.resolve();
  delivered = 0;
  failed = 0;

  /** Set at start or later: the destination is set up once the seller has connected the app. */
  constructor(public target: OrderNotificationTarget | undefined) {}

  send(event: unknown): void {
    const target = this.target;
    if (!target) return;
    this.chain = this.chain.then(async () => {
      for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
        try {
          const answer = await fetch(target.url, {
            method: "POST",
            headers: { "content-type": "application/json", ...target.headers },
            body: JSON.stringify(event),
          });
          if (answer.ok) {
            this.delivered++;
            return;
          }
          if (answer.status < 500 && answer.status !== 429) break; // refused: retrying will not change it
        } catch {
          // no answer: try again
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
      this.failed++;
    });
  }

  settled(): Promise<void> {
    return this.chain;
  }
}
