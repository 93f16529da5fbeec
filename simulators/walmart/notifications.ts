// Walmart's Notifications API (walmart-marketplace-notifications-openapi-original.yml): a seller
// subscribes an event type to a destination URL (createSubscription), and Walmart POSTs each event
// there with the subscription's authentication header. Only PO_CREATED (resource ORDER, V1) is
// sent here; its payload follows developer.walmart.com/us-marketplace/docs/purchase-order-po-created-event
// (source: eventType/eventTime/eventId; payload: the PO's ids, dates and lines, without charges).
import { randomUUID } from "node:crypto";
import type { SimResponse } from "../common/http";
import { walmartError } from "./errors";
import type { WalmartOrderRecord } from "./state";

/** The subscription fields of createSubscription's request and getAllSubscriptions' answer. */
export interface WalmartSubscription {
  subscriptionId: string;
  partnerId: string;
  eventType: string;
  eventVersion: string;
  resourceName: string;
  eventUrl: string;
  status: string;
  authDetails?: { authMethod?: string; userName?: string; password?: string; authHeaderName?: string; clientSecret?: string };
  headers?: Record<string, string>;
}

/** Event types the simulator sends (getEventTypes lists more; the rest are never fired here). */
const SENT_EVENTS: Record<string, { resourceName: string; eventVersion: string }> = { PO_CREATED: { resourceName: "ORDER", eventVersion: "V1" } };

/**
 * Walmart retries a delivery that is not answered 2xx; its pages give no count, so a few tries
 * with a growing pause stand in for it. A 4xx other than 429 is taken as final (a refused key
 * will not change).
 */
const DELIVERY_ATTEMPTS = 4;
const RETRY_DELAY_MS = 200;

/** One account's subscriptions and the deliveries under way. */
export class WalmartNotifications {
  readonly subscriptions = new Map<string, WalmartSubscription>();
  private chain: Promise<void> = Promise.resolve();
  delivered = 0;
  failed = 0;

  constructor(private readonly partnerId: string) {}

  create(body: unknown): SimResponse {
    const events = (body as { events: Array<Omit<WalmartSubscription, "subscriptionId" | "partnerId">> }).events;
    for (const event of events) {
      const known = SENT_EVENTS[event.eventType];
      if (!known || known.resourceName !== event.resourceName || known.eventVersion !== event.eventVersion)
        return walmartError(400, [
          {
            code: "INVALID_REQUEST_CONTENT.GMP_WEBHOOKS_API",
            field: "eventType",
            description: `${event.eventType} ${event.eventVersion} on ${event.resourceName} is not an event the simulator sends`,
          },
        ]);
      if (!/^https?:\/\//.test(event.eventUrl))
        return walmartError(400, [{ code: "INVALID_REQUEST_CONTENT.GMP_WEBHOOKS_API", field: "eventUrl", description: "eventUrl must be an http(s) URL" }]);
    }
    const created = events.map((event) => {
      const subscription: WalmartSubscription = { ...event, subscriptionId: randomUUID(), partnerId: this.partnerId };
      this.subscriptions.set(subscription.subscriptionId, subscription);
      return subscription;
    });
    // The definition's schema names the list `event`, its example `events`; getAllSubscriptions
    // answers `events`, so both definitions' examples agree on that spelling.
    return { status: 200, body: { events: created } };
  }

  list(query: URLSearchParams): SimResponse {
    const matches = [...this.subscriptions.values()].filter(
      (s) =>
        (!query.get("subscriptionId") || s.subscriptionId === query.get("subscriptionId")) &&
        (!query.get("eventType") || s.eventType === query.get("eventType")) &&
        (!query.get("resourceName") || s.resourceName === query.get("resourceName")) &&
        (!query.get("status") || s.status === query.get("status")),
    );
    return { status: 200, body: { events: matches } };
  }

  delete(subscriptionId: string): SimResponse {
    if (!this.subscriptions.delete(subscriptionId))
      return walmartError(404, [
        { code: "CONTENT_NOT_FOUND.GMP_WEBHOOKS_API", field: "subscriptionId", description: `subscription ${subscriptionId} not found` },
      ]);
    return { status: 200, body: { subscriptionId, message: "Successfully deleted subscription" } };
  }

  /** A PO was created: every ACTIVE PO_CREATED subscription is sent the event, after the request that placed it. */
  poCreated(order: WalmartOrderRecord): void {
    const event = poCreatedEvent(this.partnerId, order);
    for (const subscription of this.subscriptions.values())
      if (subscription.eventType === "PO_CREATED" && subscription.status === "ACTIVE") this.send(subscription, event);
  }

  private send(subscription: WalmartSubscription, event: unknown): void {
    this.chain = this.chain.then(async () => {
      for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
        try {
          const answer = await fetch(subscription.eventUrl, { method: "POST", headers: deliveryHeaders(subscription), body: JSON.stringify(event) });
          if (answer.ok) {
            this.delivered++;
            return;
          }
          if (answer.status < 500 && answer.status !== 429) break;
        } catch {
          // no answer: try again
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
      this.failed++;
    });
  }

  /** Resolves once every event sent so far was delivered or given up. */
  async settled(): Promise<{ delivered: number; failed: number }> {
    await this.chain;
    return { delivered: this.delivered, failed: this.failed };
  }
}

/**
 * The headers of a delivery, as createSubscription's description says: BASIC_AUTH puts "BASE64
 * encoding of userName and password" under authHeaderName, and the custom `headers` go along.
 * HMAC and OAUTH are not simulated.
 */
function deliveryHeaders(subscription: WalmartSubscription): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", ...subscription.headers };
  const auth = subscription.authDetails;
  if (auth?.authMethod === "BASIC_AUTH" && auth.authHeaderName)
    headers[auth.authHeaderName] = Buffer.from(`${auth.userName ?? ""}:${auth.password ?? ""}`).toString("base64");
  return headers;
}

export function poCreatedEvent(partnerId: string, order: WalmartOrderRecord) {
  const day = 24 * 60 * 60 * 1000;
  return {
    source: { eventType: "PO_CREATED", eventTime: new Date().toISOString(), eventId: randomUUID() },
    payload: {
      partnerId,
      purchaseOrderId: order.purchaseOrderId,
      customerOrderId: order.customerOrderId,
      orderDate: new Date(order.orderDate).toISOString(),
      estimatedShipDate: new Date(order.orderDate + day).toISOString(),
      estimatedDeliveryDate: new Date(order.orderDate + 4 * day).toISOString(),
      orderLines: order.lines.map((line) => ({
        lineNumber: line.lineNumber,
        sku: line.sku,
        quantity: { unitOfMeasure: "EACH", measurementValue: line.quantity },
      })),
    },
  };
}
