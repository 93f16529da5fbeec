// The simulated shops' state, and the state API tests use to change it behind the app's back.
// Every change emits an event; webhooks.ts turns events into deliveries.
import { EventEmitter } from "node:events";
import { generateCatalog, type CatalogSpec, DEFAULT_ID_BASE } from "./catalog";
import { compareIds, idOf, type ResourceType } from "./ids";
import type {
  AdjustmentGroupRec,
  BulkOperationRec,
  CollectionRec,
  CollectionRuleRec,
  ExtraQuantityName,
  FulfillmentRec,
  InventoryItemRec,
  LevelRec,
  LocationRec,
  OrderCancelReason,
  OrderLineRec,
  OrderRec,
  ProductRec,
  VariantRec,
} from "./types";

export interface ShopSpec {
  domain: string;
  /** The offline access token the app holds at start; it expires like any other (oauth.ts). */
  accessToken: string;
  /** Its refresh token. Default: `shprt_` + accessToken. */
  refreshToken?: string;
  name?: string;
  currencyCode?: string;
  catalog?: CatalogSpec;
  /** Access scopes granted to the app on this shop (comma-separated). Default: the simulator's `scopes`. */
  scopes?: string;
}

/** What the app is granted when neither the shop nor the simulator says otherwise. */
export const DEFAULT_SCOPES = "read_products,read_inventory,write_inventory,read_locations";

export interface ShopState {
  domain: string;
  accessToken: string;
  name: string;
  currencyCode: string;
  id: string;
  /** Access scopes granted to the app; `write_x` implies `read_x`, as in Shopify. */
  scopes: Set<string>;
  locations: LocationRec[];
  products: ProductRec[];
  variants: VariantRec[];
  items: InventoryItemRec[];
  /** Custom and smart collections, by id ascending (created in that order). */
  collections: CollectionRec[];
  orders: OrderRec[];
  byId: Map<string, LocationRec | ProductRec | VariantRec | InventoryItemRec | CollectionRec>;
  adjustmentGroups: Map<string, AdjustmentGroupRec>;
  bulkOperations: BulkOperationRec[];
  /**
   * @idempotent keys: fingerprint of the mutation, the payload it returned, whether it failed (a
   * repeat then answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED) and until when (epoch ms) it is still
   * "running" (a repeat then answers IDEMPOTENCY_CONCURRENT_REQUEST). Keys never expire here.
   */
  idempotency: Map<string, { fingerprint: string; result: unknown; failed: boolean; inProgressUntil: number }>;
  /** Faults queued by injectInventoryFault, taken one by each inventory mutation with a new key. */
  inventoryFaults: InventoryFault[];
  nextId: () => string;
}

/**
 * Shopify's bad moments for an inventory mutation: SERVICE_UNAVAILABLE (nothing applied; the key is
 * spent), or RESPONSE_LOST (applied, the connection drops before the answer, and the key answers
 * IDEMPOTENCY_CONCURRENT_REQUEST for `inProgressMs` as if the request were still being processed).
 */
export type InventoryFault = { kind: "SERVICE_UNAVAILABLE" } | { kind: "RESPONSE_LOST"; inProgressMs: number };

export type StoreEvent =
  | { kind: "inventory_level"; shop: ShopState; item: InventoryItemRec; location: LocationRec; level: LevelRec }
  | { kind: "product"; shop: ShopState; action: "create" | "update" | "delete"; product: ProductRec }
  | { kind: "location"; shop: ShopState; action: "create" | "update" | "delete"; location: LocationRec }
  | { kind: "collection"; shop: ShopState; action: "create" | "update" | "delete"; collection: CollectionRec }
  | { kind: "order"; shop: ShopState; order: OrderRec; action: OrderEventAction }
  | { kind: "fulfillment"; shop: ShopState; fulfillment: FulfillmentRec }
  | { kind: "inventory_item"; shop: ShopState; item: InventoryItemRec };

/** The orders/<action> webhook topics the store's order changes send. */
export type OrderEventAction = "create" | "updated" | "fulfilled" | "partially_fulfilled" | "cancelled";

/** Options of the merchant's fulfilment in the admin (Store.fulfillOrder). */
export interface FulfillOrderOptions {
  trackingCompany?: string | null;
  trackingNumber?: string | null;
  /** Several parcels; wins over trackingNumber. */
  trackingNumbers?: string[];
  /** Lines and quantities to fulfil (line item GID or decimal id); default: every unfulfilled unit. */
  lineItems?: { id: string | bigint; quantity?: number }[];
}

/** Options of the merchant's cancellation in the admin (Store.cancelOrder). */
export interface CancelOrderOptions {
  reason?: OrderCancelReason;
  /** Return claimed units to available (default true, the admin's "Restock inventory"); false drops them from on hand. */
  restock?: boolean;
}

export const QUANTITY_NAMES = ["available", "committed", "on_hand", "reserved", "damaged", "safety_stock", "quality_control", "incoming"] as const;
export type QuantityName = (typeof QUANTITY_NAMES)[number];

/** on_hand = available + committed + reserved + damaged + safety_stock + quality_control (incoming is not on hand). */
export function quantityOf(level: LevelRec, name: string): number | null {
  switch (name) {
    case "available":
      return level.available;
    case "committed":
      return level.committed;
    case "on_hand": {
      const e = level.extra;
      return level.available + level.committed + (e ? (e.reserved ?? 0) + (e.damaged ?? 0) + (e.safety_stock ?? 0) + (e.quality_control ?? 0) : 0);
    }
    case "reserved":
    case "damaged":
    case "safety_stock":
    case "quality_control":
    case "incoming":
      return level.extra?.[name] ?? 0;
    default:
      return null;
  }
}

/** Applies a delta to a stored quantity (on_hand deltas land on available, as in Shopify). */
export function applyDelta(level: LevelRec, name: string, delta: number, now: number): void {
  if (name === "available" || name === "on_hand") level.available += delta;
  else if (name === "committed") level.committed += delta;
  else {
    const extra = (level.extra ??= {});
    extra[name as ExtraQuantityName] = (extra[name as ExtraQuantityName] ?? 0) + delta;
  }
  level.updatedAt = now;
}

function counter(base: string): () => string {
  let next = BigInt(base);
  return () => (next++).toString();
}

/** Accepts a GID of the given type or a bare decimal id. */
export function bareId(value: string | bigint, type: ResourceType): string {
  if (typeof value === "bigint") return value.toString();
  if (/^\d+$/.test(value)) return value;
  const id = idOf(value, type);
  if (!id) throw new Error(`Not a ${type} id: ${value}`);
  return id;
}

/**
 * Financial statuses whose transactions are complete: an order in one of them closes once every line
 * is fulfilled or the order is cancelled (Order.closed's description).
 */
const PAYMENTS_COMPLETE = new Set(["PAID", "REFUNDED", "PARTIALLY_REFUNDED", "VOIDED", "EXPIRED"]);

/** A comma-separated scope list as a set, with the read scope each write scope implies. */
export function parseScopes(scopes: string): Set<string> {
  const out = new Set<string>();
  for (const raw of scopes.split(",")) {
    const scope = raw.trim();
    if (!scope) continue;
    out.add(scope);
    if (scope.startsWith("write_")) out.add(`read_${scope.slice("write_".length)}`);
  }
  return out;
}

export class Store extends EventEmitter<{ change: [StoreEvent] }> {
  readonly shops = new Map<string, ShopState>();
  now: () => number = Date.now;
  /**
   * How long a new order takes to appear in order search (orders(query:)). Shopify's search index
   * is eventually consistent: a created order is readable by id at once but found by a search only
   * seconds later, so a client that searches right after a lost answer must not conclude "absent".
   * order(id:) and orders without a query read the order at once.
   */
  orderSearchLagMs = 3_000;

  addShop(spec: ShopSpec): ShopState {
    const nextId = counter(spec.catalog?.idBase ?? DEFAULT_ID_BASE);
    const shopId = nextId();
    const catalog = generateCatalog(spec.catalog ?? { products: 0, variantsPerProduct: 1, locations: 1, seed: 1 }, nextId);
    const byId = new Map<string, LocationRec | ProductRec | VariantRec | InventoryItemRec | CollectionRec>();
    for (const list of [catalog.locations, catalog.products, catalog.variants, catalog.items]) for (const r of list) byId.set(r.id, r);
    const state: ShopState = {
      domain: spec.domain,
      accessToken: spec.accessToken,
      name: spec.name ?? spec.domain.replace(/\.myshopify\.com$/, ""),
      currencyCode: spec.currencyCode ?? "EUR",
      id: shopId,
      scopes: parseScopes(spec.scopes ?? DEFAULT_SCOPES),
      ...catalog,
      collections: [],
      orders: [],
      byId,
      adjustmentGroups: new Map(),
      bulkOperations: [],
      idempotency: new Map(),
      inventoryFaults: [],
      nextId,
    };
    this.shops.set(spec.domain, state);
    return state;
  }

  shop(domain: string): ShopState {
    const s = this.shops.get(domain);
    if (!s) throw new Error(`Unknown shop ${domain}`);
    return s;
  }

  item(shop: string | ShopState, inventoryItemId: string | bigint): InventoryItemRec {
    const s = typeof shop === "string" ? this.shop(shop) : shop;
    const r = s.byId.get(bareId(inventoryItemId, "InventoryItem"));
    if (r?.__typename !== "InventoryItem") throw new Error(`Unknown inventory item ${inventoryItemId}`);
    return r;
  }

  variant(shop: string | ShopState, variantId: string | bigint): VariantRec {
    const s = typeof shop === "string" ? this.shop(shop) : shop;
    const r = s.byId.get(bareId(variantId, "ProductVariant"));
    if (r?.__typename !== "ProductVariant") throw new Error(`Unknown variant ${variantId}`);
    return r;
  }

  location(shop: string | ShopState, locationId: string | bigint): LocationRec {
    const s = typeof shop === "string" ? this.shop(shop) : shop;
    const r = s.byId.get(bareId(locationId, "Location"));
    if (r?.__typename !== "Location") throw new Error(`Unknown location ${locationId}`);
    return r;
  }

  product(shop: string | ShopState, productId: string | bigint): ProductRec {
    const s = typeof shop === "string" ? this.shop(shop) : shop;
    const r = s.byId.get(bareId(productId, "Product"));
    if (r?.__typename !== "Product") throw new Error(`Unknown product ${productId}`);
    return r;
  }

  collection(shop: string | ShopState, collectionId: string | bigint): CollectionRec {
    const s = typeof shop === "string" ? this.shop(shop) : shop;
    const r = s.byId.get(bareId(collectionId, "Collection"));
    if (r?.__typename !== "Collection") throw new Error(`Unknown collection ${collectionId}`);
    return r;
  }

  /**
   * The merchant creates a collection in the admin: custom with `productIds`, or smart with
   * `rules` (its products are whatever matches them). collections/create follows; its payload
   * names no products (metadatas/2026-04/collections/create.json).
   */
  createCollection(
    shop: string,
    input: { title: string; handle?: string; productIds?: (string | bigint)[]; rules?: CollectionRuleRec[]; appliedDisjunctively?: boolean },
  ): CollectionRec {
    const s = this.shop(shop);
    if (input.rules && input.productIds?.length) throw new Error("A smart collection's products are its rules' matches; none can be added by hand");
    const now = this.now();
    const collection: CollectionRec = {
      __typename: "Collection",
      id: s.nextId(),
      handle: uniqueHandle(s, input.handle ?? input.title),
      title: input.title,
      createdAt: now,
      updatedAt: now,
      products: (input.productIds ?? []).map((id) => this.product(s, id)),
      ruleSet: input.rules ? { appliedDisjunctively: input.appliedDisjunctively ?? false, rules: input.rules } : null,
    };
    s.collections.push(collection);
    s.byId.set(collection.id, collection);
    this.emit("change", { kind: "collection", shop: s, action: "create", collection });
    return collection;
  }

  /**
   * Products added to or removed from a custom collection by hand: one collections/update, however
   * many products ("Occurs once if multiple products are manually added or removed ... at the same
   * time", metadatas/2026-04/collections/update.json). A smart collection refuses, as the admin does.
   */
  changeCollectionProducts(shop: string, collectionId: string | bigint, change: { add?: (string | bigint)[]; remove?: (string | bigint)[] }): CollectionRec {
    const s = this.shop(shop);
    const collection = this.collection(s, collectionId);
    if (collection.ruleSet) throw new Error(`Collection ${collection.handle} is smart: its products follow its rules`);
    const removed = new Set((change.remove ?? []).map((id) => this.product(s, id)));
    collection.products = collection.products.filter((p) => !removed.has(p));
    for (const product of (change.add ?? []).map((id) => this.product(s, id))) if (!collection.products.includes(product)) collection.products.push(product);
    collection.updatedAt = this.now();
    this.emit("change", { kind: "collection", shop: s, action: "update", collection });
    return collection;
  }

  /** The title or a smart collection's rules changed in the admin: collections/update. */
  updateCollection(
    shop: string,
    collectionId: string | bigint,
    patch: { title?: string; rules?: CollectionRuleRec[]; appliedDisjunctively?: boolean },
  ): CollectionRec {
    const s = this.shop(shop);
    const collection = this.collection(s, collectionId);
    if (patch.title !== undefined) collection.title = patch.title;
    if (patch.rules !== undefined) {
      if (!collection.ruleSet) throw new Error(`Collection ${collection.handle} is custom: it has no rules`);
      collection.ruleSet = { appliedDisjunctively: patch.appliedDisjunctively ?? collection.ruleSet.appliedDisjunctively, rules: patch.rules };
    }
    collection.updatedAt = this.now();
    this.emit("change", { kind: "collection", shop: s, action: "update", collection });
    return collection;
  }

  deleteCollection(shop: string, collectionId: string | bigint): void {
    const s = this.shop(shop);
    const collection = this.collection(s, collectionId);
    s.collections = s.collections.filter((c) => c !== collection);
    s.byId.delete(collection.id);
    this.emit("change", { kind: "collection", shop: s, action: "delete", collection });
  }

  /** The next inventory mutations of the shop answer with these faults, one each, in order. */
  injectInventoryFault(shop: string, ...faults: InventoryFault[]): void {
    this.shop(shop).inventoryFaults.push(...faults);
  }

  /** Quantities of an item at a location, or null when it is not stocked there. */
  getLevel(shop: string, inventoryItemId: string | bigint, locationId: string | bigint): Record<QuantityName, number> | null {
    const level = this.item(shop, inventoryItemId).levels[this.location(shop, locationId).slot];
    if (!level) return null;
    return Object.fromEntries(QUANTITY_NAMES.map((n) => [n, quantityOf(level, n) as number])) as Record<QuantityName, number>;
  }

  /** Emits the inventory_levels/update event for a changed level (mutations call this too). */
  levelChanged(s: ShopState, item: InventoryItemRec, location: LocationRec): void {
    const level = item.levels[location.slot];
    if (level) this.emit("change", { kind: "inventory_level", shop: s, item, location, level });
  }

  /** Sets `available` (stocking the item at the location if needed), as a merchant would in the admin. */
  setAvailable(shop: string, inventoryItemId: string | bigint, locationId: string | bigint, quantity: number): void {
    const s = this.shop(shop);
    const item = this.item(s, inventoryItemId);
    const location = this.location(s, locationId);
    const now = this.now();
    const level = (item.levels[location.slot] ??= { available: 0, committed: 0, updatedAt: now });
    delete level.inactive; // stocking it here, as the admin's "stock at location" does
    applyDelta(level, "available", quantity - level.available, now);
    this.levelChanged(s, item, location);
  }

  adjustAvailable(shop: string, inventoryItemId: string | bigint, locationId: string | bigint, delta: number): void {
    const s = this.shop(shop);
    const item = this.item(s, inventoryItemId);
    const location = this.location(s, locationId);
    const level = item.levels[location.slot];
    if (!level) throw new Error(`Item ${item.id} is not stocked at location ${location.id}`);
    applyDelta(level, "available", delta, this.now());
    this.levelChanged(s, item, location);
  }

  /**
   * A customer order: each line moves `quantity` from available to committed at its location (default:
   * the first location stocking the variant), then orders/create and inventory_levels/update are sent.
   */
  sell(shop: string, lines: { variantId: string | bigint; quantity: number; locationId?: string | bigint }[]): OrderRec {
    const s = this.shop(shop);
    const now = this.now();
    const order = this.newOrder(s, now, { currency: s.currencyCode, test: true, financialStatus: "PAID" });
    for (const line of lines) {
      const variant = this.variant(s, line.variantId);
      const item = variant.inventoryItem;
      const location =
        line.locationId !== undefined
          ? this.location(s, line.locationId)
          : s.locations.find((l) => l.isActive && item.levels[l.slot] && !item.levels[l.slot]!.inactive);
      if (!location) throw new Error(`Variant ${variant.id} is not stocked anywhere`);
      order.lines.push(this.orderLine(s, variant, line.quantity, variant.price, location));
    }
    return this.placeOrder(s, order);
  }

  /** A new, empty, unsaved order numbered after the shop's last one. */
  newOrder(s: ShopState, now: number, fields: Partial<OrderRec> & Pick<OrderRec, "currency" | "test" | "financialStatus">): OrderRec {
    const number = s.orders.length + 1001;
    return {
      __typename: "Order",
      id: s.nextId(),
      name: `#${number}`,
      number,
      createdAt: now,
      updatedAt: now,
      processedAt: now,
      lines: [],
      tags: [],
      sourceName: null,
      sourceIdentifier: null,
      note: null,
      taxLines: [],
      taxesIncluded: false,
      transactions: [],
      fulfillments: [],
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      ...fields,
    };
  }

  /** A line of a variant; `location` is where its inventory is claimed (null: none is). */
  orderLine(s: ShopState, variant: VariantRec, quantity: number, price: string, location: LocationRec | null): OrderLineRec {
    return {
      id: s.nextId(),
      variant,
      title: variant.product.title,
      variantTitle: variant.title,
      sku: variant.sku,
      vendor: variant.product.vendor,
      price,
      quantity,
      location,
      fulfilledQuantity: 0,
      requiresShipping: variant.inventoryItem.requiresShipping,
      taxable: true,
      taxLines: [],
    };
  }

  /**
   * Saves an order: each line with a location claims its quantity there (available -> committed),
   * then orders/create and inventory_levels/update are sent.
   */
  placeOrder(s: ShopState, order: OrderRec): OrderRec {
    const now = order.createdAt;
    const touched: [InventoryItemRec, LocationRec][] = [];
    for (const line of order.lines) {
      if (!line.location || !line.variant) continue;
      const item = line.variant.inventoryItem;
      const level = (item.levels[line.location.slot] ??= { available: 0, committed: 0, updatedAt: now });
      applyDelta(level, "available", -line.quantity, now);
      applyDelta(level, "committed", line.quantity, now);
      touched.push([item, line.location]);
    }
    s.orders.push(order);
    this.emit("change", { kind: "order", shop: s, order, action: "create" });
    for (const [item, location] of touched) this.levelChanged(s, item, location);
    return order;
  }

  order(shop: string | ShopState, orderId: string | bigint): OrderRec {
    const s = typeof shop === "string" ? this.shop(shop) : shop;
    const id = bareId(orderId, "Order");
    const order = s.orders.find((o) => o.id === id);
    if (!order) throw new Error(`Unknown order ${orderId}`);
    return order;
  }

  /**
   * The merchant fulfils an order in the admin ("Mark as fulfilled" with tracking): one fulfillment per
   * location the chosen lines are assigned to (unclaimed lines: the primary location), each taking its
   * units out of committed (on_hand falls). Sends fulfillments/create per fulfillment, then
   * orders/fulfilled (or orders/partially_fulfilled), orders/updated and inventory_levels/update.
   */
  fulfillOrder(shop: string, orderId: string | bigint, options: FulfillOrderOptions = {}): FulfillmentRec[] {
    const s = this.shop(shop);
    const order = this.order(s, orderId);
    if (order.cancelledAt !== null) throw new Error(`Order ${order.name} is cancelled`);
    const remaining = (l: OrderLineRec) => l.quantity - l.fulfilledQuantity;
    const picks: { line: OrderLineRec; quantity: number }[] = options.lineItems
      ? options.lineItems.map((pick) => {
          const id = bareId(pick.id, "LineItem");
          const line = order.lines.find((l) => l.id === id);
          if (!line) throw new Error(`Order ${order.name} has no line item ${pick.id}`);
          const quantity = pick.quantity ?? remaining(line);
          if (!Number.isInteger(quantity) || quantity <= 0 || quantity > remaining(line))
            throw new Error(`Line item ${line.id} has ${remaining(line)} unit(s) left to fulfil, not ${quantity}`);
          return { line, quantity };
        })
      : order.lines.filter((l) => remaining(l) > 0).map((line) => ({ line, quantity: remaining(line) }));
    if (picks.length === 0) throw new Error(`Order ${order.name} has nothing left to fulfil`);
    const primary = s.locations.find((l) => l.isActive);
    const now = this.now();
    const numbers = options.trackingNumbers ?? (options.trackingNumber ? [options.trackingNumber] : []);
    const byLocation = new Map<LocationRec, FulfillmentRec>();
    const touched: [InventoryItemRec, LocationRec][] = [];
    for (const { line, quantity } of picks) {
      const location = line.location ?? primary;
      if (!location) throw new Error(`Shop ${s.domain} has no active location to fulfil from`);
      let fulfillment = byLocation.get(location);
      if (!fulfillment) {
        fulfillment = {
          __typename: "Fulfillment",
          id: s.nextId(),
          name: `${order.name}.${order.fulfillments.length + byLocation.size + 1}`,
          order,
          location,
          createdAt: now,
          updatedAt: now,
          trackingCompany: options.trackingCompany ?? null,
          trackingNumbers: [...numbers],
          lines: [],
        };
        byLocation.set(location, fulfillment);
      }
      fulfillment.lines.push({ id: s.nextId(), line, quantity });
      line.fulfilledQuantity += quantity;
      if (line.location && line.variant) {
        const level = line.variant.inventoryItem.levels[line.location.slot];
        if (level) {
          applyDelta(level, "committed", -quantity, now);
          touched.push([line.variant.inventoryItem, line.location]);
        }
      }
    }
    const fulfillments = [...byLocation.values()];
    order.fulfillments.push(...fulfillments);
    order.updatedAt = now;
    for (const fulfillment of fulfillments) this.emit("change", { kind: "fulfillment", shop: s, fulfillment });
    const whole = order.lines.every((l) => l.fulfilledQuantity === l.quantity);
    if (whole && PAYMENTS_COMPLETE.has(order.financialStatus)) order.closedAt = now;
    this.emit("change", { kind: "order", shop: s, order, action: whole ? "fulfilled" : "partially_fulfilled" });
    this.emit("change", { kind: "order", shop: s, order, action: "updated" });
    for (const [item, location] of touched) this.levelChanged(s, item, location);
    return fulfillments;
  }

  /**
   * The merchant cancels an unfulfilled order in the admin: claimed units leave committed and go back
   * to available (restock, the default) or off hand. Sends orders/cancelled, orders/updated and
   * inventory_levels/update. An order with fulfillments, or already cancelled, is refused (the admin
   * asks for the fulfillments to be cancelled first).
   */
  cancelOrder(shop: string, orderId: string | bigint, options: CancelOrderOptions = {}): OrderRec {
    const s = this.shop(shop);
    const order = this.order(s, orderId);
    if (order.cancelledAt !== null) throw new Error(`Order ${order.name} is already cancelled`);
    if (order.fulfillments.length) throw new Error(`Order ${order.name} has fulfillments; cancel them first`);
    const now = this.now();
    const touched: [InventoryItemRec, LocationRec][] = [];
    for (const line of order.lines) {
      if (!line.location || !line.variant) continue;
      const level = line.variant.inventoryItem.levels[line.location.slot];
      if (!level) continue;
      applyDelta(level, "committed", -line.quantity, now);
      if (options.restock ?? true) applyDelta(level, "available", line.quantity, now);
      touched.push([line.variant.inventoryItem, line.location]);
    }
    order.cancelledAt = now;
    order.cancelReason = options.reason ?? "OTHER";
    if (PAYMENTS_COMPLETE.has(order.financialStatus)) order.closedAt = now;
    order.updatedAt = now;
    this.emit("change", { kind: "order", shop: s, order, action: "cancelled" });
    this.emit("change", { kind: "order", shop: s, order, action: "updated" });
    for (const [item, location] of touched) this.levelChanged(s, item, location);
    return order;
  }

  updateProduct(
    shop: string,
    productId: string | bigint,
    patch: Partial<Pick<ProductRec, "title" | "vendor" | "status" | "tags" | "productType">>,
  ): ProductRec {
    const s = this.shop(shop);
    const product = this.product(s, productId);
    Object.assign(product, patch, { updatedAt: this.now() });
    this.emit("change", { kind: "product", shop: s, action: "update", product });
    return product;
  }

  /**
   * The merchant edits an inventory item in the admin (its unit cost, as on the variant's page):
   * Shopify sends inventory_items/update, and no products/update (the cost is not a product field).
   */
  updateInventoryItem(shop: string, inventoryItemId: string | bigint, patch: Partial<Pick<InventoryItemRec, "cost">>): InventoryItemRec {
    const s = this.shop(shop);
    const item = this.item(s, inventoryItemId);
    Object.assign(item, patch, { updatedAt: this.now() });
    this.emit("change", { kind: "inventory_item", shop: s, item });
    return item;
  }

  updateVariant(
    shop: string,
    variantId: string | bigint,
    patch: Partial<Pick<VariantRec, "sku" | "barcode" | "price" | "compareAtPrice" | "title">>,
  ): VariantRec {
    const s = this.shop(shop);
    const variant = this.variant(s, variantId);
    const now = this.now();
    Object.assign(variant, patch, { updatedAt: now });
    if (patch.sku !== undefined) Object.assign(variant.inventoryItem, { sku: patch.sku, updatedAt: now });
    variant.product.updatedAt = now;
    this.emit("change", { kind: "product", shop: s, action: "update", product: variant.product });
    return variant;
  }

  /**
   * The merchant (or a bundles app) gives a variant its bundle components in the admin, as
   * productVariantRelationshipBulkUpdate does: the variant then requires components, and an empty
   * list removes them (it no longer does). Refused as Shopify refuses it (the mutation's
   * ProductVariantRelationshipBulkUpdateUserErrorCode, Admin API 2026-10): CIRCULAR_REFERENCE,
   * DUPLICATE_PRODUCT_VARIANT_RELATIONSHIP, INVALID_QUANTITY (not above 0),
   * EXCEEDED_PRODUCT_VARIANT_RELATIONSHIP_LIMIT (over 30: "Each bundle variant can contain up to 30
   * component variants") and NESTED_PARENT_PRODUCT_VARIANT (a component that is a bundle, or a
   * bundle that is a component). The parent's product is updated: products/update follows, with
   * `has_variants_that_requires_components`; its payload names no components, so an app reads them
   * through the Admin API.
   */
  setVariantComponents(shop: string, variantId: string | bigint, components: { variantId: string | bigint; quantity: number }[]): VariantRec {
    const s = this.shop(shop);
    const parent = this.variant(s, variantId);
    const parts = components.map((c) => ({ variant: this.variant(s, c.variantId), quantity: c.quantity }));
    const refuse = (code: string, message: string): never => {
      throw new Error(`${code}: ${message}`);
    };
    if (parts.length > MAX_BUNDLE_COMPONENTS) refuse("EXCEEDED_PRODUCT_VARIANT_RELATIONSHIP_LIMIT", `at most ${MAX_BUNDLE_COMPONENTS} components`);
    if (parts.length > 0 && s.variants.some((v) => v.components?.some((c) => c.productVariant === parent)))
      refuse("NESTED_PARENT_PRODUCT_VARIANT", `variant ${parent.id} is a component of another bundle`);
    const seen = new Set<VariantRec>();
    for (const part of parts) {
      if (part.variant === parent) refuse("CIRCULAR_REFERENCE", "a parent product variant cannot contain itself as a component");
      if (seen.has(part.variant)) refuse("DUPLICATE_PRODUCT_VARIANT_RELATIONSHIP", `variant ${part.variant.id} is listed twice`);
      seen.add(part.variant);
      if (!Number.isInteger(part.quantity) || part.quantity <= 0) refuse("INVALID_QUANTITY", "quantity must be greater than 0");
      if (part.variant.requiresComponents) refuse("NESTED_PARENT_PRODUCT_VARIANT", `variant ${part.variant.id} is itself a bundle`);
    }
    const now = this.now();
    parent.components = parts.map((p) => ({ __typename: "ProductVariantComponent", id: s.nextId(), productVariant: p.variant, quantity: p.quantity }));
    parent.requiresComponents = parts.length > 0;
    parent.updatedAt = now;
    parent.product.updatedAt = now;
    this.emit("change", { kind: "product", shop: s, action: "update", product: parent.product });
    return parent;
  }

  createLocation(shop: string, input: { name: string; fulfillsOnlineOrders?: boolean; city?: string; countryCode?: string }): LocationRec {
    const s = this.shop(shop);
    const now = this.now();
    const location: LocationRec = {
      __typename: "Location",
      id: s.nextId(),
      name: input.name,
      isActive: true,
      fulfillsOnlineOrders: input.fulfillsOnlineOrders ?? true,
      address1: "1 New Street",
      city: input.city ?? "Berlin",
      countryCode: input.countryCode ?? "DE",
      zip: "10115",
      createdAt: now,
      updatedAt: now,
      slot: s.locations.reduce((max, l) => Math.max(max, l.slot + 1), 0),
    };
    s.locations.push(location);
    s.byId.set(location.id, location);
    this.emit("change", { kind: "location", shop: s, action: "create", location });
    return location;
  }

  updateLocation(shop: string, locationId: string | bigint, patch: Partial<Pick<LocationRec, "name" | "isActive" | "fulfillsOnlineOrders">>): LocationRec {
    const s = this.shop(shop);
    const location = this.location(s, locationId);
    Object.assign(location, patch, { updatedAt: this.now() });
    this.emit("change", { kind: "location", shop: s, action: "update", location });
    return location;
  }

  /** Removes a location (its levels go with it). Its slot stays reserved so other slots do not move. */
  deleteLocation(shop: string, locationId: string | bigint): void {
    const s = this.shop(shop);
    const location = this.location(s, locationId);
    s.locations = s.locations.filter((l) => l !== location);
    s.byId.delete(location.id);
    for (const item of s.items) item.levels[location.slot] = undefined;
    this.emit("change", { kind: "location", shop: s, action: "delete", location });
  }
}

/** A handle from a title, as the admin makes one (lower case, words joined by "-"), "-1", "-2"... when taken. */
function uniqueHandle(s: ShopState, from: string): string {
  const base =
    from
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "collection";
  const taken = new Set(s.collections.map((c) => c.handle));
  let handle = base;
  for (let n = 1; taken.has(handle); n++) handle = `${base}-${n}`;
  return handle;
}

function ruleMatches(rule: CollectionRuleRec, product: ProductRec): boolean {
  const condition = rule.condition.toLowerCase();
  // Shopify compares conditions without regard to case.
  const values =
    rule.column === "TAG" ? product.tags : rule.column === "TITLE" ? [product.title] : rule.column === "TYPE" ? [product.productType] : [product.vendor];
  const lower = values.map((v) => v.toLowerCase());
  switch (rule.relation) {
    case "EQUALS":
      return lower.includes(condition);
    case "NOT_EQUALS":
      return !lower.includes(condition);
    case "CONTAINS":
      return lower.some((v) => v.includes(condition));
    case "NOT_CONTAINS":
      return !lower.some((v) => v.includes(condition));
    case "STARTS_WITH":
      return lower.some((v) => v.startsWith(condition));
    case "ENDS_WITH":
      return lower.some((v) => v.endsWith(condition));
  }
}

/**
 * A collection's products now: a custom one's as added; a smart one's, every product its rules
 * match (all of them, or any when applied disjunctively), by id. A product whose tags change moves
 * in or out at once, with no collections/update (the topic's description: "Not fired when
 * attribute changes affect whether a product matches a collection's rules").
 */
export function collectionProducts(s: ShopState, collection: CollectionRec): ProductRec[] {
  const ruleSet = collection.ruleSet;
  if (!ruleSet) return collection.products;
  return s.products.filter((p) =>
    ruleSet.appliedDisjunctively ? ruleSet.rules.some((r) => ruleMatches(r, p)) : ruleSet.rules.every((r) => ruleMatches(r, p)),
  );
}

/** "Each bundle variant can contain up to 30 component variants" (productVariantRelationshipBulkUpdate, Admin API 2026-10). */
export const MAX_BUNDLE_COMPONENTS = 30;

/** Product.hasVariantsThatRequiresComponents, and products/* `has_variants_that_requires_components`. */
export const hasBundleVariants = (p: ProductRec): boolean => p.variants.some((v) => v.requiresComponents === true);

export const byIdAsc = <T extends { id: string }>(a: T, b: T): number => compareIds(a.id, b.id);
