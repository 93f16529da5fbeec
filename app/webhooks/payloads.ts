import { z } from "zod";

// The payload shapes Anchorline relies on, per topic, checked before a delivery is stored. Only the
// fields the app reads are required; Shopify adds fields over versions and those pass through.
// Shapes follow the examples in simulators/contracts/shopify-webhooks/metadatas/2026-04/.

/** A Shopify numeric id: kept as an exact decimal string (ids can exceed 2^53). */
export const shopifyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

// A field the worker cannot store would fail its delivery on every try; these refuse it on
// receipt instead, naming the field.

/** An ISO 8601 instant with its offset, as Shopify writes them; PostgreSQL refuses year 0. */
export const isoInstant = z.iso.datetime({ offset: true }).refine((value) => !value.startsWith("0000"), "year 0 is not a date");

/** PostgreSQL's integer, the mirror's column for quantities and cents. */
const INT4_MAX = 2_147_483_647;
const quantity = z.number().int().min(-INT4_MAX).max(INT4_MAX);

/** An amount as the mirror reads it into cents (gid.ts centsFromDecimal: "" is none), within an integer column. */
const money = z
  .union([z.string(), z.number()])
  .refine((amount) => amount === "" || /^-?\d+(\.\d+)?$/.test(typeof amount === "number" ? amount.toFixed(2) : amount.trim()), "is not a decimal amount")
  .refine((amount) => !(Math.abs(Number(amount)) * 100 > INT4_MAX), "is beyond the largest amount stored");

/**
 * A variant of a products/* payload. From 2026-04 it carries no `inventory_management` and no cost
 * (both are the inventory item's); `inventory_management` is read only when an older version sends
 * it. Every field but the id is optional: what a payload lacks is left as the mirror holds it.
 */
const productVariant = z.looseObject({
  id: shopifyId,
  admin_graphql_api_id: z.string().optional(),
  title: z.string().optional(),
  sku: z.string().nullable().optional(),
  barcode: z.string().nullable().optional(),
  option1: z.string().nullable().optional(),
  option2: z.string().nullable().optional(),
  option3: z.string().nullable().optional(),
  price: money.optional(),
  compare_at_price: money.nullable().optional(),
  inventory_item_id: shopifyId.nullable().optional(),
  inventory_management: z.string().nullable().optional(),
});

/**
 * products/create and products/update. `variants` holds at most the first 100 variants in full;
 * `variant_gids` names every variant (shopify.dev, the products/update topic: "Product webhooks
 * will return a full variants payload for the first 100 records").
 */
const product = z.looseObject({
  id: shopifyId,
  admin_graphql_api_id: z.string().optional(),
  title: z.string(),
  status: z.string(),
  handle: z.string().optional(),
  vendor: z.string().nullable().optional(),
  product_type: z.string().nullable().optional(),
  tags: z.string().optional(),
  body_html: z.string().nullable().optional(),
  updated_at: isoInstant.optional(),
  variants: z.array(productVariant),
  variant_gids: z.array(z.looseObject({ admin_graphql_api_id: z.string() })).optional(),
  images: z.array(z.unknown()).optional(),
  /** A variant of it is a Shopify bundle; the payload names no components (read from the Admin API). */
  has_variants_that_requires_components: z.boolean().optional(),
});

const customer = z.looseObject({ id: shopifyId.nullable().optional(), email: z.string().nullable().optional(), phone: z.string().nullable().optional() });

/** fulfillments/create and fulfillments/update (example: metadatas/2026-04/fulfillments/create.json). */
function fulfillment() {
  return z.looseObject({
    id: shopifyId,
    order_id: shopifyId,
    status: z.string().nullable().optional(),
    created_at: z.string().optional(),
    tracking_company: z.string().nullable().optional(),
    tracking_number: z.string().nullable().optional(),
    tracking_numbers: z.array(z.string()).optional(),
    tracking_url: z.string().nullable().optional(),
    line_items: z.array(
      z.looseObject({
        id: shopifyId,
        sku: z.string().nullable().optional(),
        variant_id: shopifyId.nullable().optional(),
        quantity: quantity.nonnegative(),
      }),
    ),
  });
}

export const WEBHOOK_PAYLOADS = {
  APP_UNINSTALLED: z.looseObject({}),
  APP_SCOPES_UPDATE: z.looseObject({ previous: z.array(z.string()), current: z.array(z.string()) }),
  INVENTORY_LEVELS_UPDATE: z.looseObject({
    inventory_item_id: shopifyId,
    location_id: shopifyId,
    available: quantity.nullable(),
    updated_at: isoInstant,
  }),
  INVENTORY_ITEMS_UPDATE: z.looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string().optional(),
    sku: z.string().nullable().optional(),
    tracked: z.boolean().optional(),
    cost: money.nullable().optional(),
    requires_shipping: z.boolean().optional(),
  }),
  PRODUCTS_CREATE: product,
  PRODUCTS_UPDATE: product,
  PRODUCTS_DELETE: z.looseObject({ id: shopifyId }),
  // collections/*: the collection alone, never its products (metadatas/2026-04/collections/*.json);
  // its products are read from the Admin API.
  COLLECTIONS_CREATE: z.looseObject({ id: shopifyId, admin_graphql_api_id: z.string().optional() }),
  COLLECTIONS_UPDATE: z.looseObject({ id: shopifyId, admin_graphql_api_id: z.string().optional() }),
  COLLECTIONS_DELETE: z.looseObject({ id: shopifyId, admin_graphql_api_id: z.string().optional() }),
  LOCATIONS_CREATE: z.looseObject({ id: shopifyId, name: z.string() }),
  LOCATIONS_UPDATE: z.looseObject({ id: shopifyId, name: z.string() }),
  LOCATIONS_DELETE: z.looseObject({ id: shopifyId }),
  ORDERS_CREATE: z.looseObject({
    id: shopifyId,
    created_at: isoInstant,
    line_items: z.array(z.looseObject({ variant_id: shopifyId.nullable(), quantity: quantity.positive() })),
    // Anchorline's own orders (marketplace orders created in Shopify) say so here.
    source_name: z.string().nullable().optional(),
    tags: z.string().optional(),
  }),
  /** A fulfilment the merchant made in Shopify: its tracking goes to the marketplace the order came from. */
  FULFILLMENTS_CREATE: fulfillment(),
  FULFILLMENTS_UPDATE: fulfillment(),
  /** An order cancelled in Shopify: passed on to the marketplace the order came from, where it allows. */
  ORDERS_CANCELLED: z.looseObject({
    id: shopifyId,
    cancel_reason: z.string().nullable().optional(),
    line_items: z.array(z.looseObject({ id: shopifyId, sku: z.string().nullable().optional(), quantity: quantity.nonnegative() })),
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
