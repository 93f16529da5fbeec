import { z } from "zod";

// The payload shapes Anchorline relies on, per topic, checked before a delivery is stored. Only the
// fields the app reads are required; Shopify adds fields over versions and those pass through.
// Shapes follow the examples in shared/contracts/shopify-webhooks/metadatas/2026-04/.

/** A Shopify numeric id: kept as an exact decimal string (ids can exceed 2^53). */
export const shopifyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const customer = z.looseObject({ id: shopifyId.nullable().optional(), email: z.string().nullable().optional(), phone: z.string().nullable().optional() });

export const WEBHOOK_PAYLOADS = {
  APP_UNINSTALLED: z.looseObject({}),
  APP_SCOPES_UPDATE: z.looseObject({ previous: z.array(z.string()), current: z.array(z.string()) }),
  INVENTORY_LEVELS_UPDATE: z.looseObject({
    inventory_item_id: shopifyId,
    location_id: shopifyId,
    available: z.number().int().nullable(),
    updated_at: z.string(),
  }),
  INVENTORY_ITEMS_UPDATE: z.looseObject({ id: shopifyId, sku: z.string().nullable().optional(), tracked: z.boolean().optional() }),
  PRODUCTS_CREATE: z.looseObject({ id: shopifyId, title: z.string(), variants: z.array(z.looseObject({ id: shopifyId })) }),
  PRODUCTS_UPDATE: z.looseObject({ id: shopifyId, title: z.string(), variants: z.array(z.looseObject({ id: shopifyId })) }),
  PRODUCTS_DELETE: z.looseObject({ id: shopifyId }),
  LOCATIONS_CREATE: z.looseObject({ id: shopifyId, name: z.string() }),
  LOCATIONS_UPDATE: z.looseObject({ id: shopifyId, name: z.string() }),
  LOCATIONS_DELETE: z.looseObject({ id: shopifyId }),
  ORDERS_CREATE: z.looseObject({
    id: shopifyId,
    created_at: z.string(),
    line_items: z.array(z.looseObject({ variant_id: shopifyId.nullable(), quantity: z.number().int().positive() })),
  }),
  CUSTOMERS_DATA_REQUEST: z.looseObject({
    shop_domain: z.string(),
    customer,
    orders_requested: z.array(shopifyId),
  }),
  CUSTOMERS_REDACT: z.looseObject({
    shop_domain: z.string(),
    customer,
    orders_to_redact: z.array(shopifyId),
  }),
  SHOP_REDACT: z.looseObject({ shop_domain: z.string() }),
} as const;

export type WebhookTopic = keyof typeof WEBHOOK_PAYLOADS;
export type WebhookPayload<T extends WebhookTopic> = z.infer<(typeof WEBHOOK_PAYLOADS)[T]>;

export function isWebhookTopic(topic: string): topic is WebhookTopic {
  return Object.hasOwn(WEBHOOK_PAYLOADS, topic);
}
