// ORDER_CHANGE notifications (OrderChangeNotification.json), as Amazon publishes them when an order
// is placed or changes, and the listings' change notifications LISTINGS_ITEM_MFN_QUANTITY_CHANGE
// (ListingsItemMfnQuantityChange.json) and LISTINGS_ITEM_STATUS_CHANGE
// (ListingsItemStatusChangeNotification.json), as Amazon publishes them whenever a seller-fulfilled
// listing's quantity or a listing's BUYABLE/DISCOVERABLE status changes, whoever changed it (the
// API, a feed, a sale, the seller's own hand in Seller Central, Amazon suppressing it). Delivered
// the way an EventBridge rule with an API destination delivers them: the SP-API document as the
// `detail` of an EventBridge event, POSTed to an HTTPS endpoint with the header the destination's
// connection adds. Amazon itself only reaches SQS or EventBridge; the API destination is the
// seller's AWS set-up, and this is its stand-in.
import { randomUUID } from "node:crypto";
import { buyableQuantity, listingStatus, type AmazonOrder, type ListingRecord, type SellerState } from "./state";

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
    NotificationMetadata: metadata(at),
  };
}

const metadata = (at: string) => ({
  ApplicationId: "amzn1.sp.solution.simulated",
  SubscriptionId: randomUUID(),
  PublishTime: at,
  NotificationId: randomUUID(),
});

/** LISTINGS_ITEM_MFN_QUANTITY_CHANGE: the seller's own (DEFAULT channel) quantity of a listing, now. */
export function mfnQuantityChangeNotification(seller: SellerState, sku: string, quantity: number) {
  const at = new Date().toISOString();
  return {
    NotificationVersion: "1.0",
    NotificationType: "LISTINGS_ITEM_MFN_QUANTITY_CHANGE",
    PayloadVersion: "1.0",
    EventTime: at,
    Payload: { SellerId: seller.spec.sellerId, FulfillmentChannelCode: "DEFAULT", Sku: sku, Quantity: quantity },
    NotificationMetadata: metadata(at),
  };
}

/**
 * LISTINGS_ITEM_STATUS_CHANGE: the listing's status set now (BUYABLE, DISCOVERABLE; DELETED once
 * gone). It carries no reason: a reader asks getListingsItem's issues why. The schema's enum spells
 * the type LISTINGS_ITEM_STATUS_CHANGED, its own example and Amazon's notification type list
 * LISTINGS_ITEM_STATUS_CHANGE; Amazon sends the latter.
 */
export function statusChangeNotification(seller: SellerState, record: Pick<ListingRecord, "sku" | "asin" | "createdAt">, status: string[]) {
  const at = new Date().toISOString();
  return {
    NotificationVersion: "1.0",
    NotificationType: "LISTINGS_ITEM_STATUS_CHANGE",
    PayloadVersion: "1.0",
    EventTime: at,
    Payload: {
      SellerId: seller.spec.sellerId,
      MarketplaceId: seller.marketplaceId,
      ...(record.asin ? { Asin: record.asin } : {}),
      Sku: record.sku,
      CreatedDate: record.createdAt,
      Status: status,
    },
    NotificationMetadata: metadata(at),
  };
}

/** What a listing showed at the last look: its seller-fulfilled quantity (null for FBA) and status set. */
interface Shown {
  quantity: number | null;
  status: string;
  record: ListingRecord;
}

/**
 * Watches every seller's listings for what Amazon notifies: a seller-fulfilled listing's quantity
 * and any listing's status set, compared with the last look. The server looks after every call
 * and every change its controls make; a destination just set up starts from what listings show
 * then (Amazon notifies changes, not the state).
 */
export class ListingChangeNotices {
  private seen = new Map<string, Map<string, Shown>>();

  constructor(
    private readonly sellers: () => Iterable<SellerState>,
    private readonly deliveries: NotificationDeliveries,
  ) {
    this.baseline();
  }

  private snapshot(seller: SellerState) {
    const now = new Map<string, Shown>();
    for (const record of seller.listings.values()) {
      now.set(record.sku, {
        quantity: record.fulfilledByAmazon ? null : buyableQuantity(record),
        status: listingStatus(record, seller.marketplaceId).join(","),
        record,
      });
    }
    return now;
  }

  /** What every listing shows now, told to nobody. */
  baseline(): void {
    this.seen = new Map([...this.sellers()].map((seller) => [seller.spec.sellerId, this.snapshot(seller)]));
  }

  /** Sends one notification per change since the last look. Nothing is looked at while no destination is set up. */
  announce(): void {
    if (!this.deliveries.target) return;
    for (const seller of this.sellers()) {
      const before = this.seen.get(seller.spec.sellerId) ?? new Map();
      const now = this.snapshot(seller);
      for (const [sku, shown] of now) {
        const was = before.get(sku);
        if (shown.quantity !== null && shown.quantity !== (was?.quantity ?? null)) {
          this.deliveries.send(eventBridgeEvent(mfnQuantityChangeNotification(seller, sku, shown.quantity)));
        }
        if (!was || shown.status !== was.status) {
          this.deliveries.send(eventBridgeEvent(statusChangeNotification(seller, shown.record, shown.status ? shown.status.split(",") : [])));
        }
      }
      for (const [sku, was] of before) {
        if (!now.has(sku)) this.deliveries.send(eventBridgeEvent(statusChangeNotification(seller, was.record, ["DELETED"])));
      }
      this.seen.set(seller.spec.sellerId, now);
    }
  }
}

interface SpApiNotification {
  NotificationType: string;
  EventTime: string;
}

/** The EventBridge event an SP-API notification arrives in on the seller's partner event bus. */
export function eventBridgeEvent(notification: SpApiNotification) {
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
