import { createHmac, randomUUID } from "node:crypto";

// Webhook deliveries as Shopify sends them: JSON body, X-Shopify-* headers, and an HMAC-SHA256 of
// the raw body with the app's client secret, base64 (shopify.dev/docs/apps/build/webhooks).

export interface Delivery {
  topic: string;
  shop: string;
  webhookId: string;
  body: string;
  status: number | null;
  error?: string;
}

export interface WebhookSender {
  readonly deliveries: Delivery[];
  send(topic: string, shop: string, body: string, options?: { webhookId?: string; secret?: string }): Promise<Delivery>;
  /** Resolves once every delivery started so far has been answered. */
  settled(): Promise<void>;
}

export function createWebhookSender(targetUrl: () => string | undefined, apiSecret: string, apiVersion: string): WebhookSender {
  const deliveries: Delivery[] = [];
  const inFlight = new Set<Promise<unknown>>();
  return {
    deliveries,
    async send(topic, shop, body, options = {}) {
      const delivery: Delivery = { topic, shop, webhookId: options.webhookId ?? randomUUID(), body, status: null };
      deliveries.push(delivery);
      const url = targetUrl();
      if (!url) return delivery;
      const hmac = createHmac("sha256", options.secret ?? apiSecret).update(body, "utf8").digest("base64");
      const request = fetch(url, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": topic,
          "x-shopify-shop-domain": shop,
          "x-shopify-hmac-sha256": hmac,
          "x-shopify-webhook-id": delivery.webhookId,
          "x-shopify-event-id": randomUUID(),
          "x-shopify-api-version": apiVersion,
          "x-shopify-triggered-at": new Date().toISOString(),
        },
      })
        .then((response) => {
          delivery.status = response.status;
        })
        .catch((error: unknown) => {
          delivery.error = String(error);
        });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      await request;
      return delivery;
    },
    async settled() {
      await Promise.all([...inFlight]);
    },
  };
}

/** inventory_levels/update, with ids written as bare numbers exactly as Shopify writes them. */
export function inventoryLevelPayload(itemId: string, locationId: string, available: number, updatedAt: string): string {
  return `{"inventory_item_id":${itemId},"location_id":${locationId},"available":${available},"updated_at":"${updatedAt}","admin_graphql_api_id":"gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}"}`;
}
