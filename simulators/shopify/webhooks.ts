// Webhook deliveries for store events, signed like Shopify's (base64 HMAC-SHA256 of the raw body with
// the app's API secret). Payloads follow the examples in simulators/contracts/shopify-webhooks; ids
// are written into the JSON text with all their digits (ExactNumber), never through a JS number.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CONTRACTS_DIR } from "../common/openapi";
import { SCHEMA_VERSION } from "./schema";
import { exact, gid, stringifyExact } from "./ids";
import { hasBundleVariants, quantityOf, type OrderEventAction, type Store, type StoreEvent, type ShopState } from "./store";
import type {
  AddressRec,
  CollectionRec,
  FulfillmentRec,
  InventoryItemRec,
  LevelRec,
  LocationRec,
  OrderLineRec,
  OrderRec,
  ProductRec,
  TaxLineRec,
} from "./types";
import { displayFulfillmentStatus, money, orderTotals, trackingUrl, unfulfilled } from "./resolvers/orders";
import { levelGid } from "./resolvers/catalog";
import { sellable } from "./catalog";

export const WEBHOOK_TOPICS = [
  "inventory_levels/update",
  "inventory_items/update",
  "products/create",
  "products/update",
  "products/delete",
  "orders/create",
  "orders/updated",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "orders/cancelled",
  "fulfillments/create",
  "locations/create",
  "locations/update",
  "locations/delete",
  "collections/create",
  "collections/update",
  "collections/delete",
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
  /** X-Shopify-Triggered-At: when the event happened, to the nanosecond (see triggeredAtHeader). */
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

/**
 * X-Shopify-Triggered-At as Shopify writes it: UTC with nine fractional digits. Captured from
 * Shopify: "x-shopify-triggered-at: 2025-03-11T20:54:30.516267807Z" and
 * "2024-08-03T18:28:37.234647458Z" (payloads' updated_at has whole seconds only).
 */
export function triggeredAtHeader(nanoseconds: bigint): string {
  const seconds = new Date(Number(nanoseconds / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(nanoseconds % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}

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

/** inventory_items/update, on the topic's 2026-04 example: what the simulator does not model (origin, weight) as the example has it. */
export function inventoryItemPayload(item: InventoryItemRec) {
  return {
    ...example("inventory_items/update"),
    id: exact(item.id),
    sku: item.sku,
    created_at: webhookTime(item.createdAt),
    updated_at: webhookTime(item.updatedAt),
    requires_shipping: item.requiresShipping,
    cost: item.cost,
    tracked: item.tracked,
    admin_graphql_api_id: gid("InventoryItem", item.id),
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
    has_variants_that_requires_components: hasBundleVariants(p),
    category: null,
  };
}

/**
 * collections/create and collections/update with exactly the 2026-04 example's keys: the
 * collection's own fields, never its products (metadatas/2026-04/collections/update.json).
 * Published to the online store ("web") from its creation.
 */
export function collectionPayload(c: CollectionRec) {
  return {
    id: exact(c.id),
    handle: c.handle,
    title: c.title,
    updated_at: webhookTime(c.updatedAt),
    body_html: "",
    published_at: webhookTime(c.createdAt),
    sort_order: c.ruleSet ? "best-selling" : "manual",
    template_suffix: null,
    published_scope: "web",
    admin_graphql_api_id: gid("Collection", c.id),
  };
}

/** collections/delete: the example's three keys (metadatas/2026-04/collections/delete.json). */
export function collectionDeletePayload(c: CollectionRec) {
  return { id: exact(c.id), published_scope: "web", admin_graphql_api_id: gid("Collection", c.id) };
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

const templates = new Map<string, Record<string, unknown>>();
/** The `response` of a topic's 2026-04 example in the contracts (a fresh copy). */
function example(topic: string): Record<string, unknown> {
  let t = templates.get(topic);
  if (!t) {
    t = (JSON.parse(readFileSync(`${CONTRACTS_WEBHOOKS}/metadatas/2026-04/${topic}.json`, "utf8")) as { response: Record<string, unknown> }).response;
    templates.set(topic, t);
  }
  return structuredClone(t);
}

const COUNTRY_NAMES: Record<string, string> = { DE: "Germany", US: "United States", GB: "United Kingdom", FR: "France", CA: "Canada", AT: "Austria" };

/** A shipping address as order and fulfillment payloads write it. */
function addressPayload(a: AddressRec | null | undefined) {
  if (!a) return null;
  return {
    first_name: a.firstName,
    address1: a.address1,
    phone: a.phone,
    city: a.city,
    zip: a.zip,
    province: a.provinceCode,
    country: a.countryCode ? (COUNTRY_NAMES[a.countryCode] ?? a.countryCode) : null,
    last_name: a.lastName,
    address2: a.address2,
    company: a.company,
    latitude: null,
    longitude: null,
    name: [a.firstName, a.lastName].filter(Boolean).join(" "),
    country_code: a.countryCode,
    province_code: a.provinceCode,
  };
}

const moneySet = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

const taxLinesPayload = (lines: TaxLineRec[], currency: string) =>
  lines.map((t) => ({
    channel_liable: t.channelLiable,
    price: t.amount ?? "0.00",
    price_set: moneySet(t.amount ?? "0.00", currency),
    rate: Number(t.rate),
    title: t.title,
  }));

const lineFulfillmentStatus = (l: OrderLineRec) => (l.fulfilledQuantity === 0 ? null : l.fulfilledQuantity === l.quantity ? "fulfilled" : "partial");

/** A line item as orders/* payloads write it, on the example's line item. */
function lineItemPayload(o: OrderRec, l: OrderLineRec, template: Record<string, unknown>) {
  const v = l.variant;
  return {
    ...structuredClone(template),
    id: exact(l.id),
    admin_graphql_api_id: gid("LineItem", l.id),
    attributed_staffs: [],
    current_quantity: o.cancelledAt === null ? l.quantity : 0,
    fulfillable_quantity: unfulfilled(o, l),
    fulfillment_service: "manual",
    fulfillment_status: lineFulfillmentStatus(l),
    gift_card: false,
    name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title,
    price: l.price,
    price_set: moneySet(l.price, o.currency),
    product_exists: v !== null,
    product_id: v ? exact(v.product.id) : null,
    properties: [],
    quantity: l.quantity,
    requires_shipping: l.requiresShipping,
    sku: l.sku,
    taxable: l.taxable,
    tax_lines: taxLinesPayload(l.taxLines, o.currency),
    title: l.title,
    total_discount: "0.00",
    total_discount_set: moneySet("0.00", o.currency),
    discount_allocations: [],
    duties: [],
    variant_id: v ? exact(v.id) : null,
    variant_inventory_management: v?.inventoryItem.tracked ? "shopify" : null,
    variant_title: l.variantTitle,
    vendor: l.vendor,
  };
}

/** fulfillments/create, and each entry of an order payload's `fulfillments`: the 2026-04 example's keys. */
export function fulfillmentPayload(f: FulfillmentRec) {
  const template = example("fulfillments/create");
  const lineTemplate = (template.line_items as Record<string, unknown>[])[0];
  const o = f.order;
  const urls = f.trackingNumbers.map((n) => trackingUrl(f.trackingCompany, n));
  return {
    ...template,
    id: exact(f.id),
    order_id: exact(o.id),
    status: "success",
    created_at: webhookTime(f.createdAt),
    service: "manual",
    updated_at: webhookTime(f.updatedAt),
    tracking_company: f.trackingCompany,
    shipment_status: null,
    location_id: exact(f.location.id),
    origin_address: null,
    email: o.email === undefined ? template.email : o.email,
    destination: o.shippingAddress === undefined ? template.destination : addressPayload(o.shippingAddress),
    line_items: f.lines.map(({ line, quantity }) => {
      const full: Record<string, unknown> = lineItemPayload(o, line, lineTemplate);
      return Object.fromEntries(Object.keys(lineTemplate).map((k) => [k, k === "quantity" ? quantity : full[k]]));
    }),
    tracking_number: f.trackingNumbers[0] ?? null,
    tracking_numbers: f.trackingNumbers,
    tracking_url: urls[0] ?? null,
    tracking_urls: urls.filter((u) => u !== null),
    receipt: {},
    name: f.name,
    admin_graphql_api_id: gid("Fulfillment", f.id),
  };
}

/**
 * orders/<topic> on that topic's 2026-04 example, which gives every field the simulator does not model.
 * An order made by Store.sell keeps the example's customer, addresses and contact; one made by
 * orderCreate carries what the mutation was given (null where nothing was).
 */
export function orderPayload(o: OrderRec, shop: ShopState, topic: OrderEventAction = "create") {
  const template = example(`orders/${topic}`);
  const lineTemplate = (template.line_items as Record<string, unknown>[])[0];
  const cur = o.currency;
  const { subtotal, tax, total } = orderTotals(o);
  const sum = money(subtotal);
  const tot = money(total);
  const taxes = money(tax);
  const fromApi = o.email !== undefined;
  const created = webhookTime(o.createdAt);
  const fulfillment = displayFulfillmentStatus(o);
  const gateways = [...new Set(o.transactions.map((t) => t.gateway).filter((g) => g !== null))];
  return {
    ...template,
    id: exact(o.id),
    admin_graphql_api_id: gid("Order", o.id),
    ...(fromApi
      ? {
          email: o.email,
          contact_email: o.email,
          phone: o.phone,
          customer: null,
          billing_address: null,
          shipping_address: addressPayload(o.shippingAddress),
          note: o.note,
          payment_gateway_names: gateways,
          source_name: o.sourceName,
        }
      : {}),
    source_identifier: o.sourceIdentifier,
    tags: o.tags.join(", "),
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    cancelled_at: o.cancelledAt === null ? null : webhookTime(o.cancelledAt),
    closed_at: o.closedAt === null ? null : webhookTime(o.closedAt),
    confirmed: true,
    created_at: created,
    updated_at: webhookTime(o.updatedAt),
    processed_at: webhookTime(o.processedAt),
    currency: cur,
    presentment_currency: cur,
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: fulfillment === "FULFILLED" ? "fulfilled" : fulfillment === "PARTIALLY_FULFILLED" ? "partial" : null,
    location_id: o.lines[0]?.location ? exact(o.lines[0].location.id) : null,
    name: o.name,
    number: o.number - 1000,
    order_number: o.number,
    order_status_url: `https://${shop.domain}/orders/${o.id}/authenticate`,
    test: o.test,
    line_items: o.lines.map((l) => lineItemPayload(o, l, lineTemplate)),
    fulfillments: o.fulfillments.map(fulfillmentPayload),
    refunds: [],
    returns: [],
    line_item_groups: [],
    discount_applications: [],
    discount_codes: [],
    shipping_lines: [],
    tax_lines: taxLinesPayload(o.taxLines, cur),
    taxes_included: o.taxesIncluded,
    current_subtotal_price: sum,
    current_subtotal_price_set: moneySet(sum, cur),
    current_total_price: tot,
    current_total_price_set: moneySet(tot, cur),
    current_total_tax: taxes,
    current_total_tax_set: moneySet(taxes, cur),
    subtotal_price: sum,
    subtotal_price_set: moneySet(sum, cur),
    total_line_items_price: sum,
    total_line_items_price_set: moneySet(sum, cur),
    total_price: tot,
    total_price_set: moneySet(tot, cur),
    total_tax: taxes,
    total_tax_set: moneySet(taxes, cur),
    total_outstanding: o.financialStatus === "PAID" ? "0.00" : tot,
  };
}

export class Webhooks {
  readonly log: Delivery[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly subscriptions = new Map<string, Set<string>>();
  /** Deliveries made while held (see hold), in the order they were made; null when not holding. */
  private held: Delivery[] | null = null;
  private lastTriggeredNs = 0n;

  constructor(
    private readonly store: Store,
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
      case "collection":
        return void this.publish(
          e.shop,
          `collections/${e.action}`,
          e.action === "delete" ? collectionDeletePayload(e.collection) : collectionPayload(e.collection),
        );
      case "order":
        return void this.publish(e.shop, `orders/${e.action}`, orderPayload(e.order, e.shop, e.action));
      case "fulfillment":
        return void this.publish(e.shop, "fulfillments/create", fulfillmentPayload(e.fulfillment));
      case "inventory_item":
        return void this.publish(e.shop, "inventory_items/update", inventoryItemPayload(e.item));
    }
  }

  /** Sends `payload` to every subscriber of `topic`; returns the deliveries (already logged). */
  publish(shop: ShopState, topic: string, payload: unknown, options: { badHmac?: boolean } = {}): Delivery[] {
    const urls = this.subscriptions.get(topic);
    if (!urls?.size) return [];
    const body = stringifyExact(payload);
    const eventId = randomUUID();
    const triggeredAt = this.nextTriggeredAt();
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

  /**
   * The moment of an event on the store's clock. Strictly increasing, 1 µs apart at least (what
   * PostgreSQL keeps of a timestamp), so two events in one millisecond keep their order, as two
   * changes Shopify makes one after the other do.
   */
  private nextTriggeredAt(): string {
    let ns = BigInt(Math.floor(this.store.now())) * 1_000_000n;
    if (ns <= this.lastTriggeredNs) ns = this.lastTriggeredNs + 1_000n;
    this.lastTriggeredNs = ns;
    return triggeredAtHeader(ns);
  }

  /**
   * Holds every delivery made from now on instead of sending it (each is logged, status null), so
   * a test can send them later in another order (release) or never (lose): Shopify does not
   * promise to deliver in order, or at all.
   */
  hold(): void {
    this.held ??= [];
  }

  /**
   * Sends held deliveries: all of them (and stops holding), or the first `count` of them in the
   * chosen order (still holding the rest). `reverse` sends the latest first.
   */
  release(options: { reverse?: boolean; count?: number } = {}): Delivery[] {
    const held = this.held ?? [];
    const ordered = options.reverse ? held.toReversed() : [...held];
    const sending = options.count === undefined ? ordered : ordered.slice(0, options.count);
    this.held = options.count === undefined ? null : held.filter((d) => !sending.includes(d));
    for (const delivery of sending) this.post(delivery);
    return sending;
  }

  /** Drops the held deliveries (and stops holding): a change whose webhook never arrives. */
  lose(): Delivery[] {
    const lost = this.held ?? [];
    this.held = null;
    for (const delivery of lost) delivery.error = "lost: never sent";
    return lost;
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
    if (this.held) this.held.push(delivery);
    else this.post(delivery);
    return delivery;
  }

  private post(delivery: Delivery): void {
    const p = fetch(delivery.url, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    })
      .then(async (res) => {
        delivery.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      })
      .catch((err: unknown) => {
        delivery.error = String(err);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every delivery sent so far has been answered (or has failed). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
