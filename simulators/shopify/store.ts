// The simulated shops' state, and the state API tests use to change it behind the app's back.
// Every change emits an event; webhooks.ts turns events into deliveries.
import { EventEmitter } from "node:events";
import { generateCatalog, type CatalogSpec, DEFAULT_ID_BASE } from "./catalog";
import { compareIds, idOf, type ResourceType } from "./ids";
import type {
  AdjustmentGroupRec,
  BulkOperationRec,
  ExtraQuantityName,
  InventoryItemRec,
  LevelRec,
  LocationRec,
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
}

export interface ShopState {
  domain: string;
  accessToken: string;
  name: string;
  currencyCode: string;
  id: string;
  locations: LocationRec[];
  products: ProductRec[];
  variants: VariantRec[];
  items: InventoryItemRec[];
  orders: OrderRec[];
  byId: Map<string, LocationRec | ProductRec | VariantRec | InventoryItemRec>;
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
  | { kind: "order"; shop: ShopState; order: OrderRec };

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

export class Store extends EventEmitter<{ change: [StoreEvent] }> {
  readonly shops = new Map<string, ShopState>();
  now: () => number = Date.now;

  addShop(spec: ShopSpec): ShopState {
    const nextId = counter(spec.catalog?.idBase ?? DEFAULT_ID_BASE);
    const shopId = nextId();
    const catalog = generateCatalog(spec.catalog ?? { products: 0, variantsPerProduct: 1, locations: 1, seed: 1 }, nextId);
    const byId = new Map<string, LocationRec | ProductRec | VariantRec | InventoryItemRec>();
    for (const list of [catalog.locations, catalog.products, catalog.variants, catalog.items]) for (const r of list) byId.set(r.id, r);
    const state: ShopState = {
      domain: spec.domain,
      accessToken: spec.accessToken,
      name: spec.name ?? spec.domain.replace(/\.myshopify\.com$/, ""),
      currencyCode: spec.currencyCode ?? "EUR",
      id: shopId,
      ...catalog,
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
    const number = s.orders.length + 1001;
    const order: OrderRec = { id: s.nextId(), name: `#${number}`, number, createdAt: now, lines: [] };
    const touched: [InventoryItemRec, LocationRec][] = [];
    for (const line of lines) {
      const variant = this.variant(s, line.variantId);
      const item = variant.inventoryItem;
      const location =
        line.locationId !== undefined
          ? this.location(s, line.locationId)
          : s.locations.find((l) => l.isActive && item.levels[l.slot] && !item.levels[l.slot]!.inactive);
      if (!location) throw new Error(`Variant ${variant.id} is not stocked anywhere`);
      const level = (item.levels[location.slot] ??= { available: 0, committed: 0, updatedAt: now });
      applyDelta(level, "available", -line.quantity, now);
      applyDelta(level, "committed", line.quantity, now);
      order.lines.push({ id: s.nextId(), variant, quantity: line.quantity, location });
      touched.push([item, location]);
    }
    s.orders.push(order);
    this.emit("change", { kind: "order", shop: s, order });
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

export const byIdAsc = <T extends { id: string }>(a: T, b: T): number => compareIds(a.id, b.id);
