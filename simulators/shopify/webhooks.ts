// Webhook deliveries for store events, signed like Shopify's (base64 HMAC-SHA256 of the raw body with
// the app's API secret). Payloads follow the examples in simulators/contracts/shopify-webhooks; ids
// are written into the JSON text with all their digits (ExactNumber), never through a JS number.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CONTRACTS_DIR } from "../common/openapi";
import { SCHEMA_VERSION } from "./schema";
import { exact, gid, stringifyExact } from "./ids";
import { quantityOf, type Store, type StoreEvent, type ShopState } from "./store";
import type { InventoryItemRec, LevelRec, LocationRec, OrderRec, ProductRec } from "./types";
import { levelGid } from "./resolvers/catalog";
import { sellable } from "./catalog";

export const WEBHOOK_TOPICS = [
  "inventory_levels/update",
  "products/create",
  "products/update",
  "products/delete",
  "orders/create",
  "locations/create",
  "locations/update",
  "locations/delete",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export const CONTRACTS_WEBHOOKS = process.env.SHOPIFY_WEBHOOK_CONTRACTS ?? path.join(CONTRACTS_DIR, "shopify-webhooks");

export interface Delivery {
  /** Position in the log (1-based). */
  seq: number;
  topic: string;
  shop: string;
  url: string;
  /** X-Shopify-Webhook-Id: the same on a retry of the same delivery. */
  webhookId: string;
  /** X-Shopify-Event-Id: the same for every delivery caused by one event. */
  eventId: string;
  triggeredAt: string;
  apiVersion: string;
  body: string;
  headers: Record<string, string>;
  badHmac: boolean;
  /** Set on a retry: the seq of the delivery it repeats. */
  retryOf: number | null;
  status: number | null;
  error: string | null;
}

export interface WebhookOptions {
  apiSecret: string;
  apiVersion?: string;
  /** One URL for every topic, or URL(s) per topic. */
  webhookUrl?: string | Partial<Record<string, string | string[]>>;
  timeoutMs?: number;
}

const webhookTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function sign(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export function inventoryLevelPayload(item: InventoryItemRec, location: LocationRec, level: LevelRec) {
  return {
    inventory_item_id: exact(item.id),
    location_id: exact(location.id),
    available: level.available,
    updated_at: webhookTime(level.updatedAt),
    admin_graphql_api_id: levelGid({ item, location }),
  };
}

/**
 * Variants a products/create or products/update payload carries in full. Shopify's topic
 * description (simulators/contracts/shopify-webhooks/metadatas/2026-04/products/update.json, the
 * same on shopify.dev/docs/api/webhooks): "Product webhooks will return a full variants payload
 * for the first 100 records. For records 101 and higher, the payload won't include the full variant
 * details, but the `variant_gids` field will still include a `admin_graphql_api_id` value for these
 * variants. `variant_gids` are sorted by `updated_at`, with the gids for recently updated variants
 * appearing first." The first 100 are taken in position order.
 */
export const WEBHOOK_FULL_VARIANTS = 100;

/**
 * products/create and products/update as 2026-04 sends them: the variants carry no
 * `inventory_management` and no cost (both live on the inventory item, read through the Admin API),
 * only the first 100 variants are there in full, and `variant_gids` lists every variant.
 */
export function productPayload(p: ProductRec) {
  const variants = p.variants.slice(0, WEBHOOK_FULL_VARIANTS).map((v) => {
    const [option1, option2] = v.title.split(" / ");
    const quantity = v.inventoryItem.levels.reduce((s, l) => s + (l ? (quantityOf(l, "available") as number) : 0), 0);
    return {
      admin_graphql_api_id: gid("ProductVariant", v.id),
      barcode: v.barcode,
      compare_at_price: v.compareAtPrice,
      created_at: webhookTime(v.createdAt),
      id: exact(v.id),
      inventory_policy: "deny",
      position: v.position,
      price: v.price,
      product_id: exact(p.id),
      sku: v.sku,
      taxable: true,
      title: v.title,
      updated_at: webhookTime(v.updatedAt),
      option1: option1 ?? null,
      option2: option2 ?? null,
      option3: null,
      image_id: null,
      inventory_item_id: exact(v.inventoryItem.id),
      inventory_quantity: quantity,
      old_inventory_quantity: quantity,
    };
  });
  return {
    admin_graphql_api_id: gid("Product", p.id),
    body_html: "",
    created_at: webhookTime(p.createdAt),
    handle: p.handle,
    id: exact(p.id),
    product_type: p.productType,
    published_at: sellable(p.status) ? webhookTime(p.createdAt) : null,
    template_suffix: null,
    title: p.title,
    updated_at: webhookTime(p.updatedAt),
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    published_scope: "web",
    tags: p.tags.join(", "),
    variants,
    options: [
      { name: "Size", id: exact(p.id + "1"), product_id: exact(p.id), position: 1, values: [...new Set(variants.map((v) => v.option1))] },
      { name: "Color", id: exact(p.id + "2"), product_id: exact(p.id), position: 2, values: [...new Set(variants.map((v) => v.option2))] },
    ],
    images: [],
    image: null,
    media: [],
    variant_gids: p.variants
      .toSorted((a, b) => b.updatedAt - a.updatedAt)
      .map((v) => ({ admin_graphql_api_id: gid("ProductVariant", v.id), updated_at: new Date(v.updatedAt).toISOString() })),
    has_variants_that_requires_components: false,
    category: null,
  };
}

export function locationPayload(l: LocationRec) {
  return {
    id: exact(l.id),
    name: l.name,
    address1: l.address1,
    address2: null,
    city: l.city,
    zip: l.zip,
    province: null,
    country: l.countryCode,
    phone: null,
    created_at: webhookTime(l.createdAt),
    updated_at: webhookTime(l.updatedAt),
    country_code: l.countryCode,
    country_name: l.countryCode === "DE" ? "Germany" : l.countryCode,
    province_code: null,
    legacy: false,
    active: l.isActive,
    admin_graphql_api_id: gid("Location", l.id),
    localized_country_name: l.countryCode === "DE" ? "Germany" : l.countryCode,
    localized_province_name: null,
  };
}

let orderTemplate: Record<string, unknown> | undefined;
/** The orders/create example from the contracts, used for every field the simulator does not model. */
function loadOrderTemplate(): Record<string, unknown> {
  orderTemplate ??= (JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/metadatas/2026-04/orders/create.json`, "utf8")) as { response: Record<string, unknown> })
    .response;
  return structuredClone(orderTemplate);
}

export function orderPayload(o: OrderRec, shop: ShopState) {
  const template = loadOrderTemplate();
  const lineTemplate = (template.line_items as Record<string, unknown>[])[0];
  const cur = shop.currencyCode;
  const set = (amount: string) => ({ shop_money: { amount, currency_code: cur }, presentment_money: { amount, currency_code: cur } });
  const total = (o.lines.reduce((s, l) => s + Math.round(Number(l.variant.price) * 100) * l.quantity, 0) / 100).toFixed(2);
  const lines = o.lines.map((l) => ({
    ...structuredClone(lineTemplate),
    id: exact(l.id),
    admin_graphql_api_id: gid("LineItem", l.id),
    attributed_staffs: [],
    current_quantity: l.quantity,
    fulfillable_quantity: l.quantity,
    name: `${l.variant.product.title} - ${l.variant.title}`,
    price: l.variant.price,
    price_set: set(l.variant.price),
    product_id: exact(l.variant.product.id),
    quantity: l.quantity,
    sku: l.variant.sku,
    title: l.variant.product.title,
    variant_id: exact(l.variant.id),
    variant_inventory_management: "shopify",
    variant_title: l.variant.title,
    vendor: l.variant.product.vendor,
  }));
  const created = webhookTime(o.createdAt);
  return {
    ...template,
    id: exact(o.id),
    admin_graphql_api_id: gid("Order", o.id),
    cancel_reason: null,
    cancelled_at: null,
    closed_at: null,
    confirmed: true,
    created_at: created,
    updated_at: created,
    processed_at: created,
    currency: cur,
    presentment_currency: cur,
    financial_status: "paid",
    fulfillment_status: null,
    location_id: o.lines[0] ? exact(o.lines[0].location.id) : null,
    name: o.name,
    number: o.number - 1000,
    order_number: o.number,
    order_status_url: `https://${shop.domain}/orders/${o.id}/authenticate`,
    test: true,
    line_items: lines,
    fulfillments: [],
    refunds: [],
    returns: [],
    line_item_groups: [],
    discount_applications: [],
    discount_codes: [],
    shipping_lines: [],
    current_subtotal_price: total,
    current_subtotal_price_set: set(total),
    current_total_price: total,
    current_total_price_set: set(total),
    subtotal_price: total,
    subtotal_price_set: set(total),
    total_line_items_price: total,
    total_line_items_price_set: set(total),
    total_price: total,
    total_price_set: set(total),
    total_outstanding: "0.00",
  };
}

export class Webhooks {
  readonly log: Delivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly subscriptions = new Map<string, Set<string>>();

  constructor(
    store: Store,
    private readonly options: WebhookOptions,
  ) {
    const { webhookUrl } = options;
    if (typeof webhookUrl === "string") for (const t of WEBHOOK_TOPICS) this.subscribe(t, webhookUrl);
    else if (webhookUrl) for (const [t, urls] of Object.entries(webhookUrl)) for (const u of [urls ?? []].flat()) this.subscribe(t, u);
    store.on("change", (e) => this.onEvent(e));
  }

  get apiVersion(): string {
    return this.options.apiVersion ?? SCHEMA_VERSION;
  }

  subscribe(topic: string, url: string): void {
    let set = this.subscriptions.get(topic);
    if (!set) this.subscriptions.set(topic, (set = new Set()));
    set.add(url);
  }

  unsubscribe(topic: string, url?: string): void {
    if (url) this.subscriptions.get(topic)?.delete(url);
    else this.subscriptions.delete(topic);
  }

  private onEvent(e: StoreEvent): void {
    switch (e.kind) {
      case "inventory_level":
        return void this.publish(e.shop, "inventory_levels/update", inventoryLevelPayload(e.item, e.location, e.level));
      case "product":
        return void this.publish(e.shop, `products/${e.action}`, e.action === "delete" ? { id: exact(e.product.id) } : productPayload(e.product));
      case "location":
        return void this.publish(e.shop, `locations/${e.action}`, e.action === "delete" ? { id: exact(e.location.id) } : locationPayload(e.location));
      case "order":
        return void this.publish(e.shop, "orders/create", orderPayload(e.order, e.shop));
    }
  }

  /** Sends `payload` to every subscriber of `topic`; returns the deliveries (already logged). */
  publish(shop: ShopState, topic: string, payload: unknown, options: { badHmac?: boolean } = {}): Delivery[] {
    const urls = this.subscriptions.get(topic);
    if (!urls?.size) return [];
    const body = stringifyExact(payload);
    const eventId = randomUUID();
    const triggeredAt = new Date().toISOString();
    return [...urls].map((url) =>
      this.send({ topic, shop: shop.domain, url, webhookId: randomUUID(), eventId, triggeredAt, body, badHmac: !!options.badHmac, retryOf: null }),
    );
  }

  /**
   * Sends a delivery again, as Shopify does on a retry: same body, same X-Shopify-Webhook-Id and
   * event id (what a receiver dedupes on). `badHmac` signs it with a wrong secret instead.
   */
  redeliver(seq: number, options: { badHmac?: boolean } = {}): Delivery {
    const original = this.log[seq - 1];
    if (!original) throw new Error(`No delivery #${seq}`);
    return this.send({ ...original, badHmac: options.badHmac ?? original.badHmac, retryOf: original.retryOf ?? original.seq });
  }

  private send(d: Omit<Delivery, "seq" | "headers" | "status" | "error" | "apiVersion">): Delivery {
    const hmac = sign(d.body, d.badHmac ? `${this.options.apiSecret}-wrong` : this.options.apiSecret);
    const delivery: Delivery = {
      ...d,
      seq: this.log.length + 1,
      apiVersion: this.apiVersion,
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": d.topic,
        "x-shopify-shop-domain": d.shop,
        "x-shopify-hmac-sha256": hmac,
        "x-shopify-webhook-id": d.webhookId,
        "x-shopify-api-version": this.apiVersion,
        "x-shopify-triggered-at": d.triggeredAt,
        "x-shopify-event-id": d.eventId,
      },
      status: null,
      error: null,
    };
    this.log.push(delivery);
    const p = fetch(d.url, { method: "POST", headers: delivery.headers, body: d.body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) })
      .then(async (res) => {
        delivery.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      })
      .catch((err: unknown) => {
        delivery.error = String(err);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    return delivery;
  }

  /** Resolves when every delivery sent so far has been answered (or has failed). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
